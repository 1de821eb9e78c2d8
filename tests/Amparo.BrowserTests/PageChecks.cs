using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// Watches a browser context for what QUALITY.md limits on every page: requests to any other origin (must be 0),
/// bytes transferred per page, and serious or critical accessibility violations (axe).
/// </summary>
public sealed class PageChecks
{
    private readonly string _origin;
    private readonly bool _javaScript;
    private readonly List<string> _foreign = [];
    private readonly List<IRequest> _requests = [];
    private IResponse? _document;
    private readonly Lock _lock = new();

    /// <param name="javaScript">
    /// Whether the context runs scripts. axe is a script: in a context without JavaScript it would wait forever, so
    /// there the page's HTML, exactly as the server sent it, is checked in the browser's axe page, which runs scripts
    /// (<see cref="AxePage"/>).
    /// </param>
    public PageChecks(IBrowserContext context, string baseUrl, bool javaScript = true)
    {
        _origin = new Uri(baseUrl).GetLeftPart(UriPartial.Authority);
        _javaScript = javaScript;
        context.Request += (_, request) =>
        {
            lock (_lock)
            {
                _requests.Add(request);
                if (!request.Url.StartsWith(_origin, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                    _foreign.Add(request.Url);
            }
        };
        context.Response += (_, response) =>
        {
            // The last document shown in a top-level page (not a redirect on the way there).
            if (response.Request.IsNavigationRequest && response.Frame.ParentFrame is null && response.Status is < 300 or >= 400)
                lock (_lock) _document = response;
        };
    }

    public IReadOnlyList<string> ForeignRequests { get { lock (_lock) return _foreign.ToList(); } }

    /// <summary>Bytes on the wire (headers + body as sent) for everything loaded since the last call.</summary>
    public async Task<long> TakeWeightAsync()
    {
        List<IRequest> batch;
        lock (_lock)
        {
            batch = _requests.ToList();
            _requests.Clear();
        }
        long total = 0;
        foreach (var r in batch)
        {
            try
            {
                // Bounded: Playwright waits for the request to finish, and one that never does (a worker's background
                // fetch) must not stop the flow; such a request is not part of the page shown.
                var sizes = await r.SizesAsync().WaitAsync(TimeSpan.FromSeconds(15));
                total += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            }
            catch (PlaywrightException)
            {
                // A request cancelled by navigation has no sizes.
            }
            catch (TimeoutException)
            {
            }
        }
        return total;
    }

    /// <summary>axe-core exactly as Deque.AxeCore.Playwright's RunAxe injected it: the copy bundled in Deque.AxeCore.Commons.</summary>
    private static readonly string AxeSource = new BundledAxeScriptProvider().GetScript();

    /// <summary>
    /// Every rule axe enables by default that can report a serious or critical violation runs on every node of the
    /// document (the others can only report what is not counted); only the other result types (passes,
    /// incomplete, inapplicable) are not written out node by node, and no CSS selectors are built for the nodes
    /// (this class reads each node's HTML) — neither changes what is checked. In the page itself, one round trip:
    /// only the serious and critical violations come back, with the first three nodes' HTML.
    /// </summary>
    private const string RunAxeScript = """
        async (frames) => {
          // The rules that can report a serious or critical violation (by the rule's own impact or one of its checks'),
          // among those axe enables by default: a rule that can only report minor or moderate findings is not run, as
          // nothing below serious is counted. region, the costliest best-practice rule, is moderate.
          if (!window.__amparoRules) {
            const rank = { minor: 1, moderate: 2, serious: 3, critical: 4 };
            const checkRank = c => rank[axe._audit.data.checks[typeof c === 'string' ? c : c.id]?.impact] ?? 4;
            window.__amparoRules = axe._audit.rules
              .filter(r => r.enabled !== false)
              .filter(r => (rank[r.impact] ?? 0) >= 3 || [...r.any, ...r.all, ...r.none].some(c => checkRank(c) >= 3))
              .map(r => r.id);
          }
          const only = { runOnly: { type: 'rule', values: window.__amparoRules } };
          const result = await axe.run(document, frames
            ? { ...only, resultTypes: ['violations'] }
            : { ...only, resultTypes: ['violations'], selectors: false, iframes: false });
          return JSON.stringify(result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html) })));
        }
        """;

    private sealed record Violation(string Id, string Impact, string Help, List<string> Nodes);

    private static readonly JsonSerializerOptions ViolationJson = new(JsonSerializerDefaults.Web);

    /// <summary>Puts axe into a frame that does not have it yet (a navigation starts a fresh window).</summary>
    private static async Task InjectAxeAsync(IFrame frame)
    {
        if (!await frame.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
            await frame.EvaluateAsync("() => {" + AxeSource + "\n}");
    }

    /// <summary>Serious and critical axe violations on the current page, as readable lines.</summary>
    /// <remarks>
    /// Not Deque.AxeCore.Playwright's RunAxe: per call it evaluated the whole axe source twice, opened a page in a new
    /// browser context to merge the results, and sent every result back through JSON. Here axe (the same copy) goes
    /// into the page once and one call runs it, with the same rules on the same document.
    /// </remarks>
    public static async Task<IReadOnlyList<string>> AccessibilityProblemsAsync(IPage page, string? shownUrl = null)
    {
        // Child frames (the app has none) get axe too, and axe then runs inside them as it always did.
        var frames = page.Frames.Count > 1;
        foreach (var frame in frames ? page.Frames : [page.MainFrame]) await InjectAxeAsync(frame);
        string json;
        try
        {
            json = await page.EvaluateAsync<string>(RunAxeScript, frames).WaitAsync(AxeTimeout);
        }
        catch (TimeoutException)
        {
            // Once in many runs a run in a loaded machine never answered (cause unknown): the flow must not hang on it.
            // The page's HTML goes through Deque's own RunAxe in a fresh context, and the run's log says so.
            string state;
            try
            {
                state = await page.EvaluateAsync<string>("() => document.visibilityState + (window.axe?._running ? ', axe running' : '')").WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                state = "the page does not answer";
            }
            TestContext.Current.SendDiagnosticMessage($"axe did not answer within {AxeTimeout.TotalSeconds} s on {page.Url} ({state}); checked again with RunAxe");
            return await AccessibilityProblemsWithRunAxeAsync(page, shownUrl ?? page.Url);
        }
        return JsonSerializer.Deserialize<List<Violation>>(json, ViolationJson)!
            .Select(v => $"{shownUrl ?? page.Url}: {v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes)}")
            .ToList();
    }

    private static readonly TimeSpan AxeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// axe's findings for every document checked in this run, by what axe sees: the live document (after its scripts,
    /// where they run) and the viewport. axe's result is a function of those two, so a document already checked is not
    /// checked again — the JavaScript-on and -off runs of a flow show the same pages (a page shown without scripts
    /// runs them in the axe page), and flows pass through the same pages. Per-request values that change no rule's outcome are
    /// replaced by numbered placeholders first: ids, CSP nonces, antiforgery tokens, clock times. A difference anywhere
    /// else means a new check.
    /// (axe was about 45 % of the browser project's CPU: 119 → 66 core-seconds for three flows without it.)
    /// </summary>
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> Checked = new(StringComparer.Ordinal);
    private static int _axeRuns, _axeReused;

    /// <summary>How many documents axe checked in this run, and how many checks found an identical document already checked.</summary>
    public static string AxeSummary => $"axe checked {_axeRuns} documents; {_axeReused} more were identical to one already checked";

    private const string GuidPattern = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static readonly Regex PerRequest = new(
        GuidPattern + @"|nonce=""[^""]*""|value=""CfDJ8[^""]*""|\b\d{1,2}:\d{2}(:\d{2})?\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static async Task<IReadOnlyList<string>> AccessibilityProblemsOnceAsync(IPage page, string? shownUrl = null)
    {
        var size = page.ViewportSize;
        // Each value becomes a placeholder, never nothing ("<a>14:05</a>" must not match an empty link), and equal ids stay
        // equal while different ones stay different (a duplicated id must not match two distinct ones).
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var document = PerRequest.Replace(await page.ContentAsync(), m => "{" + (seen.TryGetValue(m.Value, out var n) ? n : seen[m.Value] = seen.Count) + "}");
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{size?.Width}x{size?.Height}\n{document}")));
        if (Checked.TryGetValue(key, out var known))
        {
            Interlocked.Increment(ref _axeReused);
            return known;
        }
        var found = await AccessibilityProblemsAsync(page, shownUrl);
        Checked[key] = found;
        Interlocked.Increment(ref _axeRuns);
        return found;
    }

    /// <summary>The fallback: the page's current HTML in a fresh context with scripts on, checked by Deque's RunAxe.</summary>
    private static async Task<IReadOnlyList<string>> AccessibilityProblemsWithRunAxeAsync(IPage page, string shownUrl)
    {
        var html = await page.ContentAsync();
        var url = page.Url;
        await using var context = await Chromium.NewContextAsync(page.Context.Browser!, javaScript: true, locale: null);
        await context.RouteAsync("**/*", route => route.Request.Url == url
            ? route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Body = html })
            : route.ContinueAsync());
        var fresh = await context.NewPageAsync();
        await fresh.GotoAsync(url);
        AxeResult result = await fresh.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{shownUrl}: {v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
    }

    /// <summary>
    /// axe for a page shown without JavaScript: the same HTML, exactly as the server sent it, written into the browser's
    /// axe page (<see cref="AxePage"/>), where its stylesheet loads from the app and its scripts run.
    /// </summary>
    private async Task<IReadOnlyList<string>> AccessibilityProblemsWithoutScriptsAsync(IPage page)
    {
        IResponse document;
        lock (_lock) document = _document ?? throw new InvalidOperationException("No document was loaded.");
        var html = await document.TextAsync();
        var checker = await AxePage.ForAsync(page, document.Url);
        await checker.Lock.WaitAsync();
        try
        {
            await checker.ShowAsync(html, page.ViewportSize);
            return await AccessibilityProblemsOnceAsync(checker.Page, document.Url);
        }
        finally { checker.Lock.Release(); }
    }

    /// <summary>
    /// One page per browser that keeps axe loaded, at the app's origin: a document to check is written into it with
    /// <c>document.open/write/close</c>, which replaces the document but keeps the window and so axe (the HTML standard
    /// since 2019: <c>document.open()</c> no longer makes a new global). It replaced a twin page per flow that loaded
    /// each document again and injected axe's 500 KB into it each time: ≈ 150 ms of Chromium CPU for the load and
    /// ≈ 200 ms for the injection, per check. Only the axe page's own address is intercepted (it answers an empty
    /// document); the stylesheet and scripts come from the app as for the page itself.
    /// </summary>
    private sealed class AxePage
    {
        private static readonly ConcurrentDictionary<IBrowser, Lazy<Task<AxePage>>> Pages = new();

        public required IPage Page { get; init; }
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public static Task<AxePage> ForAsync(IPage shown, string documentUrl)
        {
            var browser = shown.Context.Browser!;
            var origin = new Uri(documentUrl).GetLeftPart(UriPartial.Authority);
            return Pages.GetOrAdd(browser, b => new Lazy<Task<AxePage>>(() => OpenAsync(b, origin))).Value;
        }

        private static async Task<AxePage> OpenAsync(IBrowser browser, string origin)
        {
            var context = await Chromium.NewContextAsync(browser, javaScript: true, locale: null);
            var url = origin + "/__amparo-axe-page";
            await context.RouteAsync(url, route => route.FulfillAsync(new()
            {
                Status = 200,
                ContentType = "text/html; charset=utf-8",
                Body = "<!DOCTYPE html><html><head><title>axe</title></head><body></body></html>",
            }));
            var page = await context.NewPageAsync();
            await page.GotoAsync(url);
            await InjectAxeAsync(page.MainFrame);
            return new AxePage { Page = page };
        }

        /// <summary>
        /// Replaces the document with <paramref name="html"/> at the shown page's viewport and waits for its load event
        /// (stylesheet and scripts in). Timers the previous document's scripts set are cleared first: they belong to
        /// the window, which a written document keeps, and a refresh timer must not change the next document.
        /// </summary>
        public async Task ShowAsync(string html, PageViewportSizeResult? viewport)
        {
            if (viewport is { } v && (Page.ViewportSize?.Width != v.Width || Page.ViewportSize?.Height != v.Height))
                await Page.SetViewportSizeAsync(v.Width, v.Height);
            await Page.EvaluateAsync("""
                async (html) => {
                  const last = setTimeout(() => {}, 0);
                  for (let id = 0; id <= last; id++) { clearTimeout(id); clearInterval(id); }
                  document.open();
                  document.write(html);
                  document.close();
                  // Bounded: a stylesheet that never arrives must not hang the flow; axe then checks what is there.
                  if (document.readyState !== 'complete')
                    await Promise.race([
                      new Promise(resolve => window.addEventListener('load', resolve, { once: true })),
                      new Promise(resolve => setTimeout(resolve, 20000)),
                    ]);
                  if (typeof window.axe?.run !== 'function') throw new Error('axe did not survive document.open');
                }
                """, html);
        }
    }

    /// <summary>Runs every check on the page just loaded and records what it finds.</summary>
    public async Task CheckAsync(IPage page, PageReport report, long budgetBytes = 60 * 1024, string? who = null)
    {
        // The load event: the document, its stylesheet, script and images are in.
        await Flows.WaitForLoadAsync(page);
        var weight = await TakeWeightAsync();
        var path = Describe(page.Url);
        var dir = await page.Locator("html").GetAttributeAsync("dir") ?? "";
        report.Weights.Add(new PageWeight(who ?? "", path, dir, weight));
        if (weight > budgetBytes) report.Problems.Add($"{page.Url}: {weight} bytes, over the {budgetBytes}-byte budget");
        report.Problems.AddRange(_javaScript ? await AccessibilityProblemsOnceAsync(page) : await AccessibilityProblemsWithoutScriptsAsync(page));
        lock (_lock)
        {
            report.Problems.AddRange(_foreign.Select(u => $"request to another origin: {u}"));
            _foreign.Clear();
        }
    }

    /// <summary>The page's address without secrets or ids: ids become {id}, an invitation token {token}, the k= value goes.</summary>
    public static string Describe(string url)
    {
        var u = new Uri(url);
        var path = Regex.Replace(u.AbsolutePath, GuidPattern, "{id}");
        path = Regex.Replace(path, "^/invitation/[^/]+", "/invitation/{token}");
        path = Regex.Replace(path, "^/(r|v|c)/[^/]+", "/$1/{token}");
        var query = string.Join('&', u.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("k=", StringComparison.Ordinal)));
        return path + (query.Length > 0 ? "?" + query : "") + u.Fragment;
    }
}

public sealed record PageWeight(string Who, string Path, string Dir, long Bytes);

public sealed class PageReport
{
    private static readonly Lock FileLock = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public List<string> Problems { get; } = [];
    public List<PageWeight> Weights { get; } = [];

    public void AssertClean()
    {
        foreach (var w in Weights) TestContext.Current.SendDiagnosticMessage($"page weight {w.Who} {w.Path} ({w.Dir}): {w.Bytes} bytes");
        TestContext.Current.SendDiagnosticMessage(PageChecks.AxeSummary);
        Assert.True(Problems.Count == 0, string.Join("\n", Problems));
    }

    /// <summary>Adds this run's page weights to TestResults/page-weights.json (under the test output directory), keyed by run.</summary>
    public string SaveWeights(string run)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "TestResults", "page-weights.json");
        lock (FileLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var all = new SortedDictionary<string, List<PageWeight>>(StringComparer.Ordinal);
            try
            {
                if (File.Exists(file)) all = JsonSerializer.Deserialize<SortedDictionary<string, List<PageWeight>>>(File.ReadAllText(file), Json) ?? all;
            }
            catch (JsonException)
            {
                // A file left half-written by an interrupted run: start again.
            }
            all[run] = Weights.ToList();
            File.WriteAllText(file, JsonSerializer.Serialize(all, Json));
        }
        TestContext.Current.SendDiagnosticMessage($"page weights of {run} written to {file}");
        return file;
    }
}
