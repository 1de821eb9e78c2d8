using System.Globalization;
using System.Text.RegularExpressions;
using Amparo.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>What every browser flow reads the same way: the app's own words, and assertions with a generous wait.</summary>
public static class Flows
{
    /// <summary>The app's own text for a key in a language, so a flow follows wording changes and translations.</summary>
    /// <summary>Chooses a language in the footer's form (it works without JavaScript) and waits for the page in it.</summary>
    public static async Task SwitchLanguageAsync(IPage page, IServiceProvider services, string language)
    {
        var shown = await page.Locator("html").GetAttributeAsync("lang") ?? "en";
        if (shown == language) return;
        await page.Locator("footer").GetByLabel(Text(services, "Layout.Language", shown, [])).SelectOptionAsync(language);
        await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = Text(services, "Layout.ChangeLanguage", shown, []) }).ClickAsync();
        await page.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await WaitForLoadAsync(page);
    }

    public static string Text(IServiceProvider services, string key, string language, object[] args)
    {
        var localizer = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        try { return (args.Length == 0 ? localizer[key] : localizer[key, args]).Value; }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    /// <summary>Generous: the flows run on a small, busy machine.</summary>
    public static ILocatorAssertions Expect(ILocator locator)
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        return Assertions.Expect(locator);
    }

    /// <summary>
    /// A full-page screenshot for people to look at (TestResults/screenshots under the test output directory), taken
    /// only when <c>AMPARO_SCREENSHOTS=1</c>: the suite's time is for what it asserts.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("AMPARO_SCREENSHOTS") != "1") return;
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    /// <summary>One part of a long page, for a person to look at (only with AMPARO_SCREENSHOTS=1).</summary>
    public static async Task ScreenshotAsync(ILocator part, string name)
    {
        if (Environment.GetEnvironmentVariable("AMPARO_SCREENSHOTS") != "1") return;
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        await part.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png") });
    }

    /// <summary>
    /// Waits until the page is at <paramref name="url"/> (a glob, as <c>WaitForURLAsync</c> takes) and loaded.
    /// Playwright for .NET checks a frame's URL or load states and only then subscribes to the next change, so a change
    /// delivered in between is lost and the wait hangs with the page already there (microsoft/playwright-dotnet#3364;
    /// here a flow stopped that way in about one full run of three, "NetworkIdle fired" and no "load"). Short waits,
    /// repeated: each one checks again, so a lost event costs one short wait instead of the flow.
    /// </summary>
    public static Task WaitForPageAsync(IPage page, string url, PageWaitForURLOptions? options = null) =>
        RepeatAsync(t => page.WaitForURLAsync(url, new() { Timeout = t }), options?.Timeout);

    /// <inheritdoc cref="WaitForPageAsync(IPage, string, PageWaitForURLOptions?)"/>
    public static Task WaitForPageAsync(IPage page, Regex url, PageWaitForURLOptions? options = null) =>
        RepeatAsync(t => page.WaitForURLAsync(url, new() { Timeout = t }), options?.Timeout);

    /// <summary>Waits for the current document's load event (see <see cref="WaitForPageAsync(IPage, string, PageWaitForURLOptions?)"/> for why not <c>WaitForLoadStateAsync</c> alone).</summary>
    public static Task WaitForLoadAsync(IPage page) =>
        RepeatAsync(t => page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = t }), null);

    private static async Task RepeatAsync(Func<float, Task> wait, float? totalMs)
    {
        var deadline = Environment.TickCount64 + (long)(totalMs ?? 60_000);
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            try
            {
                await wait(Math.Clamp(left, 1, 5_000));
                return;
            }
            catch (TimeoutException) when (Environment.TickCount64 < deadline) { }
        }
    }

    /// <summary>Signs in through the English sign-in form and waits for the home page.</summary>
    public static async Task SignInAsync(IPage page, string baseUrl, IServiceProvider services, string email, string passphrase)
    {
        await page.GotoAsync(baseUrl + "/account/sign-in");
        await page.GetByLabel(Text(services, "Field.Email", "en", [])).FillAsync(email);
        await page.GetByLabel(Text(services, "Field.Passphrase", "en", []), new() { Exact = true }).FillAsync(passphrase);
        await page.GetByRole(AriaRole.Button, new() { Name = Text(services, "SignIn.Submit", "en", []) }).ClickAsync();
        await WaitForPageAsync(page, baseUrl + "/", new() { Timeout = 30_000 });
    }
}
