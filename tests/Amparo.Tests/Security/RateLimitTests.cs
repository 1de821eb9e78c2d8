using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;

namespace Amparo.Tests.Security;

/// <summary>
/// Rate limits from QUALITY.md: sign-in 10 a minute per IP (IPv6 per /64) and 25 an hour per account without
/// locking the owner out; the token endpoint the same; the API 60 a minute per token.
/// The test host takes the client address from X-Test-Client-Ip; every test uses addresses of its own.
/// (The limiters count real time; each test finishes well inside one window.)
/// </summary>
public abstract class RateLimitTests(KestrelApp app)
{
    private const string Wrong = "certainly not the passphrase";

    [Fact]
    public async Task SignIn_EleventhAttemptFromOneAddressWithinAMinute_Is429_OtherAddressesAreNotAffected()
    {
        using var client = app.NewSocketClient(UniqueIpv4());
        for (var i = 1; i <= 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);

        using var other = app.NewSocketClient(UniqueIpv4());
        Assert.Equal(HttpStatusCode.OK, (await other.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);
    }

    [Fact]
    public async Task SignIn_Ipv6AddressesInOneSlash64_ShareTheLimit_ANeighbouringSlash64DoesNot()
    {
        var (prefix, neighbour) = UniqueIpv6Prefixes();
        using var a = app.NewSocketClient(prefix + ":0:0:0:1");
        using var b = app.NewSocketClient(prefix + ":abcd:ef01:2345:6789");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await a.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await b.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await b.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);

        using var c = app.NewSocketClient(neighbour + ":0:0:0:1");
        Assert.Equal(HttpStatusCode.OK, (await c.SignInAsync(TestData.Email("nobody"), Wrong)).StatusCode);
    }

