using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// Well-being care in a real browser, with JavaScript off and on: write a care plan and open its print view, pair with a
/// buddy (two browser contexts: one invites, the other accepts), mark a hard week and see the debrief offer with its
/// guide, write down the conversation; then the care plan and the time line in Spanish and in Arabic on a phone. Every
/// page is checked (axe, other origins, weight).
/// </summary>
public sealed partial class WellbeingCareFlowTests(MailingAppFixture fixture) : IClassFixture<MailingAppFixture>
{
    private const string Passphrase = "amber river lantern 2031";
    private string BaseUrl => fixture.BaseUrl;

    [Fact]
    public Task CareBuddyAndDebrief_WithoutJavaScript() => RunAsync(javaScript: false);

    [Fact]
    public Task CareBuddyAndDebrief_WithJavaScript() => RunAsync(javaScript: true);

    private async Task RunAsync(bool javaScript)
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => FlowAsync(report, javaScript)); }
        finally { report.SaveWeights(javaScript ? "wellbeing-care-javascript-on" : "wellbeing-care-javascript-off"); }
        report.AssertClean();
    }

    private async Task FlowAsync(PageReport report, bool javaScript)
    {
        var tag = javaScript ? "js" : "nojs";
        var email = $"nour.care.{tag}@example.org";
        var buddyEmail = $"tomas.care.{tag}@example.org";
        var buddyName = "Tomás " + tag;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var nour = (await accounts.CreateAsync(email, "Nour " + tag, Passphrase, false)).User!;
            var tomas = (await accounts.CreateAsync(buddyEmail, buddyName, Passphrase, false)).User!;
            var orgs = scope.ServiceProvider.GetRequiredService<OrganizationService>();
            var org = await orgs.CreateAsync("Colectivo Ribera " + tag, OrganizationKind.CivilSociety, null);
            await orgs.AddMemberAsync(org!.Id, nour.Id, OrgRole.Member, null);
            await orgs.AddMemberAsync(org.Id, tomas.Id, OrgRole.Member, null);
        }

        await using var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var checks = new PageChecks(context, BaseUrl, javaScript);
        var page = await context.NewPageAsync();
        // JavaScript on: these pages have no script of their own, and the run without JavaScript checks them (axe with scripts on, in
        // the axe page); here only their weight is counted, so that each page's weight stays its own.
        Task Check() => javaScript ? checks.TakeWeightAsync() : checks.CheckAsync(page, report, who: "defender");
        await SignInAsync(page, email);

        // ---- The care plan: written, saved, printed.
        await page.GotoAsync(BaseUrl + "/wellbeing/care");
        await Check();
        await page.GetByLabel(T("Care.Plan.Part.Drains"), new() { Exact = true }).FillAsync("Hearings that run late " + tag);
        await page.GetByLabel(T("Care.Plan.Part.Restores"), new() { Exact = true }).FillAsync("Cooking with my sister");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Care.Plan.Save") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/wellbeing/care\?done=saved$"));
        await Check();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync(T("Care.Plan.Done.saved"));
        await page.GetByRole(AriaRole.Button, new() { Name = T("Care.Plan.Reviewed") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/wellbeing/care\?done=reviewed$"));
        await page.GetByRole(AriaRole.Link, new() { Name = T("Care.Plan.Print") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/wellbeing/care/print$"));
        await Check();
        await Expect(page.Locator("article")).ToContainTextAsync("Hearings that run late " + tag);
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator(".screen-only")).ToBeHiddenAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // ---- A buddy: Nour invites, Tomás accepts in his own browser.
        await page.GotoAsync(BaseUrl + "/wellbeing/buddy");
        await Check();
        await page.GetByLabel(T("Care.Buddy.Who"), new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = buddyName + " (Colectivo Ribera " + tag + ")" });
        await page.GetByRole(AriaRole.Button, new() { Name = T("Care.Buddy.Invite") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/wellbeing/buddy\?done=invited$"));
        await Check();
        await Expect(page.Locator("#buddy-sent")).ToContainTextAsync(buddyName);
        await using (var other = await Chromium.NewContextAsync(fixture.Browser, javaScript))
        {
            var otherChecks = new PageChecks(other, BaseUrl, javaScript);
            var buddy = await other.NewPageAsync();
            await SignInAsync(buddy, buddyEmail);
            await buddy.GotoAsync(BaseUrl + "/wellbeing/buddy");
            await otherChecks.CheckAsync(buddy, report, who: "buddy");
            await Expect(buddy.Locator("#buddy-received")).ToContainTextAsync("Nour " + tag);
            await buddy.GetByRole(AriaRole.Button, new() { Name = T("Care.Buddy.Accept") }).ClickAsync();
            await Flows.WaitForPageAsync(buddy, new Regex(@"/wellbeing/buddy\?done=accepted$"));
            await otherChecks.CheckAsync(buddy, report, who: "buddy");
            await Expect(buddy.Locator("#buddy-active")).ToContainTextAsync("Nour " + tag);
        }
        await page.ReloadAsync();
        await Expect(page.Locator("#buddy-active")).ToContainTextAsync(buddyName);

        // ---- A hard week: the debrief is offered, with its guide; the conversation is written down.
        await page.GotoAsync(BaseUrl + "/wellbeing/marks");
        await Check();
        await page.GetByLabel(T("Care.Mark.Kind.HardWeek"), new() { Exact = true }).CheckAsync();
        await page.GetByLabel(T("Care.Mark.AskBuddy"), new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("Care.Mark.Add") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/wellbeing/marks/debrief/[0-9a-f-]{36}\?new=true$"));
        await Check();
        await Expect(page.Locator("#debrief-guide")).ToContainTextAsync(T("Care.Debrief.Guide.1"));
        await page.GotoAsync(BaseUrl + "/");
        await Expect(page.Locator("#debrief-offers")).ToBeVisibleAsync();
        await page.Locator("#debrief-offers a").First.ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/wellbeing/marks/debrief/[0-9a-f-]{36}$"));
        await page.GetByLabel(T("Care.Debrief.With.Buddy"), new() { Exact = true }).CheckAsync();
        await page.GetByLabel(T("Care.Debrief.Detail"), new() { Exact = true }).FillAsync("Coffee on Friday");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Care.Debrief.Save") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"/wellbeing/marks/debrief/[0-9a-f-]{36}\?saved=true$"));
        await Check();
        await page.GotoAsync(BaseUrl + "/wellbeing/marks");
        await Expect(page.Locator("#mark-list ~ ul")).ToContainTextAsync(T("Care.Debrief.State.scheduled"));

        // The module's pages have no scripts of their own: with JavaScript on, the English pass above shows that the forms
        // work beside the common script; the other languages and widths are the JavaScript-off pass's (whose axe checks
        // run with scripts on, in the axe page).
        if (javaScript) return;

        // ---- On a phone, in Spanish and in Arabic.
        await page.SetViewportSizeAsync(360, 740);
        foreach (var language in new[] { "es", "ar" })
        {
            await page.Locator("footer").GetByLabel(T("Layout.Language", _language)).SelectOptionAsync(language);
            await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", _language) }).ClickAsync();
            await page.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Flows.WaitForLoadAsync(page);
            await checks.TakeWeightAsync();
            _language = language;
            foreach (var (path, name) in new[] { ("/wellbeing/care", "care"), ("/wellbeing/marks", "marks"), ("/wellbeing/buddy", "buddy") })
            {
                await page.GotoAsync(BaseUrl + path);
                await Check();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
                await Flows.ScreenshotAsync(page, $"wellbeing-{name}-{language}-360");
                await page.SetViewportSizeAsync(1280, 900);
                await Flows.ScreenshotAsync(page, $"wellbeing-{name}-{language}-1280");
                await page.SetViewportSizeAsync(360, 740);
            }
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        }
        _language = "en";
    }

    private string _language = "en";

    private Task SignInAsync(IPage page, string email) => Flows.SignInAsync(page, BaseUrl, fixture.App.Services, email, Passphrase);


    private string T(string key, string language = "en", params object[] args) =>
        Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);
}
