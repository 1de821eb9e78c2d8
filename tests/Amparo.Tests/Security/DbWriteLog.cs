using System.Data.Common;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// "Did this request write anything?" for the fuzzers, answered by the database itself: a trigger on every table of
/// the model (except <see cref="DbFingerprint.IgnoredTables"/>) appends the table's name to a log table on every insert,
/// delete, and update that changes a column other than <see cref="DbFingerprint.IgnoredColumns"/>. Reading the rows
/// added since a mark costs one indexed query, where a <see cref="DbFingerprint"/> reads and hashes every row of every
/// table — the fuzzers send thousands of requests. It is at least as strict: any committed write shows, even one that
/// a later write undoes. Installed only in the fuzzers' own databases (test fixtures), never by the app.
/// </summary>
public sealed class DbWriteLog
{
    private const string LogTable = "test_write_log";
    private readonly AppFixture _app;
    private long _mark;

    private DbWriteLog(AppFixture app) => _app = app;

    /// <summary>Creates the log table and the triggers (idempotent), and marks the present moment.</summary>
    public static async Task<DbWriteLog> InstallAsync(AppFixture app)
    {
        var log = new DbWriteLog(app);
        await log.RunAsync(async (db, connection) =>
        {
            var postgres = db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal);
            var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct()
                .Where(t => !DbFingerprint.IgnoredTables.Contains(t)).Order(StringComparer.Ordinal).ToList();
            var statements = new List<string>();
            if (postgres)
            {
                statements.Add($"CREATE TABLE IF NOT EXISTS {LogTable} (id bigserial PRIMARY KEY, tbl text NOT NULL)");
                statements.Add($"CREATE OR REPLACE FUNCTION {LogTable}_add() RETURNS trigger AS $$ BEGIN INSERT INTO {LogTable}(tbl) VALUES (TG_TABLE_NAME); RETURN NULL; END $$ LANGUAGE plpgsql");
            }
            else statements.Add($"CREATE TABLE IF NOT EXISTS {LogTable} (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL)");
            foreach (var table in tables)
            {
                var columns = await ColumnsAsync(connection, table, postgres);
                var changed = string.Join(" OR ", columns.Where(c => !DbFingerprint.IgnoredColumns.Contains(table + "." + c))
                    .Select(c => postgres ? $"OLD.\"{c}\" IS DISTINCT FROM NEW.\"{c}\"" : $"OLD.\"{c}\" IS NOT NEW.\"{c}\""));
                var name = $"{LogTable}_{table}";
                if (postgres)
                {
                    statements.Add($"CREATE OR REPLACE TRIGGER \"{name}_id\" AFTER INSERT OR DELETE ON \"{table}\" FOR EACH ROW EXECUTE FUNCTION {LogTable}_add()");
                    statements.Add($"CREATE OR REPLACE TRIGGER \"{name}_u\" AFTER UPDATE ON \"{table}\" FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {LogTable}_add()");
                }
                else
                {
                    // BEFORE triggers: EF Core saves with RETURNING, which SQLite does not allow with AFTER triggers. A
                    // statement that then fails takes the trigger's insert with it.
                    var add = $"BEGIN INSERT INTO {LogTable}(tbl) VALUES ('{table}'); END";
                    statements.Add($"CREATE TRIGGER IF NOT EXISTS \"{name}_i\" BEFORE INSERT ON \"{table}\" {add}");
                    statements.Add($"CREATE TRIGGER IF NOT EXISTS \"{name}_d\" BEFORE DELETE ON \"{table}\" {add}");
                    statements.Add($"CREATE TRIGGER IF NOT EXISTS \"{name}_u\" BEFORE UPDATE ON \"{table}\" WHEN {changed} {add}");
                }
            }
            foreach (var sql in statements)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync();
            }
            return 0;
        });
        await log.MarkAsync();
        return log;
    }

    /// <summary>Forgets what was written so far (a request that may write, a sign-in, the test's own set-up).</summary>
    public async Task MarkAsync() => _mark = await RunAsync(async (_, connection) =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(id), 0) FROM {LogTable}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>The tables written since the mark, as "table (n rows)", and moves the mark; empty when nothing was written.</summary>
    public async Task<List<string>> WrittenSinceMarkAsync()
    {
        var rows = await RunAsync(async (_, connection) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT id, tbl FROM {LogTable} WHERE id > {_mark} ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            var found = new List<(long Id, string Table)>();
            while (await reader.ReadAsync()) found.Add((reader.GetInt64(0), reader.GetString(1)));
            return found;
        });
        if (rows.Count > 0) _mark = rows[^1].Id;
        return rows.GroupBy(r => r.Table).Select(g => $"{g.Key} ({g.Count()} rows)").ToList();
    }

    private static async Task<List<string>> ColumnsAsync(DbConnection connection, string table, bool postgres)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = postgres
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            : $"SELECT name FROM pragma_table_info('{table}')";
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        return columns.Count > 0 ? columns : throw new InvalidOperationException($"table {table} has no columns in the database");
    }

    private async Task<T> RunAsync<T>(Func<AmparoDbContext, DbConnection, Task<T>> work)
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try { return await work(db, connection); }
        finally { await connection.CloseAsync(); }
    }
}
