using System.Net;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Accounts;

public abstract class AccountSessionsTests(AppFixture app)
{
    private Task<List<Guid>> SessionIdsAsync(Guid userId) =>
        app.WithDbAsync(db => db.Sessions.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync());

    private static async Task<string> TokenAsync(TestClient client, string email)
    {
        using var response = await client.PostJsonAsync("/api/v1/auth/token", new { email, password = TestData.Passphrase, name = "Field phone" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    private static int Count(string html, string what) => html.Split(what).Length - 1;

    private static Task<HttpResponseMessage> EndSessionAsync(TestClient client, Guid id) =>
        client.PostFormAsync("/account/sessions", new Dictionary<string, string> { ["id"] = id.ToString() }, "/account/sessions?handler=EndSession");

    [Fact]
    public async Task List_ShowsMyBrowsersAndTokens_WithThisOneMarked()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        using var other = await app.SignedInClientAsync(user.Email!);
        await TokenAsync(other, user.Email!);
        var (status, html) = await client.GetAsync("/account/sessions");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, Count(html, "name=\"id\"")); // two browsers and one token, each with "end this one"
        Assert.Equal(1, Count(html, "· this browser</strong>"));
        Assert.Contains("Field phone", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsTimesInMyTimeZone()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, "Asia/Kathmandu")));
        var created = await app.WithDbAsync(db => db.Sessions.Where(s => s.UserId == user.Id).Select(s => s.CreatedAt).SingleAsync());
        var kathmandu = TimeZoneInfo.ConvertTimeFromUtc(created, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kathmandu"));
        var (_, html) = await client.GetAsync("/account/sessions");
        // Kathmandu is UTC+5:45, so its minutes differ from UTC's.
        Assert.Contains(kathmandu.ToString("h:mm", System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        Assert.DoesNotContain(created.ToString("h:mm", System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        Assert.Contains("Asia/Kathmandu", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndingAnotherOfMySessions_SignsThatBrowserOutOnItsNextRequest()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var mine = await SessionIdsAsync(user.Id);
        using var other = await app.SignedInClientAsync(user.Email!);
        var otherId = (await SessionIdsAsync(user.Id)).Except(mine).Single();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/account")).Status);

        var response = await EndSessionAsync(client, otherId);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var next = await other.Http.GetAsync(new Uri("/account", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith("/account/sign-in", next.LocationPath(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.SessionEnded, user.Id));
    }

    [Fact]
    public async Task EndingThisSession_SignsThisBrowserOut_AndClearsSiteData()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var response = await EndSessionAsync(client, (await SessionIdsAsync(user.Id)).Single());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(response.Headers.Contains("Clear-Site-Data"));
        Assert.Empty(await SessionIdsAsync(user.Id));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task EndingSomeoneElsesSession_IsNotFound_AndTheyStaySignedIn()
    {
        var (victim, victimClient) = await app.SignedInPersonAsync();
        var (attacker, attackerClient) = await app.SignedInPersonAsync();
        using var _v = victimClient;
        using var _a = attackerClient;
        var victimSession = (await SessionIdsAsync(victim.Id)).Single();

        var response = await EndSessionAsync(attackerClient, victimSession);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single(await SessionIdsAsync(victim.Id));
        Assert.Equal(HttpStatusCode.OK, (await victimClient.GetAsync("/account")).Status);
        Assert.Equal(HttpStatusCode.OK, (await attackerClient.GetAsync("/account")).Status);
        Assert.Equal(0, await app.AuditCountAsync(AuditEvents.SessionEnded, attacker.Id));
        // Nor does the victim's session appear on the attacker's list.
        Assert.DoesNotContain(victimSession.ToString(), (await attackerClient.GetAsync("/account/sessions")).Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EndingSomeoneElsesToken_IsNotFound_AndTheTokenStillWorks()
    {
        var (victim, victimClient) = await app.SignedInPersonAsync();
        var (_, attackerClient) = await app.SignedInPersonAsync();
        using var _v = victimClient;
        using var _a = attackerClient;
        var token = await TokenAsync(victimClient, victim.Email!);
        var tokenId = await app.WithDbAsync(db => db.ApiTokens.Where(t => t.UserId == victim.Id).Select(t => t.Id).SingleAsync());

        var response = await attackerClient.PostFormAsync("/account/sessions", new Dictionary<string, string> { ["id"] = tokenId.ToString() }, "/account/sessions?handler=EndToken");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await victimClient.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);
    }

    [Fact]
    public async Task EndingMyToken_StopsIt()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var token = await TokenAsync(client, user.Email!);
        var tokenId = await app.WithDbAsync(db => db.ApiTokens.Where(t => t.UserId == user.Id).Select(t => t.Id).SingleAsync());
        var response = await client.PostFormAsync("/account/sessions", new Dictionary<string, string> { ["id"] = tokenId.ToString() }, "/account/sessions?handler=EndToken");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
    }

    [Fact]
    public async Task SignOutEverywhere_EndsEveryBrowserAndApiToken()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        using var other = await app.SignedInClientAsync(user.Email!);
        var token = await TokenAsync(other, user.Email!);
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);
        var (stranger, strangerClient) = await app.SignedInPersonAsync();
        using var _s = strangerClient;

        var response = await client.PostFormAsync("/account/sessions", new Dictionary<string, string>(), "/account/sessions?handler=EndAll");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.LocationPath(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Clear-Site-Data"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        Assert.Empty(await SessionIdsAsync(user.Id));
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.SessionsEnded, user.Id));
        // Another person is not touched.
        Assert.Equal(HttpStatusCode.OK, (await strangerClient.GetAsync("/account")).Status);
        Assert.Single(await SessionIdsAsync(stranger.Id));
    }

    [Fact]
    public async Task MalformedPosts_ToAccountPages_NeverFail_AndChangeNothing()
    {
        var (user, client) = await app.SignedInPersonAsync(name: "Unchanged");
        using var _c = client;
        var junk = new[] { "", "not-a-guid", "00000000-0000-0000-0000-000000000000", new string('x', 5000), "\u0000", "../../etc/passwd", "<script>" };
        var targets = new[]
        {
            "/account", "/account?handler=Nope", "/account/security?handler=Confirm", "/account/security?handler=Disable",
            "/account/security?handler=RecoveryCodes", "/account/security?handler=Passphrase", "/account/security?handler=Nope",
            "/account/sessions?handler=EndSession", "/account/sessions?handler=EndToken", "/account/sessions?handler=Nope",
            "/account/sharing", "/account/export?handler=Nope", "/account/delete",
        };
        foreach (var target in targets)
            foreach (var value in junk)
            {
                var fields = new Dictionary<string, string>
                {
                    ["id"] = value, ["Code"] = value, ["Passphrase"] = value, ["CurrentPassphrase"] = value, ["NewPassphrase"] = value,
                    ["RepeatPassphrase"] = value, ["DisplayName"] = value, ["Language"] = value, ["TimeZone"] = value, ["Phone"] = value, ["On[0]"] = value,
                };
                var response = await client.PostFormAsync("/account", fields, target);
                Assert.True((int)response.StatusCode < 500, $"{target} with '{value[..Math.Min(value.Length, 20)]}' gave {(int)response.StatusCode}");
            }
        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(("Unchanged", "en", "UTC", false), (saved.DisplayName, saved.Language, saved.TimeZone, saved.TwoFactorEnabled));
        Assert.Single(await SessionIdsAsync(user.Id));
        Assert.Equal(["VisitsAndAlerts/OrgFocalPoints"], await app.WithDbAsync(async db =>
            (await db.SharingRules.Where(r => r.OwnerId == user.Id && r.Enabled).ToListAsync()).Select(r => $"{r.Category}/{r.Audience}").ToList()));
    }

    [Fact]
    public async Task IdleSession_IsSignedOut_ButActiveUseKeepsItAlive()
    {
        var (_, client) = await app.SignedInPersonAsync();
        using var _c = client;
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);

        app.Clock.Advance(TimeSpan.FromMinutes(31));
        var response = await client.Http.GetAsync(new Uri("/account", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.LocationPath(), StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.AccountsOnSqlite))]
public sealed class AccountSessionsTestsSqlite(SqliteApp app) : AccountSessionsTests(app);
// SQLite only (suite time, issue 8): the sessions page over the session rows, the same code whatever the database. PostgreSQL still gets every page and form of these from the fuzzers.
