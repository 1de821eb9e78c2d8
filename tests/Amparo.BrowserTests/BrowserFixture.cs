using Amparo.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>Amparo on a real Kestrel port with a fresh SQLite data directory, and Debian's Chromium driven by Playwright.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium did not start.");
    public AppServer App { get; } = new();
    public string BaseUrl => App.BaseUrl;

    public async ValueTask InitializeAsync()
    {
        App.Start();
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// A fresh Amparo (its own data directory) that sends mail to a real SMTP server inside the test, and its own Chromium:
/// one per test class, so the flow runs against an empty installation each time.
/// </summary>
public class MailingAppFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    public TestSmtpServer Smtp { get; } = new();
    public AppServer App { get; }
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium did not start.");
    public string BaseUrl => App.BaseUrl;

    public MailingAppFixture() : this(null) { }

    protected MailingAppFixture(FakeTimeProvider? clock)
    {
        App = new AppServer(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "none",
            ["Smtp:From"] = "amparo@example.org",
            // The tests' small library (a missing Arabic step, a stale critical Spanish one), not the starter set.
            ["Learning:ContentPath"] = PlanFlowTests.LearningFixture,
        }, clock);
    }

    public async ValueTask InitializeAsync()
    {
        App.Start();
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>A mailing app on a clock the test moves: deadlines pass without waiting, and the workers run when the test says.</summary>
public sealed class ClockedAppFixture() : MailingAppFixture(new FakeTimeProvider(DateTimeOffset.UtcNow));

public static class Chromium
{
    /// <summary>
    /// Chromium features turned off. Chromium reads only the last <c>--disable-features</c> switch, and Playwright puts
    /// its own first, so its list (Playwright 1.64's chromiumSwitches: no calls home, no translation bar, no paint
    /// holding, no HTTPS upgrades) is repeated here, followed by the WebUI omnibox popups: headless Chromium builds the
    /// address bar's popups for every new window as web pages of about 180 scripts each, which were a third of the
    /// renderer's CPU in a flow (a new page cost 320 ms of Chromium CPU, its first load 150).
    /// </summary>
    private static readonly string[] DisabledFeatures =
    [
        "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "DialMediaRouteProvider", "GlobalMediaControls",
        "HttpsUpgrades", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
        "BlockOriginHeaderModificationOnRedirect", "AvoidCorsURLLoaderRestartOnRedirect", "Translate", "AutoDeElevate",
        "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
        "WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup",
    ];

    /// <summary>
    /// Debian's headless shell of Chromium when it is installed (test.sh installs it), else Debian's Chromium — never a
    /// downloaded one. The shell is the same engine without the browser around it (windows, tabs, address bar, profile
    /// services): the flows' pages render alike, at much less CPU (measured below in docs/performance.md).
    /// AMPARO_CHROMIUM names another binary (to compare the two).
    /// </summary>
    private static string ExecutablePath =>
        Environment.GetEnvironmentVariable("AMPARO_CHROMIUM") is { Length: > 0 } chosen ? chosen
        : File.Exists("/usr/bin/chromium-headless-shell") ? "/usr/bin/chromium-headless-shell" : "/usr/bin/chromium";

    /// <summary>Chromium, headless and quiet: no background calls home.</summary>
    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", "--disable-features=" + string.Join(',', DisabledFeatures),
            ],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// A fresh context (no cookies). Actions and navigations wait up to a minute: CI machines are small and busy. The
    /// service worker is not let in: its install fetches run in the background of whatever page comes first (they would
    /// count in that page's weight, and a request's sizes can wait for them indefinitely); the offline flow
    /// (<see cref="AlertsFlowTests"/>) makes its own context with the worker allowed.
    /// </summary>
    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, bool javaScript, string? locale = "en")
    {
        var context = await browser.NewContextAsync(new() { JavaScriptEnabled = javaScript, Locale = locale, ServiceWorkers = ServiceWorkerPolicy.Block });
        context.SetDefaultTimeout(60_000);
        return context;
    }

    /// <summary>
    /// Runs a flow; when it stops on anything but an assertion (a timeout), the message says where every open page was
    /// and what it showed (its heading and any error or status message), with the app's warnings, and a screenshot of
    /// each page goes to TestResults/screenshots/failed-*.png: a flow that fails only on a slow CI machine must say why.
    /// </summary>
    public static async Task RunFlowAsync(MailingAppFixture fixture, Func<Task> flow)
    {
        try { await flow(); }
        catch (Exception ex) when (ex is not Xunit.Sdk.IAssertionException)
        {
            throw new InvalidOperationException(
                $"The flow stopped: {ex.Message}\n{await DescribePagesAsync(fixture.Browser)}\n{string.Join("\n", fixture.App.Requests.TakeLast(15))}\n{fixture.App.Warnings}", ex);
        }
    }

    private static async Task<string> DescribePagesAsync(IBrowser browser)
    {
        var lines = new List<string>();
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        foreach (var page in browser.Contexts.SelectMany(c => c.Pages))
        {
            try
            {
                var shown = await page.Locator("h1, [role=alert], [role=status], .errors").AllInnerTextsAsync().WaitAsync(TimeSpan.FromSeconds(5));
                var file = Path.Combine(dir, $"failed-{lines.Count}.png");
                await page.ScreenshotAsync(new() { Path = file, FullPage = true, Timeout = 5_000 });
                lines.Add($"open page {PageChecks.Describe(page.Url)} shows: {string.Join(" | ", shown.Select(t => t.ReplaceLineEndings(" ")))} ({file})");
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                lines.Add($"open page {PageChecks.Describe(page.Url)}: not readable ({e.Message.Split('\n')[0]})");
            }
        }
        return string.Join("\n", lines);
    }
}