    [Fact]
    public async Task SignIn_25AttemptsAnHourPerAccount_FromManyAddresses_ButTheOwnersKnownBrowserStillGetsIn()
    {
        var email = TestData.Email("victim");
        await app.CreateUserAsync(email);
        using var owner = app.NewSocketClient(UniqueIpv4());
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync(email)).StatusCode); // attempt 1 of 25; sets the known-device cookie

        // An attacker spreads guesses over many addresses: 24 more are answered, then the account is closed to new browsers.
        var answered = 1;
        while (true)
        {
            using var attacker = app.NewSocketClient(UniqueIpv4());
            var response = await attacker.SignInAsync(email, Wrong);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) break;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(++answered <= 25, "more than 25 attempts an hour were answered for one account");
        }
        Assert.Equal(25, answered);

        // The right passphrase from a new browser is refused too (the limit counts per account)…
        using var newBrowser = app.NewSocketClient(UniqueIpv4());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await newBrowser.SignInAsync(email)).StatusCode);
        // …but the owner's browser, known from an earlier sign-in, is not locked out.
        owner.UseClientIp(UniqueIpv4());
        var ownerAgain = await owner.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, ownerAgain.StatusCode);
        Assert.Equal("/", Http.RedirectPath(ownerAgain));
    }

    [Fact]
    public async Task SignIn_TheKnownDeviceCookieOfAnotherAccount_DoesNotLiftTheLimit()
    {
        var attackerEmail = TestData.Email("attacker");
        var victimEmail = TestData.Email("victim");
        await app.CreateUserAsync(attackerEmail);
        await app.CreateUserAsync(victimEmail);
        using var attacker = app.NewSocketClient(UniqueIpv4());
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.SignInAsync(attackerEmail)).StatusCode); // the attacker's own device cookie
        var answered = 0;
        for (var i = 0; i < 30; i++)
        {
            attacker.UseClientIp(UniqueIpv4());
            if ((await attacker.SignInAsync(victimEmail, Wrong)).StatusCode == HttpStatusCode.TooManyRequests) break;
            answered++;
        }
        Assert.Equal(25, answered);
    }

    [Fact]
    public async Task TokenEndpoint_TenAMinutePerAddress_IPv6Per64_And25AnHourPerAccount()
    {
        using var client = app.NewSocketClient(UniqueIpv4());
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await RequestTokenAsync(client, TestData.Email("nobody"), Wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await RequestTokenAsync(client, TestData.Email("nobody"), Wrong)).StatusCode);

        var (prefix, neighbour) = UniqueIpv6Prefixes();
        for (var i = 0; i < 10; i++)
        {
            client.UseClientIp($"{prefix}:{i:x}:0:0:{i + 1:x}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await RequestTokenAsync(client, TestData.Email("nobody"), Wrong)).StatusCode);
        }
        client.UseClientIp(prefix + ":ffff:ffff:ffff:ffff");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await RequestTokenAsync(client, TestData.Email("nobody"), Wrong)).StatusCode);
        client.UseClientIp(neighbour + ":0:0:0:1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestTokenAsync(client, TestData.Email("nobody"), Wrong)).StatusCode);

        var email = TestData.Email("apivictim");
        await app.CreateUserAsync(email);
        var answered = 0;
        for (var i = 0; i < 30; i++)
        {
            client.UseClientIp(UniqueIpv4());
            var response = await RequestTokenAsync(client, email, Wrong);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) break;
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            answered++;
        }
        Assert.Equal(25, answered);
    }

    [Fact]
    public async Task Api_60RequestsAMinutePerToken_CountedPerTokenNotPerAddress()
    {
        var email = TestData.Email("apiuser");
        await app.CreateUserAsync(email);
        using var client = app.NewSocketClient(UniqueIpv4());
        var first = await TokenAsync(client, email);
        client.UseClientIp(UniqueIpv4());
        var second = await TokenAsync(client, email);

        for (var i = 1; i <= 60; i++)
        {
            using var ok = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", bearer: first);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)ok.StatusCode}");
        }
        using (var limited = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", bearer: first))
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        client.UseClientIp(UniqueIpv4());
        using (var otherAddress = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", bearer: first))
            Assert.Equal(HttpStatusCode.TooManyRequests, otherAddress.StatusCode);
        using (var otherToken = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", bearer: second))
            Assert.Equal(HttpStatusCode.OK, otherToken.StatusCode);
    }

    private static async Task<HttpResponseMessage> RequestTokenAsync(TestClient client, string email, string password) =>
        await client.PostJsonAsync("/api/v1/auth/token", new { email, password });

    private static async Task<string> TokenAsync(TestClient client, string email)
    {
        using var response = await RequestTokenAsync(client, email, TestData.Passphrase);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AccountsApi.TokenResponse>())!.AccessToken;
    }

    private static int _addresses = Random.Shared.Next(1, 1000);

    /// <summary>An address no other test uses (the limiters are process-wide per app).</summary>
    private static string UniqueIpv4()
    {
        var n = Interlocked.Increment(ref _addresses);
        return string.Create(CultureInfo.InvariantCulture, $"172.{16 + (n >> 16) % 16}.{(n >> 8) & 255}.{n & 255}");
    }

    /// <summary>A fresh /64 (as its first four groups) and the /64 right next to it.</summary>
    private static (string Prefix, string Neighbour) UniqueIpv6Prefixes()
    {
        var n = Interlocked.Increment(ref _addresses);
        return (string.Create(CultureInfo.InvariantCulture, $"2001:db8:{n:x}:{2 * n:x}"), string.Create(CultureInfo.InvariantCulture, $"2001:db8:{n:x}:{2 * n + 1:x}"));
    }
}

// SQLite only: the rate limiters (in memory) are the web stack's, the same code whatever the database (the PostgreSQL host is exercised by
// the fuzzers, which crawl every page and form there, and by every feature's classes).
public sealed class RateLimitTestsSqlite(KestrelSqliteApp app) : RateLimitTests(app), IClassFixture<KestrelSqliteApp>;
