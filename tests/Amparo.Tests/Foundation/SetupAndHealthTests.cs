using System.Net;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Foundation;

/// <summary>First run: the setup page needs the console code, works once, and disappears when an admin exists.</summary>
public abstract class SetupAndHealthTests(AppFixture app)
{
    private SetupCode Code => app.Services.GetRequiredService<SetupCode>();

    private static Dictionary<string, string> Form(string code, string email) => new()
    {
        ["Code"] = code,
        ["Email"] = email,
        ["DisplayName"] = "First Admin",
        ["Password"] = TestData.Passphrase,
    };

    [Fact]
    public async Task Setup_WithWrongCode_CreatesNobody_ThenRightCodeCreatesAdmin_ThenPageIsGone()
    {
        // One fixture per class: this test owns the empty installation.
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.IsServerAdmin)));
        var code = Code.Current;
        Assert.NotNull(code);
        using var client = app.NewClient();
        var email = TestData.Email("admin");

        var wrong = await client.PostFormAsync("/setup", Form("000000000000", email));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("setup code is not right", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync()));

        var weakForm = Form(code!, email);
        weakForm["Password"] = "short";
        var weak = await client.PostFormAsync("/setup", weakForm);
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync()));

        var right = await client.PostFormAsync("/setup", Form(code!, email));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.IsServerAdmin && u.Email == email)));

        // The code is spent and the page no longer exists, even for someone who saw the code.
        Assert.Null(Code.Current);
        using var other = app.NewClient();
        var (status, _) = await other.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Healthz_IsUnhealthy_WhenAWorkerStopsBeating()
    {
        // Moving time far ahead without the worker running its loop makes its heartbeat stale.
        var beats = app.Services.GetRequiredService<Amparo.Web.Infrastructure.Workers.Heartbeats>();
        beats.Register("test-worker", TimeSpan.FromMinutes(1));
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        using var client = app.NewClient();
        var response = await client.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("test-worker", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        beats.Beat("test-worker");
    }

    [Fact]
    public async Task OpenApiDocument_IsServed_AndListsTheTokenEndpoint()
    {
        using var client = app.NewClient();
        var response = await client.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/auth/token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class SetupAndHealthTestsSqlite(SqliteApp app) : SetupAndHealthTests(app), IClassFixture<SqliteApp>;
public sealed class SetupAndHealthTestsPostgres(PostgresApp app) : SetupAndHealthTests(app), IClassFixture<PostgresApp>;

/// <summary>
/// A healthy installation on a host of its own: the other health test moves the clock far ahead, and a worker that waits
/// in real time (the PostgreSQL wake-up listener) cannot beat on a fake clock until its wait ends.
/// </summary>
public abstract class HealthTests(AppFixture app)
{
    [Fact]
    public async Task Healthz_ReportsDatabaseMigrationsAndWorkers_WithoutSignIn()
    {
        using var client = app.NewClient();
        var response = await client.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("migrations current", checks.GetProperty("database").GetProperty("description").GetString());
        Assert.True(checks.GetProperty("workers").GetProperty("data").TryGetProperty("housekeeping", out _));
    }
}

public sealed class HealthTestsSqlite(SqliteApp app) : HealthTests(app), IClassFixture<SqliteApp>;
public sealed class HealthTestsPostgres(PostgresApp app) : HealthTests(app), IClassFixture<PostgresApp>;