/// <param name="clock">
/// When given, the app runs on this clock and does not start its alert engine and dispatcher: the test moves the
/// clock and runs them once with <see cref="RunWorkersAsync"/>, as the integration tests do.
/// </param>
public sealed class AppServer(IReadOnlyDictionary<string, string?>? settings = null, FakeTimeProvider? clock = null) : WebApplicationFactory<Program>
{
    public FakeTimeProvider? Clock => clock;

    /// <summary>Runs the alert engine and then the dispatcher once (only with a fake clock).</summary>
    public async Task RunWorkersAsync()
    {
        await Services.GetRequiredService<Amparo.Web.Features.CheckIns.AlertEngine>().RunOnceAsync(CancellationToken.None);
        await Services.GetRequiredService<Amparo.Web.Features.Notifications.OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "amparo-browser-" + Guid.NewGuid().ToString("N")[..10]);
    public int Port { get; } = Ports.Free();
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public void Start()
    {
        UseKestrel(Port);
        StartServer();
    }

    /// <summary>What the app logged at warning or above, for a failing test's message (CI keeps nothing else).</summary>
    public AppWarnings Warnings { get; } = new();

    /// <summary>The app's last requests and their answers ("POST /setup → 200"), for a failing flow's message.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    private sealed class RecordRequests(System.Collections.Concurrent.ConcurrentQueue<string> log) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                try { await inner(context); }
                finally
                {
                    log.Enqueue($"  app request: {context.Request.Method} {context.Request.Path} → {context.Response.StatusCode} {context.Response.Headers.Location}");
                    while (log.Count > 40) log.TryDequeue(out _);
                }
            });
            next(app);
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Warnings));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RecordRequests(Requests)));
        builder.UseSetting("Amparo:DataDirectory", DataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        // From the run's migrated file, as the integration tests' SQLite hosts start (no flow is about migrating).
        SqliteTemplate.CopyTo(DataDirectory);
        // The same Argon2id code at its smallest cost (as in tests/Amparo.Tests' AppFixture): the flows sign in many
        // times, and hashing at production cost only spends CPU the other test project needs at the same time.
        builder.UseSetting("Amparo:Argon2MemoryKib", "1024");
        builder.UseSetting("Amparo:Argon2Iterations", "1");
        builder.UseSetting("Incidents:GazetteerPath", "gazetteer-sample.geojson");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        if (clock is not null)
        {
            builder.UseSetting("CheckIns:RunWorkers", "false");
            builder.UseSetting("Amparo:PublicBaseUrl", BaseUrl); // links in messages point at this test server
            builder.ConfigureServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            });
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

}

/// <summary>Keeps the app's warnings and errors, each line prefixed so that ./test.sh prints it under a failure.</summary>
public sealed class AppWarnings : ILoggerProvider, ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public override string ToString() => string.Join("\n", _lines.TakeLast(20));

    public ILogger CreateLogger(string categoryName) => this;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var kind = logLevel == LogLevel.Warning ? "warning" : "error";
        _lines.Enqueue($"  app {kind}: {formatter(state, exception)} {exception?.GetType().Name}");
    }

    public void Dispose() { }
}
