using Microsoft.Playwright;

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
        var checks = new PageChecks(context, fixture.BaseUrl);
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
        await page.WaitForURLAsync(fixture.BaseUrl + "/account/sign-in");
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Equal("ar", await page.Locator("html").GetAttributeAsync("lang"));
    }
}
