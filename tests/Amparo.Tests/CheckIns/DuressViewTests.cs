using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// The duress rule (docs/adr/0002-duress-rule.md): after a duress action the defender's whole view equals, entry by
/// entry, their view after the normal action it imitates — at the moment and afterwards, while responders act on
/// the duress alert. Two twin worlds act at the same instants; <see cref="DefenderView"/> captures each owner's view.
/// The views include what every registered owner-side fact handler heard.
/// </summary>
[RunsLong]
public abstract class DuressViewTests(AppFixture app)
{
    private FactRecorder Facts => app.Services.GetRequiredService<FactRecorder>();

    private async Task<(World Normal, World Duress)> TwinsAsync(bool ownerIsFocalPoint = false)
    {
        var normal = await app.WorldAsync();
        var duress = await app.WorldAsync();
        if (ownerIsFocalPoint)
        {
            foreach (var w in new[] { normal, duress })
            {
                await app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == w.OrgId && m.UserId == w.Owner.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, OrgRole.FocalPoint)));
                // A colleague who shares her visits: the owner's board has something on it.
                await app.SharingAsync(w.Focal, orgRule: true, networkRule: false);
                await app.PlanAsync(await app.TokenAsync(w.Focal), TimeSpan.FromHours(3));
            }
        }
        return (normal, duress);
    }

    private async Task AssertSameViewAsync(World normal, World duress)
    {
        var a = await DefenderView.CaptureAsync(app, normal);
        var b = await DefenderView.CaptureAsync(app, duress);
        DefenderView.AssertSame(a, b);
        // The owner's side never hears of a duress alert; the responders' side does, for the duress twin only.
        Assert.DoesNotContain(Facts.Heard(Side.Owner, duress.Owner.Id), f => f is AlertRaised { Kind: AlertKind.Duress });
        Assert.DoesNotContain(Facts.Heard(Side.Responders, normal.Owner.Id), f => f is AlertRaised { Kind: AlertKind.Duress });
        Assert.Contains(Facts.Heard(Side.Responders, duress.Owner.Id), f => f is AlertRaised { Kind: AlertKind.Duress });
        // The durable path tells each side exactly what the immediate one did: a crash after commit changes nothing.
        await app.Services.GetRequiredService<FactWorker>().RunOnceAsync(CancellationToken.None);
        var durable = app.Services.GetRequiredService<DurableFactRecorder>().Heard;
        foreach (var side in new[] { Side.Owner, Side.Responders })
            foreach (var owner in new[] { normal.Owner.Id, duress.Owner.Id })
                Assert.Equal(Sorted(Facts.Heard(side, owner)), Sorted(durable.Heard(side, owner)));
    }

    /// <summary>A page's main content without its form token (different in every session).</summary>
    private static string MainOf(string html)
    {
        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..html.IndexOf("</main>", StringComparison.Ordinal)];
        return System.Text.RegularExpressions.Regex.Replace(main, "name=\"__af\" type=\"hidden\" value=\"[^\"]*\"|value=\"[^\"]*\" name=\"__af\"", "__af");
    }

    private static List<string> Sorted(List<Fact> facts) => facts.Select(f => f.ToString()).Order(StringComparer.Ordinal).ToList();

    private Task<Alert> DuressAlertAsync(World w) =>
        app.WithDbAsync(db => db.Alerts.AsNoTracking().SingleAsync(a => a.OwnerId == w.Owner.Id && a.Kind == AlertKind.Duress));

    /// <summary>Responders work the duress alert: open it, take it on, ask for help. None of it may reach the owner.</summary>
    private async Task RespondersHandleAsync(World w)
    {
        var alert = await DuressAlertAsync(w);
        var focalToken = await app.TokenAsync(w.Focal);
        await app.WithServicesAsync(async sp =>
        {
            var alerts = sp.GetRequiredService<AlertService>();
            return await alerts.ViewAsync((await alerts.RecipientForUserAsync(alert.Id, w.Focal.Id, AlertService.Actions.View))!);
        });
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{alert.Id}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{alert.Id}/resolve", new { outcome = "needs-help", note = "police called" })).Status);
    }

    [Fact]
    public async Task OnTimeCheckIn_WithTheDuressPin_LeavesTheDefendersWholeViewIdentical_NowAndAfterRespondersAct()
    {
        var (normal, duress) = await TwinsAsync();
        var v1 = await app.PlanAsync(normal.Token, TimeSpan.FromMinutes(60));
        var v2 = await app.PlanAsync(duress.Token, TimeSpan.FromMinutes(60));
        await app.StepAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(normal.Token, $"/api/v1/visits/{v1}/check-ins", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(duress.Token, $"/api/v1/visits/{v2}/check-ins", new { pin = CheckInKit.DuressPin })).Status);
        await app.RunWorkersAsync();
        await AssertSameViewAsync(normal, duress);

        await app.StepAsync(TimeSpan.FromMinutes(20)); // the duress alert repeats
        await RespondersHandleAsync(duress);
        await app.StepAsync(TimeSpan.FromMinutes(1));
        await AssertSameViewAsync(normal, duress);
    }

    [Fact]
    public async Task LateCheckIn_WithTheDuressPin_ShowsTheOverdueAlertEndedWithAnAllClear_ExactlyAsANormalLateCheckInDoes()
    {
        var (normal, duress) = await TwinsAsync();
        var v1 = await app.PlanAsync(normal.Token, TimeSpan.FromMinutes(30));
        var v2 = await app.PlanAsync(duress.Token, TimeSpan.FromMinutes(30));
        var dueAt = (await app.VisitAsync(normal.Token, v1)).GetProperty("dueAt").GetDateTime();
        await app.StepToAsync(dueAt.AddMinutes(10)); // level 1
        await app.StepToAsync(dueAt.AddMinutes(25)); // level 2
        Assert.Single(app.AlertsTo(duress.Focal.Email));

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(normal.Token, $"/api/v1/visits/{v1}/check-ins", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(duress.Token, $"/api/v1/visits/{v2}/check-ins", new { pin = CheckInKit.DuressPin })).Status);
        await app.RunWorkersAsync();

        // What the owner notices first: the overdue alert's page ends with "all-clear sent" in both worlds.
        foreach (var (w, visit) in new[] { (normal, v1), (duress, v2) })
        {
            using var client = await app.SignedInAsync(w.Owner);
            var missed = (await app.AlertOfVisitAsync(visit))!;
            var (status, html) = await client.GetAsync($"/alerts/{missed.Id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("all-clear", html, StringComparison.OrdinalIgnoreCase);
        }
        await AssertSameViewAsync(normal, duress);

        // Responders were really told different things: an all-clear, or a duress alert and no all-clear.
        Assert.Contains(app.AlertsTo(normal.ContactEmail), t => t.Contains("is safe", StringComparison.Ordinal));
        Assert.DoesNotContain(app.AlertsTo(duress.ContactEmail), t => t.Contains("is safe", StringComparison.Ordinal));
        Assert.Contains(app.AlertsTo(duress.ContactEmail), t => t.Contains("may be in danger", StringComparison.Ordinal));

        await app.StepAsync(TimeSpan.FromMinutes(16));
        await RespondersHandleAsync(duress);
        await app.StepAsync(TimeSpan.FromMinutes(1));
        await AssertSameViewAsync(normal, duress);
    }

    [Fact]
    public async Task PanicCancel_WithThePin_SendsAnAllClear_AndWithTheDuressPin_LooksTheSameToTheDefender_ButBecomesADuressAlert()
    {
        var (normal, duress) = await TwinsAsync();
        var (s1, b1) = await app.PostAsync(normal.Token, "/api/v1/panic", new { latitude = 4.6097, longitude = -74.0817, note = "at the market" });
        var (s2, b2) = await app.PostAsync(duress.Token, "/api/v1/panic", new { latitude = 4.6097, longitude = -74.0817, note = "at the market" });
        Assert.Equal(HttpStatusCode.Created, s1);
        Assert.Equal(HttpStatusCode.Created, s2);
        var p1 = b1.GetProperty("alertId").GetGuid();
        var p2 = b2.GetProperty("alertId").GetGuid();
        await app.RunWorkersAsync();

        // "I'm safe — cancel" on the alert page, without JavaScript: same redirect, same page.
        using var c1 = await app.SignedInAsync(normal.Owner);
        using var c2 = await app.SignedInAsync(duress.Owner);
        var (_, page) = await c1.GetAsync($"/alerts/{p1}");
        Assert.Contains("handler=Cancel", page, StringComparison.Ordinal);
        var r1 = await c1.PostFormAsync($"/alerts/{p1}", new Dictionary<string, string> { ["Pin"] = CheckInKit.Pin }, $"/alerts/{p1}?handler=Cancel");
        var r2 = await c2.PostFormAsync($"/alerts/{p2}", new Dictionary<string, string> { ["Pin"] = CheckInKit.DuressPin }, $"/alerts/{p2}?handler=Cancel");
        Assert.Equal(HttpStatusCode.Redirect, r1.StatusCode);
        Assert.Equal(r1.StatusCode, r2.StatusCode);
        Assert.Equal(PathOf(r1.Headers.Location!).Replace(p1.ToString(), "ID", StringComparison.Ordinal), PathOf(r2.Headers.Location!).Replace(p2.ToString(), "ID", StringComparison.Ordinal));
        var (_, done) = await c2.GetAsync(PathOf(r2.Headers.Location!));
        Assert.Contains("The alert is cancelled", done, StringComparison.Ordinal);
        await app.RunWorkersAsync();
        await AssertSameViewAsync(normal, duress);

        // Normal: everyone told hears the all-clear. Duress: the panic becomes a duress alert, with the panic's note and location.
        Assert.Equal(AlertOutcome.Cancelled, (await app.WithDbAsync(db => db.Alerts.SingleAsync(a => a.Id == p1))).Outcome);
        foreach (var told in new[] { normal.ContactEmail, normal.Focal.Email, normal.Coordinator.Email })
            Assert.Contains(app.AlertsTo(told), t => t.Contains("is safe", StringComparison.Ordinal));
        foreach (var told in new[] { duress.ContactEmail, duress.Focal.Email, duress.Coordinator.Email })
        {
            Assert.DoesNotContain(app.AlertsTo(told), t => t.Contains("is safe", StringComparison.Ordinal));
            Assert.Contains(app.AlertsTo(told), t => t.Contains("may be in danger", StringComparison.Ordinal));
        }
        var alert = await DuressAlertAsync(duress);
        var view = await app.WithServicesAsync(async sp =>
        {
            var alerts = sp.GetRequiredService<AlertService>();
            return await alerts.ViewAsync((await alerts.RecipientForUserAsync(alert.Id, duress.Focal.Id, AlertService.Actions.View))!);
        });
        Assert.True(view.IsDuress);
        Assert.Equal(4.6097, view.Latitude);
        Assert.Equal("at the market", view.Note);
        foreach (var w in new[] { normal, duress })
        {
            // Both sign in (sessions are part of the view); the duress alert's page is 404 for its owner.
            using var owner = await app.SignedInAsync(w.Owner);
            Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/alerts/{alert.Id}")).Status);
            // The grants fast track from an alert: not offered for the duress alert, exactly as for one that does not exist.
            Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(Amparo.Web.Pages.Grants.EmergencyModel.FromAlert(alert.Id))).Status);
        }
        // ...and offered for the cancelled panic alike on both sides: the same page but for the alert's id.
        var (f1, e1) = await c1.GetAsync(Amparo.Web.Pages.Grants.EmergencyModel.FromAlert(p1));
        var (f2, e2) = await c2.GetAsync(Amparo.Web.Pages.Grants.EmergencyModel.FromAlert(p2));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (f1, f2));
        Assert.Equal(MainOf(e1), MainOf(e2));

        await app.StepAsync(TimeSpan.FromMinutes(16));
        await RespondersHandleAsync(duress);
        await AssertSameViewAsync(normal, duress);
    }

    [Fact]
    public async Task PanicCancel_ThroughTheApi_AnswersTheSameForBothPins_AndOnlyTheOwnerCanCancel()
    {
        var (normal, duress) = await TwinsAsync();
        var p1 = (await app.PostAsync(normal.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        var p2 = (await app.PostAsync(duress.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();

        // Nobody but the owner: another person, a responder told about it, the owner of the twin world.
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(await app.TokenAsync(normal.Focal), $"/api/v1/alerts/{p1}/cancel", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(duress.Token, $"/api/v1/alerts/{p1}/cancel", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(normal.Token, $"/api/v1/alerts/{p1}/cancel", new { })).Status);

        var (s1, b1) = await app.PostAsync(normal.Token, $"/api/v1/alerts/{p1}/cancel", new { pin = CheckInKit.Pin });
        var (s2, b2) = await app.PostAsync(duress.Token, $"/api/v1/alerts/{p2}/cancel", new { pin = CheckInKit.DuressPin });
        Assert.Equal(HttpStatusCode.NoContent, s1);
        Assert.Equal(s1, s2);
        Assert.Equal(b1.ValueKind, b2.ValueKind);
        // Again: closed for both.
        Assert.Equal(HttpStatusCode.Conflict, (await app.PostAsync(normal.Token, $"/api/v1/alerts/{p1}/cancel", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await app.PostAsync(duress.Token, $"/api/v1/alerts/{p2}/cancel", new { pin = CheckInKit.Pin })).Status);
        await app.RunWorkersAsync();
        await AssertSameViewAsync(normal, duress);
    }

    [Fact]
    public async Task PanicCancel_AfterThreeWrongPins_IsLocked_AndTheRightPinNoLongerCallsHelpOff()
    {
        var w = await app.WorldAsync();
        var id = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        for (var i = 0; i < CheckInService.MaxCancelTries; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(w.Token, $"/api/v1/alerts/{id}/cancel", new { pin = "0000" })).Status);
        var (status, body) = await app.PostAsync(w.Token, $"/api/v1/alerts/{id}/cancel", new { pin = CheckInKit.Pin });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Too many wrong PINs", body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(AlertState.Open, (await app.WithDbAsync(db => db.Alerts.SingleAsync(a => a.Id == id))).State);
        await app.RunWorkersAsync();
        Assert.DoesNotContain(app.AlertsTo(w.ContactEmail), t => t.Contains("is safe", StringComparison.Ordinal));

        // A missed-check-in alert is not a panic: there is nothing to cancel (404).
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(5));
        await app.StepAsync(TimeSpan.FromMinutes(16));
        var missed = (await app.AlertOfVisitAsync(visitId))!;
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(w.Token, $"/api/v1/alerts/{missed.Id}/cancel", new { pin = CheckInKit.Pin })).Status);
    }

    [Fact]
    public async Task FocalPointUnderDuress_SeesNothingOfHerOwnDuressAlert_OnHerHomePageBoardOrAnywhereHerAccountReaches()
    {
        var (normal, duress) = await TwinsAsync(ownerIsFocalPoint: true);
        var v1 = await app.PlanAsync(normal.Token, TimeSpan.FromMinutes(30));
        var v2 = await app.PlanAsync(duress.Token, TimeSpan.FromMinutes(30));
        var dueAt = (await app.VisitAsync(normal.Token, v1)).GetProperty("dueAt").GetDateTime();
        await app.StepToAsync(dueAt.AddMinutes(10));

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(normal.Token, $"/api/v1/visits/{v1}/check-ins", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(duress.Token, $"/api/v1/visits/{v2}/check-ins", new { pin = CheckInKit.DuressPin })).Status);
        await app.RunWorkersAsync();

        var alert = await DuressAlertAsync(duress);
        // Her colleagues are told; she, a focal point of the same organization, is not among the people told.
        Assert.Contains(app.AlertsTo(duress.Focal.Email), t => t.Contains("may be in danger", StringComparison.Ordinal));
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<AlertService>().RecipientForUserAsync(alert.Id, duress.Owner.Id, AlertService.Actions.View)));
        foreach (var w in new[] { normal, duress })
        {
            using var client = await app.SignedInAsync(w.Owner);
            var (status, board) = await client.GetAsync("/whereabouts");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(w.Focal.Name(), board, StringComparison.Ordinal); // the board works and shows her colleague
            Assert.DoesNotContain(alert.Id.ToString(), board, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/alerts/{alert.Id}")).Status);
        }
        await AssertSameViewAsync(normal, duress);

        await app.StepAsync(TimeSpan.FromMinutes(16));
        await RespondersHandleAsync(duress);
        await AssertSameViewAsync(normal, duress);
    }
}

public sealed class DuressViewTestsSqlite(DuressSqliteApp app) : DuressViewTests(app), IClassFixture<DuressSqliteApp>;
// SQLite only (suite time, issue 8): the two worlds are compared on one database, so what differs between providers cancels out; the durable facts' storage per side runs on PostgreSQL in DurableFactTests. PostgreSQL still gets every page and form of these from the fuzzers.
