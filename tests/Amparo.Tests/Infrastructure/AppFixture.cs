using System.Net;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// Amparo in-process on a fresh database (SQLite file or PostgreSQL database), its own data directory and
/// master key, a real SMTP server, and a FakeTimeProvider the tests move.
/// </summary>
public abstract class AppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ClientIpHeader = "X-Test-Client-Ip";
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "amparo-test-" + Guid.NewGuid().ToString("N")[..10]);
    public TestSmtpServer Smtp { get; } = new();
    public abstract string Provider { get; }
    private int _clients;

    protected abstract void ConfigureDatabase(IWebHostBuilder builder);

    protected virtual void ConfigureMore(IWebHostBuilder builder) { }

    /// <summary>
    /// False (the default): passphrases are hashed with the same Argon2id code at its smallest cost (1 MiB, one pass),
    /// as the option's comment allows for test hosts. Production settings cost ~0.1–0.3 s of CPU per hash, and the
    /// suite hashes thousands of times (every created person, every sign-in): about a third of an integration test's
    /// CPU. True keeps the production settings — for the test that checks what a stored hash looks like.
    /// </summary>
    protected virtual bool ProductionPasswordHashing => false;

    /// <summary>
    /// True (the default): a SQLite host starts from the run's migrated template file (<see cref="SqliteTemplate"/>);
    /// false for a host whose test is about migrating an empty database. PostgreSQL hosts choose in ConfigureDatabase.
    /// </summary>
    protected virtual bool StartsFromMigratedTemplate => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Amparo:DataDirectory", DataDirectory);
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Smtp:Security", "none");
        builder.UseSetting("Smtp:From", "amparo@test.invalid");
        builder.UseSetting("Amparo:PublicBaseUrl", "http://localhost");
        // Tests move the FakeTimeProvider and then run the alert engine and the dispatcher by hand (RunWorkersAsync).
        builder.UseSetting("CheckIns:RunWorkers", "false");
        // The gazetteer sample that ships beside the app (Features/Incidents/gazetteer-sample.geojson).
        builder.UseSetting("Incidents:GazetteerPath", "gazetteer-sample.geojson");
        if (!ProductionPasswordHashing)
        {
            builder.UseSetting("Amparo:Argon2MemoryKib", "1024");
            builder.UseSetting("Amparo:Argon2Iterations", "1");
        }
        ConfigureDatabase(builder);
        if (Provider == "Sqlite" && StartsFromMigratedTemplate) SqliteTemplate.CopyTo(DataDirectory);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ClientIpFromHeader>();
            // While the SQL record runs, a request runs in its test's execution context, so its commands are traced to the test.
            if (SqlRecord.Recording) services.Configure<Microsoft.AspNetCore.TestHost.TestServerOptions>(o => o.PreserveExecutionContext = true);
        });
        ConfigureMore(builder);
    }

    public ValueTask InitializeAsync()
    {
        _ = Server; // start the host: migrations run now
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    /// <summary>A browser-like client: its own cookies, its own client IP, no automatic redirects.</summary>
    public TestClient NewClient()
    {
        var http = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://localhost") });
        var n = Interlocked.Increment(ref _clients);
        http.DefaultRequestHeaders.Add(ClientIpHeader, $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
        return new TestClient(http);
    }

    public async Task<T> WithDbAsync<T>(Func<AmparoDbContext, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<AmparoDbContext>());
    }

    public async Task<T> WithServicesAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// Delivers the recorded facts until <paramref name="done"/> holds (at most 10 s of real time): the host's own fact worker
    /// may have claimed a fact first (its lease hides it from a second round) and still be handling it.
    /// </summary>
    public async Task DeliverFactsUntilAsync(Func<AmparoDbContext, Task<bool>> done)
    {
        var worker = Services.GetRequiredService<Amparo.Web.Infrastructure.Events.FactWorker>();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(20))
        {
            await worker.RunOnceAsync(CancellationToken.None);
            if (await WithDbAsync(done) || DateTime.UtcNow > deadline) return;
        }
    }

    /// <summary>Runs the alert engine and then the dispatcher once, as their loops would after the clock moved.</summary>
    public async Task RunWorkersAsync()
    {
        await Services.GetRequiredService<Amparo.Web.Features.CheckIns.AlertEngine>().RunOnceAsync(CancellationToken.None);
        await Services.GetRequiredService<Amparo.Web.Features.Notifications.OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>Creates a person directly (no page), returns their id.</summary>
    public Task<User> CreateUserAsync(string email, string password = TestData.Passphrase, bool serverAdmin = false, string name = "Test Person") =>
        WithServicesAsync(async sp =>
        {
            var created = await sp.GetRequiredService<AccountService>().CreateAsync(email, name, password, serverAdmin);
            return created.User ?? throw new InvalidOperationException(string.Join(",", created.Errors));
        });

    /// <summary>In tests every client gets its own address so per-IP limits do not collide.</summary>
    private sealed class ClientIpFromHeader : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientIpHeader, out var ip) && IPAddress.TryParse(ip, out var address))
                    context.Connection.RemoteIpAddress = address;
                await nextMiddleware(context);
            });
            next(app);
        };
    }
}

public class SqliteApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
}

public class PostgresApp : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
}

/// <summary>A SQLite app that hashes passphrases with the production Argon2id settings (19 MiB, two passes).</summary>
public sealed class SqliteAppWithProductionHashing : SqliteApp
{
    protected override bool ProductionPasswordHashing => true;
}

/// <summary>A PostgreSQL app that hashes passphrases with the production Argon2id settings (19 MiB, two passes).</summary>
public sealed class PostgresAppWithProductionHashing : PostgresApp
{
    protected override bool ProductionPasswordHashing => true;
}

public static class TestData
{
    public const string Passphrase = "river stones under moonlight";
    private static int _n;
    public static string Email(string prefix = "person") => $"{prefix}{Interlocked.Increment(ref _n)}-{Guid.NewGuid().ToString("N")[..6]}@example.org";
}
