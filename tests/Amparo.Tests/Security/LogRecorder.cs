using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Amparo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Amparo.Tests.Security;

/// <summary>
/// Records every log entry the app writes, at every level: category, formatted message, each structured
/// state value, the values of active scopes, and the full exception text. What a JSON console logger could
/// print, this holds, so a test can scan it.
/// </summary>
public sealed class LogRecorder : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <param name="minimum">
    /// Trace (the default) for the tests that search every entry for secrets; a host that only needs its errors asks for
    /// less, because recording at Trace makes EF Core and ASP.NET Core format every command and event (the fuzzers send
    /// thousands of requests).
    /// </param>
    public LogRecorder(LogLevel minimum = LogLevel.Trace) => Minimum = minimum;

    public LogLevel Minimum { get; }

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    /// <summary>The lines that contain <paramref name="value"/> (ordinal, case-insensitive).</summary>
    public List<string> Containing(string value) =>
        Lines.Where(l => l.Contains(value, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The recorder registered in a running app (see <see cref="LoggedSqliteApp"/>).</summary>
    public static LogRecorder Of(AppFixture app) => app.Services.GetServices<ILoggerProvider>().OfType<LogRecorder>().Single();

    public static void AddTo(IWebHostBuilder builder, LogRecorder recorder) =>
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(recorder);
            // A rule for this provider alone, for every category: the app's own filters do not hide anything from it.
            services.Configure<LoggerFilterOptions>(o => o.AddFilter<LogRecorder>(null, recorder.Minimum));
        });

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder();
            line.Append(CultureInfo.InvariantCulture, $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var kv in values) line.Append(CultureInfo.InvariantCulture, $" | {kv.Key}={Describe(kv.Value)}");
            owner._scopes.ForEachScope((scope, sb) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                    foreach (var kv in scopeValues) sb.Append(CultureInfo.InvariantCulture, $" | scope {kv.Key}={Describe(kv.Value)}");
                else sb.Append(CultureInfo.InvariantCulture, $" | scope {scope}");
            }, line);
            if (exception is not null) line.Append(" | exception ").Append(exception);
            owner.Lines.Enqueue(line.ToString());
        }

        private static string Describe(object? value) => value switch
        {
            null => "",
            string s => s,
            System.Collections.IEnumerable e => string.Join(",", e.Cast<object?>().Select(x => x?.ToString())),
            _ => value.ToString() ?? "",
        };
    }
}

/// <summary>Amparo on SQLite with every log entry recorded.</summary>
public sealed class LoggedSqliteApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder) => LogRecorder.AddTo(builder, new LogRecorder());
}

/// <summary>Amparo on PostgreSQL with every log entry recorded.</summary>
public sealed class LoggedPostgresApp : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
    protected override void ConfigureMore(IWebHostBuilder builder) => LogRecorder.AddTo(builder, new LogRecorder());
}
