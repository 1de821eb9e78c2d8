using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Organizations;

public abstract partial class InvitationTests(AppFixture app)
{
    [Fact]
    public async Task Invite_SendsEmailWithLink_AndShowsTheSameLinkAndQrCode()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin, "Red de Defensoras");
        using var client = await app.SignedInAsync(admin);
        var invitee = TestData.Email("invitee");

        var (page, html, link) = await client.InviteAsync(orgId, invitee, OrgRole.FocalPoint);

        var mail = await app.Smtp.WaitForMessageToAsync(invitee);
        Assert.Equal(link, OrgKit.LinkIn(mail.TextBody ?? ""));
        Assert.Contains("e-mail with the link was sent", html, StringComparison.Ordinal);
        Assert.DoesNotContain(link.Split('/')[^1], page.OriginalString, StringComparison.Ordinal);
        var qrSrc = WebUtility.HtmlDecode(QrSource().Match(html).Groups[1].Value);
        using var qr = await client.Http.GetAsync(new Uri(qrSrc, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-store", qr.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var png = await qr.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x89, png[0]);
        Assert.Equal("PNG", System.Text.Encoding.ASCII.GetString(png, 1, 3));

        var (_, orgPage) = await client.GetAsync($"/organizations/{orgId}");
        Assert.Contains(invitee, orgPage, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEvents.InvitationCreated && e.OrganizationId == orgId)));
    }

    [Fact]
    public async Task AcceptingTheLink_CreatesAccountAndMembership_AndSignsIn()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin, "Colectivo Luz");
        using var adminClient = await app.SignedInAsync(admin);
        var invitee = TestData.Email("invitee");
        await adminClient.InviteAsync(orgId, invitee, OrgRole.FocalPoint);
        var link = OrgKit.LinkIn((await app.Smtp.WaitForMessageToAsync(invitee)).TextBody ?? "")!;

        using var newcomer = app.NewClient();
        var (status, invitationPage) = await newcomer.GetAsync(OrgKit.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Colectivo Luz", invitationPage, StringComparison.Ordinal);
        Assert.Contains("Security focal point", invitationPage, StringComparison.Ordinal);
        var accepted = await newcomer.AcceptAsync(link, "Lucía");

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/", accepted.Headers.Location!.OriginalString);
        var normalized = invitee.ToUpperInvariant();
        var user = await app.WithDbAsync(db => db.Users.SingleAsync(u => u.NormalizedEmail == normalized));
        Assert.Equal("Lucía", user.DisplayName);
        Assert.Equal(OrgRole.FocalPoint, await app.RoleAsync(orgId, user.Id));
        var (homeStatus, home) = await newcomer.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, homeStatus);
        Assert.Contains("Colectivo Luz", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync($"/organizations/{orgId}")).Status);
    }

    [Fact]
    public async Task Link_WorksOnce_SecondUseShowsTheInvalidPage()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);
        var (_, _, link) = await adminClient.InviteAsync(orgId, TestData.Email("invitee"));
        using var first = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await first.AcceptAsync(link)).StatusCode);
        var users = await app.CountAsync<Amparo.Web.Features.Accounts.User>();

        using var second = app.NewClient();
        var (status, html) = await second.GetAsync(OrgKit.PathOf(link));
        var again = await second.AcceptAsync(link, "Intruder");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(await InvalidPageAsync(), Normalize(html));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(users, await app.CountAsync<Amparo.Web.Features.Accounts.User>());
    }

    [Fact]
    public async Task ExpiredLink_ShowsTheInvalidPage()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);
        var (_, _, link) = await adminClient.InviteAsync(orgId, TestData.Email("invitee"));

        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        using var late = app.NewClient();
        var (status, html) = await late.GetAsync(OrgKit.PathOf(link));
        var accept = await late.AcceptAsync(link);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(await InvalidPageAsync(), Normalize(html));
        Assert.Equal(HttpStatusCode.NotFound, accept.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Memberships.CountAsync(m => m.OrganizationId == orgId && m.UserId != admin.Id)));
    }

    [Fact]
    public async Task RevokedLink_ShowsTheInvalidPage_AndTheRevocationIsAudited()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);
        var (_, _, link) = await adminClient.InviteAsync(orgId, TestData.Email("invitee"));
        var invitationId = await app.WithDbAsync(db => db.Invitations.Where(i => i.OrganizationId == orgId).Select(i => i.Id).SingleAsync());

        var revoke = await adminClient.OrgActionAsync(orgId, "Revoke", new() { ["invitationId"] = invitationId.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        using var visitor = app.NewClient();
        var (status, html) = await visitor.GetAsync(OrgKit.PathOf(link));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(await InvalidPageAsync(), Normalize(html));
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.AcceptAsync(link)).StatusCode);
        var audited = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Type == AuditEvents.InvitationRevoked && e.SubjectId == invitationId));
        Assert.Equal(admin.Id, audited.ActorId);
        Assert.Equal(orgId, audited.OrganizationId);
        Assert.DoesNotContain(invitationId.ToString(), (await adminClient.GetAsync($"/organizations/{orgId}")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QrCodeAndLinkPage_AreRefusedToEveryoneButTheInvitingAdmin()
    {
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var otherAdmin = await app.PersonAsync("otheradmin");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, member, OrgRole.FocalPoint);
        await app.OrganizationAsync(otherAdmin);
        using var adminClient = await app.SignedInAsync(admin);
        var (page, html, _) = await adminClient.InviteAsync(orgId, TestData.Email("invitee"));
        var qrSrc = WebUtility.HtmlDecode(QrSource().Match(html).Groups[1].Value);

        foreach (var who in new[] { member, otherAdmin })
        {
            using var client = await app.SignedInAsync(who);
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri(qrSrc, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(page)).StatusCode);
        }
        using var anonymous = app.NewClient();
        var response = await anonymous.Http.GetAsync(new Uri(qrSrc, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", OrgKit.PathOf(response.Headers.Location!), StringComparison.Ordinal);

        // A second admin of the same organization cannot use the first admin's page either: the link is bound to who invited.
        var secondAdmin = await app.PersonAsync("second");
        await app.AddMemberAsync(orgId, secondAdmin, OrgRole.OrgAdmin);
        using var secondClient = await app.SignedInAsync(secondAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await secondClient.Http.GetAsync(new Uri(qrSrc, UriKind.Relative))).StatusCode);
        Assert.DoesNotContain("/invitation/", (await secondClient.GetAsync(page.OriginalString)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedInPerson_WithTheInvitedAddress_JoinsWithOneButton()
    {
        var admin = await app.PersonAsync("admin");
        var existing = await app.PersonAsync("existing");
        var stranger = await app.PersonAsync("stranger");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);
        var (_, _, link) = await adminClient.InviteAsync(orgId, existing.Email);

        using var strangerClient = await app.SignedInAsync(stranger);
        var (_, strangerView) = await strangerClient.GetAsync(OrgKit.PathOf(link));
        Assert.Contains("different e-mail address", strangerView, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await strangerClient.PostFormAsync(OrgKit.PathOf(link), new Dictionary<string, string>(), OrgKit.PathOf(link) + "?handler=Join")).StatusCode);
        Assert.Null(await app.RoleAsync(orgId, stranger.Id));

        using var client = await app.SignedInAsync(existing);
        var joined = await client.PostFormAsync(OrgKit.PathOf(link), new Dictionary<string, string>(), OrgKit.PathOf(link) + "?handler=Join");

        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal($"/organizations/{orgId}", joined.Headers.Location!.OriginalString);
        Assert.Equal(OrgRole.Member, await app.RoleAsync(orgId, existing.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(OrgKit.PathOf(link))).Status);
    }

    [Fact]
    public async Task Accepting_WithMismatchedOrWeakPassphrase_ShowsErrors_AndKeepsTheLinkValid()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);
        var (_, _, link) = await adminClient.InviteAsync(orgId, TestData.Email("invitee"));
        using var client = app.NewClient();

        var differ = await client.PostFormAsync(OrgKit.PathOf(link), new Dictionary<string, string> { ["DisplayName"] = "A", ["Password"] = TestData.Passphrase, ["PasswordAgain"] = TestData.Passphrase + "x" });
        Assert.Equal(HttpStatusCode.OK, differ.StatusCode);
        Assert.Contains("not the same", await differ.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var weak = await client.AcceptAsync(link, "A", "short");
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("errors", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await client.AcceptAsync(link)).StatusCode);
    }

    [Fact]
    public async Task Accepting_StoresTheTimeZoneTheFormSuggests_ShowsIt_AndRefusesAnUnknownZone()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);
        var email = TestData.Email("zoned");
        var (_, _, link) = await adminClient.InviteAsync(orgId, email);
        using var client = app.NewClient();

        // The form shows the zone it will use (UTC without the script, which marks the list to pre-fill from the device).
        var (_, form) = await client.GetAsync(OrgKit.PathOf(link));
        Assert.Contains("data-suggest-zone=\"on\"", form, StringComparison.Ordinal);
        Assert.Matches("<option selected(=\"selected\")?>UTC</option>", form);

        Dictionary<string, string> Fields(string zone) => new() { ["DisplayName"] = "Zoned", ["Password"] = TestData.Passphrase, ["PasswordAgain"] = TestData.Passphrase, ["Language"] = "en", ["TimeZone"] = zone };
        var bogus = await client.PostFormAsync(OrgKit.PathOf(link), Fields("Mars/Olympus_Mons"));
        Assert.Equal(HttpStatusCode.OK, bogus.StatusCode);
        var bogusHtml = await bogus.Content.ReadAsStringAsync();
        Assert.Contains("Choose a time zone from the list.", bogusHtml, StringComparison.Ordinal);
        Assert.Contains("id=\"timezone-error\"", bogusHtml, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));

        var accepted = await client.PostFormAsync(OrgKit.PathOf(link), Fields("America/Bogota"));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("America/Bogota", await app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.TimeZone).SingleAsync()));
        var (_, profile) = await client.GetAsync("/account");
        Assert.Contains("<option selected=\"selected\">America/Bogota</option>", profile, StringComparison.Ordinal);
        var (_, sessions) = await client.GetAsync("/account/sessions");
        Assert.Contains("America/Bogota", sessions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUpThrottle_LimitsAcceptAttemptsPerAddress()
    {
        using var client = app.NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            statuses.Add((await client.AcceptAsync("http://localhost/invitation/unknown-token-" + i)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    /// <summary>The page for a link that never existed: used, expired and revoked links must look exactly like it.</summary>
    private async Task<string> InvalidPageAsync()
    {
        using var client = app.NewClient();
        var (status, html) = await client.GetAsync("/invitation/" + Amparo.Web.Infrastructure.Security.Tokens.NewUrlSafe());
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("not valid any more", html, StringComparison.Ordinal);
        return Normalize(html);
    }

    private static string Normalize(string html) => Regex.Replace(Regex.Replace(html, "value=\"[^\"]*\"", "value=\"\""), @"/invitation/[A-Za-z0-9_\-]+", "/invitation/x");

    [GeneratedRegex("<img class=\"qr\" src=\"([^\"]+)\"")]
    private static partial Regex QrSource();
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class InvitationTestsSqlite(SqliteApp app) : InvitationTests(app);
[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class InvitationTestsPostgres(PostgresApp app) : InvitationTests(app);

/// <summary>With the mail server unreachable the invitation still works: the admin is told, and gets the link to hand over.</summary>
public abstract class InvitationMailDownTests(AppFixture app)
{
    [Fact]
    public async Task MailFailure_IsSaidClearly_AndTheLinkIsStillShownAndWorks()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var adminClient = await app.SignedInAsync(admin);

        var (_, html, link) = await adminClient.InviteAsync(orgId, TestData.Email("invitee"));

        Assert.Contains("could not be sent", html, StringComparison.Ordinal);
        using var newcomer = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await newcomer.AcceptAsync(link)).StatusCode);
    }
}

public sealed class SqliteAppMailDown : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder) => builder.UseSetting("Smtp:Port", "1");
}

public sealed class PostgresAppMailDown : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
    protected override void ConfigureMore(IWebHostBuilder builder) => builder.UseSetting("Smtp:Port", "1");
}

public sealed class InvitationMailDownTestsSqlite(SqliteAppMailDown app) : InvitationMailDownTests(app), IClassFixture<SqliteAppMailDown>;
public sealed class InvitationMailDownTestsPostgres(PostgresAppMailDown app) : InvitationMailDownTests(app), IClassFixture<PostgresAppMailDown>;
