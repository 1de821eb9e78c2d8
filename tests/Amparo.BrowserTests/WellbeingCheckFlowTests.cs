using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// The self-check in a real browser, with JavaScript off and on: from the menu to the module's home, the questionnaire
/// sent half-answered (nothing saved, the empty items named beside themselves), then whole; the result with its bands in
/// words and "not a diagnosis"; the reminder choice; a second check a little lighter; the trend chart with its table;
/// then the result, the trend and the questionnaire in Spanish and in Arabic on a phone and a wide screen (screenshots
/// without JavaScript). Every page is checked (axe, other origins, weight).
/// </summary>
public sealed partial class WellbeingCheckFlowTests(MailingAppFixture fixture) : IClassFixture<MailingAppFixture>
{
    private const string Passphrase = "amber river lantern 2031";
    private string BaseUrl => fixture.BaseUrl;

    [Fact]
    public Task TakeASelfCheck_WithoutJavaScript() => RunAsync(javaScript: false);

    [Fact]
    public Task TakeASelfCheck_WithJavaScript() => RunAsync(javaScript: true);

    private async Task RunAsync(bool javaScript)
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => FlowAsync(report, javaScript)); }
        finally { report.SaveWeights(javaScript ? "wellbeing-check-javascript-on" : "wellbeing-check-javascript-off"); }
        report.AssertClean();
    }

    private async Task FlowAsync(PageReport report, bool javaScript)
    {
        var tag = javaScript ? "js" : "nojs";
        var email = $"amara.wellbeing.{tag}@example.org";
        using (var scope = fixture.App.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            Assert.NotNull((await accounts.CreateAsync(email, "Amara " + tag, Passphrase, false)).User);
        }

        await using var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var checks = new PageChecks(context, BaseUrl, javaScript);
        var page = await context.NewPageAsync();
        // JavaScript on: these pages have no script of their own, and the run without JavaScript checks them (axe with scripts on, in
        // the axe page); here only their weight is counted, so that each page's weight stays its own.
        Task Check() => javaScript ? checks.TakeWeightAsync() : checks.CheckAsync(page, report, who: "defender");
        await SignInAsync(page, email);

        // ---- The menu leads to the module's home; nothing taken yet.
        await page.Locator("nav.nav").GetByRole(AriaRole.Link, new() { Name = T("Wellbeing.Nav"), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, BaseUrl + "/wellbeing");
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Wellbeing.Home.None"));
        await page.Locator("#take-check").ClickAsync();
        await Flows.WaitForPageAsync(page, BaseUrl + "/wellbeing/check");
        await Check();

        // ---- Half answered: nothing saved, each empty item named beside itself.
        var heavy = SelfCheckInstrument.Items.ToDictionary(i => i.Id, i => (i.Scale, i.Reversed) switch
        {
            (WellbeingScale.Satisfaction, false) => Frequency.Rarely,
            (WellbeingScale.Satisfaction, true) => Frequency.Often,
            (null, _) => Frequency.Rarely,
            (_, false) => Frequency.Often,
            (_, true) => Frequency.Rarely,
        });
        foreach (var item in SelfCheckInstrument.Items.Take(10)) await Answer(page, item.Id, heavy[item.Id]);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Wellbeing.Check.Submit") }).ClickAsync();
        await Expect(page.Locator("#not-saved")).ToBeVisibleAsync();
        await Expect(page.Locator("#B3-error")).ToHaveTextAsync(T("Wellbeing.Check.Missing"));
        await Expect(page.Locator("#S1-error")).ToHaveCountAsync(0);
        await Expect(page.Locator("#S1-" + SelfCheckInstrument.FrequencyName(heavy["S1"]))).ToBeCheckedAsync();
        await Check();

        // ---- Whole: the result, its bands in words, what helps, support, "not a diagnosis".
        foreach (var item in SelfCheckInstrument.Items.Skip(10)) await Answer(page, item.Id, heavy[item.Id]);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Wellbeing.Check.Submit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, ResultPage());
        var resultUrl = page.Url;
        await Check();
        await Expect(page.Locator("#not-diagnosis")).ToHaveTextAsync(T("Wellbeing.Result.NotDiagnosis"));
        await Expect(page.Locator("#band-Burnout")).ToContainTextAsync(T("Wellbeing.Result.Band", "en", T("Wellbeing.Band.High")));
        await Expect(page.Locator("#band-Satisfaction")).ToContainTextAsync(T("Wellbeing.Result.Band", "en", T("Wellbeing.Band.Low")));
        await Expect(page.Locator("main")).ToContainTextAsync(T("Wellbeing.Result.SupportTitle"));

        // ---- Reminders: every two weeks, by e-mail.
        await page.GotoAsync(BaseUrl + "/wellbeing/reminders");
        await Check();
        await page.GetByLabel(T("Wellbeing.Rhythm.TwoWeeks"), new() { Exact = true }).CheckAsync();
        await page.GetByLabel(T("Wellbeing.Reminders.Email"), new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("Wellbeing.Reminders.Save") }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Wellbeing.Reminders.Saved"));

        // ---- A second, lighter check; then the trend: the chart and the same two checks in its table.
        await page.GotoAsync(BaseUrl + "/wellbeing/check");
        foreach (var item in SelfCheckInstrument.Items) await Answer(page, item.Id, Frequency.Sometimes);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Wellbeing.Check.Submit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, ResultPage());
        await Expect(page.Locator("#band-Burnout")).ToContainTextAsync(T("Wellbeing.Band.Moderate"));
        await checks.TakeWeightAsync(); // the second questionnaire and its result are not the trend page's weight
        await page.GetByRole(AriaRole.Link, new() { Name = T("Wellbeing.Trend.Title"), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, BaseUrl + "/wellbeing/trend");
        await Check();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = T("Wellbeing.Trend.ChartTitle") })).ToBeVisibleAsync();
        await Expect(page.Locator(".wb-trend-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("polyline.wb-line")).ToHaveCountAsync(3);
        await page.GotoAsync(BaseUrl + "/wellbeing");
        await Check();

        // The module's pages have no scripts of their own: with JavaScript on, the English pass above shows that the forms
        // work beside the common script; the other languages and widths are the JavaScript-off pass's (whose axe checks
        // run with scripts on, in the axe page).
        if (javaScript) return;

        // ---- The same pages in Spanish and in Arabic, on a phone and a wide screen.
        foreach (var language in new[] { "es", "ar" })
        {
            await page.Locator("footer").GetByLabel(T("Layout.Language", _language)).SelectOptionAsync(language);
            await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", _language) }).ClickAsync();
            await page.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Flows.WaitForLoadAsync(page);
            await checks.TakeWeightAsync();
            _language = language;
            foreach (var (url, name) in new[] { (resultUrl, "result"), (BaseUrl + "/wellbeing/trend", "trend"), (BaseUrl + "/wellbeing/check", "check") })
            {
                await page.GotoAsync(url);
                await Check();
                if (name == "result") await Expect(page.Locator("#not-diagnosis")).ToHaveTextAsync(T("Wellbeing.Result.NotDiagnosis", language));
                if (name == "trend") await Expect(page.Locator(".wb-trend-table tbody tr")).ToHaveCountAsync(2);
                foreach (var width in new[] { 360, 1280 })
                {
                    await page.SetViewportSizeAsync(width, 800);
                    await Flows.ScreenshotAsync(page, $"wellbeing-{name}-{language}-{width}");
                }
            }
        }
        _language = "en";
    }

    private string _language = "en";

    private static Task Answer(IPage page, string itemId, Frequency answer) =>
        page.Locator($"#{itemId}-{SelfCheckInstrument.FrequencyName(answer)}").CheckAsync();

    private Task SignInAsync(IPage page, string email) => Flows.SignInAsync(page, BaseUrl, fixture.App.Services, email, Passphrase);


    private string T(string key, string language = "en", params object[] args) =>
        Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);

    [GeneratedRegex(@"/wellbeing/checks/[0-9a-f-]{36}$")]
    private static partial Regex ResultPage();
}
