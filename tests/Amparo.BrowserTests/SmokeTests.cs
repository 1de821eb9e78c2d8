namespace Amparo.BrowserTests;

public sealed class SmokeTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignInPage_RendersWithAndWithoutJavaScript(bool javaScript)
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { JavaScriptEnabled = javaScript });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(fixture.BaseUrl + "/account/sign-in");
        Assert.Equal(200, response!.Status);
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
    }
}
