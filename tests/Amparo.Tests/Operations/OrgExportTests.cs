using System.IO.Compression;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Operations;

/// <summary>org export: an organization's own records in open formats, and nothing that belongs to its people alone.</summary>
[RunsLong]
public abstract class OrgExportTests : OperationsTestBase
{
    private sealed record Setup(Installation Site, Guid Org, Guid Admin, Guid Member, string AdminEmail, string MemberEmail, string InviteToken, string InviteHash, Guid Network, Guid OtherOrg);

    private async Task<Setup> SetUpAsync()
    {
        var site = NewInstallation();
        var adminEmail = TestData.Email("admin");
        var memberEmail = TestData.Email("member");
        var (org, admin) = await site.SeedAsync(adminEmail);
        var member = Guid.Parse(await site.MustAsync(["user", "create", "--email", memberEmail, "--name", "Wayra Mamani", "--org", org.ToString(), "--role", "focal-point", "--password-stdin"], TestData.Passphrase));
        await site.SetPhoneAsync(admin, "+59171234567");
        await site.SetPhoneAsync(member, "+59177654321");
        var network = Guid.Parse(await site.MustAsync(["network", "create", "--name", "Red Andina de Protección"]));
        await site.MustAsync(["network", "add-org", "--network", network.ToString(), "--org", org.ToString()]);
        await site.MustAsync(["network", "add-coordinator", "--network", network.ToString(), "--email", memberEmail]);
        var invite = await site.WithHostAsync(h => h.Get<OrganizationService>().InviteAsync(org, admin, "invited.person@example.org", OrgRole.Member));
        var other = Guid.Parse(await site.MustAsync(["org", "create", "--name", "Someone Else Entirely", "--kind", "grantmaker"]));
        await site.MustAsync(["user", "create", "--email", TestData.Email("other"), "--name", "Not In This Org", "--org", other.ToString(), "--role", "org-admin", "--password-stdin"], TestData.Passphrase);
        return new Setup(site, org, admin, member, adminEmail, memberEmail, invite!.Token, invite.Invitation.TokenHash, network, other);
    }

    private static Dictionary<string, string> ReadZip(string file)
    {
        using var zip = ZipFile.OpenRead(file);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }

