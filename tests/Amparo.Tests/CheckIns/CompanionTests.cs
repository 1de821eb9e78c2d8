using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// A companion's part of a visit starts only when they accept it: before, nothing is reminded or escalated in their
/// name; a decline ends it and tells the planner; once accepted it escalates as their own visit would, and responders
/// see who planned it. Driven through the pages without JavaScript, as a companion would.
/// </summary>
public abstract partial class CompanionTests(AppFixture app)
{
    private sealed record Team(World W, OrgKit.Person Companion, string CompanionContact, OrgKit.Person CompanionFocal, Guid PlannerVisit, Guid CompanionVisit);

    /// <summary>The owner plans a visit with a colleague of the same organization, who has a confirmed contact and shares with the organization.</summary>
    private async Task<Team> TeamAsync(TimeSpan dueIn)
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var companion = await app.PersonAsync("companion");
        await app.AddMemberAsync(w.OrgId, companion);
        await app.SetPinsAsync(companion);
        await app.SharingAsync(companion, orgRule: true, networkRule: false);
        var contact = TestData.Email("ccontact");
        await app.ConfirmedContactAsync(companion, "Cam Contact", (ChannelKind.Email, contact));
        var mine = await app.PlanAsync(w.Token, dueIn, new { companions = new[] { companion.Id }, message = "We go together" });
        var theirs = await app.WithDbAsync(db => db.Visits.Where(v => v.OwnerId == companion.Id).Select(v => v.Id).SingleAsync());
        await app.RunWorkersAsync();
        return new Team(w, companion, contact, w.Focal, mine, theirs);
    }

    [Fact]
    public async Task Companion_IsNeitherRemindedNorEscalated_BeforeAccepting_AndTheInvitationLapsesAtTheReturnTime()
    {
        var t = await TeamAsync(TimeSpan.FromMinutes(20));
        using var focal = await app.SignedInAsync(t.CompanionFocal);

        // The companion sees the invitation, with who asks and the plan.
        using var companion = await app.SignedInAsync(t.Companion);
        var (_, visits) = await companion.GetAsync("/visits");
        Assert.Contains(t.W.Owner.Name(), visits, StringComparison.Ordinal);
        Assert.Contains("Barrio Norte", visits, StringComparison.Ordinal);
        Assert.Contains("We go together", visits, StringComparison.Ordinal);
        Assert.Contains("handler=Accept", visits, StringComparison.Ordinal);
        Assert.Contains("Someone has asked you to join a visit", (await companion.GetAsync("/")).Html, StringComparison.Ordinal);
        // Not the companion's plan yet: not on their organization's board, no check-in on it.
        Assert.DoesNotContain(t.Companion.Name(), (await focal.GetAsync("/whereabouts")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(await app.TokenAsync(t.Companion), $"/api/v1/visits/{t.CompanionVisit}/check-ins", new { pin = CheckInKit.Pin })).Status);

        // The planner misses the deadline and is escalated; the companion who never accepted is not, nor reminded.
        await app.StepAsync(TimeSpan.FromMinutes(10));
        await app.StepAsync(TimeSpan.FromMinutes(10));
        await app.StepAsync(TimeSpan.FromMinutes(11));
        await app.StepAsync(TimeSpan.FromMinutes(20));
        Assert.Single(app.AlertsTo(t.W.ContactEmail));
        Assert.Empty(app.AlertsTo(t.CompanionContact));
        Assert.Empty(app.AlertsTo(t.CompanionFocal.Email, t.Companion.Name()));
        Assert.Empty(app.MailTo(t.Companion.Email));
        Assert.Equal(0, await app.WithDbAsync(db => db.Alerts.CountAsync(a => a.OwnerId == t.Companion.Id)));
        var lapsed = await app.WithDbAsync(db => db.Visits.AsNoTracking().SingleAsync(v => v.Id == t.CompanionVisit));
        Assert.Equal(VisitState.Closed, lapsed.State);
        Assert.Equal(VisitOutcome.Declined, lapsed.Outcome);
        Assert.Null(lapsed.PlaceCipher);
    }

    [Fact]
    public async Task DeclinedCompanion_GetsNothing_AndThePlannerIsTold()
    {
        var t = await TeamAsync(TimeSpan.FromMinutes(20));
        using var companion = await app.SignedInAsync(t.Companion);
        var declined = await companion.PostFormAsync("/visits", new Dictionary<string, string> { ["visitId"] = t.CompanionVisit.ToString() }, "/visits?handler=Decline");
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        Assert.Equal("/visits?done=declined", OrgKit.PathOf(declined.Headers.Location!));
        Assert.DoesNotContain("handler=Accept", (await companion.GetAsync("/visits")).Html, StringComparison.Ordinal);

        await app.StepAsync(TimeSpan.Zero);
        var notice = Assert.Single(app.MailTo(t.W.Owner.Email), m => m.Subject == "Amparo: a companion will not join");
        Assert.Contains($"{t.Companion.Name()} will not join the visit you planned", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/visits/{t.PlannerVisit}", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Barrio Norte", notice.TextBody, StringComparison.Ordinal);
        using var planner = await app.SignedInAsync(t.W.Owner);
        var (_, page) = await planner.GetAsync($"/visits/{t.PlannerVisit}");
        Assert.Contains($"<bdi>{t.Companion.Name()}</bdi> · declined", page, StringComparison.Ordinal);

        // Accepting afterwards does nothing; the deadline passes without a word about the companion.
        var late = await companion.PostFormAsync("/visits", new Dictionary<string, string> { ["visitId"] = t.CompanionVisit.ToString() }, "/visits?handler=Accept");
        Assert.Equal("/visits?done=lapsed", OrgKit.PathOf(late.Headers.Location!));
        await app.StepAsync(TimeSpan.FromMinutes(31));
        await app.StepAsync(TimeSpan.FromMinutes(20));
        Assert.Empty(app.AlertsTo(t.CompanionContact));
        Assert.Empty(app.MailTo(t.Companion.Email));
        Assert.Equal(0, await app.WithDbAsync(db => db.Alerts.CountAsync(a => a.OwnerId == t.Companion.Id)));
    }

    [Fact]
    public async Task AcceptedCompanion_IsEscalatedAsTheirOwnVisit_AndRespondersSeeWhoPlannedIt()
    {
        var t = await TeamAsync(TimeSpan.FromMinutes(20));
        using var companion = await app.SignedInAsync(t.Companion);
        var accepted = await companion.PostFormAsync("/visits", new Dictionary<string, string> { ["visitId"] = t.CompanionVisit.ToString() }, "/visits?handler=Accept");
        Assert.Equal($"/visits/{t.CompanionVisit}?done=accepted", OrgKit.PathOf(accepted.Headers.Location!));
        var (_, own) = await companion.GetAsync($"/visits/{t.CompanionVisit}");
        Assert.Contains(t.W.Owner.Name(), own, StringComparison.Ordinal);
        Assert.Contains("name=\"Pin\"", own, StringComparison.Ordinal);
        using var planner = await app.SignedInAsync(t.W.Owner);
        Assert.Contains($"<bdi>{t.Companion.Name()}</bdi> · has joined", (await planner.GetAsync($"/visits/{t.PlannerVisit}")).Html, StringComparison.Ordinal);

        // The board of the companion's focal point says who planned it.
        using var focal = await app.SignedInAsync(t.CompanionFocal);
        var (_, board) = await focal.GetAsync("/whereabouts");
        Assert.Contains(t.Companion.Name(), board, StringComparison.Ordinal);
        Assert.Contains($"planned by {t.W.Owner.Name()}", board, StringComparison.Ordinal);

        // The planner checks in; the companion does not and is escalated as before, level by level, with who planned it.
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(t.W.Token, $"/api/v1/visits/{t.PlannerVisit}/check-ins", new { pin = CheckInKit.Pin })).Status);
        await app.StepAsync(TimeSpan.FromMinutes(30));
        var alert = Assert.Single(app.AlertsTo(t.CompanionContact));
        Assert.Contains($"{t.Companion.Name()} has not checked in", alert, StringComparison.Ordinal);
        Assert.Contains($"This visit was planned for {t.Companion.Name()} by {t.W.Owner.Name()}.", alert, StringComparison.Ordinal);
        await app.StepAsync(TimeSpan.FromMinutes(15));
        var focalAlert = Assert.Single(app.AlertsTo(t.CompanionFocal.Email, t.Companion.Name()));
        Assert.Contains($"by {t.W.Owner.Name()}", focalAlert, StringComparison.Ordinal);

        // The responder page (from the link, and the focal point's own page) shows it too.
        using var responder = app.NewClient();
        var (status, html) = await responder.GetAsync(OrgKit.PathOf(new Uri(ResponderLink().Match(alert).Value)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Planned by", html, StringComparison.Ordinal);
        Assert.Contains(t.W.Owner.Name(), html, StringComparison.Ordinal);
        var alertId = await app.WithDbAsync(db => db.Alerts.Where(a => a.OwnerId == t.Companion.Id).Select(a => a.Id).SingleAsync());
        using var focalNow = await app.SignedInAsync(t.CompanionFocal); // the earlier session has timed out meanwhile
        var (_, focalPage) = await focalNow.GetAsync($"/alerts/{alertId}");
        Assert.Contains("Planned by", focalPage, StringComparison.Ordinal);
        Assert.Contains(t.W.Owner.Name(), focalPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheCompanion_MayAnswerTheirInvitation_AndOnlyAnInvitationCanBeAnswered()
    {
        var t = await TeamAsync(TimeSpan.FromMinutes(60));
        // The planner cannot accept in the companion's name; nobody can "accept" their own visit.
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(t.W.Token, $"/api/v1/visits/{t.CompanionVisit}/accept")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(t.W.Token, $"/api/v1/visits/{t.PlannerVisit}/accept")).Status);
        using var planner = await app.SignedInAsync(t.W.Owner);
        var forged = await planner.PostFormAsync("/visits", new Dictionary<string, string> { ["visitId"] = t.CompanionVisit.ToString() }, "/visits?handler=Accept");
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(VisitState.Invited, await app.WithDbAsync(db => db.Visits.Where(v => v.Id == t.CompanionVisit).Select(v => v.State).SingleAsync()));

        var token = await app.TokenAsync(t.Companion);
        var (declined, visit) = await app.PostAsync(token, $"/api/v1/visits/{t.CompanionVisit}/decline");
        Assert.Equal(HttpStatusCode.OK, declined);
        Assert.Equal("declined", visit.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await app.PostAsync(token, $"/api/v1/visits/{t.CompanionVisit}/accept")).Status);
    }

    [GeneratedRegex(@"http://localhost/r/[A-Za-z0-9_\-]+")]
    private static partial Regex ResponderLink();
}

[Collection(nameof(SharedHosts.CheckInsWithClockOnSqlite))]
public sealed class CompanionTestsSqlite(CheckInSqliteApp app) : CompanionTests(app);
// SQLite only (suite time, issue 8): a companion's part driven through the pages, over the check-in services whose rules
// (acceptance, escalation, who is told) run on PostgreSQL in the escalation and visit-rules classes.
