using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// The network directory (issue 16) in a real browser, without JavaScript, on a phone: a shelter's admin, in Spanish,
/// writes its entry, keeps its street address "never
/// shown", adds a relocation service (a promise it cannot read is named at its field) and sets its capacity in one click; a member of another organization of the
/// network, in Arabic, finds it by need and language, reads the public phone but not the address, searches for a need
/// nobody offers and tells the coordinators, who read the gap on their page. The member also refers themself to the
/// shelter: the shelter reads the need, then the story once it accepts, and nothing of it once done; the member reads the
/// shelter's "after a referral" meeting point only while it works on the referral. Every page is checked (axe, other
/// origins, weight) and photographed (with AMPARO_SCREENSHOTS=1).
/// </summary>
public sealed partial class DirectoryFlowTests(MailingAppFixture fixture) : IClassFixture<MailingAppFixture>
{
    private const string Passphrase = "amber river lantern 2031";
    private string BaseUrl => fixture.BaseUrl;

    [Fact]
    public async Task KeepAnEntry_FindItByNeed_ReferAndTellAGap_WithoutJavaScript()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => FlowAsync(report, javaScript: false)); }
        finally { report.SaveWeights("directory-javascript-off"); }
        report.AssertClean();
    }

    /// <summary>
    /// With JavaScript, in English on a desktop: the entry and its service are written by the service (the forms were
    /// walked without JavaScript; they have no scripts of their own), then the same search, referral, acceptance, work,
    /// end of access, closing and gap.
    /// </summary>
    [Fact]
    public async Task FindByNeed_Refer_AcceptWorkClose_AndTellAGap_WithJavaScript()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => FlowAsync(report, javaScript: true)); }
        finally { report.SaveWeights("directory-javascript-on"); }
        report.AssertClean();
    }

    private async Task FlowAsync(PageReport report, bool javaScript)
    {
        var tag = javaScript ? "js" : "nojs";
        string adminEmail = $"marta.shelter.{tag}@example.org", searcherEmail = $"yusuf.network.{tag}@example.org";
        var (adminLanguage, searcherLanguage) = javaScript ? ("en", "en") : ("es", "ar");
        Guid networkId, shelterId;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var adminUser = (await accounts.CreateAsync(adminEmail, "Marta", Passphrase, false)).User!;
            var searcher = (await accounts.CreateAsync(searcherEmail, "Yusuf", Passphrase, false)).User!;
            var orgs = scope.ServiceProvider.GetRequiredService<OrganizationService>();
            var shelter = (await orgs.CreateAsync("Casa Ceiba", OrganizationKind.Practitioner, null))!;
            await orgs.AddMemberAsync(shelter.Id, adminUser.Id, OrgRole.OrgAdmin, null);
            var collective = (await orgs.CreateAsync("Colectivo Río", OrganizationKind.CivilSociety, null))!;
            await orgs.AddMemberAsync(collective.Id, searcher.Id, OrgRole.Member, null);
            var networks = scope.ServiceProvider.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red Mesoamericana " + tag, null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, shelter.Id, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, collective.Id, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, searcher.Id, null));
            (networkId, shelterId) = (network.Id, shelter.Id);
            // As after an alert about the searcher closed as "needs help" (the fact handler's own write).
            await scope.ServiceProvider.GetRequiredService<HelpSuggestions>().AddOnceAsync(searcher.Id, SuggestionOrigin.Alert, Guid.NewGuid(), null, DateTime.UtcNow, CancellationToken.None);
            if (javaScript)
            {
                var directory = scope.ServiceProvider.GetRequiredService<NetworkDirectory>();
                var entry = (await directory.SaveEntryAsync(adminUser.Id, network.Id, shelter.Id, new EntryInput("Temporary safe housing.", EntryVisibility.Network,
                    "Signal: casa-ceiba"), [new(ContactKind.Phone, Confidentiality.Public, "+52 55 5555 0100"),
                    new(ContactKind.Address, Confidentiality.Never, "Calle Ceiba 12, colonia Centro"),
                    new(ContactKind.Address, Confidentiality.AfterReferral, "Punto de encuentro: Parque Ceiba")])).Id!.Value;
                var service = await directory.SaveServiceAsync(adminUser.Id, entry, null, new ServiceInput(ServiceKind.Relocation, ["es", "ar", "en"], ["419"], Eligibility.None, 4, ""));
                Assert.Equal(DirectoryWriteStatus.Done, (await directory.SetCapacityAsync(adminUser.Id, service.Id!.Value, Capacity.EmergenciesOnly, null)).Status);
            }
        }

        // ---- The shelter's admin, in Spanish on a phone, from the network's page to the entry's form.
        await using var adminContext = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var adminChecks = new PageChecks(adminContext, BaseUrl, javaScript);
        var admin = await adminContext.NewPageAsync();
        if (javaScript) await admin.SetViewportSizeAsync(1280, 900);
        else await admin.SetViewportSizeAsync(360, 740);
        // With JavaScript, only the referral pages are checked (axe, other origins, weight): the run without JavaScript checks
        // every page of the flow, axe included with scripts on, and each check costs about a second of the suite. A page
        // not checked still has its bytes counted off, so that the next page's weight is its own.
        Task AdminCheck(bool always = false) => javaScript && !always ? adminChecks.TakeWeightAsync() : adminChecks.CheckAsync(admin, report, who: "provider");
        await Flows.SignInAsync(admin, BaseUrl, fixture.App.Services, adminEmail, Passphrase);
        await admin.GotoAsync($"{BaseUrl}/networks/{networkId}");
        await SwitchLanguageAsync(admin, adminLanguage);
        await AdminCheck();
        string entryUrl;
        if (javaScript)
        {
            using var scope = fixture.App.Services.CreateScope();
            var entryId = scope.ServiceProvider.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>().DirectoryEntries
                .Where(e => e.OrganizationId == shelterId).Select(e => e.Id).Single();
            entryUrl = BaseUrl + DirectoryRoutes.Entry(entryId);
        }
        else
        {
            await Expect(admin.Locator("main")).ToContainTextAsync("Casa Ceiba");
            await admin.Locator("a[href^='/directory/edit/']").ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex("/directory/edit/"));
            await AdminCheck();
            await admin.GetByLabel(T("Directory.Field.Description", adminLanguage), new() { Exact = true }).FillAsync("Alojamiento temporal y seguro para defensoras y sus familias.");
            await admin.Locator("#Contacts_0__Kind").SelectOptionAsync("Phone");
            await admin.Locator("#Contacts_0__Value").FillAsync("+52 55 5555 0100");
            await admin.Locator("#Contacts_0__Level").SelectOptionAsync("Public");
            await admin.Locator("#Contacts_1__Kind").SelectOptionAsync("Address");
            await admin.Locator("#Contacts_1__Value").FillAsync("Calle Ceiba 12, colonia Centro");
            await admin.Locator("#Contacts_1__Level").SelectOptionAsync("Never");
            await admin.Locator("#Contacts_2__Kind").SelectOptionAsync("Address");
            await admin.Locator("#Contacts_2__Value").FillAsync("Punto de encuentro: Parque Ceiba");
            await admin.Locator("#Contacts_2__Level").SelectOptionAsync("AfterReferral");
            await admin.Locator("#FrontGate").FillAsync("Signal: casa-ceiba (pregunte por Marta)");
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Directory.Save", adminLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex("/directory/[0-9a-f-]{36}\\?done=saved"));
            await AdminCheck();
            entryUrl = new Regex("\\?.*$").Replace(admin.Url, "");

            // ---- A service, then its capacity in one click.
            await admin.GetByRole(AriaRole.Link, new() { Name = T("Directory.AddService", adminLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex("/services$"));
            await AdminCheck();
            await admin.Locator("#Kind").SelectOptionAsync("Relocation");
            await admin.Locator("#language-es").CheckAsync();
            await admin.Locator("#language-ar").CheckAsync();
            await admin.Locator("#region-419").CheckAsync();
            // A promise the server cannot read: named at its field, what was chosen stays, nothing saved.
            await admin.Locator("#ResponseHours").FillAsync("cuatro");
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Directory.Save", adminLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForLoadAsync(admin);
            await AdminCheck();
            await Expect(admin.Locator("#error-summary")).ToContainTextAsync(T("Directory.Error.ResponseHours", adminLanguage));
            await Expect(admin.Locator("#ResponseHours")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(admin.Locator("#language-ar")).ToBeCheckedAsync();
            await Flows.ScreenshotAsync(admin, "directory-service-error-es-" + tag);
            await admin.Locator("#ResponseHours").FillAsync("4");
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Directory.Save", adminLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex("done=service"));
            await AdminCheck();
            await admin.Locator("input[name=capacity][value=EmergenciesOnly]").CheckAsync();
            await admin.GetByRole(AriaRole.Button, new() { Name = T("Directory.CapacitySave", adminLanguage), Exact = true }).ClickAsync();
            await Flows.WaitForPageAsync(admin, new Regex("done=capacity"));
            await AdminCheck();
            await Expect(admin.Locator("main")).ToContainTextAsync(T("Directory.Capacity.EmergenciesOnly", adminLanguage));
            await Expect(admin.Locator("main")).ToContainTextAsync("Calle Ceiba 12"); // its own organization reads every level
            await Flows.ScreenshotAsync(admin, "directory-entry-admin-es-" + tag);
        }

        // ---- Someone of another organization of the network, in Arabic on a phone, finds it by need and language.
        await using var context = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var checks = new PageChecks(context, BaseUrl, javaScript);
        var page = await context.NewPageAsync();
        if (javaScript) await page.SetViewportSizeAsync(1280, 900);
        else await page.SetViewportSizeAsync(360, 740);
        Task Check(bool always = false) => javaScript && !always ? checks.TakeWeightAsync() : checks.CheckAsync(page, report, who: "member");
        await Flows.SignInAsync(page, BaseUrl, fixture.App.Services, searcherEmail, Passphrase);
        await page.GotoAsync(BaseUrl + "/");
        await SwitchLanguageAsync(page, searcherLanguage);
        // Their home page suggests help after the alert; "not now" puts it away.
        await Expect(page.Locator("#help-suggestions")).ToContainTextAsync(T("Referral.Suggest.Title", searcherLanguage));
        await Check();
        await Flows.ScreenshotAsync(page, "home-help-suggestion-ar-" + tag);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Referral.Suggest.Dismiss", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForLoadAsync(page);
        await Expect(page.Locator("#help-suggestions")).ToHaveCountAsync(0);
        await page.Locator("nav.nav").GetByRole(AriaRole.Link, new() { Name = T("Directory.Nav", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/directory$"));
        await Check();
        await page.Locator("#need").SelectOptionAsync("Relocation");
        await page.Locator("#language").SelectOptionAsync(searcherLanguage);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Directory.Search", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("need=Relocation"));
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync("Casa Ceiba");
        await Expect(page.Locator("main")).ToContainTextAsync(T("Directory.Capacity.EmergenciesOnly", searcherLanguage));
        await Flows.ScreenshotAsync(page, "directory-results-ar-" + tag);
        await page.GetByRole(AriaRole.Link, new() { Name = "Casa Ceiba", Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/directory/[0-9a-f-]{36}$"));
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync("5555 0100");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Calle Ceiba");
        await Expect(page.Locator("form[action*='handler=Capacity']")).ToHaveCountAsync(0); // a reader has no capacity form
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Parque Ceiba"); // only after a referral is accepted
        await Flows.ScreenshotAsync(page, "directory-entry-ar-" + tag);
        Assert.Equal(entryUrl, page.Url);

        // ---- The searcher refers themself: what the provider reads before and after acceptance is shown first.
        await page.GetByRole(AriaRole.Link, new() { Name = T("Referral.ReferHere", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/referrals/new/"));
        await Check(always: true);
        await Expect(page.Locator("main")).ToContainTextAsync(T("Referral.WhatProviderReads", searcherLanguage));
        // A member refers only themself: no "for whom", and their name is written in already (they may change it).
        await Expect(page.Locator("select#Defender")).ToHaveCountAsync(0);
        await Expect(page.Locator("#Name")).ToHaveValueAsync("Yusuf");
        await page.Locator("#Name").FillAsync("يوسف");
        await page.Locator("#language-ar").CheckAsync();
        await page.Locator("#Story").FillAsync("تلقيت تهديدات بعد المقال الأخير وأحتاج إلى مكان آمن لعائلتي.");
        await Flows.ScreenshotAsync(page, "referral-new-ar-" + tag);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Referral.Send", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/referrals/[0-9a-f-]{36}\\?done=created"));
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Referral.State.Sent", searcherLanguage));
        var referralUrl = new Regex("\\?.*$").Replace(page.Url, "");

        // ---- The shelter's admin: the need, not the story, until accepting; then the story; then done, and it is gone.
        await admin.GotoAsync(BaseUrl + ReferralRoutes.List);
        await AdminCheck();
        await Flows.ScreenshotAsync(admin, "referral-list-es-" + tag);
        await admin.Locator($"a[href='{new Uri(referralUrl).AbsolutePath}']").ClickAsync();
        await Flows.WaitForPageAsync(admin, new Regex("/referrals/[0-9a-f-]{36}$"));
        await AdminCheck();
        await Expect(admin.Locator("main")).ToContainTextAsync(T("Directory.Kind.Relocation", adminLanguage));
        await Expect(admin.Locator("main")).Not.ToContainTextAsync("تهديدات");
        await Flows.ScreenshotAsync(admin, "referral-incoming-es-" + tag);
        await admin.GetByRole(AriaRole.Button, new() { Name = T("Referral.Act.Accept", adminLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(admin, new Regex("done=accept"));
        await AdminCheck(always: true);
        await Expect(admin.Locator("main")).ToContainTextAsync("تهديدات");
        await admin.GetByRole(AriaRole.Button, new() { Name = T("Referral.Act.Start", adminLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(admin, new Regex("done=start"));
        await AdminCheck();

        // ---- While the shelter works on it, the searcher reads the meeting point; once done, no longer.
        await page.GotoAsync(entryUrl);
        await Expect(page.Locator("main")).ToContainTextAsync("Parque Ceiba");
        await admin.Locator("#outcome").SelectOptionAsync("NeedMet");
        await admin.GetByRole(AriaRole.Button, new() { Name = T("Referral.Act.Done", adminLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(admin, new Regex("done=done"));
        await AdminCheck();
        await Expect(admin.Locator("main")).Not.ToContainTextAsync("تهديدات");
        await Flows.ScreenshotAsync(admin, "referral-done-es-" + tag);
        await page.GotoAsync(entryUrl);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Parque Ceiba");

        // ---- The searcher closes it and says it helped.
        await page.GotoAsync(referralUrl);
        await Check();
        await page.Locator("#helped-yes").CheckAsync();
        await Flows.ScreenshotAsync(page, "referral-close-ar-" + tag);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Referral.Act.Close", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("done=close"));
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Referral.State.Closed", searcherLanguage));

        // ---- A need nobody offers: the one click that tells the coordinators; they read the gap.
        await page.GotoAsync(BaseUrl + "/directory?need=Medical&language=ar");
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Directory.NoneFound", searcherLanguage));
        await page.GetByRole(AriaRole.Button, new() { Name = T("Directory.Tell", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("told=true"));
        await Check();
        await Expect(page.Locator("main")).ToContainTextAsync(T("Directory.Told", searcherLanguage));
        await Flows.ScreenshotAsync(page, "directory-told-ar-" + tag);
        await page.GotoAsync($"{BaseUrl}/networks/{networkId}");
        await page.GetByRole(AriaRole.Link, new() { Name = T("Directory.Gaps.Link", searcherLanguage), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex("/directory/gaps/"));
        await Check();
        await Expect(page.Locator("main table")).ToContainTextAsync(T("Directory.Kind.Medical", searcherLanguage));
        await Flows.ScreenshotAsync(page, "directory-gaps-ar-" + tag);
        await SwitchLanguageAsync(page, "en");
        await SwitchLanguageAsync(admin, "en");
    }

    private Task SwitchLanguageAsync(IPage page, string language) => Flows.SwitchLanguageAsync(page, fixture.App.Services, language);

    private string T(string key, string language = "en", params object[] args) => Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);
}
