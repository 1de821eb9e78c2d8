using System.IO.Compression;
using System.Security.Cryptography;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Learning.Packs;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// A training pack's static pages (issue 19) opened from disk as on a USB stick: built in-process from the tests' small
/// library, unpacked into a folder of the test's own, read in Chromium with JavaScript off on a 360-px phone — Arabic
/// right to left, a link to another lesson and one to the glossary followed, nothing fetched but the pack's own files.
/// No app host: a pack is files. With AMPARO_SCREENSHOTS=1 it also photographs the starter set's pages in Arabic and
/// Spanish, on the phone and on a desktop.
/// </summary>
public sealed class PackStaticTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "amparo-pack-html-" + Guid.NewGuid().ToString("N")[..10]);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync() => (_playwright, _browser) = await Chromium.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string Unpack(string library, string name, string[] lessons, string[] languages)
    {
        var (catalog, _) = LessonContentLoader.Load(library, new DateOnly(2026, 6, 1));
        using var key = PackSigningKey.FromSecret(RandomNumberGenerator.GetBytes(32));
        using var zip = new MemoryStream();
        PackBuilder.Build(catalog, PackBuilder.Check(catalog, lessons, languages), key, "Amparo", new DateTime(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc), zip);
        zip.Position = 0;
        var target = Path.Combine(_folder, name);
        ZipFile.ExtractToDirectory(zip, target);
        return Path.Combine(target, "html");
    }

    private static string FileUrl(string path) => new Uri(path).AbsoluteUri;

    [Fact]
    public async Task PackPages_OpenFromDisk_WithoutJavaScript_RightToLeftInArabic_AndTheirLinksWork()
    {
        var html = Unpack(PlanFlowTests.LearningFixture, "fixture", ["lock-up", "after-arrest"], ["ar", "es", "en"]);
        await using var context = await _browser!.NewContextAsync(new() { JavaScriptEnabled = false, Locale = "ar", ViewportSize = new() { Width = 360, Height = 740 } });
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);

        await page.GotoAsync(FileUrl(Path.Combine(html, "ar", "lock-up.html")));
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Equal("ar", await page.Locator("html").GetAttributeAsync("lang"));
        // Right to left as laid out: the "all lessons" link starts at the right of a 360-px screen.
        var back = await page.Locator("p.noprint a").BoundingBoxAsync();
        Assert.True(back!.X + back.Width > 300, $"the first link is at x={back.X}, width {back.Width}: not right to left");
        // The step not yet translated is English, left to right, inside the Arabic page.
        Assert.Equal("ltr", await page.Locator("section#step-set-lock h3").GetAttributeAsync("dir"));
        await Flows.ScreenshotAsync(page, "pack-fixture-ar-lesson-360");

        // Another lesson, by its link.
        await page.Locator("a[href='after-arrest.html']").First.ClickAsync();
        await Flows.WaitForPageAsync(page, "**/ar/after-arrest.html");
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("h1").TextContentAsync()));
        // A glossary word, by its link: the entry is on the glossary page.
        await page.GotoAsync(FileUrl(Path.Combine(html, "ar", "lock-up.html")));
        await page.Locator("a.term").First.ClickAsync();
        await Flows.WaitForPageAsync(page, "**/ar/glossary.html#term-*");
        Assert.True(await page.Locator("dt[id^='term-']").CountAsync() > 0);
        Assert.All(requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StarterSetPack_IsPhotographed_OnAPhoneAndADesktop_InArabicAndSpanish()
    {
        if (Environment.GetEnvironmentVariable("AMPARO_SCREENSHOTS") != "1") return;
        var starter = Path.Combine(Path.GetDirectoryName(PlanFlowTests.LearningFixture)!, "..", "..", "..", "content");
        var html = Unpack(Path.GetFullPath(starter), "starter", ["phone-lock", "passphrases", "device-seized"], ["ar", "es"]);
        foreach (var (width, height, size) in new[] { (360, 740, "360"), (1280, 900, "desktop") })
        {
            await using var context = await _browser!.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(FileUrl(Path.Combine(html, "index.html")));
            await Flows.ScreenshotAsync(page, $"pack-languages-{size}");
            foreach (var language in new[] { "ar", "es" })
            {
                foreach (var file in new[] { "index", "phone-lock", "phone-lock-checklist", "glossary", "attribution" })
                {
                    await page.GotoAsync(FileUrl(Path.Combine(html, language, file + ".html")));
                    await Flows.ScreenshotAsync(page, $"pack-{language}-{file}-{size}");
                }
            }
            // The checklist as it prints.
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await page.GotoAsync(FileUrl(Path.Combine(html, "es", "phone-lock-checklist.html")));
            await Flows.ScreenshotAsync(page, $"pack-es-checklist-print-{size}");
        }
    }
}
