using Amparo.Web.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// The run's one fresh migration on SQLite, as <c>PostgresServer</c> keeps one on PostgreSQL: a database file
/// migrated once by the app's own code (<see cref="DatabaseSetup.MigrateAsync"/>), copied into each test host's data
/// directory before it starts (a file copy instead of every migration again, ~1 s of CPU per host). The host's start
/// still runs the migration step, which then finds nothing to do; tests where migrating is the point start empty.
/// </summary>
public static class SqliteTemplate
{
    private static readonly Lazy<string> Migrated = new(Migrate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void CopyTo(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var target = Path.Combine(dataDirectory, "amparo.db");
        if (!File.Exists(target)) File.Copy(Migrated.Value, target);
    }

    private static string Migrate()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"amparo-sqlite-template-{Environment.ProcessId}");
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        // No pooling: the last connection closes when the migration ends, which folds the write-ahead log into the file.
        var connection = new SqliteConnectionStringBuilder(DatabaseSetup.SqliteConnectionString(null, directory)) { Pooling = false }.ToString();
        var options = new DbContextOptionsBuilder<SqliteAmparoDbContext>().UseSqlite(connection).AddInterceptors(SqlitePragmas.Instance).Options;
        using (var db = new SqliteAmparoDbContext(options))
            DatabaseSetup.MigrateAsync(db).GetAwaiter().GetResult();
        var file = Path.Combine(directory, "amparo.db");
        if (File.Exists(file + "-wal") && new FileInfo(file + "-wal").Length > 0)
            throw new InvalidOperationException("The SQLite template still has a write-ahead log after its connection closed.");
        return file;
    }
}
