using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>
/// org export: what an organization holds, as JSON files in a zip, for moving elsewhere or shutting down.
/// Nothing personal that a person has not shared is in it: no contact details, no e-mail addresses of members,
/// nothing encrypted under a person's key; invitation tokens are left out too.
/// </summary>
public static partial class AdminCommands
{
    private const string OrgExportHelp = """
        Writes a zip of JSON files with what the organization holds: the organization, its members (display names,
        roles, join dates), invitations (without their secret tokens), the networks it belongs to and its audit
        events, with a README.txt explaining each file. Members' contact details and e-mail addresses are not
        included: they belong to each person. --force replaces an existing FILE. Prints the path of the file.
        """;

    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static async Task<int> OrgExportAsync(CommandContext c)
    {
        var orgId = c.RequiredGuid("org");
        var to = c.RequiredPath("to");
        var force = c.Flag("force");
        if (Directory.Exists(to)) throw new CommandException($"{to} is a directory; give a file name.");
        if (File.Exists(to) && !force) throw new CommandException($"{to} exists already. Choose another name, or add --force to replace it.");
        var folder = Path.GetDirectoryName(to)!;
        if (!Directory.Exists(folder)) throw new CommandException($"The folder {folder} does not exist.");

        await using var host = c.Host();
        host.RequireMasterKey();
        await host.RequireDatabaseAsync();
        var db = host.Db;
        await host.MigrateAsync();
        var org = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orgId)
            ?? throw new CommandException($"No organization with id {orgId}.");

