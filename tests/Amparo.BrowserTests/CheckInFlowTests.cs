using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

/// <summary>
/// Check-ins in a real browser, with JavaScript off and on: set a PIN, plan a visit, check in; plan another and miss
/// it (the test moves the app's clock and runs the workers), the trusted contact gets the e-mail, opens the link,
/// says "I'm on it" and resolves; the focal point's whereabouts board; the visit page in Arabic. Every page is
/// checked (axe, other origins, weight; the check-in page against its 15 KB budget).
/// </summary>
public abstract partial class CheckInFlowTests(ClockedAppFixture fixture)
{
    private const string Passphrase = "amber river lantern 2031";
    private const string Pin = "5173";

    protected abstract bool JavaScript { get; }
    private string BaseUrl => fixture.BaseUrl;

    [Fact]
    public async Task PlanCheckIn_MissADeadline_ContactAcknowledgesAndResolves_Whereabouts_Arabic()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => RunFlowAsync(report)); }
        finally { report.SaveWeights(JavaScript ? "checkins-javascript-on" : "checkins-javascript-off"); }
        report.AssertClean();
    }

    private async Task RunFlowAsync(PageReport report)
    {
        var tag = JavaScript ? "js" : "nojs";
        var (defenderEmail, focalEmail, contactEmail) = await SeedAsync(tag);

        // ---- The defender: PIN, plan, check in.
        await using var context = await NewContextAsync();
        var checks = new PageChecks(context, BaseUrl, JavaScript);
        var page = await context.NewPageAsync();
        Task Check(long budget = 60 * 1024) => checks.CheckAsync(page, report, budget, who: "defender");
        await SignInAsync(page, defenderEmail);
        await Check();

        await page.GotoAsync(BaseUrl + "/account/check-ins");
        await Check();
        await page.GetByLabel(T("CheckInSettings.Pin"), new() { Exact = true }).FillAsync(Pin);
        await page.GetByRole(AriaRole.Button, new() { Name = T("CheckInSettings.SavePins") }).ClickAsync();
        await Flows.WaitForPageAsync(page, BaseUrl + "/account/check-ins?done=pins");
        await Check();

        await page.GotoAsync(BaseUrl + "/visits/new");
        await Check();
        await Expect(page.GetByText("Rosa Contact")).ToBeVisibleAsync(); // the escalation plan names the contact
        await page.GetByLabel(T("Visit.Place")).FillAsync("Court of appeals");
        await page.GetByLabel(T("Visit.Hours"), new() { Exact = true }).FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Visit.Submit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, VisitPage());
        await Check(15 * 1024);
        var visitUrl = page.Url;
        await page.GetByLabel(T("CheckIn.Pin")).FillAsync(Pin);
        await page.GetByRole(AriaRole.Button, new() { Name = T("CheckIn.Submit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, new Regex(@"\?done=checkin$"));
        await Check(15 * 1024);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(T("CheckIn.Done.CheckIn"));

        // ---- A visit that goes wrong: back in 5 minutes, and nothing.
        await page.GotoAsync(BaseUrl + "/visits/new");
        await page.GetByLabel(T("Visit.Place")).FillAsync("Market street clinic");
        await page.GetByLabel(T("Visit.Hours"), new() { Exact = true }).FillAsync("0");
        await page.GetByLabel(T("Visit.Minutes"), new() { Exact = true }).FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Visit.Submit") }).ClickAsync();
        await Flows.WaitForPageAsync(page, VisitPage());
        var missedUrl = page.Url;
        await checks.TakeWeightAsync();
        fixture.App.Clock!.Advance(TimeSpan.FromMinutes(16));
        await fixture.App.RunWorkersAsync();
        await fixture.App.RunWorkersAsync();
        var mail = await WaitForMailAsync(contactEmail, "/r/");
        var link = ResponderLink().Match(mail).Value;
        // The defender's own page says the visit is alerting (and the visit keeps the session from idling out).
        await page.GotoAsync(missedUrl);
        await Check(15 * 1024);
        await Expect(page.Locator("p.state")).ToContainTextAsync(T("Visit.State.Alerting"));
        Assert.StartsWith(BaseUrl + "/r/", link, StringComparison.Ordinal);

        // ---- Level 2, 15 minutes later: the focal point. Their board shows the defender alerting, with the alert.
        fixture.App.Clock.Advance(TimeSpan.FromMinutes(15));
        await fixture.App.RunWorkersAsync();
        await using var focalContext = await NewContextAsync();
        var focalChecks = new PageChecks(focalContext, BaseUrl, JavaScript);
        var focal = await focalContext.NewPageAsync();
        await SignInAsync(focal, focalEmail);
        await focal.GetByRole(AriaRole.Link, new() { Name = T("Whereabouts.Title") }).First.ClickAsync();
        await Flows.WaitForPageAsync(focal, BaseUrl + "/whereabouts");
        await focalChecks.CheckAsync(focal, report, who: "focal");
        var row = focal.Locator("tbody tr").First;
        await Expect(row).ToContainTextAsync("Dana " + tag);
        await Expect(row).ToContainTextAsync(T("Visit.State.Alerting"));
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Flows.WaitForPageAsync(focal, new Regex("/alerts/"));
        await focalChecks.CheckAsync(focal, report, who: "focal");
        await Expect(focal.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(T("Responder.Heading", "en", "Dana " + tag));

        // ---- The contact, without an account: the link from the e-mail.
        await using var contactContext = await NewContextAsync();
        var contactChecks = new PageChecks(contactContext, BaseUrl, JavaScript);
        var contact = await contactContext.NewPageAsync();
        await contact.GotoAsync(link);
        await contactChecks.CheckAsync(contact, report, who: "contact");
        await Expect(contact.GetByText("Market street clinic")).ToBeVisibleAsync();
        await contact.GetByRole(AriaRole.Button, new() { Name = T("Responder.Acknowledge") }).ClickAsync();
        await Flows.WaitForPageAsync(contact, new Regex(@"\?done=ack$"));
        await contactChecks.CheckAsync(contact, report, who: "contact");
        await Expect(contact.GetByText(T("Responder.HandledByYou"), new() { Exact = true })).ToBeVisibleAsync();
        await contact.GetByLabel(T("Alert.Outcome.NeedsHelp")).CheckAsync();
        await contact.GetByLabel(T("Responder.ResolveNote")).FillAsync("Found her; she was held at a checkpoint and needs a lawyer");
        await contact.GetByRole(AriaRole.Button, new() { Name = T("Responder.Resolve"), Exact = true }).ClickAsync();
        await Flows.WaitForPageAsync(contact, new Regex(@"\?done=resolved$"));
        await contactChecks.CheckAsync(contact, report, who: "contact");
        await Expect(contact.GetByRole(AriaRole.Status)).ToHaveTextAsync(T("Responder.Done.Resolved"));

        // ---- Closed as "needs help": the focal point records an incident from the alert, pre-filled and linked.
        await focal.ReloadAsync();
        // … and may refer her to a service of the network (the directory carries whom to the referral form).
        await Expect(focal.Locator("#refer-from-alert")).ToHaveTextAsync(T("Referral.FromAlert.Link", "en", "Dana " + tag));
        await Flows.ScreenshotAsync(focal, "alert-needs-help-focal-" + tag);
        await focal.GetByRole(AriaRole.Link, new() { Name = T("Incidents.FromAlert.Link") }).ClickAsync();
        await Flows.WaitForPageAsync(focal, new Regex(@"/incidents/new\?alert=[0-9a-f-]{36}$"));
        await focalChecks.CheckAsync(focal, report, who: "focal");
        await Expect(focal.Locator("main")).ToContainTextAsync(T("Incidents.New.FromAlert"));
        await focal.GetByLabel(T("Incidents.Act.ArrestOrDetention"), new() { Exact = true }).CheckAsync();
        await focal.GetByRole(AriaRole.Button, new() { Name = T("Incidents.New.Submit") }).ClickAsync();
        await Flows.WaitForPageAsync(focal, new Regex(@"/incidents/[0-9a-f-]{36}\?done=reported$"));
        await focalChecks.CheckAsync(focal, report, who: "focal");
        await Expect(focal.Locator("main")).ToContainTextAsync(T("Incidents.Act.ArrestOrDetention"));

        // ---- The defender's pages afterwards, then in Arabic.
        await page.GotoAsync(missedUrl);
        await Check(15 * 1024);
        await Expect(page.Locator("p.state")).ToContainTextAsync(T("Visit.Outcome.ClosedByResponder"));
        foreach (var path in new[] { "/visits", "/contacts", "/whereabouts" })
        {
            await page.GotoAsync(BaseUrl + path);
            await Check();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = T("Layout.Panic") }).ClickAsync();
        await Flows.WaitForPageAsync(page, BaseUrl + "/panic");
        await Check();
        await page.GotoAsync(visitUrl);
        await page.Locator("footer").GetByLabel(T("Layout.Language")).SelectOptionAsync("ar");
        await page.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage") }).ClickAsync();
        await page.Locator("html[dir=rtl]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        // The budget is for one load of the page: the language change before it (a POST, its redirect and the page
        // shown after it) is not counted — on a slow machine it put the page 13.5 KB of its 15 KB on a knife's edge.
        await Flows.WaitForLoadAsync(page);
        await checks.TakeWeightAsync();
        await page.GotoAsync(visitUrl);
        await Check(15 * 1024);
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(T("Visit.Title", "ar"));
        await page.GotoAsync(BaseUrl + "/visits/new");
        await Check();
    }

    /// <summary>A defender in an organization with a focal point, and a trusted contact who has agreed.</summary>
    private async Task<(string Defender, string Focal, string Contact)> SeedAsync(string tag)
    {
        using var scope = fixture.App.Services.CreateScope();
        var sp = scope.ServiceProvider;
        var accounts = sp.GetRequiredService<AccountService>();
        var orgs = sp.GetRequiredService<OrganizationService>();
        var defender = $"dana.{tag}@example.org";
        var focal = $"fabio.{tag}@example.org";
        var contactEmail = $"rosa.{tag}@example.org";
        var d = (await accounts.CreateAsync(defender, "Dana " + tag, Passphrase, false)).User!;
        var f = (await accounts.CreateAsync(focal, "Fabio " + tag, Passphrase, false)).User!;
        var org = await orgs.CreateAsync("Casa " + tag, OrganizationKind.CivilSociety, null);
        await orgs.AddMemberAsync(org!.Id, f.Id, OrgRole.FocalPoint, null);
        await orgs.AddMemberAsync(org.Id, d.Id, OrgRole.Member, null);
        var contacts = sp.GetRequiredService<ContactService>();
        var (id, _) = await contacts.AddAsync(d.Id, new ContactInput("Rosa Contact", "en", [(ChannelKind.Email, contactEmail)]));
        var token = await sp.GetRequiredService<CheckInSecrets>().LinkTokenAsync(sp.GetRequiredService<AmparoDbContext>(), LinkPurposes.Consent, id!.Value);
        Assert.True(await contacts.ConfirmByLinkAsync(token));
        return (defender, focal, contactEmail);
    }

    private async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync(BaseUrl + "/account/sign-in");
        await page.GetByLabel(T("Field.Email")).FillAsync(email);
        await page.GetByLabel(T("Field.Passphrase"), new() { Exact = true }).FillAsync(Passphrase);
        await page.GetByRole(AriaRole.Button, new() { Name = T("SignIn.Submit") }).ClickAsync();
        // Wait for the home page itself: with JavaScript on, the load state of the sign-in page is already reached
        // before the form's navigation starts.
        try { await Flows.WaitForPageAsync(page, BaseUrl + "/", new() { Timeout = 30_000 }); }
        catch (TimeoutException) { Assert.Fail($"sign-in ended at {page.Url}: {await page.Locator("main").InnerTextAsync()}"); }
    }

    private async Task<string> WaitForMailAsync(string address, string containing)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = fixture.Smtp.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))
                && (m.TextBody ?? "").Contains(containing, StringComparison.Ordinal));
            if (found is not null) return found.TextBody!;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No message to the contact with {containing}");
    }

    private Task<IBrowserContext> NewContextAsync() => Chromium.NewContextAsync(fixture.Browser, JavaScript);

    private string T(string key, string language = "en", params object[] args) =>
        Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);

    [GeneratedRegex(@"/visits/[0-9a-f-]{36}(\?adjusted=true)?$")]
    private static partial Regex VisitPage();

    [GeneratedRegex(@"https?://\S+/r/[A-Za-z0-9_\-]+")]
    private static partial Regex ResponderLink();
}

public sealed class CheckInFlowWithJavaScript(ClockedAppFixture fixture) : CheckInFlowTests(fixture), IClassFixture<ClockedAppFixture>
{
    protected override bool JavaScript => true;
}

public sealed class CheckInFlowWithoutJavaScript(ClockedAppFixture fixture) : CheckInFlowTests(fixture), IClassFixture<ClockedAppFixture>
{
    protected override bool JavaScript => false;
}
