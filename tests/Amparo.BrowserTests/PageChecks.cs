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
    private readonly List<string> _foreign = [];
    private readonly List<IRequest> _requests = [];
    private readonly Lock _lock = new();

    public PageChecks(IBrowserContext context, string baseUrl)
    {
        _origin = new Uri(baseUrl).GetLeftPart(UriPartial.Authority);
        context.Request += (_, request) =>
        {
            lock (_lock)
            {
                _requests.Add(request);
                if (!request.Url.StartsWith(_origin, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                    _foreign.Add(request.Url);
            }
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
                var sizes = await r.SizesAsync();
                total += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            }
            catch (PlaywrightException)
            {
                // A request cancelled by navigation has no sizes.
            }
        }
        return total;
    }

    /// <summary>Serious and critical axe violations on the current page, as readable lines.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityProblemsAsync(IPage page)
    {
        AxeResult result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{page.Url}: {v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
    }

    /// <summary>Runs every check on the page just loaded and records what it finds.</summary>
    public async Task CheckAsync(IPage page, PageReport report, long budgetBytes = 60 * 1024)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var weight = await TakeWeightAsync();
        report.Weights.Add((new Uri(page.Url).AbsolutePath, weight));
        if (weight > budgetBytes) report.Problems.Add($"{page.Url}: {weight} bytes, over the {budgetBytes}-byte budget");
        report.Problems.AddRange(await AccessibilityProblemsAsync(page));
        report.Problems.AddRange(ForeignRequests.Select(u => $"request to another origin: {u}"));
    }
}

public sealed class PageReport
{
    public List<string> Problems { get; } = [];
    public List<(string Path, long Bytes)> Weights { get; } = [];

    public void AssertClean()
    {
        foreach (var (path, bytes) in Weights) TestContext.Current.SendDiagnosticMessage($"page weight {path}: {bytes} bytes");
        Assert.True(Problems.Count == 0, string.Join("\n", Problems));
    }
}
