using System.Text.Json;
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
/// Issue 9 in a real browser: alerts nobody can miss. Two flows on one installation (real SMTP, real workers):
/// a phone (360×740) without JavaScript in English and Arabic — onboarding, SOS and who is told, a panic on the focal
/// point's board and home page, the contact's link, quick exit, an error summary, coordinates in right-to-left; and a
/// desktop with JavaScript in Spanish — the board refreshing itself (Playwright's clock), "use my location", quick
/// exit — then a phone in Arabic joining with its time zone suggested, and the service worker's offline page.
/// Only pages new or changed by issue 9 and not checked elsewhere get the full checks (axe, origins, weight).
/// Screenshots (with AMPARO_SCREENSHOTS=1) go to TestResults/screenshots under the test output directory.
/// </summary>
public sealed partial class AlertsFlowTests(MailingAppFixture fixture) : IClassFixture<MailingAppFixture>
{
    private const string Passphrase = "amber river lantern 2031";
    private string BaseUrl => fixture.BaseUrl;

    [Fact]
    public async Task Phone_WithoutJavaScript_EnglishAndArabic()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => PhoneFlowAsync(report)); }
        finally { report.SaveWeights("alerts-phone-javascript-off"); }
        report.AssertClean();
    }

    [Fact]
    public async Task Desktop_WithJavaScript_Spanish_ThenArabicPhoneOffline()
    {
        var report = new PageReport();
        try { await Chromium.RunFlowAsync(fixture, () => DesktopFlowAsync(report)); }
        finally { report.SaveWeights("alerts-desktop-javascript-on"); }
        report.AssertClean();
    }

    private async Task PhoneFlowAsync(PageReport report)
    {
        var s = await SeedAsync("off");

        // ---- A new defender: the installable app's parts, the sign-in page's way to setup, onboarding, SOS.
        await using var nina = await NewContextAsync(javaScript: false, phone: true);
        var ninaChecks = new PageChecks(nina, BaseUrl, javaScript: false);
        var n = await nina.NewPageAsync();
        var signIn = await n.GotoAsync(BaseUrl + "/account/sign-in");
        var csp = (await signIn!.AllHeadersAsync())["content-security-policy"];
        Assert.Contains("manifest-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("worker-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("/manifest.webmanifest", await n.Locator("link[rel=manifest]").GetAttributeAsync("href"));
        await Expect(n.Locator("main a[href='/setup']")).ToBeVisibleAsync(); // nobody has set this installation up
        var favicon = await nina.APIRequest.GetAsync(BaseUrl + "/favicon.ico");
        Assert.Equal(200, favicon.Status);
        Assert.Equal("image/x-icon", favicon.Headers["content-type"]);
        var manifest = await nina.APIRequest.GetAsync(BaseUrl + "/manifest.webmanifest");
        using (var json = JsonDocument.Parse(await manifest.TextAsync()))
            Assert.Equal("Notes", json.RootElement.GetProperty("name").GetString());
        // Without JavaScript the invitation's time zone stays UTC (nothing is guessed).
        await n.GotoAsync(BaseUrl + "/invitation/" + s.SpareInvitation);
        await Expect(n.Locator("select#timezone")).ToHaveValueAsync("UTC");

        await SignInAsync(n, s.Nina);
        await ninaChecks.CheckAsync(n, report, who: "new-defender");
        await Expect(n.Locator("#onboarding-pin a[href='/account/check-ins']")).ToBeVisibleAsync();
        await Expect(n.Locator("#onboarding-contact a[href='/contacts']")).ToBeVisibleAsync();
        await Expect(n.Locator("nav a[href='/contacts']")).ToBeVisibleAsync();
        await AssertSosAsync(n, "en");
        await Flows.ScreenshotAsync(n, "home-onboarding-360-en");
        await n.Locator("#sos").ClickAsync();
        await Flows.WaitForPageAsync(n, BaseUrl + "/panic");
        await Expect(n.Locator("#nobody-told a[href='/contacts']")).ToBeVisibleAsync();
        await Expect(n.Locator(".use-location")).ToBeHiddenAsync();
        await Flows.ScreenshotAsync(n, "panic-nobody-told-360-en");

        // Quick exit: signed out, a neutral page; a return address elsewhere is not followed.
        await n.Locator("#quick-exit").ClickAsync();
        await Flows.WaitForPageAsync(n, new Regex("/weather$"));
        Assert.DoesNotContain("Amparo", await n.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await Expect(n.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(T("Weather.Title"));
        await n.GotoAsync(BaseUrl + "/");
        Assert.StartsWith(BaseUrl + "/account/sign-in", n.Url, StringComparison.Ordinal);
        await n.GotoAsync(BaseUrl + "/exit?returnUrl=https://evil.example");
        Assert.Matches("/weather$", n.Url);

        // ---- A defender with a trusted contact: SOS names who is told; typed coordinates.
        await using var dana = await NewContextAsync(javaScript: false, phone: true);
        var danaChecks = new PageChecks(dana, BaseUrl, javaScript: false);
        var d = await dana.NewPageAsync();
        await SignInAsync(d, s.Dana);
        await d.Locator("#sos").ClickAsync();
        await Flows.WaitForPageAsync(d, BaseUrl + "/panic");
        await Expect(d.Locator("#who-is-told")).ToContainTextAsync("Rosa Contact");
        await Expect(d.Locator("#nobody-told")).ToHaveCountAsync(0);
        await Expect(d.Locator(".use-location")).ToBeHiddenAsync();
        await Flows.ScreenshotAsync(d, "panic-who-is-told-360-en");
        await d.Locator("#latitude").FillAsync("2.4448");
        await d.Locator("#longitude").FillAsync("-76.6147");
        await d.GetByRole(AriaRole.Button, new() { Name = T("Panic.Confirm") }).First.ClickAsync();
        await Flows.WaitForPageAsync(d, new Regex("/alerts/[0-9a-f-]{36}$"));
        var alertPath = new Uri(d.Url).AbsolutePath;

        // ---- The contact: the e-mail says what happened and whose; the link's page gives times with their zone.
        var mail = await WaitForMailAsync(s.ContactEmail, "/r/");
        Assert.EndsWith("— Dana off (Amparo alert)", mail.Subject, StringComparison.Ordinal);
        await using var rosa = await NewContextAsync(javaScript: false, phone: true);
        var r = await rosa.NewPageAsync();
        // The link's path on this test server (this fixture leaves the public address at its default).
        await r.GotoAsync(BaseUrl + new Uri(ResponderLink().Match(mail.TextBody ?? "").Value).AbsolutePath);
        await Expect(r.Locator("#times-zone")).ToContainTextAsync("Dana off");
        await Expect(r.Locator("#times-zone")).ToContainTextAsync("UTC");
        Assert.Matches(@"\d{1,2}:\d\d(\s?[AP]M)? \(UTC\)", await r.Locator("main").InnerTextAsync());
        await Expect(r.Locator("bdi[dir=ltr]").First).ToHaveTextAsync("2.4448, -76.6147");

        // ---- The focal point, on a phone: the panic at the top of the board from the first second.
        await using var focal = await NewContextAsync(javaScript: false, phone: true);
        var focalChecks = new PageChecks(focal, BaseUrl, javaScript: false);
        var f = await focal.NewPageAsync();
        await SignInAsync(f, s.Focal);
        await AssertHomeAlertAsync(f, "Dana off");
        await f.GotoAsync(BaseUrl + "/whereabouts");
        var item = f.Locator("#open-alerts li.alert-item.urgent");
        await Expect(item).ToContainTextAsync("Dana off");
        await Expect(item).ToContainTextAsync(T("Alert.Kind.Panic"));
        Assert.True((await item.BoundingBoxAsync())!.Y < (await f.Locator("#board-visits").BoundingBoxAsync())!.Y, "the alert is above the visits");
        Assert.DoesNotContain(T("Whereabouts.Nobody"), await f.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await Expect(f.Locator("#updated-at")).ToHaveTextAsync(new Regex(@"Updated .+ \(.+\)"));
        await Expect(f.Locator("p.updated a[href='/whereabouts']")).ToHaveTextAsync(T("Alerts.Refresh"));
        await Flows.ScreenshotAsync(f, "board-panic-360-en");
        await item.GetByRole(AriaRole.Link).ClickAsync();
        await Flows.WaitForPageAsync(f, BaseUrl + alertPath);
        await Expect(f.Locator("#updated-at")).ToHaveTextAsync(new Regex(@"Updated .+ \(.+\)"));
        await Expect(f.Locator($"p.updated a[href='{alertPath}']")).ToBeVisibleAsync();

        // ---- The same board in Arabic: right to left, the table fits, SOS on the right.
        await SwitchLanguageAsync(f, "ar");
        await focalChecks.TakeWeightAsync(); // each checked page is weighed on its own
        await f.GotoAsync(BaseUrl + "/whereabouts");
        await focalChecks.CheckAsync(f, report, who: "focal");
        await Expect(f.Locator("#open-alerts li.alert-item.urgent")).ToContainTextAsync("Dana off");
        await Expect(f.Locator("#updated-at")).ToHaveTextAsync(new Regex(@"\(.+\)"));
        Assert.True(await f.Locator("table.stack-table").EvaluateAsync<bool>("t => t.scrollWidth <= t.clientWidth"), "the board's table fits 360 px");
        Assert.True(await f.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling");
        await AssertSosAsync(f, "ar");
        await Flows.ScreenshotAsync(f, "board-panic-360-ar");
        await f.SetViewportSizeAsync(1280, 800);
        await focalChecks.TakeWeightAsync();
        await AssertHomeAlertAsync(f, "Dana off");
        await focalChecks.CheckAsync(f, report, who: "focal");
        await AssertSosAsync(f, "ar");
        await Flows.ScreenshotAsync(f, "home-alerts-desktop-ar");

        // ---- The defender in Arabic on the phone: coordinates keep their direction, facts stack; an error summary.
        await SwitchLanguageAsync(d, "ar");
        await d.GotoAsync(BaseUrl + "/visits/" + s.DanaVisit);
        await Expect(d.Locator(".facts bdi[dir=ltr]")).ToHaveTextAsync("2.4448, -76.6147");
        var facts = await d.Locator("dl.facts").EvaluateAsync<double[]>("dl => [dl.clientWidth, dl.querySelector('dd').getBoundingClientRect().width, dl.querySelector('dt').getBoundingClientRect().bottom, dl.querySelector('dd').getBoundingClientRect().top]");
        Assert.True(facts[1] >= facts[0] * 0.9, $"a value takes the whole width on a phone ({facts[1]} of {facts[0]})");
        Assert.True(facts[3] >= facts[2] - 1, "the value is under its label");
        Assert.EndsWith("(UTC)", (await d.Locator("dl.facts dd").First.InnerTextAsync()).Trim(), StringComparison.Ordinal);
        await Flows.ScreenshotAsync(d, "visit-coordinates-360-ar");

        await d.GotoAsync(BaseUrl + "/contacts");
        // Name left empty; an address the browser itself accepts (type=email would stop "x" before the server sees it).
        await d.Locator("#email").FillAsync("rosa.two@example.org");
        await danaChecks.TakeWeightAsync();
        await d.Locator("form[action$='handler=Add'] button[type=submit]").ClickAsync();
        await d.Locator("#error-summary[role=alert]").WaitForAsync();
        await danaChecks.CheckAsync(d, report, who: "defender");
        Assert.Equal("error-summary", await d.EvaluateAsync<string>("() => document.activeElement.id"));
        await Flows.ScreenshotAsync(d, "contacts-error-summary-360-ar");
        await d.Locator("#error-summary a").First.ClickAsync();
        await Flows.WaitForPageAsync(d, new Regex("#name$"));
        Assert.Equal("true", await d.Locator("#name").GetAttributeAsync("aria-invalid"));
    }

    private async Task DesktopFlowAsync(PageReport report)
    {
        var s = await SeedAsync("on");

        // ---- The focal point at a desk, in Spanish: the board refreshes itself when a panic comes in.
        await using var focal = await NewContextAsync(javaScript: true, phone: false);
        var home = await focal.NewPageAsync();
        await SignInAsync(home, s.Focal);
        // A page of its own on Playwright's clock: its 30-second timer runs when the test says.
        var f = await focal.NewPageAsync();
        await f.Clock.InstallAsync();
        await f.GotoAsync(BaseUrl + "/whereabouts");
        await Expect(f.Locator("#open-alerts[aria-live=polite]")).ToHaveTextAsync(T("Alerts.None", "es"));
        await f.Locator("html").EvaluateAsync("h => h.setAttribute('data-same-document', 'yes')");
        using (var scope = fixture.App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<CheckInService>().PanicAsync(s.OlgaId, "sms", null, null, null);
        // Playwright's clock has no timeout of its own: a page that never gives it back fails here instead of hanging.
        var tick = f.Clock.FastForwardAsync(31_000);
        Assert.True(await Task.WhenAny(tick, Task.Delay(TimeSpan.FromSeconds(60))) == tick, "the page's clock did not move within a minute");
        await tick;
        await Expect(f.Locator("#open-alerts li.alert-item.urgent")).ToContainTextAsync("Olga on");
        Assert.Equal(BaseUrl + "/whereabouts", f.Url);
        await Expect(f.Locator("html")).ToHaveAttributeAsync("data-same-document", "yes"); // no navigation happened
        await f.CloseAsync();
        await home.GotoAsync(BaseUrl + "/whereabouts");
        await Flows.ScreenshotAsync(home, "board-alert-desktop-es");
        await AssertHomeAlertAsync(home, "Olga on");

        // ---- A defender at a desk: the visit page in one form of address, SOS, use my location, quick exit.
        await using var diego = await Chromium.NewContextAsync(fixture.Browser, javaScript: true, locale: "es");
        await diego.GrantPermissionsAsync(["geolocation"]);
        await diego.SetGeolocationAsync(new() { Latitude = 2.4448f, Longitude = -76.6147f, Accuracy = 20 });
        var g = await diego.NewPageAsync();
        await g.SetViewportSizeAsync(1280, 800);
        await SignInAsync(g, s.Diego);
        await AssertSosAsync(g, "es");
        await g.GotoAsync(BaseUrl + "/visits/" + s.DiegoVisit);
        var visitText = await g.Locator("main").InnerTextAsync();
        Assert.Contains("¿Necesita más tiempo?", visitText, StringComparison.Ordinal);
        Assert.DoesNotContain("Necesitas", visitText, StringComparison.Ordinal);
        Assert.EndsWith("(UTC)", (await g.Locator("dl.facts dd").First.InnerTextAsync()).Trim(), StringComparison.Ordinal);
        await Flows.ScreenshotAsync(g, "visit-desktop-es");
        await g.SetViewportSizeAsync(360, 740);
        await g.GotoAsync(BaseUrl + "/visits/new");
        Assert.Equal(await g.Locator("#in-hours").EvaluateAsync<double>("e => e.offsetTop"), await g.Locator("#in-minutes").EvaluateAsync<double>("e => e.offsetTop"));
        await Flows.ScreenshotAsync(g, "visit-new-360-es");
        await g.SetViewportSizeAsync(1280, 800);
        await g.Locator("#sos").ClickAsync();
        await Flows.WaitForPageAsync(g, BaseUrl + "/panic");
        await Expect(g.Locator("#who-is-told")).ToContainTextAsync("Rosa Contact");
        var useLocation = g.Locator(".use-location");
        await Expect(useLocation).ToBeVisibleAsync();
        await useLocation.ClickAsync();
        await Expect(g.Locator("#latitude")).ToHaveValueAsync("2.444800");
        await Expect(g.Locator("#longitude")).ToHaveValueAsync("-76.614700");
        await Expect(g.Locator("#location-status")).ToContainTextAsync(T("UseLocation.Found", "es").Split("{0}")[0]);
        await Flows.ScreenshotAsync(g, "panic-location-desktop-es");
        await g.Locator("#quick-exit").ClickAsync();
        await Flows.WaitForPageAsync(g, new Regex("/weather$"));
        Assert.DoesNotContain("Amparo", await g.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await g.GotoAsync(BaseUrl + "/");
        Assert.StartsWith(BaseUrl + "/account/sign-in", g.Url, StringComparison.Ordinal);

        // ---- A new member joins on a phone in Arabic, in Bogotá: the zone is suggested; then the network goes.
        await using var iris = await fixture.Browser.NewContextAsync(new()
        {
            JavaScriptEnabled = true, Locale = "ar", TimezoneId = "America/Bogota", ViewportSize = new() { Width = 360, Height = 740 },
        });
        iris.SetDefaultTimeout(60_000);
        var irisChecks = new PageChecks(iris, BaseUrl, javaScript: true);
        var i = await iris.NewPageAsync();
        await i.GotoAsync(BaseUrl + "/invitation/" + s.Invitation);
        await Expect(i.Locator("select#timezone")).ToHaveValueAsync("America/Bogota");
        await i.GetByLabel(T("Field.DisplayName", "ar")).FillAsync("Iris on");
        await i.GetByLabel(T("Field.Passphrase", "ar"), new() { Exact = true }).FillAsync(Passphrase);
        await i.GetByLabel(T("Invitation.PassphraseAgain", "ar")).FillAsync(Passphrase);
        await i.GetByRole(AriaRole.Button, new() { Name = T("Invitation.Accept", "ar") }).ClickAsync();
        await Flows.WaitForPageAsync(i, BaseUrl + "/");
        await i.GotoAsync(BaseUrl + "/account");
        await Expect(i.Locator("main")).ToContainTextAsync("America/Bogota");
        await i.GotoAsync(BaseUrl + "/");
        await i.EvaluateAsync("() => navigator.serviceWorker.ready.then(() => true)");
        await irisChecks.TakeWeightAsync(); // what the pages before it loaded (and the worker's first fill) is not the offline page's
        await iris.SetOfflineAsync(true);
        await i.GotoAsync(BaseUrl + "/visits");
        await Expect(i.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(T("Offline.Title", "ar"));
        Assert.Equal("rtl", await i.Locator("html").GetAttributeAsync("dir"));
        Assert.True(await i.Locator("kbd").CountAsync() > 0, "the SMS commands are shown");
        await irisChecks.CheckAsync(i, report, who: "offline");
        await Flows.ScreenshotAsync(i, "offline-360-ar");
        await iris.SetOfflineAsync(false);
        await i.GotoAsync(BaseUrl + "/visits");
        await Expect(i.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToHaveTextAsync(T("Offline.Title", "ar"));
        Assert.Equal(["offline-v1"], await i.EvaluateAsync<string[]>("() => caches.keys()"));
        var cached = await i.EvaluateAsync<string[]>("() => caches.open('offline-v1').then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname + new URL(r.url).search))");
        Assert.Contains("/offline?lang=ar", cached);
        Assert.All(cached, u => Assert.True(u == "/offline?lang=ar" || u.StartsWith("/css/", StringComparison.Ordinal) || u.StartsWith("/js/", StringComparison.Ordinal) || u.StartsWith("/img/", StringComparison.Ordinal), $"cached: {u}"));
    }

    /// <summary>The home page's open alerts: a list that refreshes itself, under the heading, with the alert.</summary>
    private async Task AssertHomeAlertAsync(IPage page, string owner)
    {
        await page.GotoAsync(BaseUrl + "/");
        var section = page.Locator("section.open-alerts[data-refresh='/alerts/open']");
        await Expect(section.Locator("li.alert-item")).ToContainTextAsync(owner);
        Assert.True((await section.BoundingBoxAsync())!.Y > (await page.Locator("h1").BoundingBoxAsync())!.Y, "the alerts are under the heading");
    }

    /// <summary>SOS: unmistakable, the largest tap target, well apart from quick exit, at the start of the reading direction.</summary>
    private async Task AssertSosAsync(IPage page, string language)
    {
        var sos = page.Locator("form[action='/panic'] #sos");
        await Expect(sos).ToHaveTextAsync(T("Layout.Panic", language));
        var exit = page.Locator("#quick-exit");
        Assert.Equal("/exit", await exit.GetAttributeAsync("href"));
        var a = (await sos.BoundingBoxAsync())!;
        var b = (await exit.BoundingBoxAsync())!;
        Assert.True(a.Width >= 48 && a.Height >= 48, $"SOS is {a.Width}×{a.Height}");
        var tallest = await page.EvaluateAsync<double>("() => Math.max(...Array.from(document.querySelectorAll('main a, main button, nav a, nav button, header a, footer a, footer button')).filter(e => e.id !== 'sos' && e.offsetParent !== null).map(e => e.getBoundingClientRect().height))");
        Assert.True(a.Height >= tallest, $"SOS ({a.Height}) is as tall as the tallest tap target ({tallest})");
        var gap = Math.Max(Math.Max(b.X - (a.X + a.Width), a.X - (b.X + b.Width)), Math.Max(b.Y - (a.Y + a.Height), a.Y - (b.Y + b.Height)));
        Assert.True(gap >= 24, $"SOS and quick exit are {gap} px apart");
        if (language == "ar") Assert.True(a.X > b.X, "in Arabic SOS is on the right");
        else Assert.True(a.X < b.X, "SOS is on the left");
        Assert.NotEqual(await sos.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"), await exit.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
    }

    private sealed record Seeded(string Focal, string Dana, string Nina, string Diego, string ContactEmail, Guid OlgaId, Guid DanaVisit, Guid DiegoVisit, string Invitation, string SpareInvitation);

    /// <summary>
    /// An organization with an admin and a focal point; members Dana (a trusted contact who agreed, a visit with
    /// coordinates), Diego (the same contact, a visit) and Olga; two open invitations. Nina has nothing yet: no PIN,
    /// no contact, no organization (so an SOS would reach nobody).
    /// </summary>
    private async Task<Seeded> SeedAsync(string tag)
    {
        using var scope = fixture.App.Services.CreateScope();
        var sp = scope.ServiceProvider;
        var accounts = sp.GetRequiredService<AccountService>();
        var orgs = sp.GetRequiredService<OrganizationService>();
        var checkIns = sp.GetRequiredService<CheckInService>();
        var contacts = sp.GetRequiredService<ContactService>();
        var language = tag == "on" ? "es" : "en";
        async Task<User> Person(string first, string lang) =>
            (await accounts.CreateAsync($"{first.ToLowerInvariant()}.{tag}@example.org", $"{first} {tag}", Passphrase, false, lang)).User!;
        var admin = await Person("Ada", "en");
        var focal = await Person("Fabio", language);
        var dana = await Person("Dana", "en");
        var nina = await Person("Nina", "en");
        var diego = await Person("Diego", "es");
        var olga = await Person("Olga", "es");
        var org = await orgs.CreateAsync("Casa " + tag, OrganizationKind.CivilSociety, null);
        await orgs.AddMemberAsync(org!.Id, admin.Id, OrgRole.OrgAdmin, null);
        await orgs.AddMemberAsync(org.Id, focal.Id, OrgRole.FocalPoint, null);
        foreach (var m in new[] { dana, diego, olga }) await orgs.AddMemberAsync(org.Id, m.Id, OrgRole.Member, null);
        var contactEmail = $"rosa.{tag}@example.org";
        foreach (var owner in new[] { dana, diego })
        {
            var (id, _) = await contacts.AddAsync(owner.Id, new ContactInput("Rosa Contact", "en", [(ChannelKind.Email, contactEmail)]));
            var token = await sp.GetRequiredService<CheckInSecrets>().LinkTokenAsync(sp.GetRequiredService<AmparoDbContext>(), LinkPurposes.Consent, id!.Value);
            Assert.True(await contacts.ConfirmByLinkAsync(token));
        }
        var due = DateTime.UtcNow.AddHours(3);
        var (danaVisit, e1) = await checkIns.PlanAsync(dana.Id, new VisitPlan("Court of appeals", null, null, 2.4448, -76.6147, null, due, null, null, null));
        var (diegoVisit, e2) = await checkIns.PlanAsync(diego.Id, new VisitPlan("Juzgado", null, null, null, null, null, due, null, null, null));
        Assert.Empty(e1);
        Assert.Empty(e2);
        var invitation = await orgs.InviteAsync(org.Id, admin.Id, $"iris.{tag}@example.org", OrgRole.Member);
        var spare = await orgs.InviteAsync(org.Id, admin.Id, $"spare.{tag}@example.org", OrgRole.Member);
        return new Seeded(focal.Email!, dana.Email!, nina.Email!, diego.Email!, contactEmail, olga.Id, danaVisit!.Id, diegoVisit!.Id, invitation!.Token, spare!.Token);
    }

    private async Task<IBrowserContext> NewContextAsync(bool javaScript, bool phone)
    {
        var context = await fixture.Browser.NewContextAsync(new()
        {
            JavaScriptEnabled = javaScript, Locale = "en", ServiceWorkers = ServiceWorkerPolicy.Block,
            ViewportSize = phone ? new() { Width = 360, Height = 740 } : new() { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(60_000);
        return context;
    }

    private async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync(BaseUrl + "/account/sign-in");
        await page.Locator("input[type=email], input[name=Email]").First.FillAsync(email);
        await page.Locator("input[type=password]").First.FillAsync(Passphrase);
        await page.Locator("main form button[type=submit]").First.ClickAsync();
        try { await Flows.WaitForPageAsync(page, BaseUrl + "/", new() { Timeout = 30_000 }); }
        catch (TimeoutException) { Assert.Fail($"sign-in ended at {page.Url}: {await page.Locator("main").InnerTextAsync()}"); }
    }

    private static async Task SwitchLanguageAsync(IPage page, string language)
    {
        await page.Locator("#language-choice").SelectOptionAsync(language);
        await page.Locator("footer button[type=submit]").ClickAsync();
        await page.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }


    private async Task<MimeKit.MimeMessage> WaitForMailAsync(string address, string containing)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = fixture.Smtp.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))
                && (m.TextBody ?? "").Contains(containing, StringComparison.Ordinal));
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No message to {address} with {containing}");
    }

    private string T(string key, string language = "en", params object[] args) =>
        Flows.Text(fixture.App.Services, key, language, args);

    private static ILocatorAssertions Expect(ILocator locator) => Flows.Expect(locator);

    [GeneratedRegex(@"https?://\S+/r/[A-Za-z0-9_\-]+")]
    private static partial Regex ResponderLink();
}
