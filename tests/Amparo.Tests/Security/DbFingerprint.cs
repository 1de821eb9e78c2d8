using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// Row count and a hash of the contents of every table in the model, so a test can tell whether a request
/// wrote anything at all. Tables added to the model later are included automatically.
/// </summary>
public sealed class DbFingerprint
{
    /// <summary>
    /// Tables a failed request may legitimately write to, or that change in the background while it runs: the audit trail
    /// records failures; Data Protection keys roll on their own; the fact worker records each delivery to a durable handler.
    /// </summary>
    public static readonly IReadOnlySet<string> IgnoredTables = new HashSet<string>(StringComparer.Ordinal) { "AuditEvents", "ProtectionKeys", "FactDeliveries" };

    /// <summary>Columns that change when a signed-in person merely makes a request, or in the background (a recorded fact's delivery by the fact worker).</summary>
    public static readonly IReadOnlySet<string> IgnoredColumns = new HashSet<string>(StringComparer.Ordinal) { "Sessions.LastSeenAt", "ApiTokens.LastUsedAt", "Facts.DueAt", "Facts.DeliveredAt" };

    private readonly Dictionary<string, (long Rows, string Hash)> _tables;

    private DbFingerprint(Dictionary<string, (long, string)> tables) => _tables = tables;

    public int TableCount => _tables.Count;

    public static async Task<DbFingerprint> TakeAsync(AppFixture app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Where(t => !IgnoredTables.Contains(t)).Order(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            // One round trip for every table (a request is fingerprinted twice, and the fuzzers send thousands).
            await using var command = connection.CreateCommand();
            command.CommandText = string.Join(";\n", tables.Select(t => $"SELECT * FROM \"{t}\""));
            await using var reader = await command.ExecuteReaderAsync();
            var result = new Dictionary<string, (long, string)>();
            foreach (var table in tables)
            {
                var rows = new List<string>();
                // Column names and which ones count, once per table rather than once per cell.
                var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
                var counted = names.Select(n => !IgnoredColumns.Contains(table + "." + n)).ToArray();
                var row = new StringBuilder();
                while (await reader.ReadAsync())
                {
                    row.Clear();
                    for (var i = 0; i < names.Length; i++)
                    {
                        if (!counted[i]) continue;
                        var value = reader.IsDBNull(i) ? "∅" : reader.GetValue(i) switch
                        {
                            byte[] bytes => Convert.ToBase64String(bytes),
                            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                            var v => v.ToString(),
                        };
                        row.Append(names[i]).Append('=').Append(value).Append('\u001f');
                    }
                    rows.Add(row.ToString());
                }
                rows.Sort(StringComparer.Ordinal);
                result[table] = (rows.Count, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', rows)))));
                await reader.NextResultAsync();
            }
            return new DbFingerprint(result);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>The tables whose contents differ, with their row counts before → after; empty when nothing was written.</summary>
    public List<string> Differences(DbFingerprint after) =>
        _tables.Keys.Union(after._tables.Keys)
            .Where(t => _tables.GetValueOrDefault(t) != after._tables.GetValueOrDefault(t))
            .Select(t => $"{t} ({_tables.GetValueOrDefault(t).Rows} → {after._tables.GetValueOrDefault(t).Rows} rows)")
            .ToList();
}
