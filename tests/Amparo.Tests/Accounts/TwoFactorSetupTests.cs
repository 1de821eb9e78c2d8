using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Accounts;

public abstract class TwoFactorSetupTests(AppFixture app)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task FullSetup_ThenSignInNeedsCode_RecoveryCodeWorksOnce_ReplayedCodeIsRefused()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var (secret, recovery) = await app.EnableTwoFactorAsync(client);
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.TwoFactorEnabled, user.Id));
        // The codes are shown once: the page does not show them again.
        var (_, again) = await client.GetAsync("/account/security");
        Assert.Empty(AccountSteps.RecoveryCodes(again));

        // The passphrase alone no longer opens the account.
        using var second = app.NewClient();
        var signIn = await second.SignInAsync(user.Email!);
        Assert.StartsWith("/account/two-factor", signIn.LocationPath(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await second.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);

        app.NextTotpStep();
        var code = app.CodeNow(secret);
        var ok = await second.PostFormAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/account")).Status);

        // The same code a second time (someone looking over a shoulder) does not work.
        using var replay = app.NewClient();
        await replay.SignInAsync(user.Email!);
        var replayed = await replay.PostFormAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("not right or was already used", await replayed.BodyAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);

        // A recovery code works once.
        using var third = app.NewClient();
        await third.SignInAsync(user.Email!);
        Assert.Equal(HttpStatusCode.Redirect, (await third.PostFormAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = recovery[3] })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/account")).Status);
        using var fourth = app.NewClient();
        await fourth.SignInAsync(user.Email!);
        var reused = await fourth.PostFormAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = recovery[3] });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await fourth.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task WrongFirstCode_OrWrongPassphrase_LeavesTwoFactorOff()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var secret = await client.BeginTwoFactorAsync();
        var wrong = app.CodeNow(secret) == "000000" ? "111111" : "000000";
        var response = await client.PostFormAsync("/account/security", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase, ["Code"] = wrong }, "/account/security?handler=Confirm");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"confirm-code-error\"", await response.BodyAsync(), StringComparison.Ordinal);
        // A stolen session alone (no passphrase) cannot turn it on either, even with the right code.
        var noPassphrase = await client.PostFormAsync("/account/security", new Dictionary<string, string> { ["Passphrase"] = "guessing the passphrase", ["Code"] = app.CodeNow(secret) }, "/account/security?handler=Confirm");
        Assert.Equal(HttpStatusCode.BadRequest, noPassphrase.StatusCode);
        Assert.Contains("id=\"confirm-passphrase-error\"", await noPassphrase.BodyAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.RecoveryCodes.CountAsync(r => r.UserId == user.Id)));
    }

    [Fact]
    public async Task QrCode_IsAPngFromAmparo_NotCached_OnlyForItsOwner_AndOnlyDuringSetup()
    {
        var (_, client) = await app.SignedInPersonAsync();
        using var _c = client;
        // No setup started: nothing to show.
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri("/account/security?handler=Qr", UriKind.Relative))).StatusCode);

        var secret = await client.BeginTwoFactorAsync();
        var (_, page) = await client.GetAsync("/account/security");
        Assert.Contains("src=\"/account/security?handler=Qr\"", page, StringComparison.Ordinal);
        using var qr = await client.Http.GetAsync(new Uri("/account/security?handler=Qr", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType!.MediaType);
        Assert.True(qr.Headers.CacheControl!.NoStore);
        var bytes = await qr.Content.ReadAsByteArrayAsync();
        Assert.Equal(PngSignature, bytes[..8]);

        // Someone else, signed in or not, does not get this person's code.
        using var stranger = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.Http.GetAsync(new Uri("/account/security?handler=Qr", UriKind.Relative))).StatusCode);
        var (_, other) = await app.SignedInPersonAsync();
        using var _o = other;
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(new Uri("/account/security?handler=Qr", UriKind.Relative))).StatusCode);

        // Once two-factor is on, the secret is not shown again.
        var confirm = await client.PostFormAsync("/account/security", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase, ["Code"] = app.CodeNow(secret) }, "/account/security?handler=Confirm");
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri("/account/security?handler=Qr", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain(TwoFactorGrouped(secret), (await client.GetAsync("/account/security")).Html, StringComparison.Ordinal);
    }

    private static string TwoFactorGrouped(string secret) => Amparo.Web.Features.Accounts.TwoFactorQr.Grouped(secret);

    [Fact]
    public async Task NewRecoveryCodes_NeedACurrentCode_AndReplaceTheOldOnes()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var (secret, oldCodes) = await app.EnableTwoFactorAsync(client);

        var refused = await client.PostFormAsync("/account/security", new Dictionary<string, string> { ["Code"] = "123" }, "/account/security?handler=RecoveryCodes");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty(AccountSteps.RecoveryCodes(await refused.BodyAsync()));

        app.NextTotpStep();
        var made = await client.PostFormAsync("/account/security", new Dictionary<string, string> { ["Code"] = app.CodeNow(secret) }, "/account/security?handler=RecoveryCodes");
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var newCodes = AccountSteps.RecoveryCodes(await made.BodyAsync());
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.RecoveryCodesRegenerated, user.Id));

        using var old = app.NewClient();
        await old.SignInAsync(user.Email!);
        Assert.Equal(HttpStatusCode.OK, (await old.PostFormAsync("/account/two-factor", new Dictionary<string, string> { ["Code"] = oldCodes[0] })).StatusCode);
    }

    [Fact]
    public async Task TurningOff_NeedsPassphraseAndCode()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var (secret, _) = await app.EnableTwoFactorAsync(client);
        app.NextTotpStep();

        var wrongPassphrase = await client.PostFormAsync("/account/security",
            new Dictionary<string, string> { ["Passphrase"] = "not my passphrase at all", ["Code"] = app.CodeNow(secret) }, "/account/security?handler=Disable");
        Assert.Equal(HttpStatusCode.BadRequest, wrongPassphrase.StatusCode);
        var noCode = await client.PostFormAsync("/account/security",
            new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase, ["Code"] = "" }, "/account/security?handler=Disable");
        Assert.Equal(HttpStatusCode.BadRequest, noCode.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));

        var off = await client.PostFormAsync("/account/security",
            new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase, ["Code"] = app.CodeNow(secret) }, "/account/security?handler=Disable");
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.False(saved.TwoFactorEnabled);
        Assert.Null(saved.TotpSecretCipher);
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.TwoFactorDisabled, user.Id));
        using var again = app.NewClient();
        Assert.Equal("/", (await again.SignInAsync(user.Email!)).LocationPath());
    }

    [Fact]
    public async Task ChangingPassphrase_EndsOtherSessionsAndTokens_KeepsThisOne_AndIsAudited()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        using var other = await app.SignedInClientAsync(user.Email!);
        using var tokenResponse = await other.PostJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestData.Passphrase });
        var token = (await System.Text.Json.JsonDocument.ParseAsync(await tokenResponse.Content.ReadAsStreamAsync())).RootElement.GetProperty("accessToken").GetString()!;
        const string next = "copper kettle whistles at dawn";

        var response = await client.PostFormAsync("/account/security", new Dictionary<string, string>
        {
            ["CurrentPassphrase"] = TestData.Passphrase, ["NewPassphrase"] = next, ["RepeatPassphrase"] = next,
        }, "/account/security?handler=Passphrase");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.PasswordChanged, user.Id));
        using var fresh = app.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await fresh.SignInAsync(user.Email!)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.SignInAsync(user.Email!, next)).StatusCode);
    }

    [Theory]
    [InlineData("wrong current passphrase", "copper kettle whistles at dawn", "copper kettle whistles at dawn", "current-passphrase-error")]
    [InlineData(TestData.Passphrase, "short", "short", "new-passphrase-error")]
    [InlineData(TestData.Passphrase, "password1234", "password1234", "new-passphrase-error")]
    [InlineData(TestData.Passphrase, "copper kettle whistles at dawn", "copper kettle whistles at noon", "repeat-passphrase-error")]
    public async Task BadPassphraseChange_IsRefusedAtTheField_AndNothingChanges(string current, string next, string repeat, string errorId)
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        using var other = await app.SignedInClientAsync(user.Email!);
        var hash = await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync());
        var response = await client.PostFormAsync("/account/security", new Dictionary<string, string>
        {
            ["CurrentPassphrase"] = current, ["NewPassphrase"] = next, ["RepeatPassphrase"] = repeat,
        }, "/account/security?handler=Passphrase");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"id=\"{errorId}\"", await response.BodyAsync(), StringComparison.Ordinal);
        Assert.Equal(hash, await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/account")).Status);
    }

    [Fact]
    public async Task PassphraseGuessing_WithAStolenSession_IsLimited()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        const string next = "copper kettle whistles at dawn";
        Dictionary<string, string> Attempt(string current) => new() { ["CurrentPassphrase"] = current, ["NewPassphrase"] = next, ["RepeatPassphrase"] = next };
        for (var i = 0; i < 25; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostFormAsync("/account/security", Attempt($"guess number {i:D2}"), "/account/security?handler=Passphrase")).StatusCode);

        var right = await client.PostFormAsync("/account/security", Attempt(TestData.Passphrase), "/account/security?handler=Passphrase");
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(0, await app.AuditCountAsync(AuditEvents.PasswordChanged, user.Id));
    }

    [Fact]
    public async Task OrganizationRequirement_SendsStaffWithoutTwoFactorToSecurity_UntilTheyTurnItOn()
    {
        var org = await app.OrganizationAsync("Requires 2FA", requireTwoFactor: true);
        var (focal, client) = await app.SignedInPersonAsync();
        using var _c = client;
        await app.AddMemberAsync(org, focal.Id, OrgRole.FocalPoint);

        var home = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/account/security?required=1", home.LocationPath());
        var (status, security) = await client.GetAsync("/account/security?required=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("asks you to turn on two-step sign-in", security, StringComparison.Ordinal);

        // What stays open: account pages, the quick exit, static files, the language switch, the API.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/sharing")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/weather")).Status);
        // Quick exit itself, in another browser of theirs: signed out and sent to the neutral page, never to the security page.
        using (var other = await app.SignedInClientAsync(focal.Email!))
        {
            using var exit = await other.Http.GetAsync(new Uri("/exit", UriKind.Relative));
            Assert.Equal("/weather", exit.LocationPath());
            Assert.True(exit.Headers.Contains("Clear-Site-Data"));
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/css/site.css")).Status);
        var language = await client.PostFormAsync("/account", new Dictionary<string, string> { ["language"] = "fr", ["returnUrl"] = "/account" }, "/language");
        Assert.Equal("/account", language.LocationPath());
        using var tokenResponse = await client.PostJsonAsync("/api/v1/auth/token", new { email = focal.Email, password = TestData.Passphrase });
        var token = (await System.Text.Json.JsonDocument.ParseAsync(await tokenResponse.Content.ReadAsStreamAsync())).RootElement.GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);

        await app.EnableTwoFactorAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).Status);
    }

    [Fact]
    public async Task OrganizationRequirement_DoesNotApplyToMembers_OrToStaffOfOtherOrganizations()
    {
        var requiring = await app.OrganizationAsync("Requires 2FA for staff", requireTwoFactor: true);
        var relaxed = await app.OrganizationAsync("Does not require");
        var (member, memberClient) = await app.SignedInPersonAsync();
        var (admin, adminClient) = await app.SignedInPersonAsync();
        using var _m = memberClient;
        using var _a = adminClient;
        await app.AddMemberAsync(requiring, member.Id, OrgRole.Member);
        await app.AddMemberAsync(relaxed, admin.Id, OrgRole.OrgAdmin);
        Assert.Equal(HttpStatusCode.OK, (await memberClient.GetAsync("/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync("/")).Status);

        // The admin becomes admin of the requiring organization too: now the rule applies.
        await app.AddMemberAsync(requiring, admin.Id, OrgRole.OrgAdmin);
        var home = await adminClient.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/account/security?required=1", home.LocationPath());
    }
}

[Collection(nameof(SharedHosts.AccountsOnSqlite))]
public sealed class TwoFactorSetupTestsSqlite(SqliteApp app) : TwoFactorSetupTests(app);
// SQLite only (suite time, issue 8): TOTP, recovery codes and passphrase rules are ASP.NET Core Identity's code over one user row. PostgreSQL still gets every page and form of these from the fuzzers.
