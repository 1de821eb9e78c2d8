using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>Extensions, periodic check-ins, companions, a contact's withdrawal, and who may touch a visit or an alert.</summary>
public abstract class VisitRulesTests(AppFixture app)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Extension_WithoutPin_IsCappedAt60MinutesPastTheOriginalDeadline_WithPinGoesBeyond()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(30));
        var original = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime();
        string url = $"/api/v1/visits/{visitId}/extend";

        var (s1, v1) = await app.PostAsync(w.Token, url, new { minutes = 30 });
        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.Equal(original.AddMinutes(30), v1.GetProperty("dueAt").GetDateTime());
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, url, new { minutes = 30 })).Status);
        var (s3, problem) = await app.PostAsync(w.Token, url, new { minutes = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.True(problem.GetProperty("errors").TryGetProperty("minutes", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, url, new { minutes = 1, pin = "0000" })).Status);
        Assert.Equal(original.AddMinutes(60), (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime());
        var (s4, v4) = await app.PostAsync(w.Token, url, new { minutes = 45, pin = CheckInKit.Pin });
        Assert.Equal(HttpStatusCode.OK, s4);
        var due = v4.GetProperty("dueAt").GetDateTime();
        Assert.Equal(original.AddMinutes(105), due);

        // The alert follows the deadline: nothing at the original one, and it still comes at the new one.
        await app.StepToAsync(original.AddMinutes(10));
        await app.StepToAsync(due.AddMinutes(10) - Second);
        Assert.Empty(app.AlertsTo(w.ContactEmail));
        await app.StepToAsync(due.AddMinutes(10));
        Assert.Single(app.AlertsTo(w.ContactEmail));
        // Once alerting, extending needs the PIN.
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, url, new { minutes = 5 })).Status);
        Assert.Equal("alerting", await app.StateAsync(w.Token, visitId));
    }

    [Fact]
    public async Task PeriodicCheckIns_MoveTheNextDeadline_AndAMissedOneAlerts()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var start = app.Now();
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(120), new { checkInEveryMinutes = 30 });
        // PostgreSQL keeps microseconds: compare to the microsecond.
        Assert.Equal(start.AddMinutes(30), (await app.VisitAsync(w.Token, visitId)).GetProperty("deadlineAt").GetDateTime(), TimeSpan.FromMilliseconds(1));

        await app.StepToAsync(start.AddMinutes(20));
        Assert.Single(app.MailTo(w.Owner.Email)); // reminder before the first periodic deadline
        await app.StepToAsync(start.AddMinutes(25));
        var (status, visit) = await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("active", visit.GetProperty("state").GetString());
        Assert.Equal(start.AddMinutes(55), visit.GetProperty("deadlineAt").GetDateTime(), TimeSpan.FromMilliseconds(1));

        await app.StepToAsync(start.AddMinutes(40)); // the old deadline + grace: nothing
        await app.StepToAsync(start.AddMinutes(45));
        await app.StepToAsync(start.AddMinutes(55));
        await app.StepToAsync(start.AddMinutes(65) - Second);
        Assert.Empty(app.AlertsTo(w.ContactEmail));
        Assert.Equal(3, app.MailTo(w.Owner.Email).Count);
        await app.StepToAsync(start.AddMinutes(65));
        Assert.Single(app.AlertsTo(w.ContactEmail));
        Assert.Equal("alerting", await app.StateAsync(w.Token, visitId));
    }

    [Fact]
    public async Task Companions_EachGetTheirOwnVisit_AndOnlyTheOneWhoMissesIsAlertedAbout()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var companion = await app.PersonAsync("companion");
        await app.AddMemberAsync(w.OrgId, companion);
        await app.SetPinsAsync(companion);
        await app.SharingAsync(companion, orgRule: false, networkRule: false);
        var companionContact = TestData.Email("ccontact");
        await app.ConfirmedContactAsync(companion, "Cam Contact", (ChannelKind.Email, companionContact));
        var companionToken = await app.TokenAsync(companion);

        var mine = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20), new { companions = new[] { companion.Id } });
        var (listStatus, theirs) = await app.ApiAsync(companionToken, HttpMethod.Get, "/api/v1/visits");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        var invitation = Assert.Single(theirs.EnumerateArray());
        var theirId = invitation.GetProperty("id").GetGuid();
        Assert.NotEqual(mine, theirId);
        // Their part is an invitation from the planner until they accept it.
        Assert.Equal("invited", invitation.GetProperty("state").GetString());
        Assert.Equal(w.Owner.Name(), invitation.GetProperty("plannedBy").GetString());
        var (accepted, visit) = await app.PostAsync(companionToken, $"/api/v1/visits/{theirId}/accept");
        Assert.Equal(HttpStatusCode.OK, accepted);
        Assert.Equal("active", visit.GetProperty("state").GetString());
        // Each checks in only for themself.
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(w.Token, $"/api/v1/visits/{theirId}/check-ins", new { pin = CheckInKit.Pin })).Status);

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, $"/api/v1/visits/{mine}/check-ins", new { pin = CheckInKit.Pin })).Status);
        await app.StepAsync(TimeSpan.FromMinutes(30));
        // Accepted, it escalates as their own visit would — and says who planned it.
        Assert.Single(app.AlertsTo(companionContact), t => t.Contains($"{companion.Name()} has not checked in", StringComparison.Ordinal)
            && t.Contains($"This visit was planned for {companion.Name()} by {w.Owner.Name()}.", StringComparison.Ordinal));
        Assert.Empty(app.AlertsTo(w.ContactEmail));
        Assert.Equal("closed", await app.StateAsync(w.Token, mine));
        Assert.Equal("alerting", await app.StateAsync(companionToken, theirId));
    }

    [Fact]
    public async Task ContactWhoWithdraws_LosesTheirDetails_IsToldNothingMore_AndTheOwnerIsTold()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var leaving = TestData.Email("leaving");
        var leavingId = await app.ConfirmedContactAsync(w.Owner, "Lee Leaving", (ChannelKind.Email, leaving));
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20));
        await app.StepAsync(TimeSpan.FromMinutes(30));
        Assert.Single(app.AlertsTo(leaving));
        Assert.Single(app.AlertsTo(w.ContactEmail));

        Assert.True(await app.WithServicesAsync(async sp => await sp.GetRequiredService<ContactService>().WithdrawByLinkAsync(await app.ConsentTokenAsync(leavingId))));

        // Their details are gone: no channel row (no address ciphertext), no name, no queued or kept message holding the address.
        Assert.Equal(0, await app.WithDbAsync(db => db.ContactChannels.CountAsync(c => c.ContactId == leavingId)));
        var contact = await app.WithDbAsync(db => db.TrustedContacts.AsNoTracking().SingleAsync(c => c.Id == leavingId));
        Assert.Equal(ConsentState.Withdrawn, contact.Consent);
        Assert.Null(contact.NameCipher);
        var addresses = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var writer = sp.GetRequiredService<OutboxWriter>();
            var list = new List<string>();
            foreach (var m in await db.Outbox.AsNoTracking().ToListAsync()) list.Add((await writer.ReadAsync(db, m)).Address);
            return list;
        });
        Assert.DoesNotContain(leaving, addresses, StringComparer.OrdinalIgnoreCase);

        // The owner hears of it at once — a STOP can come from anyone who knows the number — with the contacts left.
        await app.StepAsync(TimeSpan.Zero);
        var notice = Assert.Single(app.MailTo(w.Owner.Email), m => m.Subject == "Amparo: a trusted contact withdrew");
        Assert.Contains("Confirmed contacts left: 1.", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("/contacts", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Lee Leaving", notice.TextBody, StringComparison.Ordinal);

        // The repeat and the all-clear reach the contact who stayed, not the one who left.
        await app.StepAsync(TimeSpan.FromMinutes(16)); // levels 2 and 3: nobody
        await app.StepAsync(TimeSpan.FromMinutes(15)); // the first repeat
        Assert.Equal(2, app.AlertsTo(w.ContactEmail).Count);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin })).Status);
        await app.StepAsync(TimeSpan.Zero);
        Assert.Contains(app.AlertsTo(w.ContactEmail), t => t.Contains("has checked in and is safe", StringComparison.Ordinal));
        Assert.Single(app.AlertsTo(leaving));
        // Withdrawing twice does nothing more.
        Assert.False(await app.WithServicesAsync(async sp => await sp.GetRequiredService<ContactService>().WithdrawByLinkAsync(await app.ConsentTokenAsync(leavingId))));
    }

    [Fact]
    public async Task AnotherPersonsVisitAndAlert_Are404_ForEveryAction_AndNothingChanges()
    {
        var w = await app.WorldAsync();
        var stranger = await app.PersonAsync("stranger");
        await app.SetPinsAsync(stranger); // the same PIN as the owner: still not theirs
        var strangerToken = await app.TokenAsync(stranger);
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(60));
        var before = (await app.VisitAsync(w.Token, visitId)).GetRawText();

        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiAsync(strangerToken, HttpMethod.Get, $"/api/v1/visits/{visitId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(strangerToken, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(strangerToken, $"/api/v1/visits/{visitId}/extend", new { minutes = 10, pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(strangerToken, $"/api/v1/visits/{visitId}/close", new { pin = CheckInKit.Pin })).Status);
        var (_, strangerList) = await app.ApiAsync(strangerToken, HttpMethod.Get, "/api/v1/visits");
        Assert.Equal(0, strangerList.GetArrayLength());
        Assert.Equal(before, (await app.VisitAsync(w.Token, visitId)).GetRawText());

        var (_, panic) = await app.PostAsync(w.Token, "/api/v1/panic", new { });
        var alertId = panic.GetProperty("alertId").GetGuid();
        // Neither a stranger nor the defender themself (not a recipient) can take on or close the alert, or move its location.
        foreach (var token in new[] { strangerToken, w.Token })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(token, $"/api/v1/alerts/{alertId}/acknowledge")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(token, $"/api/v1/alerts/{alertId}/resolve", new { outcome = "false-alarm" })).Status);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(strangerToken, $"/api/v1/alerts/{alertId}/locations", new { latitude = 1.0, longitude = 2.0 })).Status);
        var alert = await app.WithDbAsync(db => db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId));
        Assert.Equal(AlertState.Open, alert.State);
        Assert.Null(alert.LocationCipher);
        // A recipient may.
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(await app.TokenAsync(w.Focal), $"/api/v1/alerts/{alertId}/acknowledge")).Status);
    }
}

[Collection(nameof(SharedHosts.CheckInsWithClockOnSqlite))]
public sealed class VisitRulesTestsSqlite(CheckInSqliteApp app) : VisitRulesTests(app);
[Collection(nameof(SharedHosts.CheckInsWithClockOnPostgres))]
public sealed class VisitRulesTestsPostgres(CheckInPostgresApp app) : VisitRulesTests(app);
