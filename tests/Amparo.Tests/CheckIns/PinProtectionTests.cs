using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// Whoever holds the phone must not get past the PIN: changing a PIN needs the current one or the passphrase (and
/// the person is told), and guessing is limited per visit, in the database — more addresses or more time give no more tries.
/// </summary>
public abstract class PinProtectionTests(AppFixture app)
{
    private const string PinsChangedSubject = "Amparo: your check-in PINs were changed";
    private const string Page = "/account/check-ins";
    private const string PinsHandler = "/account/check-ins?handler=Pins";

    private Task<(string? Pin, string? Duress)> HashesAsync(OrgKit.Person person) =>
        app.WithDbAsync(async db => await db.CheckInSettings.Where(s => s.UserId == person.Id).Select(s => new ValueTuple<string?, string?>(s.PinHash, s.DuressPinHash)).SingleAsync());

    private static Task<HttpResponseMessage> PostPinsAsync(TestClient client, Dictionary<string, string> fields) =>
        client.PostFormAsync(Page, fields, PinsHandler);

    private List<MimeKit.MimeMessage> PinNotices(OrgKit.Person person) => app.MailTo(person.Email).Where(m => m.Subject == PinsChangedSubject).ToList();

    private async Task<HttpStatusCode> CheckInAsync(string token, string pin)
    {
        var visitId = await app.PlanAsync(token, TimeSpan.FromMinutes(60));
        return (await app.PostAsync(token, $"/api/v1/visits/{visitId}/check-ins", new { pin })).Status;
    }

    [Fact]
    public async Task ChangingThePin_WithoutProof_WithAWrongCurrentPin_OrFromAFreshSessionAlone_IsRefused_AndNothingChanges()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var before = await HashesAsync(w.Owner);
        using var client = await app.SignedInAsync(w.Owner);

