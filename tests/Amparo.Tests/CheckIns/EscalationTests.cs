using System.Net;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>The escalation ladder driven by moved time: reminders, grace, each level, repeats, acknowledgement, all-clear, duress, wrong PINs, panic.</summary>
public abstract class EscalationTests(AppFixture app)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private string Duty => app.Extras().DutyEmail;

    [Fact]
    public async Task MissedVisit_RemindsOwner_ThenClimbsEveryLevel_RepeatsUntilAcknowledged_ThenResolves()
    {
        var w = await app.WorldAsync();
        var name = w.Owner.Name();
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(30));
        var dueAt = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime();
        var alertAt = dueAt.AddMinutes(10);

        // Reminders to the owner: 10 minutes before and at the deadline, each with a /v/ link.
        await app.StepToAsync(dueAt.AddMinutes(-10) - Second);
        Assert.Empty(app.MailTo(w.Owner.Email));
        await app.StepToAsync(dueAt.AddMinutes(-10));
        var soon = Assert.Single(app.MailTo(w.Owner.Email));
        Assert.Contains("http://localhost/v/", soon.TextBody, StringComparison.Ordinal);
        Assert.Contains("due back", soon.TextBody, StringComparison.Ordinal);
        await app.StepToAsync(dueAt);
        Assert.Equal(2, app.MailTo(w.Owner.Email).Count);
        Assert.Contains("time is up", app.MailTo(w.Owner.Email)[1].TextBody, StringComparison.Ordinal);
        Assert.Contains("http://localhost/v/", app.MailTo(w.Owner.Email)[1].TextBody, StringComparison.Ordinal);
        Assert.Equal("overdue", await app.StateAsync(w.Token, visitId));

        // Nothing before the end of the grace period.
        await app.StepToAsync(alertAt - Second);
        Assert.Empty(app.AlertsTo(w.ContactEmail));
        Assert.Equal("overdue", await app.StateAsync(w.Token, visitId));

        // Level 1 at dueAt + grace: the trusted contact, with a responder link, and no place in the message.
        await app.StepToAsync(alertAt);
        var first = Assert.Single(app.AlertsTo(w.ContactEmail));
        Assert.StartsWith("Missed check-in — Amparo:", first, StringComparison.Ordinal);
        Assert.Equal($"Missed check-in — {name} (Amparo alert)", Assert.Single(app.AlertMailsTo(w.ContactEmail)).Subject);
        Assert.Contains($"{name} has not checked in", first, StringComparison.Ordinal);
        Assert.Contains("http://localhost/r/", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Barrio Norte", first, StringComparison.Ordinal);
        Assert.Equal("alerting", await app.StateAsync(w.Token, visitId));
        Assert.Empty(app.AlertsTo(w.Focal.Email));

        // Level 2 fifteen minutes later: the organization's focal point (and its admin).
        await app.StepToAsync(alertAt.AddMinutes(15) - Second);
        Assert.Empty(app.AlertsTo(w.Focal.Email));
        await app.StepToAsync(alertAt.AddMinutes(15));
        Assert.Single(app.AlertsTo(w.Focal.Email));
        Assert.Single(app.AlertsTo(w.OrgAdmin.Email));
        Assert.Empty(app.AlertsTo(w.Coordinator.Email));

        // Level 3 thirty minutes after level 2: the network's coordinator.
        await app.StepToAsync(alertAt.AddMinutes(45) - Second);
        Assert.Empty(app.AlertsTo(w.Coordinator.Email));
        await app.StepToAsync(alertAt.AddMinutes(45));
        Assert.Single(app.AlertsTo(w.Coordinator.Email));
        Assert.Empty(app.AlertsTo(Duty, name));

        // Then every 15 minutes: the last level and the duty contact, nobody else.
        await app.StepToAsync(alertAt.AddMinutes(60));
        Assert.Equal(2, app.AlertsTo(w.Coordinator.Email).Count);
        Assert.Contains("nobody has answered yet", app.AlertsTo(w.Coordinator.Email)[1], StringComparison.Ordinal);
        Assert.StartsWith("No answer yet — ", app.AlertsTo(w.Coordinator.Email)[1], StringComparison.Ordinal);
        Assert.Equal($"No answer yet — {name} (Amparo alert)", app.AlertMailsTo(w.Coordinator.Email)[1].Subject);
        Assert.Single(app.AlertsTo(Duty, name));
        await app.StepToAsync(alertAt.AddMinutes(75));
        Assert.Equal(3, app.AlertsTo(w.Coordinator.Email).Count);
        Assert.Equal(2, app.AlertsTo(Duty, name).Count);
        Assert.Single(app.AlertsTo(w.ContactEmail));
        Assert.Single(app.AlertsTo(w.Focal.Email));

        // The focal point takes it on: the others are told who handles it, and the repeats stop.
        var alert = (await app.AlertOfVisitAsync(visitId))!;
        var focalToken = await app.TokenAsync(w.Focal);
        var (ackStatus, _) = await app.PostAsync(focalToken, $"/api/v1/alerts/{alert.Id}/acknowledge");
        Assert.Equal(HttpStatusCode.NoContent, ackStatus);
        await app.StepAsync(TimeSpan.Zero);
        var handling = $"{w.Focal.Name()} is handling the alert about {name}";
        foreach (var other in new[] { w.ContactEmail, w.OrgAdmin.Email, w.Coordinator.Email })
            Assert.Contains(app.AlertsTo(other), t => t.Contains(handling, StringComparison.Ordinal) && t.StartsWith("Someone is on it — ", StringComparison.Ordinal));
        Assert.Contains(app.AlertsTo(Duty, name), t => t.Contains(handling, StringComparison.Ordinal));
        Assert.DoesNotContain(app.AlertsTo(w.Focal.Email), t => t.Contains("is handling", StringComparison.Ordinal));
        await app.StepAsync(TimeSpan.FromMinutes(16));
        await app.StepAsync(TimeSpan.FromMinutes(16));
        Assert.Equal(4, app.AlertsTo(w.Coordinator.Email).Count);
        Assert.Equal(3, app.AlertsTo(Duty, name).Count);

        // A second acknowledgement by someone else is refused; the handler resolves; the visit closes.
        var (again, _) = await app.PostAsync(await app.TokenAsync(w.Coordinator), $"/api/v1/alerts/{alert.Id}/acknowledge");
        Assert.Equal(HttpStatusCode.Conflict, again);
        var (resolved, _) = await app.PostAsync(focalToken, $"/api/v1/alerts/{alert.Id}/resolve", new { outcome = "safe", note = "found at home" });
        Assert.Equal(HttpStatusCode.NoContent, resolved);
        await app.StepAsync(TimeSpan.Zero);
        // The closing says how it ended, first and in the text.
        Assert.Contains(app.AlertsTo(w.ContactEmail), t => t.StartsWith("Closed: safe — ", StringComparison.Ordinal)
            && t.Contains($"{w.Focal.Name()} has closed the alert about {name}. Outcome: Safe.", StringComparison.Ordinal));
        Assert.Contains(app.AlertMailsTo(w.ContactEmail), m => m.Subject == $"Closed: safe — {name} (Amparo alert)");
        var visit = await app.VisitAsync(w.Token, visitId);
        Assert.Equal("closed", visit.GetProperty("state").GetString());
        Assert.Equal("closed-by-responder", visit.GetProperty("outcome").GetString());
        Assert.Equal(AlertState.Resolved, (await app.AlertOfVisitAsync(visitId))!.State);
    }

    [Fact]
    public async Task FocalPoints_AreNotTold_WhenTheOwnerDoesNotShareVisitsWithTheOrganization_NorCoordinatorsWithoutTheNetworkRule()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var name = w.Owner.Name();
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20));
        var alertAt = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime().AddMinutes(10);

        await app.StepToAsync(alertAt);
        Assert.Single(app.AlertsTo(w.ContactEmail));
        // Levels 2 and 3 are empty for this owner: nobody in them hears anything, and the duty contact is kept for the repeats.
        await app.StepToAsync(alertAt.AddMinutes(15));
        Assert.Empty(app.AlertsTo(w.Focal.Email));
        Assert.Empty(app.AlertsTo(w.OrgAdmin.Email));
        Assert.Empty(app.AlertsTo(Duty, name));
        await app.StepToAsync(alertAt.AddMinutes(30));
        await app.StepToAsync(alertAt.AddMinutes(45));
        Assert.Empty(app.AlertsTo(w.Focal.Email));
        Assert.Empty(app.AlertsTo(w.OrgAdmin.Email));
        Assert.Empty(app.AlertsTo(w.Coordinator.Email));
        // The repeats go to the last level that had anyone (the contact) and to the duty contact.
        Assert.Equal(3, app.AlertsTo(w.ContactEmail).Count);
        Assert.Equal(2, app.AlertsTo(Duty, name).Count);
    }

    [Fact]
    public async Task SeveralVisitsDueTogether_EachAlertsOnce_AndEachAlertRepeatsOnce()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var visits = new List<Guid>();
        for (var i = 0; i < 4; i++) visits.Add(await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20)));
        var alertAt = (await app.VisitAsync(w.Token, visits[0])).GetProperty("dueAt").GetDateTime().AddMinutes(10);

        await app.StepToAsync(alertAt);
        await app.StepAsync(TimeSpan.Zero);
        await app.StepAsync(Second);
        Assert.Equal(4, app.AlertsTo(w.ContactEmail).Count);
        foreach (var visit in visits)
        {
            Assert.Equal("alerting", await app.StateAsync(w.Token, visit));
            Assert.Equal(1, await app.WithDbAsync(db => db.Alerts.CountAsync(a => a.VisitId == visit)));
        }
        // Levels 2 and 3 are empty; then one repeat per alert, however often the engine runs.
        await app.StepToAsync(alertAt.AddMinutes(15));
        await app.StepToAsync(alertAt.AddMinutes(30));
        await app.StepAsync(TimeSpan.Zero);
        await app.StepAsync(Second);
        Assert.Equal(8, app.AlertsTo(w.ContactEmail).Count);
        Assert.Equal(4, app.AlertsTo(w.ContactEmail).Count(t => t.Contains("nobody has answered yet", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LateCheckIn_ResolvesAsCheckedInLate_AndEveryoneNotifiedGetsTheAllClear()
    {
        var w = await app.WorldAsync();
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20));
        var alertAt = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime().AddMinutes(10);
        await app.StepToAsync(alertAt);
        await app.StepToAsync(alertAt.AddMinutes(15)); // levels 1 and 2 told
        Assert.Single(app.AlertsTo(w.Focal.Email));

        var (status, visit) = await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("closed", visit.GetProperty("state").GetString());
        Assert.Equal("checked-in-late", visit.GetProperty("outcome").GetString());
        await app.StepAsync(TimeSpan.Zero);

        var allClear = $"{w.Owner.Name()} has checked in and is safe";
        foreach (var told in new[] { w.ContactEmail, w.Focal.Email, w.OrgAdmin.Email })
            Assert.Contains(app.AlertsTo(told), t => t.Contains(allClear, StringComparison.Ordinal) && t.StartsWith("All clear — ", StringComparison.Ordinal));
        Assert.Empty(app.AlertsTo(w.Coordinator.Email)); // never notified, so no all-clear either
        var alert = (await app.AlertOfVisitAsync(visitId))!;
        Assert.Equal(AlertState.Resolved, alert.State);
        Assert.Equal(AlertOutcome.CheckedInLate, alert.Outcome);

        // Nothing more after that: no level 3, no repeats.
        var count = app.AlertsTo(w.ContactEmail).Count + app.AlertsTo(w.Focal.Email).Count;
        await app.StepAsync(TimeSpan.FromMinutes(31));
        await app.StepAsync(TimeSpan.FromMinutes(16));
        Assert.Equal(count, app.AlertsTo(w.ContactEmail).Count + app.AlertsTo(w.Focal.Email).Count);
        Assert.Empty(app.AlertsTo(w.Coordinator.Email));
        Assert.Equal("closed", await app.StateAsync(w.Token, visitId));
    }

    [Fact]
    public async Task DuressPin_LooksExactlyLikeANormalCheckIn_ButAlertsEveryLevelAtOnce_AndIsHiddenFromTheOwner()
    {
        var w = await app.WorldAsync();
        var normal = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));
        var duress = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));

        var (s1, b1) = await app.PostAsync(w.Token, $"/api/v1/visits/{normal}/check-ins", new { pin = CheckInKit.Pin, note = "all fine" });
        var (s2, b2) = await app.PostAsync(w.Token, $"/api/v1/visits/{duress}/check-ins", new { pin = CheckInKit.DuressPin, note = "all fine" });
        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.Equal(s1, s2);
        Assert.Equal(Normalize(b1, normal), Normalize(b2, duress));
        Assert.Equal(Normalize(await app.VisitAsync(w.Token, normal), normal), Normalize(await app.VisitAsync(w.Token, duress), duress));

        // The duress alert is written with the check-in; the engine (woken at once in a running app) tells every level in one step.
        var alert = await app.WithDbAsync(db => db.Alerts.AsNoTracking().SingleAsync(a => a.OwnerId == w.Owner.Id));
        Assert.Equal(AlertKind.Duress, alert.Kind);
        await app.Services.GetRequiredService<AlertEngine>().RunOnceAsync(CancellationToken.None);
        var levels = await app.WithDbAsync(db => db.AlertRecipients.Where(r => r.AlertId == alert.Id).Select(r => r.Level).Distinct().OrderBy(l => l).ToListAsync());
        Assert.Equal([1, 2, 3], levels);
        Assert.True(await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.AlertId == alert.Id)) >= 5);

        await app.StepAsync(TimeSpan.Zero);
        var words = $"{w.Owner.Name()} may be in danger";
        foreach (var told in new[] { w.ContactEmail, w.Focal.Email, w.OrgAdmin.Email, w.Coordinator.Email, app.Extras().DutyEmail })
            Assert.Contains(app.AlertsTo(told), t => t.Contains(words, StringComparison.Ordinal) && t.StartsWith("Possible duress — ", StringComparison.Ordinal));
        // The owner sees nothing of it: no message, no alert in their list, the same visits afterwards.
        Assert.DoesNotContain(app.MailTo(w.Owner.Email), CheckInKit.IsAlert);
        Assert.Empty(app.AlertMailsTo(w.Owner.Email));
        Assert.False(await app.WithServicesAsync(sp => sp.GetRequiredService<AlertService>().OwnAlerts(w.Owner.Id).AnyAsync()));
        var (listStatus, list) = await app.ApiAsync(w.Token, HttpMethod.Get, "/api/v1/visits");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal(Normalize(list[0], list[0].GetProperty("id").GetGuid()), Normalize(list[1], list[1].GetProperty("id").GetGuid()));
    }

    private static string Normalize(JsonElement body, Guid id) => body.GetRawText().Replace(id.ToString(), "ID", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task ThreeWrongPinsInARow_RaiseAnAlert_EachIs400_AndTheRightPinStillWorks()
    {
        var w = await app.WorldAsync();
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60), new { checkInEveryMinutes = 30 });

        // Two wrong, then right: the count starts again.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = "0000" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = "0000" })).Status);
        await app.StepAsync(TimeSpan.Zero);
        Assert.Null(await app.AlertOfVisitAsync(visitId));
        Assert.Empty(app.AlertsTo(w.ContactEmail));

        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = "9999" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = "12345" })).Status);
        await app.StepAsync(TimeSpan.Zero);
        var alert = await app.AlertOfVisitAsync(visitId);
        Assert.Equal(AlertKind.WrongPins, alert!.Kind);
        Assert.Contains(app.AlertsTo(w.ContactEmail), t => t.Contains("wrong check-in PINs were entered three times", StringComparison.Ordinal) && t.StartsWith("Wrong PINs — ", StringComparison.Ordinal));

        // The right PIN checks in: the visit, with periodic check-ins and time left, goes on being watched. The right PIN
        // may have been guessed, though: the wrong-PIN alert stays open, with no all-clear, until a responder takes it on
        // (PinProtectionTests).
        var (status, visit) = await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("active", visit.GetProperty("state").GetString());
        Assert.Equal(AlertState.Open, (await app.AlertOfVisitAsync(visitId))!.State);
        await app.StepAsync(TimeSpan.Zero);
        Assert.DoesNotContain(app.AlertsTo(w.ContactEmail), t => t.Contains("has checked in and is safe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Panic_Returns201_QueuesEveryLevelWithinTheRequest_AndRespondersSeeTheLatestLocation()
    {
        var w = await app.WorldAsync();
        var (status, body) = await app.PostAsync(w.Token, "/api/v1/panic", new { latitude = 4.6097, longitude = -74.0817, note = "at the market" });
        Assert.Equal(HttpStatusCode.Created, status);
        var alertId = body.GetProperty("alertId").GetGuid();

        // Queued in the same request: outbox rows for every level exist before any worker ran.
        var queued = await app.WithDbAsync(db => (from m in db.Outbox
                                                 join r in db.AlertRecipients on m.RecipientId equals r.Id
                                                 where m.AlertId == alertId
                                                 select new { r.Level, r.UserId, r.ContactId, r.IsDutyContact }).ToListAsync());
        Assert.Contains(queued, q => q.ContactId == w.ContactId && q.Level == 1);
        Assert.Contains(queued, q => q.UserId == w.Focal.Id && q.Level == 2);
        Assert.Contains(queued, q => q.UserId == w.Coordinator.Id && q.Level == 3);
        Assert.Contains(queued, q => q.IsDutyContact);

        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(w.Token, $"/api/v1/alerts/{alertId}/locations", new { latitude = 4.61, longitude = -74.08 })).Status);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(w.Token, $"/api/v1/alerts/{alertId}/locations", new { latitude = 4.62, longitude = -74.07 })).Status);

        await app.RunWorkersAsync();
        var words = $"{w.Owner.Name()} has asked for help now";
        foreach (var told in new[] { w.ContactEmail, w.Focal.Email, w.OrgAdmin.Email, w.Coordinator.Email, app.Extras().DutyEmail })
            Assert.Contains(app.AlertsTo(told), t => t.Contains(words, StringComparison.Ordinal));

        var view = await app.WithServicesAsync(async sp =>
        {
            var alerts = sp.GetRequiredService<AlertService>();
            return await alerts.ViewAsync((await alerts.RecipientForUserAsync(alertId, w.Focal.Id, AlertService.Actions.View))!);
        });
        Assert.Equal(4.62, view.Latitude);
        Assert.Equal(-74.07, view.Longitude);
        Assert.Equal(AlertKind.Panic, view.Kind);
        Assert.Equal("at the market", view.Note);
        Assert.Equal(2, view.Timeline.Count(e => e.Kind == AlertEvents.Location));
    }

    [Fact]
    public async Task AlertMessages_SayWhatHappenedFirst_InTheRecipientsLanguage_TheClosingGivesTheOutcome_AndNoEmailSaysReply()
    {
        var w = await app.WorldAsync();
        var name = w.Owner.Name();
        var (esMail, arMail) = (TestData.Email("es"), TestData.Email("ar"));
        var phones = new[] { NewPhone(), NewPhone() };
        await app.ConfirmedContactInAsync(w.Owner, "Tía Marta", "es", (ChannelKind.Email, esMail), (ChannelKind.Sms, phones[0]));
        await app.ConfirmedContactInAsync(w.Owner, "Layla", "ar", (ChannelKind.Email, arMail), (ChannelKind.Sms, phones[1]));

        // The consent invitations by e-mail do not tell anyone to reply to a number (only the SMS can be replied to).
        foreach (var invite in app.MailTo(w.ContactEmail).Concat(app.MailTo(esMail)).Concat(app.MailTo(arMail)))
        {
            var body = invite.TextBody ?? "";
            Assert.DoesNotContain("reply", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("responde", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("إلى هذا الرقم", body, StringComparison.Ordinal);
            Assert.DoesNotContain("STOP", body, StringComparison.Ordinal);
        }

        var (status, body2) = await app.PostAsync(w.Token, "/api/v1/panic", new { latitude = 4.6097, longitude = -74.0817, note = "at the market" });
        Assert.Equal(HttpStatusCode.Created, status);
        var alertId = body2.GetProperty("alertId").GetGuid();

        // The SMS (queued with the alert, before any delivery): "SOS" first in every language, never the place or the note.
        var sms = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var rows = await db.Outbox.Where(m => m.AlertId == alertId && m.Channel == ChannelKind.Sms).ToListAsync();
            var texts = new List<(string Language, string Text)>();
            foreach (var row in rows) texts.Add((row.Language ?? "", (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, row)).Text));
            return texts;
        });
        Assert.Contains(sms, s => s.Language == "es" && s.Text.StartsWith("SOS — Amparo: ", StringComparison.Ordinal));
        Assert.Contains(sms, s => s.Language == "ar" && s.Text.StartsWith("SOS — أمبارو: ", StringComparison.Ordinal));
        Assert.All(sms, s => Assert.DoesNotContain("market", s.Text, StringComparison.Ordinal));
        Assert.All(sms, s => Assert.DoesNotContain("4.6", s.Text, StringComparison.Ordinal));

        await app.RunWorkersAsync();
        Assert.Equal($"SOS — {name} (Amparo alert)", Assert.Single(app.AlertMailsTo(w.ContactEmail)).Subject);
        Assert.Equal($"SOS — {name} (Alerta de Amparo)", Assert.Single(app.AlertMailsTo(esMail)).Subject);
        Assert.Equal($"SOS — {name} (تنبيه من أمبارو)", Assert.Single(app.AlertMailsTo(arMail)).Subject);
        Assert.StartsWith("SOS — Amparo: ", app.AlertMailsTo(esMail)[0].TextBody, StringComparison.Ordinal);

        // Someone takes it on, then closes it with an outcome: each step says so first, in each language.
        var focalToken = await app.TokenAsync(w.Focal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        await app.StepAsync(TimeSpan.Zero);
        Assert.Contains(app.AlertMailsTo(esMail), m => m.Subject == $"Alguien se ocupa — {name} (Alerta de Amparo)");
        Assert.Contains(app.AlertMailsTo(arMail), m => m.Subject == $"هناك من يتولى الأمر — {name} (تنبيه من أمبارو)");
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{alertId}/resolve", new { outcome = "needs-help" })).Status);
        await app.StepAsync(TimeSpan.Zero);
        Assert.Contains(app.AlertMailsTo(w.ContactEmail), m => m.Subject == $"Closed: needs help — {name} (Amparo alert)"
            && (m.TextBody ?? "").Contains("Outcome: Needs help.", StringComparison.Ordinal));
        Assert.Contains(app.AlertMailsTo(esMail), m => m.Subject == $"Cerrada: necesita ayuda — {name} (Alerta de Amparo)"
            && (m.TextBody ?? "").StartsWith("Cerrada: necesita ayuda — Amparo: ", StringComparison.Ordinal)
            && (m.TextBody ?? "").Contains("Resultado: Necesita ayuda.", StringComparison.Ordinal));
        Assert.Contains(app.AlertMailsTo(arMail), m => m.Subject == $"أُغلق: بحاجة إلى مساعدة — {name} (تنبيه من أمبارو)"
            && (m.TextBody ?? "").Contains("النتيجة: بحاجة إلى مساعدة.", StringComparison.Ordinal));
        // No alert e-mail asks anyone to reply to a number.
        foreach (var mail in new[] { w.ContactEmail, esMail, arMail }.SelectMany(app.AlertMailsTo))
            Assert.DoesNotContain("ACK ", mail.TextBody ?? "", StringComparison.Ordinal);
    }

    private static string NewPhone() => "+3461" + Random.Shared.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

// A host of its own, not the shared CheckInsWithClock one: this class walks the clock through every escalation level
// and its repeats, and on the shared host each step also ran the alert engine over the alerts
// the other classes left open (their repeats, their check-backs): several times slower. Alone it also runs beside them.
public sealed class EscalationTestsSqlite(CheckInSqliteApp app) : EscalationTests(app), IClassFixture<CheckInSqliteApp>;
public sealed class EscalationTestsPostgres(CheckInPostgresApp app) : EscalationTests(app), IClassFixture<CheckInPostgresApp>;
