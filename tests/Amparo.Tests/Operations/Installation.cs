using System.Globalization;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Amparo.Tests.Operations;

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>The one line a command prints on standard output (an id or a path).</summary>
    public string Line => Out.Trim();
    public override string ToString() => $"exit {ExitCode}; out: {Out}; err: {Err}";
}

/// <summary>
/// One Amparo installation as an operator sees it: a data directory (master key, ledger, SQLite file) and, on
/// PostgreSQL, a database of its own. Commands run in-process through AdminCommands.RunAsync with its
/// configuration; AMPARO_MASTER_KEY is read from <see cref="Environment"/>, never from the test process.
/// </summary>
public sealed class Installation : IDisposable
{
    public string Provider { get; }
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "amparo-ops-" + Guid.NewGuid().ToString("N")[..10]);
    public string? ConnectionString { get; private set; }
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <param name="migrated">
    /// Start from the run's migrated database (<see cref="SqliteTemplate"/>, <see cref="PostgresServer.NewDatabase"/>):
    /// its first command then finds no migration to apply and does the rest of a first start (the keys). False: an
    /// installation with no database yet, for what an empty one is about (migrating, restoring into one, refusing to
    /// create one by mistake).
    /// </param>
    public Installation(string provider, bool migrated = false)
    {
        Provider = provider;
        if (provider == "Postgres") ConnectionString = migrated ? PostgresServer.Instance.NewDatabase() : PostgresServer.Instance.NewEmptyDatabase();
        else if (migrated) SqliteTemplate.CopyTo(DataDirectory);
    }

    public string KeysDirectory => Path.Combine(DataDirectory, "keys");
    public string MasterKeyFile => Path.Combine(KeysDirectory, "master.key");
    public string LedgerFile => Path.Combine(KeysDirectory, "destroyed-keys.txt");
    public string SqliteFile => Path.Combine(DataDirectory, "amparo.db");

    public string[] ConfigArgs
    {
        get
        {
            var args = new List<string>
            {
                "--Amparo:DataDirectory=" + DataDirectory,
                // Fast password hashing in tests; the backup's own Argon2id is not affected.
                "--Amparo:Argon2MemoryKib=1024",
                "--Amparo:Argon2Iterations=1",
                "--Database:Provider=" + Provider,
            };
            if (ConnectionString is not null) args.Add("--ConnectionStrings:Amparo=" + ConnectionString);
            return args.ToArray();
        }
    }

    public async Task<CliResult> RunAsync(string[] args, string? stdin = null)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await AdminCommands.RunAsync([.. args, .. ConfigArgs], new StringReader(stdin ?? ""), output, error, name => Environment.GetValueOrDefault(name));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>Runs a command that must succeed and returns what it printed on standard output.</summary>
    public async Task<string> MustAsync(string[] args, string? stdin = null)
    {
        var result = await RunAsync(args, stdin);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Line;
    }

    public CommandHost Host() => CommandHost.Create(ConfigArgs, name => Environment.GetValueOrDefault(name));

    public async Task<T> WithHostAsync<T>(Func<CommandHost, Task<T>> work)
    {
        await using var host = Host();
        return await work(host);
    }

    public Task<T> WithDbAsync<T>(Func<AmparoDbContext, Task<T>> work) => WithHostAsync(h => work(h.Db));

    /// <summary>Creates an organization and one person in it through the commands; returns both ids.</summary>
    public async Task<(Guid Org, Guid User)> SeedAsync(string email, string role = "org-admin")
    {
        var org = Guid.Parse(await MustAsync(["org", "create", "--name", "Defenders of the River", "--kind", "civil-society"]));
        var user = Guid.Parse(await MustAsync(["user", "create", "--email", email, "--name", "Amaru Quispe", "--org", org.ToString(), "--role", role, "--password-stdin"], TestData.Passphrase));
        return (org, user);
    }

    public Task SetPhoneAsync(Guid userId, string phone) => WithHostAsync(async h =>
    {
        var user = await h.Db.Users.SingleAsync(u => u.Id == userId);
        await h.Get<AccountService>().SetContactDetailsAsync(user, phone, null);
        await h.Db.SaveChangesAsync();
        return 0;
    });

    /// <summary>The person's phone number as the app decrypts it (null when absent or shredded).</summary>
    public Task<string?> PhoneOfAsync(Guid userId) => WithHostAsync(async h =>
    {
        var user = await h.Db.Users.SingleAsync(u => u.Id == userId);
        return (await h.Get<AccountService>().ContactDetailsAsync(user)).Phone;
    });

    public Task<int> CountUsersAsync() => CountAsync("AspNetUsers");

    public Task<int> CountOrganizationsAsync() => CountAsync("Organizations");

    /// <summary>Rows in a table, 0 when the database or the table does not exist: looks without creating anything.</summary>
    public async Task<int> CountAsync(string table)
    {
        if (Provider == "Sqlite")
        {
            if (!File.Exists(SqliteFile)) return 0;
            await using var c = new SqliteConnection($"Data Source={SqliteFile};Pooling=False;Mode=ReadWrite");
            await c.OpenAsync();
            await using var exists = c.CreateCommand();
            exists.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='{table}'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0) return 0;
            await using var count = c.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            return Convert.ToInt32(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        await using var pg = new NpgsqlConnection(ConnectionString);
        await pg.OpenAsync();
        await using var regclass = pg.CreateCommand();
        regclass.CommandText = $"SELECT to_regclass('public.\"{table}\"') IS NOT NULL";
        if (!(bool)(await regclass.ExecuteScalarAsync())!) return 0;
        await using var rows = pg.CreateCommand();
        rows.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return Convert.ToInt32(await rows.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs SQL on the database directly (what someone with the database file could do).</summary>
    public async Task<int> ExecuteSqlAsync(string sql)
    {
        if (Provider == "Sqlite")
        {
            await using var c = new SqliteConnection($"Data Source={SqliteFile};Pooling=False");
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return await cmd.ExecuteNonQueryAsync();
        }
        await using var pg = new NpgsqlConnection(ConnectionString);
        await pg.OpenAsync();
        await using var command = pg.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The database is lost (the keys directory stays): SQLite file deleted, or on PostgreSQL a new empty database.</summary>
    public void LoseDatabase()
    {
        if (Provider == "Sqlite")
        {
            ClearSqlitePool();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(SqliteFile + suffix);
        }
        else ConnectionString = PostgresServer.Instance.NewEmptyDatabase();
    }

    /// <summary>Pooled connections of the commands would keep the old file open.</summary>
    private void ClearSqlitePool()
    {
        using var pooled = new SqliteConnection(DatabaseSetup.SqliteConnectionString(null, DataDirectory));
        SqliteConnection.ClearPool(pooled);
    }

    public void Dispose()
    {
        if (Provider == "Sqlite") ClearSqlitePool();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Each test makes the installations it needs; subclasses choose the database.</summary>
public abstract class OperationsTestBase : IDisposable
{
    // Backups here use cheap Argon2id settings (the real ones cost about 2 s each); BackupContainerTests checks the real ones.
    static OperationsTestBase() => BackupContainer.TestOverride = new BackupContainer.KdfParameters(8 * 1024, 1, 1);

    private readonly List<Installation> _installations = [];
    private readonly List<string> _files = [];
    protected abstract string Provider { get; }

    /// <summary>An installation whose database is already migrated (copied from the run's template): what most tests start from.</summary>
    protected Installation NewInstallation() => Add(new Installation(Provider, migrated: true));

    /// <summary>An installation with no database yet: a restore's target, a first migration.</summary>
    protected Installation NewEmptyInstallation() => Add(new Installation(Provider));

    private Installation Add(Installation installation)
    {
        _installations.Add(installation);
        return installation;
    }

    /// <summary>A path for an output file in a private temporary folder, removed after the test.</summary>
    protected string TempFile(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "amparo-ops-files-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        _files.Add(dir);
        return Path.Combine(dir, name);
    }

    public void Dispose()
    {
        foreach (var i in _installations) i.Dispose();
        foreach (var dir in _files) try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
