using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// Escalation and the Plan-a-visit page ask the one audience rule (Access.AudienceOf) for levels 2 and 3: a person the owner
/// opened their visits and alerts to by name is told with the focal points at level 2, shown there on the plan, and is
/// neither told nor shown once the grant is withdrawn. The open-alerts list (home page, whereabouts board, the refresh
/// fragment) asks the same rule: exactly those who may respond see an alert, from the moment it is raised.
/// </summary>
public abstract class EscalationAudienceTests(AppFixture app)
{
    [Fact]
    public async Task ANamedPersonGrantedVisitsAndAlerts_IsToldAtLevel2_AndShownOnThePlan_UntilTheGrantIsWithdrawn()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var buddy = await app.PersonAsync("buddy", name: "Bea Buddy " + Guid.NewGuid().ToString("N")[..4]);
        var grant = AccessGrant.ToPerson(w.Owner.Id, DataCategory.VisitsAndAlerts, buddy.Id, app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(db => { db.AccessGrants.Add(grant); return db.SaveChangesAsync(); });

        using var client = await app.SignedInAsync(w.Owner);
        var (_, plan) = await client.GetAsync("/visits/new");
        // The buddy is in no organization of the owner's: their name on the plan can only be the level-2 line.
        Assert.Contains(buddy.User.DisplayName, plan, StringComparison.Ordinal);

        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20));
        var alertAt = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime().AddMinutes(10);
        await app.StepToAsync(alertAt);
        Assert.Empty(app.AlertsTo(buddy.Email));
        await app.StepToAsync(alertAt.AddMinutes(15));
        Assert.Single(app.AlertsTo(buddy.Email));
        Assert.Empty(app.AlertsTo(w.Focal.Email));
        Assert.Empty(app.AlertsTo(w.Coordinator.Email));

        await app.WithDbAsync(db => db.AccessGrants.Where(g => g.Id == grant.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, app.Clock.GetUtcNow().UtcDateTime)));
        (_, plan) = await client.GetAsync("/visits/new");
        Assert.DoesNotContain(buddy.User.DisplayName, plan, StringComparison.Ordinal);
        // Withdrawn: the repeats of the open alert no longer reach them either (the right to respond is asked anew).
        await app.StepToAsync(alertAt.AddMinutes(60));
        Assert.Single(app.AlertsTo(buddy.Email));
    }

    [Fact]
    public async Task AnOpenPanic_IsOnTheHomePageAndAtTheTopOfTheBoard_OfThoseWhoMayRespond_FromTheFirstSecond_UntilItIsResolved()
    {
        var w = await app.WorldAsync();
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == w.Focal.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "America/Bogota")));
        var outsider = await app.PersonAsync("outsider");
        await app.AddMemberAsync(await app.OrganizationAsync(await app.PersonAsync("otheradmin")), outsider, OrgRole.FocalPoint);
        using var focal = await app.SignedInAsync(w.Focal);
        using var coordinator = await app.SignedInAsync(w.Coordinator);
        using var stranger = await app.SignedInAsync(outsider);
        using var owner = await app.SignedInAsync(w.Owner);
        using var anonymous = app.NewClient();

        var (status, body) = await app.PostAsync(w.Token, "/api/v1/panic", new { latitude = 14.634912, longitude = -90.506882 });
        Assert.Equal(HttpStatusCode.Created, status);
        var alertId = body.GetProperty("alertId").GetGuid();
        var item = $"id=\"alert-{alertId}\"";

        // No worker run, no clock moved: the list reads the alert itself.
        var (_, board) = await focal.GetAsync("/whereabouts");
        Assert.Contains(item, board, StringComparison.Ordinal);
        Assert.True(board.IndexOf(item, StringComparison.Ordinal) < board.IndexOf("id=\"board-visits\"", StringComparison.Ordinal), "the alert is above the visits");
        Assert.DoesNotContain("Nobody who shares with you is out.", board, StringComparison.Ordinal); // a panic has no visit
        Assert.Contains("No planned visits under way.", board, StringComparison.Ordinal);
        Assert.Contains("Panic: " + w.Owner.Name(), board, StringComparison.Ordinal);
        Assert.Contains("(America/Bogota)", board, StringComparison.Ordinal); // "Updated 14:05 (America/Bogota)"
        Assert.Contains("href=\"/whereabouts\">Refresh</a>", board, StringComparison.Ordinal);
        Assert.Contains("data-refresh=\"/whereabouts?handler=Fragment\"", board, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv", board, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(item, (await focal.GetAsync("/")).Html, StringComparison.Ordinal);
        Assert.Contains(item, (await coordinator.GetAsync("/")).Html, StringComparison.Ordinal);

        // Once the engine has told them, the item links to the alert's page, which has its own "updated" line.
        await app.RunWorkersAsync();
        var (_, home) = await focal.GetAsync("/");
        Assert.Contains($"href=\"/alerts/{alertId}\"", home, StringComparison.Ordinal);
        Assert.Contains("Everyone told", home, StringComparison.Ordinal);
        Assert.Contains("data-refresh=\"/alerts/open\"", home, StringComparison.Ordinal);
        var (_, page) = await focal.GetAsync($"/alerts/{alertId}");
        Assert.Contains("(America/Bogota)", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/alerts/{alertId}\">Refresh</a>", page, StringComparison.Ordinal);

        // The fragments: the viewer's own list, never cached; someone else's list never has it; signed out, the sign-in page.
        using (var fragment = await focal.Http.GetAsync(new Uri("/alerts/open", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
            Assert.Contains("no-store", fragment.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            var html = await fragment.Content.ReadAsStringAsync();
            Assert.Contains(item, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
        }
        Assert.Contains(item, (await focal.GetAsync("/whereabouts?handler=Fragment")).Html, StringComparison.Ordinal);
        foreach (var url in new[] { "/", "/whereabouts", "/alerts/open", "/whereabouts?handler=Fragment" })
        {
            var (strangerStatus, strangerHtml) = await stranger.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, strangerStatus);
            Assert.DoesNotContain(alertId.ToString(), strangerHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(w.Owner.Name(), strangerHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(alertId.ToString(), (await owner.GetAsync(url)).Html, StringComparison.Ordinal); // nobody responds to themself
            var signedOut = await anonymous.Http.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.Contains("/account/sign-in", signedOut.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        // Someone handles it: the list says who; resolved: it leaves every list.
        var coordinatorToken = await app.TokenAsync(w.Coordinator);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(coordinatorToken, $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        Assert.Contains(w.Coordinator.Name() + " is handling it.", (await focal.GetAsync("/")).Html, StringComparison.Ordinal);
        Assert.Contains("You are handling it.", (await coordinator.GetAsync("/")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(coordinatorToken, $"/api/v1/alerts/{alertId}/resolve", new { outcome = "false-alarm" })).Status);
        foreach (var url in new[] { "/", "/whereabouts", "/alerts/open", "/whereabouts?handler=Fragment" })
            Assert.DoesNotContain(item, (await focal.GetAsync(url)).Html, StringComparison.Ordinal);
        (_, board) = await focal.GetAsync("/whereabouts");
        Assert.Contains("No open alerts.", board, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheList_PutsPanicAndDuressBeforeMissedCheckIns_ThenNewestFirst_LeavesOutWhoDoesNotShare_AndNeverShowsTheViewersOwnDuressAlert()
    {
        var w = await app.WorldAsync();
        // Three more members: one a focal point herself (she checks in under duress), one who panics, one who shares nothing.
        var duressed = await app.PersonAsync("duressed");
        var panicking = await app.PersonAsync("panicking");
        var privateOne = await app.PersonAsync("private");
        await app.AddMemberAsync(w.OrgId, duressed, OrgRole.FocalPoint);
        await app.AddMemberAsync(w.OrgId, panicking);
        await app.AddMemberAsync(w.OrgId, privateOne);
        await app.SharingAsync(privateOne, orgRule: false, networkRule: false);
        await app.SetPinsAsync(duressed);
        await app.SetPinsAsync(privateOne);
        var duressToken = await app.TokenAsync(duressed);
        var privateToken = await app.TokenAsync(privateOne);

        // Oldest: the duress check-in. Then the missed check-ins. Newest: the panic.
        var duressVisit = await app.PlanAsync(duressToken, TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(duressToken, $"/api/v1/visits/{duressVisit}/check-ins", new { pin = CheckInKit.DuressPin })).Status);
        await app.RunWorkersAsync();
        var missedVisit = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(5));
        var privateVisit = await app.PlanAsync(privateToken, TimeSpan.FromMinutes(5));
        await app.StepAsync(TimeSpan.FromMinutes(16)); // deadline + grace: both missed; the owner's trusted contact is told first
        var (status, body) = await app.PostAsync(await app.TokenAsync(panicking), "/api/v1/panic", new { });
        Assert.Equal(HttpStatusCode.Created, status);
        await app.RunWorkersAsync();

        var duressAlert = await app.WithDbAsync(db => db.Alerts.Where(a => a.OwnerId == duressed.Id && a.Kind == AlertKind.Duress).Select(a => a.Id).SingleAsync());
        var missedAlert = (await app.AlertOfVisitAsync(missedVisit))!.Id;
        var privateAlert = (await app.AlertOfVisitAsync(privateVisit))!.Id;
        var panicAlert = body.GetProperty("alertId").GetGuid();

        using var focal = await app.SignedInAsync(w.Focal);
        foreach (var url in new[] { "/", "/whereabouts" })
        {
            var (_, html) = await focal.GetAsync(url);
            int At(Guid id) => html.IndexOf($"id=\"alert-{id}\"", StringComparison.Ordinal);
            Assert.True(At(panicAlert) >= 0 && At(panicAlert) < At(duressAlert) && At(duressAlert) < At(missedAlert), url + ": panic, duress, then the missed check-in");
            Assert.Equal(-1, At(privateAlert));
            // The focal point's level has not come yet for the missed check-in: no link, and the list says why.
            Assert.DoesNotContain($"href=\"/alerts/{missedAlert}\"", html, StringComparison.Ordinal);
            Assert.Contains("The people before you are being told first.", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/alerts/{duressAlert}\"", html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(privateOne.Name(), (await focal.GetAsync("/whereabouts")).Html, StringComparison.Ordinal);

        // The focal point under duress sees her colleagues' alerts, never her own.
        using var her = await app.SignedInAsync(duressed);
        foreach (var url in new[] { "/", "/whereabouts", "/alerts/open", "/whereabouts?handler=Fragment" })
        {
            var (_, html) = await her.GetAsync(url);
            Assert.Contains($"id=\"alert-{panicAlert}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain(duressAlert.ToString(), html, StringComparison.Ordinal);
        }

        // Level 2 comes: the link appears.
        await app.StepAsync(TimeSpan.FromMinutes(15));
        Assert.Contains($"href=\"/alerts/{missedAlert}\"", (await focal.GetAsync("/alerts/open")).Html, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.CheckInsWithClockOnSqlite))]
public sealed class EscalationAudienceTestsSqlite(CheckInSqliteApp app) : EscalationAudienceTests(app);
[Collection(nameof(SharedHosts.CheckInsWithClockOnPostgres))]
public sealed class EscalationAudienceTestsPostgres(CheckInPostgresApp app) : EscalationAudienceTests(app);
