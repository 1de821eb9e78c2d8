using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// The team side of well-being in a real browser, with JavaScript off and on: a member reads what contributing means and
/// contributes; an admin sees "not enough responses" for a month of four, the distributions for a month of five, the
/// exhaustion page, answers the assessment and sees its profile; then the team view and the assessment in Spanish and
/// Arabic at 360 and 1280 px. The people, their self-checks and the closed months are made through the services (the
/// month is closed with the worker's own <see cref="TeamMonthCloser.CloseAsync"/>), not the browser.
/// </summary>
public sealed class WellbeingTeamFlowTests(MailingAppFixture fixture) : IClassFixture<MailingAppFixture>
{
    private const string Passphrase = "amber river lantern 2031";
    private string BaseUrl => fixture.BaseUrl;

    [Fact]
    public Task TeamView_AndAssessment_WithoutJavaScript() => RunAsync(javaScript: false);

    [Fact]
    public Task TeamView_AndAssessment_WithJavaScript() => RunAsync(javaScript: true);

    private async Task RunAsync(bool javaScript)
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => FlowAsync(report, javaScript)); }
        finally { report.SaveWeights(javaScript ? "wellbeing-team-javascript-on" : "wellbeing-team-javascript-off"); }
        report.AssertClean();
    }

    private async Task FlowAsync(PageReport report, bool javaScript)
    {
        var tag = javaScript ? "js" : "nojs";
        var adminEmail = $"rosa.team.{tag}@example.org";
        var memberEmail = $"tomas.team.{tag}@example.org";
        Guid small, five;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var sp = scope.ServiceProvider;
            var accounts = sp.GetRequiredService<AccountService>();
            var orgs = sp.GetRequiredService<OrganizationService>();
            var db = sp.GetRequiredService<AmparoDbContext>();
            var cipher = sp.GetRequiredService<FieldCipher>();
            var rosa = (await accounts.CreateAsync(adminEmail, "Rosa " + tag, Passphrase, false)).User!;
            var member = (await accounts.CreateAsync(memberEmail, "Tomás " + tag, Passphrase, false)).User!;
            small = (await orgs.CreateAsync("Colectivo Pequeño " + tag, OrganizationKind.CivilSociety, null))!.Id;
            five = (await orgs.CreateAsync("Red de Defensoras " + tag, OrganizationKind.CivilSociety, null))!.Id;
            await orgs.AddMemberAsync(small, rosa.Id, OrgRole.OrgAdmin, null);
            await orgs.AddMemberAsync(five, rosa.Id, OrgRole.OrgAdmin, null);
            await orgs.AddMemberAsync(five, member.Id, OrgRole.Member, null);
            // Last month's self-checks of people who contributed then: four in one organization, five in the other.
            var lastMonth = TeamMonthClose.MonthOf(fixture.App.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime).AddMonths(-1);
            var bands = Enum.GetValues<WellbeingBand>();
            for (var i = 0; i < 9; i++)
            {
                var org = i < 4 ? small : five;
                var person = (await accounts.CreateAsync($"p{i}.team.{tag}@example.org", $"Person {i}", Passphrase, false)).User!;
                await orgs.AddMemberAsync(org, person.Id, OrgRole.Member, null);
                db.TeamContributions.Add(new TeamContribution { OrganizationId = org, UserId = person.Id });
                var check = new SelfCheck { Id = Guid.NewGuid(), UserId = person.Id, TakenAt = lastMonth.ToDateTime(new TimeOnly(10, i), DateTimeKind.Utc) };
                var text = SelfCheckBands.Encode(new Dictionary<WellbeingScale, WellbeingBand>
                    { [WellbeingScale.Satisfaction] = bands[i % 2 == 0 ? 2 : 1], [WellbeingScale.Burnout] = bands[i % 3 == 0 ? 2 : 0], [WellbeingScale.SecondaryStress] = bands[1] });
                check.BandsCipher = await cipher.EncryptAsync(db, person.DataKeyId, text, SelfCheck.Table, nameof(SelfCheck.BandsCipher), check.Id);
                db.WellbeingSelfChecks.Add(check);
                await db.SaveChangesAsync();
            }
            var close = sp.GetRequiredService<TeamMonthCloser>();
            Assert.True(await close.CloseAsync(small, lastMonth));
            Assert.True(await close.CloseAsync(five, lastMonth));
        }

        await using var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var checks = new PageChecks(context, BaseUrl, javaScript);
        // JavaScript on: these pages have no script of their own, and the run without JavaScript checks them (axe with scripts on, in
        // the axe page); here only their weight is counted, so that each page's weight stays its own.
        Task Check(IPage shown, string who) => javaScript ? checks.TakeWeightAsync() : checks.CheckAsync(shown, report, who: who);

        // ---- A member reads what contributing means, forgets the box, then agrees.
        var page = await context.NewPageAsync();
        await SignInAsync(page, memberEmail);
        await page.GotoAsync(BaseUrl + "/wellbeing/team");
        await Check(page, "member");
        await Expect(page.Locator("main")).ToContainTextAsync(T("WbTeam.Page.How3"));
        await page.GetByRole(AriaRole.Button, new() { Name = T("WbTeam.Page.Start") }).ClickAsync();
        await Expect(page.Locator(".field-error")).ToContainTextAsync(T("WbTeam.Error.Understood"));
        await Check(page, "member");
        await page.GetByLabel(T("WbTeam.Page.Understood")).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = T("WbTeam.Page.Start") }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync(T("WbTeam.Page.Contributing"));
        // A member does not see the team view.
        var response = await page.GotoAsync(BaseUrl + $"/wellbeing/team/{five}");
        Assert.Equal(404, response!.Status);
        await page.CloseAsync();

        // ---- The admin: not enough responses for four, the distributions for five, the exhaustion page, the assessment.
        var admin = await context.NewPageAsync();
        await SignInAsync(admin, adminEmail);
        await admin.GotoAsync(BaseUrl + "/wellbeing/team");
        await Check(admin, "admin");
        await admin.GotoAsync(BaseUrl + $"/wellbeing/team/{small}");
        await Check(admin, "admin");
        await Expect(admin.Locator("main")).ToContainTextAsync(T("WbTeam.View.NotEnough"));
        await admin.GotoAsync(BaseUrl + $"/wellbeing/team/{five}");
        await Check(admin, "admin");
        await Expect(admin.Locator("main")).ToContainTextAsync(T("WbTeam.View.Responses", "en", 5));
        await Expect(admin.Locator("table.team-view")).ToBeVisibleAsync();
        await admin.GotoAsync(BaseUrl + $"/wellbeing/team/exhaustion/{five}");
        await Check(admin, "admin");
        await admin.GotoAsync(BaseUrl + "/wellbeing/assessment");
        await Check(admin, "admin");
        await admin.GotoAsync(BaseUrl + $"/wellbeing/assessment/{five}");
        await Check(admin, "admin");
        foreach (var (area, number, _) in AssessmentQuestions.All)
        {
            var answer = area == AssessmentArea.RoomForFear ? PracticeAnswer.No : area == AssessmentArea.Rest ? PracticeAnswer.Partly : PracticeAnswer.Yes;
            await admin.Locator($"#{AssessmentQuestions.Field(area, number)}-{(int)answer}").CheckAsync();
        }
        await admin.GetByRole(AriaRole.Button, new() { Name = T("WbTeam.Assessment.Save") }).ClickAsync();
        await Expect(admin.Locator("main")).ToContainTextAsync(T("WbTeam.Assessment.Saved"));
        await Expect(admin.Locator("main")).ToContainTextAsync(T("WbTeam.Step.RoomForFear"));
        await Check(admin, "admin");
        await Flows.ScreenshotAsync(admin, $"wellbeing-assessment-en-1280-{tag}");

        // The module's pages have no scripts of their own: with JavaScript on, the English pass above shows that the forms
        // work beside the common script; the other languages and widths are the JavaScript-off pass's (whose axe checks
        // run with scripts on, in the axe page).
        if (javaScript) return;

        // ---- Spanish and Arabic, on a phone and on a desktop.
        var current = "en";
        foreach (var language in new[] { "es", "ar" })
        {
            await admin.Locator("footer").GetByLabel(T("Layout.Language", current)).SelectOptionAsync(language);
            await admin.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", current) }).ClickAsync();
            await admin.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Flows.WaitForLoadAsync(admin);
            await checks.TakeWeightAsync();
            current = language;
            // The pages are checked once (axe reads the markup, not the width); both widths are photographed.
            await admin.SetViewportSizeAsync(360, 740);
            await admin.GotoAsync(BaseUrl + $"/wellbeing/team/{five}");
            await Check(admin, "admin");
            await Expect(admin.Locator("h1")).ToContainTextAsync(T("WbTeam.View.Title", language));
            await Flows.ScreenshotAsync(admin, $"wellbeing-team-{language}-360-{tag}");
            await admin.SetViewportSizeAsync(1280, 900);
            await Flows.ScreenshotAsync(admin, $"wellbeing-team-{language}-1280-{tag}");
            await admin.GotoAsync(BaseUrl + $"/wellbeing/assessment/{five}");
            await Check(admin, "admin");
            await Flows.ScreenshotAsync(admin, $"wellbeing-assessment-{language}-1280-{tag}");
            await admin.SetViewportSizeAsync(360, 740);
            await Flows.ScreenshotAsync(admin, $"wellbeing-assessment-{language}-360-{tag}");
        }
    }

    private Task SignInAsync(IPage page, string email) => Flows.SignInAsync(page, BaseUrl, fixture.App.Services, email, Passphrase);


    private string T(string key, string language = "en", params object[] args) =>
        Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);
}
