
namespace Amparo.BrowserTests;

/// <summary>The pages anyone can reach, with JavaScript on and off, left-to-right and right-to-left.</summary>
public sealed class SmokeTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(true, "en")]
    [InlineData(false, "en")]
    [InlineData(true, "ar")]
    [InlineData(false, "ar")]
    public async Task AnonymousPages_AreAccessible_Small_AndStayOnOrigin(bool javaScript, string language)
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { JavaScriptEnabled = javaScript, Locale = language });
        var checks = new PageChecks(context, fixture.BaseUrl, javaScript);
        var report = new PageReport();
        var page = await context.NewPageAsync();
        foreach (var path in new[] { "/account/sign-in", "/setup", "/weather", "/does-not-exist" })
        {
            await page.GotoAsync(fixture.BaseUrl + path);
            await checks.CheckAsync(page, report);
        }
        var dir = await page.GotoAsync(fixture.BaseUrl + "/account/sign-in") is not null ? await page.Locator("html").GetAttributeAsync("dir") : null;
        Assert.Equal(language == "ar" ? "rtl" : "ltr", dir);
        report.AssertClean();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LanguageSwitcher_WorksWithoutJavaScript(bool javaScript)
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { JavaScriptEnabled = javaScript, Locale = "en" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseUrl + "/account/sign-in");
        await page.SelectOptionAsync("#language-choice", "ar");
        await page.ClickAsync("footer button[type=submit]");
        await Flows.WaitForPageAsync(page, fixture.BaseUrl + "/account/sign-in");
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Equal("ar", await page.Locator("html").GetAttributeAsync("lang"));
    }

    /// <summary>The checks themselves can fail: a page with an unlabelled field, a picture without text and a request elsewhere.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PageChecks_FindViolations_ForeignRequests_AndWeight(bool javaScript)
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { JavaScriptEnabled = javaScript });
        var checks = new PageChecks(context, fixture.BaseUrl, javaScript);
        var report = new PageReport();
        var page = await context.NewPageAsync();
        const string bad = """
            <!DOCTYPE html><html lang="en"><head><title>Bad</title></head>
            <body><main><h1>Bad</h1><input type="text"><img src="http://elsewhere.invalid/pixel.png"></main></body></html>
            """;
        await context.RouteAsync("http://elsewhere.invalid/**", route => route.AbortAsync());
        await page.RouteAsync(fixture.BaseUrl + "/bad-page", route => route.FulfillAsync(new() { ContentType = "text/html", Body = bad }));
        await page.GotoAsync(fixture.BaseUrl + "/bad-page");
        await checks.CheckAsync(page, report, budgetBytes: 10);

        Assert.Contains(report.Problems, p => p.Contains("image-alt (critical)", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("label (critical)", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p == "request to another origin: http://elsewhere.invalid/pixel.png");
        Assert.Contains(report.Problems, p => p.Contains("over the 10-byte budget", StringComparison.Ordinal));
    }
}