        // Freshly signed in, but a PIN exists: the session alone is no proof (it may be someone else's hands on it).
        var fresh = await PostPinsAsync(client, new() { ["Pin"] = "1111", ["DuressPin"] = "2222" });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Contains("Give your current PIN or your passphrase.", await fresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromMinutes(11)); // no longer a fresh sign-in
        var wrongPin = await PostPinsAsync(client, new() { ["CurrentPin"] = "0000", ["Pin"] = "1111", ["DuressPin"] = "2222" });
        Assert.Contains("That is not your current PIN. Nothing was changed.", await wrongPin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrongPassphrase = await PostPinsAsync(client, new() { ["Passphrase"] = "not the passphrase at all", ["Pin"] = "1111" });
        Assert.Contains("id=\"Passphrase-error\"", await wrongPassphrase.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await HashesAsync(w.Owner));

        // Wrong current PINs are counted: after five, not even the right one is taken — only the passphrase.
        for (var i = 0; i < CheckInService.PinTries - 1; i++)
            await PostPinsAsync(client, new() { ["CurrentPin"] = "99" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), ["Pin"] = "1111" });
        var right = await PostPinsAsync(client, new() { ["CurrentPin"] = CheckInKit.Pin, ["Pin"] = "1111" });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Too many wrong PINs. Give your passphrase instead.", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await HashesAsync(w.Owner));
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(w.Token, CheckInKit.Pin)); // the old PIN still works

        await app.StepAsync(TimeSpan.Zero);
        Assert.Empty(PinNotices(w.Owner));
    }

    [Fact]
    public async Task ChangingThePin_WithTheCurrentPin_TheDuressPin_OrThePassphrase_Works_AndEachChangeIsToldToThePerson()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        using var client = await app.SignedInAsync(w.Owner);
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        var byPin = await PostPinsAsync(client, new() { ["CurrentPin"] = CheckInKit.Pin, ["Pin"] = "1111", ["DuressPin"] = "2222" });
        Assert.Equal(HttpStatusCode.Redirect, byPin.StatusCode);
        Assert.Equal("/account/check-ins?done=pins", OrgKit.PathOf(byPin.Headers.Location!));
        Assert.Equal(HttpStatusCode.BadRequest, await CheckInAsync(w.Token, CheckInKit.Pin));
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(w.Token, "1111"));

        // The duress PIN changes them just the same (the same answer), and silently alerts.
        var byDuress = await PostPinsAsync(client, new() { ["CurrentPin"] = "2222", ["Pin"] = "3333", ["DuressPin"] = "4444" });
        Assert.Equal(HttpStatusCode.Redirect, byDuress.StatusCode);
        Assert.Equal("/account/check-ins?done=pins", OrgKit.PathOf(byDuress.Headers.Location!));
        Assert.Equal(1, await app.WithDbAsync(db => db.Alerts.CountAsync(a => a.OwnerId == w.Owner.Id && a.Kind == AlertKind.Duress)));

        // The passphrase alone, and an empty duress PIN removes it.
        var byPassphrase = await PostPinsAsync(client, new() { ["Passphrase"] = TestData.Passphrase, ["Pin"] = "5555" });
        Assert.Equal(HttpStatusCode.Redirect, byPassphrase.StatusCode);
        Assert.Null((await HashesAsync(w.Owner)).Duress);
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(w.Token, "5555"));

        // Each change reaches the person by their reminder channel (e-mail here), without any PIN or secret link in it.
        await app.StepAsync(TimeSpan.Zero);
        var notices = PinNotices(w.Owner);
        Assert.Equal(3, notices.Count);
        foreach (var notice in notices)
        {
            var text = notice.TextBody ?? "";
            Assert.Contains("If this was not you", text, StringComparison.Ordinal);
            Assert.Contains("http://localhost/account/check-ins", text, StringComparison.Ordinal);
            foreach (var pin in new[] { CheckInKit.Pin, "1111", "2222", "3333", "4444", "5555" })
                Assert.DoesNotContain(pin, text, StringComparison.Ordinal);
            Assert.DoesNotContain("/v/", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheFirstPin_NeedsThePassphrase_OrAFreshSignIn()
    {
        var person = await app.PersonAsync("firstpin");
        using var client = await app.SignedInAsync(person);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        var stale = await PostPinsAsync(client, new() { ["Pin"] = "1234" });
        Assert.Contains("Give your passphrase to set your first PIN.", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.CheckInSettings.AnyAsync(s => s.UserId == person.Id && s.PinHash != null)));
        Assert.Equal(HttpStatusCode.Redirect, (await PostPinsAsync(client, new() { ["Passphrase"] = TestData.Passphrase, ["Pin"] = "1234" })).StatusCode);

        var other = await app.PersonAsync("firstpin");
        using var freshClient = await app.SignedInAsync(other);
        Assert.Equal(HttpStatusCode.Redirect, (await PostPinsAsync(freshClient, new() { ["Pin"] = "1234" })).StatusCode);
        // Setting a first PIN is not a change: nothing to warn about.
        await app.StepAsync(TimeSpan.Zero);
        Assert.Empty(PinNotices(person));
    }

    [Fact]
    public async Task WrongPins_KeepCountingWhileAlerting_LockTheVisit_ThenTheRightPinIsAnsweredLikeAWrongOne_UntilThePassphraseUnlocksIt()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));
        var url = $"/api/v1/visits/{visitId}/check-ins";
        for (var i = 0; i < CheckInService.WrongPinsForAlert; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, url, new { pin = "0000" })).Status);
        await app.StepAsync(TimeSpan.Zero);
        var alert = (await app.AlertOfVisitAsync(visitId))!;
        Assert.Equal(AlertKind.WrongPins, alert.Kind);

        // Guessing goes on after the alert: counted, and after five in all the visit takes no PIN.
        for (var i = CheckInService.WrongPinsForAlert; i < CheckInService.PinTries; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, url, new { pin = "1" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture) })).Status);
        var (rightStatus, rightBody) = await app.PostAsync(w.Token, url, new { pin = CheckInKit.Pin });
        var (wrongStatus, wrongBody) = await app.PostAsync(w.Token, url, new { pin = "8642" });
        Assert.Equal(HttpStatusCode.BadRequest, rightStatus);
        Assert.Equal(wrongStatus, rightStatus);
        Assert.Equal(wrongBody.GetProperty("errors").GetRawText(), rightBody.GetProperty("errors").GetRawText());
        Assert.Contains("locked", rightBody.GetProperty("errors").GetProperty("pin")[0].GetString(), StringComparison.Ordinal);

        // A minute later (a new rate-limit window) and from the API or the reminder link alike: still locked.
        await app.StepAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, url, new { pin = CheckInKit.Pin })).Status);
        Assert.Equal("alerting", await app.StateAsync(w.Token, visitId));
        Assert.Equal(AlertState.Open, (await app.AlertOfVisitAsync(visitId))!.State);
        Assert.DoesNotContain(app.AlertsTo(w.ContactEmail), t => t.Contains("has checked in and is safe", StringComparison.Ordinal));

        // Responders see the guessing on the alert's timeline.
        var kinds = await app.WithDbAsync(db => db.AlertEvents.Where(e => e.AlertId == alert.Id).Select(e => e.Kind).ToListAsync());
        Assert.True(kinds.Count(k => k == AlertEvents.PinRefused) >= CheckInService.PinTries - CheckInService.WrongPinsForAlert + 1, string.Join(",", kinds));
        Assert.Contains(AlertEvents.PinLocked, kinds);

        // The owner unlocks with the passphrase on their signed-in page; a wrong passphrase does not.
        using var client = await app.SignedInAsync(w.Owner);
        var (_, page) = await client.GetAsync($"/visits/{visitId}");
        Assert.Contains("PIN entry is locked", page, StringComparison.Ordinal);
        var wrong = await client.PostFormAsync($"/visits/{visitId}", new Dictionary<string, string> { ["Passphrase"] = "not the passphrase at all" }, $"/visits/{visitId}?handler=Unlock");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, url, new { pin = CheckInKit.Pin })).Status);
        var unlock = await client.PostFormAsync($"/visits/{visitId}", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase }, $"/visits/{visitId}?handler=Unlock");
        Assert.Equal(HttpStatusCode.Redirect, unlock.StatusCode);
        Assert.Equal($"/visits/{visitId}?done=unlocked", OrgKit.PathOf(unlock.Headers.Location!));

        // The right PIN now checks in — but the wrong-PIN alert, which nobody has taken on, stays open: no all-clear.
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, url, new { pin = CheckInKit.Pin })).Status);
        await app.StepAsync(TimeSpan.Zero);
        Assert.Equal(AlertState.Open, (await app.AlertOfVisitAsync(visitId))!.State);
        Assert.DoesNotContain(app.AlertsTo(w.ContactEmail), t => t.Contains("has checked in and is safe", StringComparison.Ordinal));
        var after = await app.WithDbAsync(db => db.AlertEvents.Where(e => e.AlertId == alert.Id).Select(e => e.Kind).ToListAsync());
        Assert.Contains(AlertEvents.PinUnlocked, after);
        Assert.Contains(AlertEvents.CheckedInUnconfirmed, after);
    }

    [Fact]
    public async Task AfterAWrongPinAlert_TheRightPinSendsNoAllClear_UntilAResponderHasTakenTheAlertOn()
    {
        var w = await app.WorldAsync();
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));
        var url = $"/api/v1/visits/{visitId}/check-ins";
        for (var i = 0; i < CheckInService.WrongPinsForAlert; i++)
            await app.PostAsync(w.Token, url, new { pin = "0000" });
        await app.StepAsync(TimeSpan.Zero);
        var alertId = (await app.AlertOfVisitAsync(visitId))!.Id;

        // Not taken on: the right PIN closes the visit as always, but the alert goes on climbing and nobody hears "safe".
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, url, new { pin = CheckInKit.Pin })).Status);
        Assert.Equal("closed", await app.StateAsync(w.Token, visitId));
        await app.StepAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(AlertState.Open, (await app.AlertOfVisitAsync(visitId))!.State);
        Assert.Single(app.AlertsTo(w.Focal.Email)); // level 2 was still told
        Assert.DoesNotContain(app.AlertsTo(w.ContactEmail), t => t.Contains("has checked in and is safe", StringComparison.Ordinal));

        // Once a responder has taken it on, a right PIN on the next visit's alert ends it with the all-clear as before.
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(await app.TokenAsync(w.Focal), $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        var next = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));
        for (var i = 0; i < CheckInService.WrongPinsForAlert; i++)
            await app.PostAsync(w.Token, $"/api/v1/visits/{next}/check-ins", new { pin = "0000" });
        await app.StepAsync(TimeSpan.Zero);
        var nextAlert = (await app.AlertOfVisitAsync(next))!;
        await app.StepAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(await app.TokenAsync(w.Focal), $"/api/v1/alerts/{nextAlert.Id}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, $"/api/v1/visits/{next}/check-ins", new { pin = CheckInKit.Pin })).Status);
        await app.StepAsync(TimeSpan.Zero);
        Assert.Equal(AlertState.Resolved, (await app.AlertOfVisitAsync(next))!.State);
        Assert.Contains(app.AlertsTo(w.ContactEmail), t => t.Contains("has checked in and is safe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheReminderLink_LimitsGuessesPerVisit_ANewAddressGetsNoMore()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));
        var token = await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInSecrets>().LinkTokenAsync(sp.GetRequiredService<AmparoDbContext>(), LinkPurposes.Reminder, visitId));
        var link = "/v/" + token;

        async Task<string> GuessAsync(string pin)
        {
            using var fromNewAddress = app.NewClient(); // each guess from another address
            var response = await fromNewAddress.PostFormAsync(link, new Dictionary<string, string> { ["Pin"] = pin }, link + "?handler=CheckIn");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        for (var i = 0; i < CheckInService.PinTries; i++)
            Assert.Contains("That PIN is not right.", await GuessAsync("7" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)), StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var right = await GuessAsync(CheckInKit.Pin);
        Assert.Contains("PIN entry on this visit is locked", right, StringComparison.Ordinal);
        Assert.NotEqual("closed", await app.StateAsync(w.Token, visitId));
        Assert.Equal(CheckInService.PinTries + 1, await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visitId).Select(v => v.WrongPinTotal).SingleAsync()));
    }
}

[Collection(nameof(SharedHosts.CheckInsWithClockOnSqlite))]
public sealed class PinProtectionTestsSqlite(CheckInSqliteApp app) : PinProtectionTests(app);
[Collection(nameof(SharedHosts.CheckInsWithClockOnPostgres))]
public sealed class PinProtectionTestsPostgres(CheckInPostgresApp app) : PinProtectionTests(app);