        var members = await db.Memberships.AsNoTracking().Where(m => m.OrganizationId == orgId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.UserId, u.DisplayName, m.Role, m.JoinedAt })
            .OrderBy(m => m.JoinedAt).ToListAsync();
        var invitations = await db.Invitations.AsNoTracking().Where(i => i.OrganizationId == orgId).OrderBy(i => i.CreatedAt).ToListAsync();
        var networkIds = await db.NetworkOrganizations.Where(n => n.OrganizationId == orgId).Select(n => n.NetworkId).ToListAsync();
        var networks = await db.Networks.AsNoTracking().Where(n => networkIds.Contains(n.Id)).OrderBy(n => n.CreatedAt).ToListAsync();
        var memberIds = members.Select(m => m.UserId).ToList();
        var coordinators = await db.NetworkCoordinators.AsNoTracking()
            .Where(x => networkIds.Contains(x.NetworkId) && memberIds.Contains(x.UserId)).ToListAsync();
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == orgId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync();
        var now = host.Get<TimeProvider>().GetUtcNow().UtcDateTime;

        var files = new Dictionary<string, object>
        {
            ["export.json"] = new { formatVersion = 1, exportedAt = now, organizationId = org.Id, amparoVersion = AmparoVersion },
            ["organization.json"] = new { org.Id, org.Name, kind = KindName(org.Kind), org.RequireTwoFactorForStaff, org.CreatedAt, org.DataKeyId },
            ["members.json"] = members.Select(m => new { m.UserId, m.DisplayName, role = RoleName(m.Role), m.JoinedAt }),
            ["invitations.json"] = invitations.Select(i => new
            {
                i.Id, i.Email, role = RoleName(i.Role), invitedBy = i.InvitedBy, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt,
                status = i.AcceptedAt is not null ? "accepted" : i.RevokedAt is not null ? "revoked" : i.ExpiresAt <= now ? "expired" : "open",
            }),
            ["networks.json"] = networks.Select(n => new
            {
                n.Id, n.Name, n.CreatedAt,
                coordinatorsFromThisOrganization = coordinators.Where(x => x.NetworkId == n.Id).Select(x => x.UserId),
            }),
            ["audit-events.json"] = events.Select(e => new { e.Id, e.At, e.Type, e.ActorId, e.SubjectId, e.Detail }),
        };

        var tmp = to + ".tmp";
        File.Delete(tmp);
        try
        {
            await using (var file = new FileStream(tmp, PrivateCreate()))
            {
                using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
                {
                    await WriteEntryAsync(zip, "README.txt", Encoding.UTF8.GetBytes(ExportReadme(org, now)));
                    foreach (var (name, content) in files)
                        await WriteEntryAsync(zip, name, JsonSerializer.SerializeToUtf8Bytes(content, ExportJson));
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, to, overwrite: force);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }

        await host.Get<AuditLog>().WriteAsync(AuditEvents.DataExported, null, organizationId: orgId, detail: "org-export");
        c.Err.WriteLine($"Exported: {members.Count} members, {invitations.Count} invitations, {networks.Count} networks, {events.Count} audit events. The file holds members' names: keep it safe.");
        c.Out.WriteLine(to);
        return 0;
    }

    private const string OrgDeleteHelp = """
        Deletes the organization for good: its data key is destroyed (what was encrypted with it can never be read
        again, in backups too) and recorded in keys/destroyed-keys.txt, so a restore of an older backup deletes it
        again; its memberships, invitations and network links go with it. The people stay (they may belong elsewhere).
        --name must repeat the organization's exact name, as a check that the id is the intended one. Export it first
        (org export) if its records must be kept.
        """;

    private static async Task<int> OrgDeleteAsync(CommandContext c)
    {
        var orgId = c.RequiredGuid("org");
        var name = c.Required("name");
        await using var host = c.Host();
        host.RequireMasterKey();
        await host.RequireDatabaseAsync();
        await host.MigrateAsync();
        var org = await host.Db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orgId)
            ?? throw new CommandException($"No organization with id {orgId}.");
        if (!string.Equals(org.Name, name.Trim(), StringComparison.Ordinal))
            throw new CommandException("--name is not the name of this organization (see org list). Nothing was deleted.");
        if (!await host.Get<OrganizationService>().DeleteAsync(orgId, null)) throw new CommandException($"No organization with id {orgId}.");
        c.Err.WriteLine($"Deleted the organization {org.Name}; its data key is destroyed and recorded in {host.Get<Security.MasterKey>().LedgerFile}.");
        return 0;
    }

    private const string OrgListHelp = """
        Prints one line per organization: its id, a tab, its kind and its name (for org export, or to find an id).
        """;

    private static async Task<int> OrgListAsync(CommandContext c)
    {
        await using var host = c.Host();
        await host.RequireDatabaseAsync();
        var db = host.Db;
        await host.MigrateAsync();
        var orgs = await db.Organizations.AsNoTracking().OrderBy(o => o.CreatedAt).Select(o => new { o.Id, o.Kind, o.Name }).ToListAsync();
        foreach (var o in orgs) c.Out.WriteLine($"{o.Id}\t{KindName(o.Kind)}\t{o.Name}");
        c.Err.WriteLine($"{orgs.Count} organizations.");
        return 0;
    }

    private static string KindName(OrganizationKind kind) => kind switch
    {
        OrganizationKind.CivilSociety => "civil-society",
        OrganizationKind.Grantmaker => "grantmaker",
        OrganizationKind.Practitioner => "practitioner",
    };

    private static string RoleName(OrgRole role) => role switch
    {
        OrgRole.Member => "member",
        OrgRole.FocalPoint => "focal-point",
        OrgRole.OrgAdmin => "org-admin",
    };

    private static string ExportReadme(Organization org, DateTime now) => $"""
        Amparo organization export
        ==========================

        Organization id: {org.Id}
        Exported at:     {now:yyyy-MM-dd HH:mm:ss} UTC

        What an organization holds in Amparo, in plain JSON (UTF-8), so it can be read by any program, moved to
        another system, or kept when this installation is shut down. Times are UTC in ISO 8601. People are named by
        their internal id (userId); members.json gives the display name for each member.

        export.json        when and by which Amparo version this export was made
        organization.json  the organization: name, kind (civil-society, grantmaker or practitioner), whether
                           focal points and admins must use two-factor sign-in, when it was created, and the id
                           of its data key (dataKeyId)
        members.json       each member: userId, display name, role (member, focal-point or org-admin), join date
        invitations.json   invitations sent: e-mail address invited, role offered, who invited (userId), when,
                           until when it was valid, and whether it was accepted, revoked, expired or is open.
                           The secret part of invitation links is not included.
        networks.json      networks this organization belongs to, and which of its members coordinate them
        audit-events.json  security events about this organization (joins, role changes, removals, invitations,
                           exports...): time, event type, who acted and on whom (userIds), a short detail

        What the organization keeps encrypted in Amparo under its own data key is written here decrypted, so that
        it can be read elsewhere. The key itself is not in this file: it is useless without this installation's
        database and master key, and the installation's backups carry it. dataKeyId only names it (deleting the
        organization destroys that key and records the id in the installation's destroyed-key ledger).

        Not included, on purpose: members' e-mail addresses, phone and Signal numbers, and anything else a person
        keeps in Amparo for themselves. That belongs to each person, who can export their own data from their
        profile. Ask members directly if you need to reach them somewhere else.

        This file holds names of people who may be at risk. Keep it encrypted, share it only with those who need it,
        and delete it when it is no longer needed.
        """;
}
