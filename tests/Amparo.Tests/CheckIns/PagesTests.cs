using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>The check-in pages as a browser without JavaScript uses them: forms, redirects, links from real e-mails.</summary>
public abstract partial class PagesTests(AppFixture app)
{
    private const string Pin = "4826", Duress = "7391";

    [Fact]
    public async Task PlanningThroughTheForm_ShowsTheVisit_AndTheEscalationPlanWarnsWithoutContactOrPin()
    {
        var (_, client) = await PersonAsync();
        var (status, plan) = await client.GetAsync("/visits/new");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("/contacts", plan, StringComparison.Ordinal); // no confirmed contact: the warning links there
        Assert.Contains("/account/check-ins", plan, StringComparison.Ordinal); // no PIN yet

        var id = await PlanAsync(client, place: "Court of appeals, room 4");
        var (_, html) = await client.GetAsync($"/visits/{id}");
        Assert.Contains("Court of appeals, room 4", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Pin\"", html, StringComparison.Ordinal);
        Assert.Contains(" (UTC)</dd>", html, StringComparison.Ordinal); // the due time says its zone
        var (_, list) = await client.GetAsync("/visits");
        Assert.Contains($"/visits/{id}", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanningWithAnImpossibleReturn_ShowsTheErrorNextToTheField_AndSavesNothing()
    {
        var (person, client) = await PersonAsync();
        var response = await client.PostFormAsync("/visits/new", new Dictionary<string, string> { ["ReturnMode"] = "in", ["InHours"] = "0", ["InMinutes"] = "0" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("field-error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Visits.CountAsync(v => v.OwnerId == person.Id)));
    }

    [Fact]
    public async Task ALocalReturnTimeInTheSpringGap_BecomesTheLaterInstant()
    {
        // 02:30 on 29 March 2026 does not exist in Madrid (02:00 → 03:00): the later reading is 01:30 UTC.
        var utc = Amparo.Web.Pages.CheckIns.CheckInPages.LocalToUtc(new DateTime(2026, 3, 29, 2, 30, 0), "Europe/Madrid", out var adjusted);
        Assert.True(adjusted);
        Assert.Equal(new DateTime(2026, 3, 29, 1, 30, 0, DateTimeKind.Utc), utc);
        // 02:30 on 25 October 2026 happens twice (CEST then CET): the later one is 01:30 UTC.
        utc = Amparo.Web.Pages.CheckIns.CheckInPages.LocalToUtc(new DateTime(2026, 10, 25, 2, 30, 0), "Europe/Madrid", out adjusted);
        Assert.True(adjusted);
        Assert.Equal(new DateTime(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc), utc);
        utc = Amparo.Web.Pages.CheckIns.CheckInPages.LocalToUtc(new DateTime(2026, 7, 1, 12, 0, 0), "Europe/Madrid", out adjusted);
        Assert.False(adjusted);
        Assert.Equal(new DateTime(2026, 7, 1, 10, 0, 0, DateTimeKind.Utc), utc);
    }

    [Fact]
    public async Task CheckingInWithThePin_ClosesTheVisit_AndAWrongPinIsShownNextToTheField()
    {
        var (_, client) = await PersonAsync(pins: true);
        var id = await PlanAsync(client);
        app.Clock.Advance(TimeSpan.FromMinutes(11)); // the sign-in is no longer fresh: the PIN is needed

        var wrong = await client.PostFormAsync($"/visits/{id}", new Dictionary<string, string> { ["Pin"] = "0000" }, $"/visits/{id}?handler=CheckIn");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var html = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("id=\"pin-error\"", html, StringComparison.Ordinal);
        Assert.Equal(VisitState.Active, await StateAsync(id));

        var none = await client.PostFormAsync($"/visits/{id}", new Dictionary<string, string> { ["Pin"] = "" }, $"/visits/{id}?handler=CheckIn");
        Assert.Contains("id=\"pin-error\"", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await client.PostFormAsync($"/visits/{id}", new Dictionary<string, string> { ["Pin"] = Pin }, $"/visits/{id}?handler=CheckIn");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal($"/visits/{id}?done=checkin", OrgKit.PathOf(right.Headers.Location!));
        Assert.Equal(VisitState.Closed, await StateAsync(id));
    }

    [Fact]
    public async Task ADuressPin_GivesTheSameRedirectAndTheSameHtml_AsTheNormalPin_OnATwinVisit()
    {
        var (person, client) = await PersonAsync(pins: true);
        var normal = await PlanAsync(client);
        var duress = await PlanAsync(client);
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        var a = await client.PostFormAsync($"/visits/{normal}", new Dictionary<string, string> { ["Pin"] = Pin }, $"/visits/{normal}?handler=CheckIn");
        var b = await client.PostFormAsync($"/visits/{duress}", new Dictionary<string, string> { ["Pin"] = Duress }, $"/visits/{duress}?handler=CheckIn");
        Assert.Equal(a.StatusCode, b.StatusCode);
        Assert.Equal(Normalize(OrgKit.PathOf(a.Headers.Location!)), Normalize(OrgKit.PathOf(b.Headers.Location!)));
        var (_, pageA) = await client.GetAsync(OrgKit.PathOf(a.Headers.Location!));
        var (_, pageB) = await client.GetAsync(OrgKit.PathOf(b.Headers.Location!));
        Assert.Equal(Normalize(pageA), Normalize(pageB));
        var (_, listing) = await client.GetAsync("/visits");
        Assert.DoesNotContain("/alerts/", listing, StringComparison.Ordinal); // the duress alert is never shown to its owner
        // …and yet it was raised.
        Assert.Equal(1, await app.WithDbAsync(db => db.Alerts.CountAsync(x => x.OwnerId == person.Id && x.Kind == AlertKind.Duress)));
    }

    [Fact]
    public async Task TheReminderLink_WorksWithoutSignIn_AsksForThePin_AndAForgedOneIs404()
    {
        var (person, client) = await PersonAsync(pins: true);
        var id = await PlanAsync(client, minutes: 30);
        app.Clock.Advance(TimeSpan.FromMinutes(21)); // the early reminder is due 10 minutes before
        await app.RunWorkersAsync();
        var mail = await WaitForMailAsync(person.Email, "/v/");
        var link = OrgKit.PathOf(LinkIn(mail, "v"));

        using var anonymous = app.NewClient();
        var (status, html) = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("Court", html, StringComparison.Ordinal);
        var noPin = await anonymous.PostFormAsync(link, new Dictionary<string, string> { ["Pin"] = "" }, link + "?handler=CheckIn");
        Assert.Contains("id=\"pin-error\"", await noPin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(VisitState.Closed, await StateAsync(id));

        var extend = await anonymous.PostFormAsync(link, new Dictionary<string, string> { ["Pin"] = Pin, ["Minutes"] = "15" }, link + "?handler=Extend");
        Assert.Equal(HttpStatusCode.Redirect, extend.StatusCode);
        var done = await anonymous.PostFormAsync(link, new Dictionary<string, string> { ["Pin"] = Pin }, link + "?handler=CheckIn");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(VisitState.Closed, await StateAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(link)).Status); // closed: the link is spent

        var forged = "/v/" + id.ToString("N") + new string('A', 22);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(forged)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/v/nonsense")).Status);
    }

    [Fact]
    public async Task AContact_IsAddedOnThePage_AgreesFromTheLink_AndWithdrawingDeletesTheirDetails()
    {
        var (person, client) = await PersonAsync();
        var contactEmail = TestData.Email("contact");
        var added = await client.PostFormAsync("/contacts", new Dictionary<string, string> { ["Name"] = "Rosa Trusted", ["Language"] = "en", ["Email"] = contactEmail }, "/contacts?handler=Add");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var (_, list) = await client.GetAsync("/contacts");
        Assert.Contains("Rosa Trusted", list, StringComparison.Ordinal);

        await app.RunWorkersAsync();
        var link = OrgKit.PathOf(LinkIn(await WaitForMailAsync(contactEmail, "/c/"), "c"));
        using var contact = app.NewClient();
        var (status, page) = await contact.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(person.User.DisplayName, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await contact.PostFormAsync(link, new Dictionary<string, string>(), link + "?handler=Agree")).StatusCode);
        Assert.Equal(ConsentState.Confirmed, await app.WithDbAsync(db => db.TrustedContacts.Where(c => c.OwnerId == person.Id).Select(c => c.Consent).SingleAsync()));

        Assert.Equal(HttpStatusCode.Redirect, (await contact.PostFormAsync(link, new Dictionary<string, string>(), link + "?handler=Stop")).StatusCode);
        var row = await app.WithDbAsync(db => db.TrustedContacts.Where(c => c.OwnerId == person.Id).SingleAsync());
        Assert.Equal(ConsentState.Withdrawn, row.Consent);
        Assert.Null(row.NameCipher);
        Assert.Equal(0, await app.WithDbAsync(db => db.ContactChannels.CountAsync(c => c.ContactId == row.Id)));
        Assert.DoesNotContain("Rosa Trusted", (await client.GetAsync("/contacts")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await contact.GetAsync("/c/" + row.Id.ToString("N") + new string('B', 22))).Status);
    }

    [Fact]
    public async Task AMissedDeadline_ReachesTheContactByEmail_WhoAcknowledgesAndResolvesFromTheLink()
    {
        var (person, client) = await PersonAsync(pins: true);
        var contactEmail = await ConfirmedContactAsync(person);
        var id = await PlanAsync(client, place: "Market street clinic", minutes: 5);
        app.Clock.Advance(TimeSpan.FromMinutes(16)); // deadline + 10 minutes' grace
        await app.RunWorkersAsync();
        await app.RunWorkersAsync();
        var link = OrgKit.PathOf(LinkIn(await WaitForMailAsync(contactEmail, "/r/"), "r"));
        // A contact without an account has no zone of their own: the page uses the defender's, and says whose it is.
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == person.User.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, "America/Bogota")));

        using var responder = app.NewClient();
        using var response = await responder.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(person.User.DisplayName, html, StringComparison.Ordinal);
        Assert.Contains("Market street clinic", html, StringComparison.Ordinal);
        Assert.Contains(" (America/Bogota)</dd>", html, StringComparison.Ordinal);
        Assert.Contains($"Times are in America/Bogota, the time zone of {person.User.DisplayName}.", html, StringComparison.Ordinal);
        // The page says when it was updated, in the same zone; Refresh is a plain link to the page.
        Assert.Contains(" (America/Bogota)\u2069", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}\">Refresh</a>", html, StringComparison.Ordinal);

        var ack = await responder.PostFormAsync(link, new Dictionary<string, string>(), link + "?handler=Acknowledge");
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        var alertId = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == id).Select(v => v.AlertId).SingleAsync());
        Assert.Equal(AlertState.Acknowledged, await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync()));

        var bad = await responder.PostFormAsync(link, new Dictionary<string, string> { ["Outcome"] = "teleported" }, link + "?handler=Resolve");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Equal(AlertState.Acknowledged, await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync()));

        var resolve = await responder.PostFormAsync(link, new Dictionary<string, string> { ["Outcome"] = "safe", ["Note"] = "Called her, all fine" }, link + "?handler=Resolve");
        Assert.Equal(HttpStatusCode.Redirect, resolve.StatusCode);
        Assert.Equal(AlertState.Resolved, await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync()));
        Assert.Equal(VisitState.Closed, await StateAsync(id));

        // The defender sees their alert's timeline; someone else gets 404.
        var (ownStatus, own) = await client.GetAsync($"/alerts/{alertId}");
        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.Contains("<table>", own, StringComparison.Ordinal);
        var (_, stranger) = await PersonAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/alerts/{alertId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await responder.GetAsync("/r/" + alertId!.Value.ToString("N") + new string('C', 22))).Status);
    }

    [Fact]
    public async Task TheWhereaboutsBoard_ShowsAMemberWhoShares_AndNotOneWhoTurnedSharingOff()
    {
        var (focal, focalClient) = await PersonAsync("focal");
        var org = await app.OrganizationAsync(focal);
        var (sharer, sharerClient) = await PersonAsync("sharer");
        var (private_, privateClient) = await PersonAsync("private");
        await app.AddMemberAsync(org, sharer);
        await app.AddMemberAsync(org, private_);
        Assert.Equal(HttpStatusCode.Redirect, (await privateClient.PostFormAsync("/account/sharing", new Dictionary<string, string>())).StatusCode);
        await PlanAsync(sharerClient);
        await PlanAsync(privateClient);

        var (status, board) = await focalClient.GetAsync("/whereabouts");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(sharer.User.DisplayName, board, StringComparison.Ordinal);
        Assert.DoesNotContain(private_.User.DisplayName, board, StringComparison.Ordinal);
        Assert.Contains("/whereabouts", (await focalClient.GetAsync("/")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SomeoneElsesVisit_Is404_ForReadingAndForEveryAction_AndNothingChanges()
    {
        var (_, owner) = await PersonAsync(pins: true);
        var id = await PlanAsync(owner);
        var (_, other) = await PersonAsync(pins: true);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/visits/{id}")).Status);
        foreach (var handler in new[] { "CheckIn", "Close" })
        {
            var r = await other.PostFormAsync("/visits/new", new Dictionary<string, string> { ["Pin"] = Pin }, $"/visits/{id}?handler={handler}");
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        var e = await other.PostFormAsync("/visits/new", new Dictionary<string, string> { ["Pin"] = Pin, ["Minutes"] = "15" }, $"/visits/{id}?handler=Extend");
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Equal(VisitState.Active, await StateAsync(id));
    }

    [Fact]
    public async Task Panic_NeedsOneConfirmingTap_ThenAcceptsLocations()
    {
        var (person, client) = await PersonAsync();
        var first = await client.PostFormAsync("/", new Dictionary<string, string>(), "/panic");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Alerts.CountAsync(a => a.OwnerId == person.Id)));

        var confirm = await client.PostFormAsync("/panic", new Dictionary<string, string> { ["Latitude"] = "14.6349", ["Longitude"] = "-90.5069" }, "/panic?handler=Confirm");
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var page = OrgKit.PathOf(confirm.Headers.Location!);
        Assert.StartsWith("/alerts/", page, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Alerts.CountAsync(a => a.OwnerId == person.Id && a.Kind == AlertKind.Panic)));

        var moved = await client.PostFormAsync(page, new Dictionary<string, string> { ["Latitude"] = "14.64", ["Longitude"] = "-90.51" }, page + "?handler=Location");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var bad = await client.PostFormAsync(page, new Dictionary<string, string> { ["Latitude"] = "100", ["Longitude"] = "x" }, page + "?handler=Location");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("coords-error", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHeader_HasTheSosButton_InEveryLanguage_AndQuickExitGoesThroughTheExitEndpoint()
    {
        var (person, client) = await PersonAsync();
        foreach (var language in Amparo.Web.Infrastructure.Localization.Cultures.Supported)
        {
            await app.WithDbAsync(db => db.Users.Where(u => u.Id == person.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Language, language)));
            var (_, home) = await client.GetAsync("/");
            var header = Regex.Match(WebUtility.HtmlDecode(home), "<header class=\"top\">.*?</header>", RegexOptions.Singleline).Value;
            Assert.Contains($"lang=\"{language}\"", home, StringComparison.Ordinal);
            // "SOS" in every language (never "Help"), a form to the confirm step, before the brand; quick exit after it.
            Assert.Matches("(?s)<form method=\"post\" action=\"/panic\"[^>]*>.*<button type=\"submit\" class=\"danger sos\" id=\"sos\">SOS</button>.*class=\"brand\".*<a class=\"quick-exit\"", header);
            var quickExit = Amparo.Tests.Localization.Repo.Load(language)["Layout.QuickExit"];
            Assert.Contains($"<a class=\"quick-exit\" id=\"quick-exit\" href=\"/exit\" rel=\"noreferrer\">{quickExit}</a>", header, StringComparison.Ordinal);
        }
        // Signed out there is no SOS (nobody to alert for), but quick exit is there.
        using var anonymous = app.NewClient();
        var (_, signIn) = await anonymous.GetAsync("/account/sign-in");
        Assert.DoesNotContain("id=\"sos\"", signIn, StringComparison.Ordinal);
        Assert.Contains("href=\"/exit\"", signIn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePanicConfirmPage_NamesExactlyWhoWillBeTold_AndSaysPlainlyWhenNobodyWould()
    {
        // Nobody: no contact who agreed, nothing shared. The page says so before the button, and links to adding a contact.
        var (_, alone) = await PersonAsync();
        var nobody = await (await alone.PostFormAsync("/", new Dictionary<string, string>(), "/panic")).Content.ReadAsStringAsync();
        Assert.Contains("<p class=\"warning\" id=\"nobody-told\">Right now nobody would be told", nobody, StringComparison.Ordinal);
        Assert.Matches("id=\"nobody-told\">[^<]*<a href=\"/contacts\">", nobody);
        Assert.True(nobody.IndexOf("nobody-told", StringComparison.Ordinal) < nobody.IndexOf("handler=Confirm", StringComparison.Ordinal));
        Assert.DoesNotContain("focal points and coordinators at once", nobody, StringComparison.Ordinal);

        // A contact who agreed, one who has not, and sharing with the network's coordinators but NOT with the organization's focal points.
        var w = await app.WorldAsync(orgRule: false, networkRule: true);
        await app.WithServicesAsync(sp => sp.GetRequiredService<ContactService>().AddAsync(w.Owner.Id,
            new ContactInput("Pat Pending", "en", [(Amparo.Web.Features.Notifications.ChannelKind.Email, TestData.Email("pending"))])));
        using var client = await app.SignedInAsync(w.Owner);
        var response = await client.PostFormAsync("/", new Dictionary<string, string>(), "/panic");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        var who = Regex.Match(page, "<ul class=\"plan\" id=\"who-is-told\">.*?</ul>", RegexOptions.Singleline).Value;
        Assert.DoesNotContain("nobody-told", page, StringComparison.Ordinal);
        Assert.Contains("Kim Contact", who, StringComparison.Ordinal);
        // Each name keeps its own direction in a right-to-left page: isolated, not run together with the commas.
        Assert.Contains("<bdi>Kim Contact</bdi>", who, StringComparison.Ordinal);
        Assert.Contains($"<bdi>{System.Net.WebUtility.HtmlEncode(w.Coordinator.User.DisplayName)}</bdi>", who, StringComparison.Ordinal);
        Assert.Contains(w.Coordinator.User.DisplayName, who, StringComparison.Ordinal);
        Assert.DoesNotContain("Pat Pending", page, StringComparison.Ordinal);
        Assert.DoesNotContain(w.Focal.User.DisplayName, page, StringComparison.Ordinal);
        Assert.Contains("/account/sharing", who, StringComparison.Ordinal); // the focal points' line says it is not shared, with the way to change it

        // The page promised what happens: exactly those are told.
        var confirm = await client.PostFormAsync("/panic", new Dictionary<string, string>(), "/panic?handler=Confirm");
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var alertId = Guid.Parse(OrgKit.PathOf(confirm.Headers.Location!)["/alerts/".Length..]);
        var told = await app.WithDbAsync(db => db.AlertRecipients.Where(r => r.AlertId == alertId && !r.IsDutyContact).Select(r => new { r.UserId, r.ContactId }).ToListAsync());
        Assert.Contains(told, r => r.ContactId == w.ContactId);
        Assert.Contains(told, r => r.UserId == w.Coordinator.Id);
        Assert.DoesNotContain(told, r => r.UserId == w.Focal.Id);
        var toldAccounts = told.Where(r => r.UserId is not null && r.ContactId is null).Select(r => r.UserId!.Value).ToList();
        var toldNames = await app.WithDbAsync(db => db.Users.Where(u => toldAccounts.Contains(u.Id)).Select(u => u.DisplayName).ToListAsync());
        Assert.All(toldNames, name => Assert.Contains(name, who, StringComparison.Ordinal));
    }

    // ---- helpers ----

    private async Task<(OrgKit.Person Person, TestClient Client)> PersonAsync(string prefix = "defender", bool pins = false)
    {
        var person = await app.PersonAsync(prefix);
        var client = await app.SignedInAsync(person);
        if (pins)
        {
            var r = await client.PostFormAsync("/account/check-ins", new Dictionary<string, string> { ["Pin"] = Pin, ["DuressPin"] = Duress }, "/account/check-ins?handler=Pins");
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }
        return (person, client);
    }

    private static async Task<Guid> PlanAsync(TestClient client, string place = "Court", int minutes = 60)
    {
        var response = await client.PostFormAsync("/visits/new", new Dictionary<string, string>
        {
            ["Place"] = place, ["Purpose"] = "Hearing", ["ReturnMode"] = "in", ["InHours"] = (minutes / 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["InMinutes"] = (minutes % 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var path = OrgKit.PathOf(response.Headers.Location!);
        return Guid.Parse(path["/visits/".Length..].Split('?')[0]);
    }

    private Task<VisitState> StateAsync(Guid id) => app.WithDbAsync(db => db.Visits.Where(v => v.Id == id).Select(v => v.State).SingleAsync());

    private Task<string> ConfirmedContactAsync(OrgKit.Person owner) =>
        app.WithServicesAsync(async sp =>
        {
            var email = TestData.Email("contact");
            var contacts = sp.GetRequiredService<ContactService>();
            var (id, errors) = await contacts.AddAsync(owner.Id, new ContactInput("Rosa Trusted", "en", [(Amparo.Web.Features.Notifications.ChannelKind.Email, email)]));
            Assert.Empty(errors);
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var token = await sp.GetRequiredService<CheckInSecrets>().LinkTokenAsync(db, LinkPurposes.Consent, id!.Value);
            Assert.True(await contacts.ConfirmByLinkAsync(token));
            return email;
        });

    private async Task<string> WaitForMailAsync(string address, string containing)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var found = app.Smtp.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))
                && (m.TextBody ?? "").Contains(containing, StringComparison.Ordinal));
            if (found is not null) return found.TextBody!;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No message with {containing}");
    }

    private static string LinkIn(string text, string kind) =>
        Regex.Match(text, $@"http://localhost/{kind}/[A-Za-z0-9_\-]+").Value is { Length: > 0 } link ? link : throw new InvalidOperationException("no link: " + text);

    /// <summary>Ids, tokens and times differ between two visits by design; everything else must not.</summary>
    private static string Normalize(string html)
    {
        html = IdPattern().Replace(html, "{id}");
        html = TokenPattern().Replace(html, "value=\"{token}\"");
        return TimePattern().Replace(html, "{time}");
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex IdPattern();

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}( [AP]M)?")]
    private static partial Regex TimePattern();
}

[Collection(nameof(SharedHosts.CheckInsOnSqlite))]
public sealed class PagesTestsSqlite(SqliteApp app) : PagesTests(app);

// SQLite only (suite time, issue 8): the pages' forms, redirects and markup over the check-in services, whose rules run on PostgreSQL in the API and rules classes. PostgreSQL still gets every page and form of these from the fuzzers.
