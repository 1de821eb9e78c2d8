using System.Net;
using Amparo.Tests.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// Amparo on a real Kestrel port (the in-memory TestServer does not enforce request body limits), with its
/// warnings and errors recorded. Clients talk to it over a socket.
/// </summary>
public abstract class KestrelApp : AppFixture, IAsyncLifetime
{
    public int Port { get; } = Ports.Free();
    /// <summary>Errors and warnings (the fuzzers fail on a logged error); the log-scanning tests use their own hosts at Trace.</summary>
    public LogRecorder Logs { get; } = new(Microsoft.Extensions.Logging.LogLevel.Warning);

    ValueTask IAsyncLifetime.InitializeAsync()
    {
        UseKestrel(Port);
        StartServer();
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        LogRecorder.AddTo(builder, Logs);
        // Fuzzing sends hundreds of sign-ins; input handling does not depend on how slow the hash is.
        builder.ConfigureServices(services => services.AddScoped<IPasswordHasher<User>, FastTestPasswordHasher>());
    }

    /// <summary>Like <see cref="AppFixture.NewClient"/>, over a socket: own cookies, no automatic redirects, the given client IP.</summary>
    public TestClient NewSocketClient(string? ip = null)
    {
#pragma warning disable CA2000 // the HttpClient owns and disposes the handler
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
#pragma warning restore CA2000
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        http.DefaultRequestHeaders.Add(ClientIpHeader, ip ?? RandomIp());
        return new TestClient(http);
    }

    /// <summary>
    /// Whether the form fuzzer sends each field its kind's whole list here (<see cref="FuzzValues.FreeText"/> or
    /// <see cref="FuzzValues.Parsed"/>), or only the part of it in <see cref="FuzzValues.ReachingTheDatabase"/>:
    /// SQLite (in-process, the default database) gets them all; PostgreSQL the values whose handling differs by database.
    /// </summary>
    public virtual bool FuzzesEveryValue => true;

    public static string RandomIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

}

public sealed class KestrelSqliteApp : KestrelApp
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
}

public sealed class KestrelPostgresApp : KestrelApp
{
    public override string Provider => "Postgres";
    public override bool FuzzesEveryValue => false;
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
}

/// <summary>Test only: a salted SHA-256 instead of Argon2id, so tests that sign in hundreds of times stay fast.</summary>
public sealed class FastTestPasswordHasher : IPasswordHasher<User>
{
    public string HashPassword(User user, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return "$test$" + Convert.ToBase64String(salt) + "$" + Convert.ToBase64String(Hash(salt, password));
    }

    public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
    {
        var parts = hashedPassword.Split('$');
        if (parts.Length != 4 || parts[1] != "test") return PasswordVerificationResult.Failed;
        return CryptographicOperations.FixedTimeEquals(Hash(Convert.FromBase64String(parts[2]), providedPassword), Convert.FromBase64String(parts[3]))
            ? PasswordVerificationResult.Success : PasswordVerificationResult.Failed;
    }

    private static byte[] Hash(byte[] salt, string password) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
}
