using System.Diagnostics;
using System.Globalization;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for this test run: initdb as the postgres user in a temporary folder,
/// started on a free loopback port, stopped and deleted when the process exits. Each test host gets its own database,
/// copied from one migrated once per run (<see cref="NewDatabase"/>).
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<PostgresServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databases;

    public static PostgresServer Instance => Shared.Value;

    public int Port { get; }
    private readonly string _dir;
    private readonly string _bin;

    private readonly bool _asPostgres;

    private PostgresServer(string dir, string bin, int port, bool asPostgres)
    {
        _asPostgres = asPostgres;
        _dir = dir;
        _bin = bin;
        Port = port;
        _template = new Lazy<string>(MigratedTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>
    /// Creates a fresh database with every migration applied and returns its connection string. It is a copy of a
    /// template database that this run migrated once (<see cref="MigratedTemplate"/>), made with
    /// <c>CREATE DATABASE … TEMPLATE</c> (a file copy, ~0.1 s) instead of running every migration again (~1–2 s of
    /// CPU each, for ~50 hosts a run). The app still runs its migration step at start; it finds nothing pending.
    /// </summary>
    public string NewDatabase() => Create(_template.Value);

    /// <summary>
    /// Creates a fresh empty database (no tables): for tests where the app's own migration is what is tested (two
    /// instances migrating at once, a restore into an empty database, the operator's <c>migrate</c> command).
    /// </summary>
    public string NewEmptyDatabase() => Create(template: null);

    private string Create(string? template)
    {
        var name = $"amparo_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        using var conn = new NpgsqlConnection(AdminConnectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}";
        cmd.ExecuteNonQuery();
        return ConnectionString(name);
    }

    /// <remarks>
    /// Idle connections close after a few seconds: each test class's host has its own database and pool, and a finished
    /// class's idle connections (kept 300 s by default) added up past the cluster's limit when classes ran quickly
    /// ("53300: sorry, too many clients already").
    /// </remarks>
    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=20;Connection Idle Lifetime=5;Connection Pruning Interval=1";

    private readonly Lazy<string> _template;

    /// <summary>
    /// The run's one fresh migration on PostgreSQL: an empty database migrated by the app's own code
    /// (<see cref="DatabaseSetup.MigrateAsync"/>), then used only as the template of the others. No connection to it may
    /// stay open (PostgreSQL refuses to copy a database someone is connected to), hence no pooling here.
    /// </summary>
    private string MigratedTemplate()
    {
        var name = $"amparo_template_{Environment.ProcessId}";
        using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }
        var options = new DbContextOptionsBuilder<PostgresAmparoDbContext>().UseNpgsql(ConnectionString(name) + ";Pooling=false").Options;
        using (var db = new PostgresAmparoDbContext(options))
            DatabaseSetup.MigrateAsync(db).GetAwaiter().GetResult();
        // Nothing connects to it from now on, not even autovacuum, so no copy ever finds it "being accessed by other users".
        using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false";
            cmd.ExecuteNonQuery();
        }
        return name;
    }

    /// <summary>
    /// A throwaway cluster: no flushes (fsync, full-page writes, synchronous commit off — a crash loses nothing a test
    /// keeps), no autovacuum (its workers visited every test database each minute) and no JIT compilation of plans (a
    /// query over a test's few rows gains nothing from it). The app's own settings for PostgreSQL are unchanged.
    /// </summary>
    private static PostgresServer Start()
    {
        var bin = FindBin();
        var dir = Path.Combine(Path.GetTempPath(), "amparo-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | UnixFileMode.OtherWrite);
        var data = Path.Combine(dir, "data");
        var port = Ports.Free();
        var asPostgres = Environment.UserName == "root";
        Run(asPostgres, Path.Combine(bin, "initdb"), $"-D {data} -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8");
        Run(asPostgres, Path.Combine(bin, "pg_ctl"),
            $"-D {data} -l {Path.Combine(dir, "log")} -w -t 60 -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off -c jit=off -c max_connections=300\" start");
        var server = new PostgresServer(dir, bin, port, asPostgres);
        // Normally stopped by TestPipeline at the end of the run; this is the fallback for an aborted run.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    public static void StopIfStarted()
    {
        if (Shared.IsValueCreated) Shared.Value.Stop();
    }

    private int _stopped;

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        var asPostgres = _asPostgres;
        try
        {
            Run(asPostgres, Path.Combine(_bin, "pg_ctl"), $"-D {Path.Combine(_dir, "data")} -m immediate -w stop");
        }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string FindBin()
    {
        foreach (var candidate in new[] { "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin", "/usr/local/bin", "/usr/bin" })
            if (File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl"))) return candidate;
        throw new InvalidOperationException("PostgreSQL (initdb, pg_ctl) was not found; test.sh installs it.");
    }


    private static void Run(bool asPostgres, string exe, string arguments)
    {
        var psi = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {exe} {arguments}")
            : new ProcessStartInfo(exe, arguments);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = "/tmp";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) throw new InvalidOperationException($"{exe} timed out");
        if (p.ExitCode != 0)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{exe} failed ({p.ExitCode}): {output.Result} {error.Result}"));
    }
}
