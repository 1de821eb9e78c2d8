using System.Globalization;
using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// Security plans in a real browser (each flow with its own app, side by side). Without JavaScript: start
/// from a template, add a threat and see its band and its reasons, raise a capacity and see the band fall, add a costed
/// action that addresses it and a protocol, compare the last two versions, the print view as printed, share a snapshot
/// with a grantmaker (the consent in exact words), see it from the grantmaker's side, revoke it and see access end; then
/// the plan in Spanish and in Arabic on a phone. With JavaScript: the template, the band, the print view and the two
/// languages (the other pages have no script of their own, and the flow without JavaScript already runs axe on their
/// HTML with scripts on). Every page is checked (axe, other origins, weight).
/// </summary>
public abstract partial class PlanFlowTests(MailingAppFixture fixture, bool javaScript)
{
    private const string Passphrase = "amber river lantern 2031";
    private string BaseUrl => fixture.BaseUrl;

    /// <summary>The two flows are two classes, each with its app, so that they run side by side (the suite's time).</summary>
    [Fact]
    public Task BuildAPlan() => RunAsync(javaScript);

    private async Task RunAsync(bool javaScript)
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => FlowAsync(report, javaScript)); }
        finally { report.SaveWeights(javaScript ? "plans-javascript-on" : "plans-javascript-off"); }
        report.AssertClean();
    }

    private async Task FlowAsync(PageReport report, bool javaScript)
    {
        var tag = javaScript ? "js" : "nojs";
        var email = $"lina.plan.{tag}@example.org";
        var fundEmail = $"gabriela.fund.{tag}@example.org";
        var grantmaker = "Fondo Semilla " + tag;
        Guid fundOrgId;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            Assert.NotNull((await accounts.CreateAsync(email, "Lina " + tag, Passphrase, false)).User);
            var fundAdmin = (await accounts.CreateAsync(fundEmail, "Gabriela " + tag, Passphrase, false)).User!;
            var orgs = scope.ServiceProvider.GetRequiredService<OrganizationService>();
            var fundOrg = await orgs.CreateAsync(grantmaker, OrganizationKind.Grantmaker, null);
            await orgs.AddMemberAsync(fundOrg!.Id, fundAdmin.Id, OrgRole.OrgAdmin, null);
            fundOrgId = fundOrg.Id;
        }

        await using var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var checks = new PageChecks(context, BaseUrl, javaScript);
        var page = await context.NewPageAsync();
        // JavaScript on: these pages have no script of their own, and the run without JavaScript checks them (axe with scripts on, in
        // the axe page); here only their weight is counted, so that each page's weight stays its own.
        Task Check() => javaScript ? checks.TakeWeightAsync() : checks.CheckAsync(page, report, who: "defender");
        await SignInAsync(page, email);

        // ---- Start from the land defender's template: its threats come with it.
        await page.GotoAsync(BaseUrl + "/plans");
        await Check();
        var template = PlanTemplates.Get(PlanTemplateKind.LandDefender, "en");
        await page.GetByLabel(template.Title, new() { Exact = true }).CheckAsync();
        await page.GetByLabel(T("Plans.Page.Field.Title"), new() { Exact = true }).FillAsync("The river case " + tag);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Plans.Page.Create") }).ClickAsync();
        await Flows.WaitForPageAsync(page, PlanPage());
        var planUrl = page.Url;
        await Check();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The river case " + tag);
        await Expect(page.Locator("#register")).ToContainTextAsync(template.Threats[0].What);

        // ---- A threat of its own: strong threat, weak spots, little to hold it off — then more capacity.
        await page.GetByRole(AriaRole.Link, new() { Name = T("Plans.Page.AddEntry") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/entries/new$"));
        await Check();
        await page.GetByLabel(T("Plans.Page.Field.Threat"), new() { Exact = true }).FillAsync("Calls at night from an unknown number " + tag);
        await SelectLevelAsync(page, "ThreatLevel", PlanScale.Threat, PlanLevel.Four);
        await SelectLevelAsync(page, "VulnerabilityLevel", PlanScale.Vulnerability, PlanLevel.Three);
        await SelectLevelAsync(page, "CapacityLevel", PlanScale.Capacity, PlanLevel.One);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Plans.Page.Save") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"\?done=saved"));
        await Check();
        var entry = page.Locator("#register li[id^=entry-]", new() { HasText = "Calls at night from an unknown number " + tag });
        var before = RiskBands.BandOf(PlanLevel.Four, PlanLevel.Three, PlanLevel.One);
        await Expect(entry.Locator(".plan-band")).ToHaveTextAsync(T(RiskBands.BandKey(before)));
        Assert.True(await entry.Locator("ul.list li").CountAsync() > 0, "the band is shown with its reasons");

        await entry.GetByRole(AriaRole.Link, new() { Name = T("Plans.Page.Edit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/entries/[0-9a-f-]{36}$"));
        await SelectLevelAsync(page, "CapacityLevel", PlanScale.Capacity, PlanLevel.Four);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Plans.Page.Save") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"\?done=saved"));
        var after = RiskBands.BandOf(PlanLevel.Four, PlanLevel.Three, PlanLevel.Four);
        Assert.True(after < before, "more capacity lowers the band");
        await Expect(entry.Locator(".plan-band")).ToHaveTextAsync(T(RiskBands.BandKey(after)));

        // JavaScript on: the same pages, with scripts running; the flow without JavaScript has already walked the parts
        // below (and its axe runs on the same HTML with scripts on), so this one goes straight to the print view.
        if (!javaScript)
        {
            // ---- A costed action against that threat, and a protocol.
            await page.GotoAsync(planUrl + "/actions/new");
            await Check();
            await page.GetByLabel(T("Plans.Page.Field.What"), new() { Exact = true }).FillAsync("Second phone for the case " + tag);
            await page.Locator("#EstimatedCost").FillAsync("120");
            await page.Locator("#Currency").FillAsync("USD");
            await page.Locator("#domain-Physical").CheckAsync(); // a physical-security cost: a grant request imports it (PlanFlowTests.Grants)
            await page.GetByLabel("Calls at night from an unknown number " + tag).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = T("Plans.Page.Save") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"\?done=saved"));
            await Check();
            await Expect(page.Locator("#actions")).ToContainTextAsync("Second phone for the case " + tag);
            await Expect(page.Locator("#budget")).ToContainTextAsync("120.00 USD");

            await page.GotoAsync(planUrl + "/protocols/new");
            await Check();
            await page.GetByLabel(T("Plans.Page.Field.ProtocolName"), new() { Exact = true }).FillAsync("If Ana does not come back " + tag);
            await page.Locator("#Steps").FillAsync("Call her sister\nCall the lawyer");
            await page.GetByRole(AriaRole.Button, new() { Name = T("Plans.Page.Save") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"\?done=saved"));
            await Check();
            await Expect(page.Locator("#protocols")).ToContainTextAsync("Call the lawyer");

            // ---- Every save made a version: compare the last two, side by side.
            await page.GotoAsync(planUrl);
            await page.GetByRole(AriaRole.Link, new() { Name = T("Plans.Versions.Link") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex("/versions$"));
            await Check();
            await page.GetByRole(AriaRole.Link, new() { Name = T("Plans.Versions.CompareLatest") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex("/versions/compare"));
            await Check();
            await Expect(page.Locator("main")).ToContainTextAsync("If Ana does not come back " + tag);
            await Expect(page.Locator("main")).ToContainTextAsync(T("Plans.Versions.State.Added"));
            await Flows.ScreenshotAsync(page, "plan-compare");

        }

        // ---- The print view: the whole plan; printed, no menu, no forms, no buttons.
        await page.GotoAsync(planUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = T("Plans.Print.Link") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/print$"));
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync(javaScript ? template.Protocols[0].Name : "Call the lawyer");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator("nav").First).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("main button:visible, main form:visible").CountAsync());
        await Expect(page.Locator("main")).ToContainTextAsync("Calls at night from an unknown number " + tag);
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        if (!javaScript)
        {
            // ---- Share a snapshot with a grantmaker: the consent names who, what and until when before it is given.
            await page.GotoAsync(planUrl + "/shares");
            await Check();
            await page.Locator("#GrantmakerId").SelectOptionAsync(new SelectOptionValue { Label = grantmaker });
            await page.GetByLabel(T("PlanShares.Scope.WholePlan")).CheckAsync();
            var until = DateTime.UtcNow.AddDays(30);
            await page.Locator("#ExpiresAt").FillAsync(until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = T("PlanShares.Page.Share") }).ClickAsync();
            await page.Locator("#Confirmed-error").WaitForAsync();
            await Check();
            await Flows.ScreenshotAsync(page, "plan-share-consent");
            var consent = page.Locator("label[for=Confirmed]");
            await Expect(consent).ToContainTextAsync(grantmaker);
            await page.Locator("#Confirmed").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = T("PlanShares.Page.Share") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"/shares\?done=shared$"));
            await Check();

            // The grantmaker's admin finds it from their plans page and reads it; the owner sees who looked.
            await using var fundContext = await Chromium.NewContextAsync(fixture.Browser, javaScript);
            var fundChecks = new PageChecks(fundContext, BaseUrl, javaScript);
            var fund = await fundContext.NewPageAsync();
            await SignInAsync(fund, fundEmail);
            await fund.GotoAsync(BaseUrl + "/plans");
            await fund.GetByRole(AriaRole.Link, new() { Name = T("PlanShares.Page.ReceivedTitle") }).ClickAsync();
            await Flows.WaitForPageAsync(fund, BaseUrl + "/grants/plans");
            await fundChecks.CheckAsync(fund, report, who: "grantmaker");
            await fund.GetByRole(AriaRole.Link, new() { Name = "The river case " + tag }).ClickAsync();
            await Flows.WaitForPageAsync(fund, new Regex("/grants/plans/[0-9a-f-]{36}$"));
            var snapshotUrl = fund.Url;
            await fundChecks.CheckAsync(fund, report, who: "grantmaker");
            await Expect(fund.Locator("main")).ToContainTextAsync("Calls at night from an unknown number " + tag);
            await Flows.ScreenshotAsync(fund, "plan-grantmaker-view");
            await page.ReloadAsync();
            await Expect(page.Locator("main")).ToContainTextAsync("Gabriela " + tag);

            // Revoked: the grantmaker's next look finds nothing.
            await page.GetByRole(AriaRole.Button, new() { Name = T("PlanShares.Page.Revoke") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"/shares\?done=revoked$"));
            await Check();
            var gone = await fund.GotoAsync(snapshotUrl);
            Assert.Equal(404, gone!.Status);
            await fund.GotoAsync(BaseUrl + "/grants/plans");
            await Expect(fund.Locator("main")).Not.ToContainTextAsync("The river case " + tag);
        }

        // ---- An incident, as a personal record (Lina has no organization), without JavaScript: one act is the main one,
        // a point is kept only as its coarse cell.
        string? incidentUrl = null;
        if (!javaScript)
        {
            await page.GotoAsync(BaseUrl + "/incidents/new");
            await Check();
            await page.Locator("#OccurredOn").FillAsync("2026-11-12");
            await page.GetByLabel(T("Incidents.Precision.Week"), new() { Exact = true }).CheckAsync();
            await page.GetByLabel(T("Incidents.Act.Surveillance"), new() { Exact = true }).CheckAsync();
            await page.Locator("#Latitude").FillAsync("4.6101");
            await page.Locator("#Longitude").FillAsync("-74.0801");
            await page.Locator("#Narrative").FillAsync("A grey car outside the office three mornings in a row " + tag);
            await Flows.ScreenshotAsync(page, "incident-new-" + tag);
            await page.GetByRole(AriaRole.Button, new() { Name = T("Incidents.New.Submit") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"/incidents/[0-9a-f-]{36}\?done=reported$"));
            incidentUrl = page.Url.Split('?')[0];
            await Check();
            await Expect(page.Locator("main")).ToContainTextAsync("A grey car outside the office three mornings in a row " + tag);
            await Expect(page.Locator("main")).ToContainTextAsync(T("Incidents.Details.Primary", "en", T("Incidents.Act.Surveillance")));
            await Expect(page.Locator("main")).Not.ToContainTextAsync("4.6101");
            await Flows.ScreenshotAsync(page, "incident-details-" + tag);

            // A photo with its camera's location: stored without it, and the page says what was removed.
            await page.GetByRole(AriaRole.Link, new() { Name = T("Incidents.Evidence.AddLink") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"/incidents/[0-9a-f-]{36}/evidence$"));
            await Check();
            await page.Locator("#upload").SetInputFilesAsync(new FilePayload { Name = "IMG_2041.jpg", MimeType = "image/jpeg", Buffer = Amparo.Tests.Incidents.EvidenceFiles.JpegWithExif() });
            await page.GetByRole(AriaRole.Button, new() { Name = T("Incidents.Evidence.Add") }).ClickAsync();
            await Flows.WaitForPageAsync(page, new Regex(@"\?done=evidence"));
            await Check();
            await Expect(page.Locator("#evidence + ul")).ToContainTextAsync(T("Incidents.Evidence.Meta.Location"));
            await Flows.ScreenshotAsync(page, "incident-evidence-" + tag);
            await page.GotoAsync(BaseUrl + "/incidents");
            await Check();
        }

        // ---- An organization's report link: someone without an account reports (in Arabic without JavaScript, right to
        // left, on a phone; in Spanish with it); the admin reviews and accepts it, exports the reports and imports the
        // file into a second organization, mapping the columns by name.
        {
            var martaEmail = $"marta.org.{tag}@example.org";
            Guid collective, archive;
            using (var scope = fixture.App.Services.CreateScope())
            {
                var marta = (await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(martaEmail, "Marta " + tag, Passphrase, false)).User!;
                var orgs = scope.ServiceProvider.GetRequiredService<OrganizationService>();
                collective = (await orgs.CreateAsync("Colectivo Río " + tag, OrganizationKind.CivilSociety, null))!.Id;
                archive = (await orgs.CreateAsync("Archivo " + tag, OrganizationKind.CivilSociety, null))!.Id;
                await orgs.AddMemberAsync(collective, marta.Id, OrgRole.OrgAdmin, null);
                await orgs.AddMemberAsync(archive, marta.Id, OrgRole.OrgAdmin, null);
            }
            await using var orgContext = await Chromium.NewContextAsync(fixture.Browser, javaScript);
            var orgChecks = new PageChecks(orgContext, BaseUrl, javaScript);
            var admin = await orgContext.NewPageAsync();
            Task AdminCheck() => javaScript ? orgChecks.TakeWeightAsync() : orgChecks.CheckAsync(admin, report, who: "organization admin");
            await SignInAsync(admin, martaEmail);
            await admin.GotoAsync(BaseUrl + $"/incidents/organization/{collective}");
            await AdminCheck();
            await admin.GetByLabel(T("Incidents.Org.Label")).FillAsync("Community radio " + tag);
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Incidents.Org.MakeLink") }).ClickAsync();
            await admin.Locator(".notice .mono").WaitForAsync();
            await AdminCheck();
            var linkUrl = (await admin.Locator(".notice .mono").InnerTextAsync()).Trim();
            Assert.StartsWith(BaseUrl + "/report/", linkUrl, StringComparison.Ordinal);
            await Flows.ScreenshotAsync(admin, "incident-org-link-" + tag);

            var language = javaScript ? "es" : "ar";
            await using var anonymousContext = await Chromium.NewContextAsync(fixture.Browser, javaScript, language);
            var anonymousChecks = new PageChecks(anonymousContext, BaseUrl, javaScript);
            var sender = await anonymousContext.NewPageAsync();
            await sender.SetViewportSizeAsync(360, 740);
            await sender.GotoAsync(linkUrl);
            await anonymousChecks.CheckAsync(sender, report, who: "someone without an account");
            await Expect(sender.Locator("html")).ToHaveAttributeAsync("lang", language);
            await sender.Locator("#OccurredOn").FillAsync("2026-11-20");
            await sender.GetByLabel(T("Incidents.Act.Threat", language), new() { Exact = true }).CheckAsync();
            await sender.Locator("#Narrative").FillAsync("Men asked at the radio station where I live " + tag);
            await sender.GetByLabel(T("Incidents.Link.Contact", language)).FillAsync("Rosa, market stall 4");
            await Flows.ScreenshotAsync(sender, $"incident-link-form-{language}-{tag}");
            await sender.GetByRole(AriaRole.Button, new() { Name = T("Incidents.New.Submit", language) }).ClickAsync();
            await Flows.WaitForPageAsync(sender, new Regex(@"/report/[A-Za-z0-9_-]+\?sent=true$"));
            await anonymousChecks.CheckAsync(sender, report, who: "someone without an account");
            await Expect(sender.Locator("main")).Not.ToContainTextAsync("radio station");
            await Flows.ScreenshotAsync(sender, $"incident-link-sent-{language}-{tag}");

            // The review, then the report is one of the organization's.
            await admin.GotoAsync(BaseUrl + "/incidents");
            await AdminCheck();
            await Expect(admin.Locator("main")).ToContainTextAsync(T("Incidents.Review.Badge"));
            await admin.Locator("main table a").First.ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex(@"/incidents/[0-9a-f-]{36}$"));
            await AdminCheck();
            await Expect(admin.Locator("main")).ToContainTextAsync("Rosa, market stall 4");
            await Flows.ScreenshotAsync(admin, "incident-review-" + tag);
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Incidents.Review.Accept") }).ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex(@"\?done=accepted$"));
            await AdminCheck();
            await Expect(admin.Locator("main")).ToContainTextAsync("Men asked at the radio station where I live " + tag);
            var reportUrl = admin.Url.Split('?')[0];

            // Export, and the same file imported into the second organization, columns matched by name.
            var exported = await admin.APIRequest.GetAsync(BaseUrl + $"/incidents/export?organization={collective}&format=csv");
            Assert.Equal(200, exported.Status);
            var csv = await exported.BodyAsync();
            await admin.GotoAsync(BaseUrl + $"/incidents/import/{archive}");
            await AdminCheck();
            await admin.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "incidents.csv", MimeType = "text/csv", Buffer = csv });
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Incidents.Import.Read") }).ClickAsync();
            await admin.Locator("#map-occurred_on").WaitForAsync();
            await AdminCheck();
            await Expect(admin.Locator("#map-narrative option[selected]")).ToHaveTextAsync("narrative");
            await Flows.ScreenshotAsync(admin, "incident-import-mapping-" + tag);
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Incidents.Import.Go") }).ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex(@"/incidents\?done=imported&count=1$"));
            await AdminCheck();
            await Expect(admin.Locator("main .notice")).ToHaveTextAsync(T("Incidents.Page.Done.imported", "en", 1));

            // The organization's pages on a phone, in Spanish and in Arabic, without JavaScript.
            if (!javaScript)
            {
                await admin.SetViewportSizeAsync(360, 740);
                var shown = "en";
                foreach (var adminLanguage in new[] { "es", "ar" })
                {
                    await admin.Locator("footer").GetByLabel(T("Layout.Language", shown)).SelectOptionAsync(adminLanguage);
                    await admin.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", shown) }).ClickAsync();
                    await admin.Locator($"html[lang={adminLanguage}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
                    await Flows.WaitForLoadAsync(admin);
                    await orgChecks.TakeWeightAsync();
                    shown = adminLanguage;
                    foreach (var (url, name) in new[] { ($"/incidents/organization/{collective}", "org"), ($"/incidents/import/{archive}", "import"), (reportUrl, "report"), ("/incidents", "list") })
                    {
                        await admin.GotoAsync(url.StartsWith("http", StringComparison.Ordinal) ? url : BaseUrl + url);
                        await AdminCheck();
                        await Flows.ScreenshotAsync(admin, $"incident-{name}-{adminLanguage}-{tag}");
                    }
                }
                await admin.SetViewportSizeAsync(1280, 900);
                await admin.Locator("footer").GetByLabel(T("Layout.Language", shown)).SelectOptionAsync("en");
                await admin.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", shown) }).ClickAsync();
                await admin.Locator("html[lang=en]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            }

            await HotZonesAsync(report, javaScript, admin, orgChecks, collective, archive, fundEmail, fundOrgId);
            // The grants module's part of this flow, timed: its issue allows it 20 s of ./test.sh (docs/grants.md).
            var grants = System.Diagnostics.Stopwatch.StartNew();
            await GrantsAsync(report, javaScript, fundEmail, grantmaker);
            await GrantRequestAsync(report, javaScript, email, fundEmail, grantmaker);
            TestContext.Current.TestOutputHelper?.WriteLine($"grants flow ({(javaScript ? "js" : "nojs")}): {grants.Elapsed.TotalSeconds:F1} s");
        }

        // ---- The library: a lesson read, a checklist item ticked and turned into an action of this plan.
        // The library's part of this flow, timed: its issue allows it 20 s of ./test.sh (docs/learning.md).
        var learning = System.Diagnostics.Stopwatch.StartNew();
        await LearningAsync(page, Check, planUrl, "The river case " + tag, tag);
        TestContext.Current.TestOutputHelper?.WriteLine($"learning flow ({tag}): {learning.Elapsed.TotalSeconds:F1} s");
        // Trainings (issue 19), timed for the same reason.
        var trainings = System.Diagnostics.Stopwatch.StartNew();
        await TrainingsAsync(page, Check, tag, photograph: !javaScript);
        TestContext.Current.TestOutputHelper?.WriteLine($"trainings flow ({tag}): {trainings.Elapsed.TotalSeconds:F1} s");

        // ---- The same plan on a phone, in Spanish and in Arabic.
        await page.SetViewportSizeAsync(360, 740);
        foreach (var language in new[] { "es", "ar" })
        {
            await page.Locator("footer").GetByLabel(T("Layout.Language", Current(page))).SelectOptionAsync(language);
            await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", Current(page)) }).ClickAsync();
            await page.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Flows.WaitForLoadAsync(page);
            await checks.TakeWeightAsync();
            await page.GotoAsync(planUrl);
            await Check();
            await Expect(entry.Locator(".plan-band")).ToHaveTextAsync(T(RiskBands.BandKey(after), language));
            await Flows.ScreenshotAsync(page, $"plan-{language}-{tag}");
            if (incidentUrl is not null)
            {
                await page.GotoAsync(incidentUrl);
                await Check();
                await Flows.ScreenshotAsync(page, $"incident-{language}-{tag}");
                await page.GotoAsync(BaseUrl + "/incidents/new");
                await Check();
                await Flows.ScreenshotAsync(page, $"incident-new-{language}-{tag}");
                await page.GotoAsync(incidentUrl + "/evidence");
                await Check();
                await Flows.ScreenshotAsync(page, $"incident-evidence-form-{language}-{tag}");
                await page.GotoAsync(BaseUrl + "/incidents");
                await Check();
                await Flows.ScreenshotAsync(page, $"incident-list-{language}-{tag}");
            }
            _language = language;
        }
        _language = "en";
    }

    private string _language = "en";
    private string Current(IPage _) => _language;

    private async Task SelectLevelAsync(IPage page, string field, PlanScale scale, PlanLevel level) =>
        await page.Locator("#" + field).SelectOptionAsync(new SelectOptionValue { Label = T(RiskBands.WordsKey(scale, level)) });

    private Task SignInAsync(IPage page, string email) => Flows.SignInAsync(page, BaseUrl, fixture.App.Services, email, Passphrase);


    private string T(string key, string language = "en", params object[] args) =>
        Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);

    [GeneratedRegex(@"/plans/[0-9a-f-]{36}$")]
    private static partial Regex PlanPage();
}

public sealed class PlanFlowWithoutJavaScript(MailingAppFixture fixture) : PlanFlowTests(fixture, javaScript: false), IClassFixture<MailingAppFixture>;

public sealed class PlanFlowWithJavaScript(MailingAppFixture fixture) : PlanFlowTests(fixture, javaScript: true), IClassFixture<MailingAppFixture>;
