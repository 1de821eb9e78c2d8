using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// On demand (<c>AMPARO_SQL_RECORD=path</c>): records every SQL command EF Core sends in the run, with the database kind
/// and the test classes (and tests) that sent it, and writes them to <c>path</c> as tab-separated lines when the run ends. It answers
/// "does this statement ever run on PostgreSQL, and which classes run it there?" with the whole run's evidence: a class's
/// PostgreSQL twin proves something of its own when some statement runs on PostgreSQL only in it (docs/architecture.md,
/// "Tests on both databases").
/// </summary>
/// <remarks>
/// Commands, not compilations: EF Core compiles a query once per process (every host of a database shares its compiled
/// queries), so who compiled a query says only which class happened to run first. A command sent while a test runs —
/// its own queries, and its requests to a test server, which then run in the test's execution context
/// (<see cref="AppFixture"/> asks for that while recording) — is traced to that test's class; one sent outside any test (a
/// host's own background loop, a request over real HTTP) to every class that used the same database. A statement's
/// literal values are kept: a statement with a value inlined is a different statement to the database.
/// </remarks>
public sealed partial class SqlRecord : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly SqlRecord Instance = new();
    private static readonly string? OutputPath = Environment.GetEnvironmentVariable("AMPARO_SQL_RECORD");
    private static IDisposable? _subscription;

    public static bool Recording => !string.IsNullOrEmpty(OutputPath);

    // (database kind, statement) → the tests ("Class.Method") that sent it, and the databases it was sent to outside any
    // test; a database → the classes that used it. A line of the file: kind, classes, tests, statement.
    private readonly ConcurrentDictionary<(string Kind, string Sql), ConcurrentDictionary<string, byte>> _byTest = new();
    private readonly ConcurrentDictionary<(string Kind, string Sql), ConcurrentDictionary<string, byte>> _byDatabase = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _classesOf = new();

    public static void StartIfAsked()
    {
        if (Recording) _subscription = DiagnosticListener.AllListeners.Subscribe(Instance);
    }

    public static void WriteIfAsked()
    {
        if (!Recording || _subscription is null) return;
        _subscription.Dispose();
        var keys = Instance._byTest.Keys.Union(Instance._byDatabase.Keys);
        var lines = keys.OrderBy(k => k.Sql, StringComparer.Ordinal).ThenBy(k => k.Kind, StringComparer.Ordinal).Select(k =>
        {
            var tests = Instance._byTest.TryGetValue(k, out var t) ? t.Keys.Order(StringComparer.Ordinal).ToList() : [];
            var direct = tests.Select(test => test.Split('.')[0]).ToList();
            var viaDatabase = Instance._byDatabase.TryGetValue(k, out var b) ? b.Keys.SelectMany(ClassesOf) : [];
            // "~" marks a class known only through the database: it may or may not have sent the statement itself.
            var classes = direct.Concat(viaDatabase.Except(direct).Select(c => "~" + c)).Distinct().Order(StringComparer.Ordinal);
            return $"{k.Kind}\t{string.Join(",", classes)}\t{string.Join(",", tests)}\t{k.Sql}";
        });
        File.WriteAllLines(OutputPath!, lines);
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name) value.Subscribe(this);
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != RelationalEventId.CommandExecuting.Name || value.Value is not CommandEventData data) return;
        var connection = data.Command.Connection;
        if (connection is null) return;
        var postgres = connection is Npgsql.NpgsqlConnection;
        var database = postgres ? connection.Database : connection.DataSource;
        var kind = (postgres ? "Postgres" : "Sqlite") + (SentByTestCode() ? " test" : "");
        var fullName = Xunit.TestContext.Current.TestClass?.TestClassName;
        var testClass = fullName?[(fullName.LastIndexOf('.') + 1)..];
        if (testClass is not null) _classesOf.GetOrAdd(database, _ => new()).TryAdd(testClass, 0);
        // A class fixture's own commands (its host starting) run before any test method: they belong to the class.
        var test = Xunit.TestContext.Current.TestMethod?.MethodName is { } method ? testClass + "." + method : testClass;
        foreach (var statement in Statements(data.Command.CommandText))
        {
            if (test is not null) _byTest.GetOrAdd((kind, statement), _ => new()).TryAdd(test, 0);
            else _byDatabase.GetOrAdd((kind, statement), _ => new()).TryAdd(database, 0);
        }
    }

    private static IEnumerable<string> ClassesOf(string database) =>
        Instance._classesOf.TryGetValue(database, out var classes) ? classes.Keys : ["(" + Path.GetFileName(database) + ")"];

    /// <summary>
    /// A batch's statements one by one, each as the database would plan it whatever the values: blanks collapsed,
    /// parameters unnamed (EF Core names them after the code's variables), a multi-row VALUES list cut to its first row.
    /// </summary>
    private static IEnumerable<string> Statements(string batch) =>
        batch.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => MoreRows().Replace(Parameter().Replace(Blanks().Replace(s, " "), "@"), ""));

    /// <summary>
    /// Whether the statement was written by the tests (an assertion's query, a test's own fixture rows) rather than by the
    /// app: the innermost frame of the app's or the tests' own code says which. A statement whose caller is no longer on the
    /// stack (sent after an await) counts as the app's.
    /// </summary>
    private static bool SentByTestCode()
    {
        foreach (var frame in new StackTrace(2, false).GetFrames())
        {
            var assembly = frame.GetMethod()?.DeclaringType?.Assembly;
            if (assembly == AppAssembly) return false;
            if (assembly == TestAssembly) return true;
        }
        return false;
    }

    private static readonly System.Reflection.Assembly AppAssembly = typeof(Program).Assembly;
    private static readonly System.Reflection.Assembly TestAssembly = typeof(SqlRecord).Assembly;

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"(?<=VALUES \([^()]*\))(, \([^()]*\))+")]
    private static partial Regex MoreRows();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Blanks();

    public void OnCompleted() { }

    public void OnError(Exception error) { }
}
