using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Data;

public static class DatabaseSetup
{
    /// <summary>Registers AmparoDbContext on the configured provider. SQLite by default, in the data directory.</summary>
    public static IServiceCollection AddAmparoDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        var provider = configuration.GetSection(DatabaseOptions.Section).GetValue(nameof(DatabaseOptions.Provider), DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString("Amparo");
        // Pooled contexts: a context's internal services (dozens of them, resolved per instance) are made once and reset
        // between requests instead of built for each. AmparoDbContext keeps no state of its own (it takes only options),
        // which is what pooling requires; options are built once either way.
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new OptionsValidationException("ConnectionStrings:Amparo", typeof(DatabaseOptions), ["Database:Provider is Postgres, so ConnectionStrings:Amparo must be set."]);
            services.AddDbContextPool<AmparoDbContext, PostgresAmparoDbContext>(o => o.UseNpgsql(connectionString).ConfigureWarnings(IgnorePendingModelChanges));
        }
        else
        {
            services.AddDbContextPool<AmparoDbContext, SqliteAmparoDbContext>((sp, o) =>
            {
                var amparo = sp.GetRequiredService<IOptions<AmparoOptions>>().Value;
                o.UseSqlite(SqliteConnectionString(connectionString, amparo.FullDataDirectory))
                 .AddInterceptors(SqlitePragmas.Instance)
                 .ConfigureWarnings(IgnorePendingModelChanges);
            });
        }
        return services;
    }

    /// <summary>
    /// Migrating at start does not compare the model with the last migration's snapshot: EF Core builds both models and
    /// diffs them for that warning on every start (a measurable part of a start, and of every test host's). Whether a
    /// migration is missing is a question for the build, not for a running installation: <c>MigrationTests</c> asks it on
    /// both providers in every test run.
    /// </summary>
    private static void IgnorePendingModelChanges(WarningsConfigurationBuilder warnings) => warnings.Ignore(RelationalEventId.PendingModelChangesWarning);

    public static string SqliteConnectionString(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "amparo.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Applies migrations; on PostgreSQL under an advisory lock so that one of several instances migrates.</summary>
    public static async Task MigrateAsync(AmparoDbContext db, CancellationToken ct = default)
    {
        if (db.Database.IsNpgsql())
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using (var lockCmd = connection.CreateCommand())
                {
                    lockCmd.CommandText = "SELECT pg_advisory_lock(727271)";
                    await lockCmd.ExecuteNonQueryAsync(ct);
                }
                await db.Database.MigrateAsync(ct);
                await using var unlock = connection.CreateCommand();
                unlock.CommandText = "SELECT pg_advisory_unlock(727271)";
                await unlock.ExecuteNonQueryAsync(ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        else
        {
            // One instance per SQLite file, so a lock row left in EF Core's migration lock table belongs to a process
            // that died during start-up (kill -9, power cut); EF Core would wait for it forever.
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var check = connection.CreateCommand();
                check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
                if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    await using var clear = connection.CreateCommand();
                    clear.CommandText = "DELETE FROM \"__EFMigrationsLock\"";
                    await clear.ExecuteNonQueryAsync(ct);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
            await db.Database.MigrateAsync(ct);
        }
    }
}

/// <summary>
/// WAL so readers never block the writer; synchronous=FULL so an acknowledged write survives power loss;
/// foreign keys on. Set on every connection, since SQLite forgets pragmas between connections.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    // Pooled connections reuse the same native handle, which keeps its pragmas: set them once per handle, not on
    // every open (EF opens the connection for each query; four pragmas each time cost more than the query).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();

    private static void Apply(DbConnection connection)
    {
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && Configured.TryGetValue(handle, out _)) return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";
        cmd.ExecuteNonQuery();
        if (handle is not null) Configured.AddOrUpdate(handle, handle);
    }
}
