using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// On demand (<c>AMPARO_QUERY_SHAPES=path</c>): records every LINQ query EF Core compiles in the run (queries,
/// <c>ExecuteUpdate</c>, <c>ExecuteDelete</c>), printed before any provider translates it, with the database it was
/// compiled for and the test classes that compiled it, and writes them to <c>path</c> as tab-separated lines when the run
/// ends. It answers "does a query of this feature ever run on PostgreSQL?" with the whole run's evidence: a class's
/// PostgreSQL twin is worth its time when some query is translated for PostgreSQL only there (docs/performance.md).
/// </summary>
public sealed class QueryShapes : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly QueryShapes Instance = new();
    private static readonly string? OutputPath = Environment.GetEnvironmentVariable("AMPARO_QUERY_SHAPES");
    private static IDisposable? _subscription;

    // (provider, shape) → the databases it was compiled for; a database → the test classes that used it. A query the
    // app compiles while serving a request has no test context (the server does not run in the test's), so a shape is
    // traced to its classes through the database of the host that compiled it.
    private readonly ConcurrentDictionary<(string Provider, string Shape), ConcurrentDictionary<string, byte>> _seen = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _classesOf = new();

    public static void StartIfAsked()
    {
        if (!string.IsNullOrEmpty(OutputPath)) _subscription = DiagnosticListener.AllListeners.Subscribe(Instance);
    }

    public static void WriteIfAsked()
    {
        if (string.IsNullOrEmpty(OutputPath) || _subscription is null) return;
        _subscription.Dispose();
        var lines = Instance._seen.OrderBy(p => p.Key.Shape, StringComparer.Ordinal).ThenBy(p => p.Key.Provider, StringComparer.Ordinal)
            .Select(p => $"{p.Key.Provider}\t{string.Join(",", p.Value.Keys.SelectMany(ClassesOf).Distinct().Order(StringComparer.Ordinal))}\t{p.Key.Shape}");
        File.WriteAllLines(OutputPath, lines);
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name) value.Subscribe(this);
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != CoreEventId.QueryCompilationStarting.Name || value.Value is not QueryExpressionEventData data || data.Context is null) return;
        var postgres = data.Context.Database.IsNpgsql();
        // One line: the printer's line breaks and indentation carry no meaning for the comparison.
        var shape = string.Join(' ', data.ExpressionPrinter.PrintExpression(data.Expression).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var connection = data.Context.Database.GetDbConnection();
        var database = postgres ? connection.Database : connection.DataSource;
        _seen.GetOrAdd((postgres ? "Postgres" : "Sqlite", shape), _ => new()).TryAdd(database, 0);
        if (Xunit.TestContext.Current.TestClass?.TestClassName is { } test)
            _classesOf.GetOrAdd(database, _ => new()).TryAdd(test[(test.LastIndexOf('.') + 1)..], 0);
    }

    private static IEnumerable<string> ClassesOf(string database) =>
        Instance._classesOf.TryGetValue(database, out var classes) ? classes.Keys : ["(" + Path.GetFileName(database) + ")"];

    public void OnCompleted() { }

    public void OnError(Exception error) { }
}