    [Fact]
    public async Task Export_HoldsTheOrganizationItsMembersInvitationsNetworksAndAuditEvents()
    {
        var s = await SetUpAsync();
        var file = TempFile("org.zip");
        var result = await s.Site.RunAsync("org", "export", "--org", s.Org.ToString(), "--to", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(file, result.Line);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var files = ReadZip(file);
        Assert.Equal(["README.txt", "audit-events.json", "export.json", "invitations.json", "members.json", "networks.json", "organization.json"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("members.json", files["README.txt"], StringComparison.Ordinal);

        using var organization = JsonDocument.Parse(files["organization.json"]);
        Assert.Equal("Defenders of the River", organization.RootElement.GetProperty("name").GetString());
        Assert.Equal("civil-society", organization.RootElement.GetProperty("kind").GetString());

        using var members = JsonDocument.Parse(files["members.json"]);
        var byId = members.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("userId").GetGuid());
        Assert.Equal(2, byId.Count);
        Assert.Equal("Amaru Quispe", byId[s.Admin].GetProperty("displayName").GetString());
        Assert.Equal("org-admin", byId[s.Admin].GetProperty("role").GetString());
        Assert.Equal("focal-point", byId[s.Member].GetProperty("role").GetString());
        Assert.True(byId[s.Member].TryGetProperty("joinedAt", out _));

        using var invitations = JsonDocument.Parse(files["invitations.json"]);
        var invitation = Assert.Single(invitations.RootElement.EnumerateArray());
        Assert.Equal("invited.person@example.org", invitation.GetProperty("email").GetString());
        Assert.Equal("open", invitation.GetProperty("status").GetString());

        using var networks = JsonDocument.Parse(files["networks.json"]);
        var network = Assert.Single(networks.RootElement.EnumerateArray());
        Assert.Equal(s.Network, network.GetProperty("id").GetGuid());
        Assert.Equal([s.Member], network.GetProperty("coordinatorsFromThisOrganization").EnumerateArray().Select(x => x.GetGuid()));

        using var events = JsonDocument.Parse(files["audit-events.json"]);
        var types = events.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("org.created", types);
        Assert.Contains("org.member-joined", types);
        Assert.Contains("org.invitation-created", types);
    }

    [Fact]
    public async Task Export_LeavesOutContactDetailsEmailsTokensAndOtherOrganizations()
    {
        var s = await SetUpAsync();
        var file = TempFile("org.zip");
        await s.Site.MustAsync(["org", "export", "--org", s.Org.ToString(), "--to", file]);
        var everything = string.Join("\n", ReadZip(file).Values);
        foreach (var secret in new[] { "+59171234567", "59171234567", "+59177654321", s.AdminEmail, s.MemberEmail, s.InviteToken, s.InviteHash, "Someone Else Entirely", "Not In This Org", s.OtherOrg.ToString() })
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tokenHash", everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("phone", everything.Replace("phone and Signal numbers", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OrgList_PrintsEachOrganizationsIdKindAndName()
    {
        var s = await SetUpAsync();
        var lines = (await s.Site.MustAsync(["org", "list"])).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal([$"{s.Org}\tcivil-society\tDefenders of the River", $"{s.OtherOrg}\tgrantmaker\tSomeone Else Entirely"], lines);
    }

    [Fact]
    public async Task Export_IsAudited_ForThatOrganization()
    {
        var s = await SetUpAsync();
        await s.Site.MustAsync(["org", "export", "--org", s.Org.ToString(), "--to", TempFile("org.zip")]);
        var exported = await s.Site.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == "data.exported").Select(e => e.OrganizationId).ToListAsync());
        Assert.Equal([s.Org], exported);
    }

    [Fact]
    public async Task Export_OfUnknownOrganization_FailsAndWritesNoFile()
    {
        var s = await SetUpAsync();
        var file = TempFile("org.zip");
        var unknown = await s.Site.RunAsync("org", "export", "--org", Guid.NewGuid().ToString(), "--to", file);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No organization with id", unknown.Err, StringComparison.Ordinal);
        Assert.Equal("", unknown.Out);
        var badId = await s.Site.RunAsync("org", "export", "--org", "acme", "--to", file);
        Assert.Equal(1, badId.ExitCode);
        var noFile = await s.Site.RunAsync("org", "export", "--org", s.Org.ToString());
        Assert.Equal(1, noFile.ExitCode);
        Assert.Contains("--to is required", noFile.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".tmp"));
        Assert.Equal(0, await s.Site.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == "data.exported")));
    }

    [Fact]
    public async Task Export_DoesNotOverwriteAnExistingFile_UnlessForced()
    {
        var s = await SetUpAsync();
        var file = TempFile("org.zip");
        await File.WriteAllTextAsync(file, "keep me");
        var refused = await s.Site.RunAsync("org", "export", "--org", s.Org.ToString(), "--to", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file));
        await s.Site.MustAsync(["org", "export", "--org", s.Org.ToString(), "--to", file, "--force"]);
        Assert.Contains("members.json", ReadZip(file).Keys);
    }

    [Fact]
    public async Task APseudonym_IsInNoOrganizationExport_AndOnlyTheServerAdminsRecordedCommandResolvesIt()
    {
        var s = await SetUpAsync();
        // The network's coordinator (the member) holds a dialogue; the organization's admin takes part as "Garza Azul".
        var (dialogue, participant) = await s.Site.WithHostAsync(async h =>
        {
            var d = h.Get<Dialogues>();
            var now = h.Get<TimeProvider>().GetUtcNow().UtcDateTime;
            var id = (await d.CreateAsync(s.Member, s.Network, new DialogueInput("Cuidarse para cuidar", "Prácticas de cuidado.", ["es"], now.AddDays(1), now.AddDays(2), "UTC", false, []))).Id!.Value;
            await d.AddThreadAsync(s.Member, id, new ThreadInput("Hilo", "¿Qué funciona?", "", null, null, false));
            Assert.Equal(DialogueWriteStatus.Done, (await d.MoveAsync(s.Member, id, StageMove.Prepare, null)).Status);
            var joined = await d.JoinAsync(s.Admin, id, new JoinInput("Garza Azul", null, 0, false));
            Assert.Equal(DialogueWriteStatus.Done, joined.Status);
            return (id, joined.Id!.Value);
        });

        var file = TempFile("org.zip");
        await s.Site.MustAsync(["org", "export", "--org", s.Org.ToString(), "--to", file]);
        foreach (var text in ReadZip(file).Values)
        {
            Assert.DoesNotContain("Garza Azul", text, StringComparison.Ordinal);
            Assert.DoesNotContain(participant.ToString(), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(dialogue.ToString(), text, StringComparison.OrdinalIgnoreCase);
        }

        // Resolving takes a reason; with one, it names the account and is recorded in the server's trail, not the organization's.
        Assert.Equal(1, (await s.Site.RunAsync("dialogue", "resolve", "--dialogue", dialogue.ToString(), "--pseudonym", "Garza Azul")).ExitCode);
        Assert.Equal(1, (await s.Site.RunAsync("dialogue", "resolve", "--dialogue", dialogue.ToString(), "--pseudonym", "Garza Azul", "--reason", "porque")).ExitCode);
        Assert.Equal(1, (await s.Site.RunAsync("dialogue", "resolve", "--dialogue", dialogue.ToString(), "--pseudonym", "Nadie", "--reason", "Orden judicial 123/2026")).ExitCode);
        var resolved = await s.Site.RunAsync("dialogue", "resolve", "--dialogue", dialogue.ToString(), "--pseudonym", "garza azul", "--reason", "Orden judicial 123/2026");
        Assert.True(resolved.ExitCode == 0, resolved.ToString());
        Assert.Contains(s.AdminEmail, resolved.Line, StringComparison.Ordinal);
        var recorded = await s.Site.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Type == AuditEvents.PseudonymResolved).ToListAsync());
        var record = Assert.Single(recorded);
        Assert.Equal((participant, (Guid?)null), (record.SubjectId!.Value, record.OrganizationId));
        Assert.Contains("Orden judicial 123/2026", record.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Admin.ToString(), record.Detail, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class OrgExportTestsSqlite : OrgExportTests
{
    protected override string Provider => "Sqlite";
}

public sealed class OrgExportTestsPostgres : OrgExportTests
{
    protected override string Provider => "Postgres";
}
