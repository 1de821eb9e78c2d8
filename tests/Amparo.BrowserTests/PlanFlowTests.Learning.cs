using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// The library's part of the plan flow (issue 18), on the tests' small library (tests/Amparo.Tests/Learning/Fixture):
/// start from a need, read a step and open a glossary word in it, mark it done, tick a checklist item with a private
/// note, turn it into an action of the plan just built and find it there; then on a phone, in Arabic a step not yet
/// translated (shown left to right, marked) and in Spanish a safety-critical step whose translation is out of date.
/// </summary>
public abstract partial class PlanFlowTests
{
    /// <summary>The library the flows' apps read: small, with a missing Arabic step and a stale critical Spanish one.</summary>
    public static string LearningFixture
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "Amparo.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Amparo.slnx not found");
            return Path.Combine(dir, "tests", "Amparo.Tests", "Learning", "Fixture");
        }
    }

    private async Task LearningAsync(IPage page, Func<Task> check, string planUrl, string planTitle, string tag)
    {
        // The page that builds an offline training pack (issue 19): lessons and languages to tick.
        await page.GotoAsync(BaseUrl + "/learn/pack");
        await check();
        await Expect(page.Locator("#lesson-lock-up")).ToBeVisibleAsync();
        await Flows.ScreenshotAsync(page, "pack-build-en-" + tag);
        await page.GotoAsync(BaseUrl + "/learn");
        await check();
        await page.GetByRole(AriaRole.Link, new() { Name = "My phone was taken (en)" }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/learn\?need=phone-taken"));
        await check();
        await page.Locator("#lessons ~ ul").GetByRole(AriaRole.Link, new() { Name = "Lock it up" }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/learn/lock-up$"));
        await check();
        await Flows.ScreenshotAsync(page, "lesson-en-" + tag);

        // The first step; its glossary word leads to the explanation on the same page.
        await page.GetByRole(AriaRole.Link, new() { Name = T("Learning.Start") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/learn/lock-up/steps/why$"));
        await check();
        await page.Locator("article").GetByRole(AriaRole.Link, new() { Name = "screen lock" }).ClickAsync();
        await Expect(page.Locator("#term-screen-lock + dd")).ToContainTextAsync("What your phone asks for before it opens.");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Learning.DoneNext") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/learn/lock-up/steps/set-lock"));
        await check();

        // Tick a checklist item with a private note, then make it an action of the plan.
        await page.GotoAsync(BaseUrl + "/learn/lock-up#checklist");
        var item = page.Locator("#item-lock-set");
        await item.GetByLabel(T("Learning.State.Done"), new() { Exact = true }).CheckAsync();
        await item.GetByLabel(T("Learning.Note")).FillAsync("Ask Rosa about the spare phone " + tag);
        await item.GetByRole(AriaRole.Button, new() { Name = T("Learning.SaveItem") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/learn/lock-up\?saved=lock-set"));
        await check();
        await Expect(page.Locator("#item-lock-set .notice")).ToHaveTextAsync(T("Learning.Saved"));
        await Expect(page.Locator("#item-lock-set textarea")).ToHaveValueAsync("Ask Rosa about the spare phone " + tag);
        item = page.Locator("#item-lock-set");
        await item.GetByLabel(T("Learning.ToPlan")).SelectOptionAsync(new SelectOptionValue { Label = planTitle });
        await item.GetByRole(AriaRole.Button, new() { Name = T("Learning.ToPlanSubmit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/learn/lock-up\?added="));
        await check();
        await Flows.ScreenshotAsync(page, "lesson-checklist-en-" + tag);
        await page.GetByRole(AriaRole.Link, new() { Name = T("Learning.OpenPlan") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(Regex.Escape(planUrl) + "$"));
        await Expect(page.Locator("main")).ToContainTextAsync("ENGLISH-ITEM my phone has a lock");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = T("Learning.FromLesson") })).ToHaveAttributeAsync("href", "/learn/lock-up");

        // On a phone: a step missing in Arabic reads left to right inside the right-to-left page; a critical step whose
        // Spanish translation is out of date shows today's English, and says why.
        await page.SetViewportSizeAsync(360, 740);
        foreach (var (language, marker) in new[] { ("ar", "Learning.Fallback"), ("es", "Learning.CriticalStale") })
        {
            await page.Locator("footer").GetByLabel(T("Layout.Language", Current(page))).SelectOptionAsync(language);
            await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", Current(page)) }).ClickAsync();
            await page.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Flows.WaitForLoadAsync(page);
            _language = language;
            await page.GotoAsync(BaseUrl + "/learn/lock-up/steps/set-lock");
            await check();
            await Expect(page.Locator("article")).ToHaveAttributeAsync("dir", "ltr");
            await Expect(page.Locator("article")).ToHaveAttributeAsync("lang", "en");
            await Expect(page.Locator("article")).ToContainTextAsync("ENGLISH-SET-V2");
            await Expect(page.Locator("main [role=note]").First).ToContainTextAsync(T(marker, language, "Español", "English").Split('(')[0].Trim());
            await Flows.ScreenshotAsync(page, $"lesson-step-{language}-{tag}");
            await page.GotoAsync(BaseUrl + "/learn/lock-up");
            await check();
            await Flows.ScreenshotAsync(page, $"lesson-{language}-{tag}");
            await page.GotoAsync(BaseUrl + "/learn");
            await check();
            await Flows.ScreenshotAsync(page, $"library-{language}-{tag}");
        }
        await page.Locator("footer").GetByLabel(T("Layout.Language", Current(page))).SelectOptionAsync("en");
        await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", Current(page)) }).ClickAsync();
        await page.Locator("html[lang=en]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        _language = "en";
        await page.SetViewportSizeAsync(1280, 900);
    }
}
