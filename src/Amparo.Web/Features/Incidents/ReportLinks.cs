using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>A report link as its organization's staff list it: the secret itself is never shown again.</summary>
public sealed record ReportLinkView(Guid Id, string? Label, DateTime CreatedAt, DateTime? RevokedAt, int Reports, int AwaitingReview);

/// <summary>
/// An organization's report links and its incident choices, for its staff (admins and focal points, the audience rule's
/// <see cref="AccessPath.OrganizationStaff"/>). Anyone else gets null or false: the organization's links are not theirs to see.
/// </summary>
public sealed class ReportLinks(AmparoDbContext db, FieldCipher cipher, TimeProvider clock, AuditLog audit)
{
    public const string CreatedEvent = "incident.link-created", RevokedEvent = "incident.link-revoked", SettingsEvent = "incident.settings";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Whether the viewer follows up the organization's reports (and it is not a grantmaker, which holds none).</summary>
    public async Task<bool> IsStaffAsync(Guid viewer, Guid organizationId, CancellationToken ct = default) =>
        await db.Organizations.AnyAsync(o => o.Id == organizationId && o.Kind != OrganizationKind.Grantmaker, ct)
        && await Access.AudienceOf(organizationId, DataCategory.OrganizationIncidents, AccessSources.Of(db, clock), AccessPath.OrganizationStaff).AnyAsync(v => v == viewer, ct);

    public async Task<List<ReportLinkView>?> ListAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (!await IsStaffAsync(viewer, organizationId, ct)) return null;
        var rows = await db.IncidentReportLinks.AsNoTracking().Where(l => l.OrganizationId == organizationId).OrderByDescending(l => l.CreatedAt)
            .Select(l => new
            {
                l.Id, l.LabelCipher, l.CreatedAt, l.RevokedAt,
                Reports = db.Incidents.Count(i => i.LinkId == l.Id),
                Awaiting = db.Incidents.Count(i => i.LinkId == l.Id && i.AwaitingReview),
            }).ToListAsync(ct);
        var key = await OrganizationKeys.KeyIdAsync(db, organizationId, ct);
        var views = new List<ReportLinkView>(rows.Count);
        foreach (var r in rows)
            views.Add(new(r.Id, await cipher.DecryptAsync(db, key, r.LabelCipher, IncidentReportLink.Table, nameof(IncidentReportLink.LabelCipher), r.Id, ct),
                r.CreatedAt, r.RevokedAt, r.Reports, r.Awaiting));
        return views;
    }

    /// <summary>
    /// A new link: returns its secret (shown once; only its hash is kept). Null when the viewer is not the organization's
    /// staff; <paramref name="invalid"/> when the label is not acceptable text.
    /// </summary>
    public async Task<string?> CreateAsync(Guid viewer, Guid organizationId, string? label, Action invalid, CancellationToken ct = default)
    {
        if (!await IsStaffAsync(viewer, organizationId, ct)) return null;
        var clean = IncidentRules.Clean(label);
        if (clean is null || Infrastructure.Validation.IsUnacceptableText(clean, IncidentReportLink.MaxLabel))
        {
            invalid();
            return null;
        }
        var token = Tokens.NewUrlSafe();
        var link = new IncidentReportLink { Id = Guid.NewGuid(), OrganizationId = organizationId, TokenHash = Tokens.Hash(token), CreatedById = viewer, CreatedAt = Now };
        link.LabelCipher = await cipher.EncryptAsync(db, await OrganizationKeys.KeyIdAsync(db, organizationId, ct), clean,
            IncidentReportLink.Table, nameof(IncidentReportLink.LabelCipher), link.Id, ct);
        db.IncidentReportLinks.Add(link);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(CreatedEvent, viewer, link.Id, organizationId, "", ct);
        return token;
    }

    /// <summary>Revokes a link at once (it answers 404 from now on); the reports it brought stay. False: not found for this viewer.</summary>
    public async Task<bool> RevokeAsync(Guid viewer, Guid organizationId, Guid linkId, CancellationToken ct = default)
    {
        if (!await IsStaffAsync(viewer, organizationId, ct)) return false;
        var now = Now;
        var changed = await db.IncidentReportLinks.Where(l => l.Id == linkId && l.OrganizationId == organizationId && l.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), ct);
        if (changed == 0) return await db.IncidentReportLinks.AnyAsync(l => l.Id == linkId && l.OrganizationId == organizationId, ct);
        await audit.WriteAsync(RevokedEvent, viewer, linkId, organizationId, "", ct);
        return true;
    }

    /// <summary>Days the organization keeps reports' precise points (0: none), for its staff; null for anyone else.</summary>
    public async Task<int?> KeepPointDaysAsync(Guid viewer, Guid organizationId, CancellationToken ct = default) =>
        await IsStaffAsync(viewer, organizationId, ct)
            ? await db.IncidentSettings.Where(s => s.OrganizationId == organizationId).Select(s => s.KeepPointDays).SingleOrDefaultAsync(ct)
            : null;

    /// <summary>
    /// The organization's admins choose to keep precise points for 1 to <see cref="IncidentSettings.MaxKeepPointDays"/> days, or
    /// none (0). It applies to reports written from now on; audited. NotFound: not an admin; Invalid: out of range.
    /// </summary>
    public async Task<IncidentWriteStatus> SetKeepPointDaysAsync(Guid viewer, Guid organizationId, int days, CancellationToken ct = default)
    {
        if (!await IsStaffAsync(viewer, organizationId, ct)
            || !await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == viewer && m.Role == OrgRole.OrgAdmin, ct))
            return IncidentWriteStatus.NotFound;
        if (days is < 0 or > IncidentSettings.MaxKeepPointDays) return IncidentWriteStatus.Invalid;
        var row = await db.IncidentSettings.SingleOrDefaultAsync(s => s.OrganizationId == organizationId, ct);
        if (row is null) db.IncidentSettings.Add(row = new IncidentSettings { OrganizationId = organizationId });
        if (row.KeepPointDays == days && db.Entry(row).State != EntityState.Added) return IncidentWriteStatus.Done;
        row.KeepPointDays = days;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) when (db.Entry(row).State == EntityState.Added)
        {
            // Another admin saved the organization's first choice at the same moment: this one is the later choice.
            db.ChangeTracker.Clear();
            await db.IncidentSettings.Where(s => s.OrganizationId == organizationId).ExecuteUpdateAsync(s => s.SetProperty(x => x.KeepPointDays, days), ct);
        }
        await audit.WriteAsync(SettingsEvent, viewer, organizationId, organizationId, $"keep-point-days:{days}", ct);
        return IncidentWriteStatus.Done;
    }
}
