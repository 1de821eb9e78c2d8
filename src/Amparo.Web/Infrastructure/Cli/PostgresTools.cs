using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>
/// pg_dump and pg_restore for the configured database. Connection details go to them in PG* environment
/// variables — the password too — so nothing secret appears on a command line other users can read.
/// </summary>
public static class PostgresTools
{
    /// <summary>Writes a custom-format dump (compressed, restorable with pg_restore) to <paramref name="output"/>.</summary>
    public static Task DumpAsync(string connectionString, Stream output, CancellationToken ct = default) =>
        RunAsync("pg_dump", ["--format=custom", "--no-password"], connectionString, output, ct);

    /// <summary>Restores a custom-format dump into the (empty) database, all or nothing.</summary>
    public static Task RestoreAsync(string connectionString, string dumpFile, CancellationToken ct = default)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new CommandException("ConnectionStrings:Amparo names no database.");
        // The database name is passed as a libpq connection string so that no name is mistaken for an option.
        var dbname = "dbname='" + database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        return RunAsync("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password", "--dbname", dbname, dumpFile],
            connectionString, output: null, ct);
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin first (a pg_dump must be at least as new as the server), then PATH.</summary>
    public static string Find(string tool)
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", tool)));
        }
        candidates.AddRange((System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new CommandException($"{tool} was not found (looked in /usr/lib/postgresql/*/bin and PATH). Install the PostgreSQL client tools (Debian: apt install postgresql-client).");
    }

    /// <summary>PG* variables for libpq from an Npgsql connection string.</summary>
    public static Dictionary<string, string> Environment(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(b.Host)) env["PGHOST"] = b.Host;
        env["PGPORT"] = b.Port.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(b.Username)) env["PGUSER"] = b.Username;
        if (!string.IsNullOrEmpty(b.Password)) env["PGPASSWORD"] = b.Password;
        if (!string.IsNullOrEmpty(b.Database)) env["PGDATABASE"] = b.Database;
        env["PGSSLMODE"] = b.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        env["PGCONNECT_TIMEOUT"] = Math.Max(b.Timeout, 2).ToString(CultureInfo.InvariantCulture);
        return env;
    }

    private static async Task RunAsync(string tool, string[] arguments, string connectionString, Stream? output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(Find(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // Only what we set: an inherited PGSERVICE or PGPASSFILE must not point the tool at another database.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(name);
        foreach (var (name, value) in Environment(connectionString)) psi.Environment[name] = value;

        using var process = Process.Start(psi) ?? throw new CommandException($"{tool} could not be started.");
        var errors = process.StandardError.ReadToEndAsync(ct);
        if (output is not null) await process.StandardOutput.BaseStream.CopyToAsync(output, ct);
        else await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new CommandException($"{tool} failed (exit {process.ExitCode}): {(await errors).Trim()}");
    }
}
