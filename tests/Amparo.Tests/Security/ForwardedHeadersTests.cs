using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>The real program, started with a malformed Amparo:TrustedProxies entry, stops with one clear line and exit code 1.</summary>
public sealed class TrustedProxiesStartTests : IDisposable
{
    private const string Setting = "Amparo:TrustedProxies";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "amparo-tp-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("proxy.example.org", "proxy.example.org")]
    [InlineData("127.0.0.1, 10.0.0.0/33", "10.0.0.0/33")]
    public async Task Server_WithAMalformedTrustedProxy_RefusesToStart_NamingTheEntry(string value, string named)
    {
        var error = await RefusedStart.RunAsync(
            new Dictionary<string, string> { ["Amparo__DataDirectory"] = _dir, ["Amparo__TrustedProxies"] = value },
            "Amparo started although Amparo:TrustedProxies is malformed");
        Assert.Contains($"{Setting}: '{named}' is not an IP address or a CIDR network", error, StringComparison.Ordinal);
    }
}

/// <summary>
/// Amparo:TrustedProxies. The app here trusts 192.0.2.0/24 and 2001:db8::5 only. A sender on loopback that is not in the
/// list (before: trusted unconditionally) cannot choose the client address the sign-in limit counts by; a listed proxy
/// can; the operator is warned once. A malformed entry stops the start with a message naming it.
/// </summary>
public abstract class ForwardedHeadersTests(AppFixture app)
{
    public const string Setting = "Amparo:TrustedProxies";
    private const string Wrong = "certainly not the passphrase";
    private static int _n;

    private static string Unique(string prefix) => $"{prefix}.{Interlocked.Increment(ref _n) % 250 + 1}";

    private static async Task<HttpStatusCode> SignInFromAsync(TestClient client, string forwardedFor)
    {
        client.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SignInAsync(TestData.Email("nobody"), Wrong);
        return response.StatusCode;
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedLoopbackSender_DoesNotChangeTheClientAddress_AndIsWarnedAboutOnce()
    {
        using var client = app.NewClient();
        client.UseClientIp(Unique($"127.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}"));
        // Ten sign-ins, each claiming another client: all counted for the loopback sender, so the eleventh is refused.
        for (var i = 1; i <= 10; i++) Assert.Equal(HttpStatusCode.OK, await SignInFromAsync(client, $"198.51.100.{i}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(client, "198.51.100.11"));

        var warnings = LogRecorder.Of(app).Containing(Setting).Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings); // once, not per request (22 requests carried the header)
        Assert.Contains("Forwarded headers arrived from 127.", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_IsTheClientAddress_AndIsNotWarnedAbout()
    {
        using var client = app.NewClient();
        client.UseClientIp(Unique("192.0.2"));
        // Eleven sign-ins from eleven clients behind the proxy: none is limited.
        for (var i = 1; i <= 11; i++) Assert.Equal(HttpStatusCode.OK, await SignInFromAsync(client, $"203.0.113.{i}"));
        // One client behind the proxy: its eleventh is refused.
        for (var i = 1; i <= 10; i++) Assert.Equal(HttpStatusCode.OK, await SignInFromAsync(client, "203.0.113.200"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(client, "203.0.113.200"));
        // The IPv6 proxy too.
        client.UseClientIp("2001:db8::5");
        for (var i = 1; i <= 11; i++) Assert.Equal(HttpStatusCode.OK, await SignInFromAsync(client, $"203.0.113.{100 + i}"));
        Assert.DoesNotContain(LogRecorder.Of(app).Containing(Setting), l => l.Contains("192.0.2.", StringComparison.Ordinal) || l.Contains("2001:db8", StringComparison.Ordinal));
    }
}

public sealed class ProxiedSqliteApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting(ForwardedHeadersTests.Setting + ":0", "192.0.2.0/24");
        builder.UseSetting(ForwardedHeadersTests.Setting + ":1", "2001:db8::5");
        LogRecorder.AddTo(builder, new LogRecorder());
        // Dozens of sign-ins: what is counted does not depend on how slow the hash is.
        builder.ConfigureServices(services => services.AddScoped<IPasswordHasher<User>, FastTestPasswordHasher>());
    }
}

// SQLite only: forwarded headers are the web stack's, the same code whatever the database (the PostgreSQL host is exercised by
// the fuzzers, which crawl every page and form there, and by every feature's classes).
public sealed class ForwardedHeadersTestsSqlite(ProxiedSqliteApp app) : ForwardedHeadersTests(app), IClassFixture<ProxiedSqliteApp>;
