using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// The right to respond to an alert is checked on every access, by one rule: someone told about an alert who since
/// lost the right (removed from the organization, demoted, the defender stopped sharing, removed from the network, a
/// contact who withdrew) no longer sees it or its live location, through the page, the link or the API, and cannot
/// take it on or close it; the attempt is an authorization failure in the audit trail and the escalation goes on.
/// </summary>
public abstract partial class ResponderAccessTests(AppFixture app)
{
    private const string Lat = "14.634912";

    [Fact]
    public async Task FocalPointWhoStillHasTheRight_SeesTheLiveLocation_AndResolves()
    {
        var (w, alertId) = await PanicAsync();
        var focal = await OpenAsync(w.Focal);
        Assert.Contains(Lat, focal.Html, StringComparison.Ordinal);
        var link = await OpenLinkAsync(w.Focal.Email);
        Assert.Contains(Lat, link.Html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(link, "Resolve", new() { ["Outcome"] = "false-alarm" })).StatusCode);
        Assert.Equal(AlertState.Resolved, (await AlertAsync(alertId)).State);
        Assert.False(await DeniedAsync(alertId));
    }

    [Fact]
    public async Task RemovedFocalPoint_CannotSeeOrResolveTheAlert_AndEscalationContinues()
    {
        var (w, alertId) = await PanicAsync();
        var page = await OpenAsync(w.Focal);
        var link = await OpenLinkAsync(w.Focal.Email);
        var api = await app.TokenAsync(w.Focal);
        Assert.Contains($"id=\"alert-{alertId}\"", (await page.Client.GetAsync("/alerts/open")).Html, StringComparison.Ordinal);

        Assert.Equal(OrganizationService.ChangeResult.Done,
            await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(w.OrgId, w.OrgAdmin.Id, w.Focal.Id)));

        await AssertLockedOutAsync(alertId, page, link, api, w.Focal.Id);
        // Nor is it in their lists any more (home, board, the refresh fragment).
        foreach (var url in new[] { "/", "/whereabouts", "/alerts/open" })
            Assert.DoesNotContain(alertId.ToString(), (await page.Client.GetAsync(url)).Html, StringComparison.Ordinal);
        // The escalation goes on: the next repeat reaches those who still have the right, and not the one removed.
        var before = app.AlertsTo(w.Focal.Email).Count;
        await app.StepAsync(TimeSpan.FromMinutes(16));
        Assert.Equal(before, app.AlertsTo(w.Focal.Email).Count);
        Assert.Equal(2, app.AlertsTo(w.Coordinator.Email, w.Owner.Name()).Count);
    }

    [Fact]
    public async Task DemotedFocalPoint_CannotSeeOrResolveTheAlert()
    {
        var (w, alertId) = await PanicAsync();
        var page = await OpenAsync(w.Focal);
        var link = await OpenLinkAsync(w.Focal.Email);
        var api = await app.TokenAsync(w.Focal);

        Assert.Equal(OrganizationService.ChangeResult.Done,
            await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().ChangeRoleAsync(w.OrgId, w.OrgAdmin.Id, w.Focal.Id, OrgRole.Member)));

        await AssertLockedOutAsync(alertId, page, link, api, w.Focal.Id);
    }

    [Fact]
    public async Task FocalPoint_WhenTheDefenderStopsSharingWithTheOrganization_CannotSeeOrResolveTheAlert_WhileTheCoordinatorStillCan()
    {
        var (w, alertId) = await PanicAsync();
        var page = await OpenAsync(w.Focal);
        var link = await OpenLinkAsync(w.Focal.Email);
        var api = await app.TokenAsync(w.Focal);

        await app.SharingAsync(w.Owner, orgRule: false, networkRule: true);

        await AssertLockedOutAsync(alertId, page, link, api, w.Focal.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(await app.TokenAsync(w.Coordinator), $"/api/v1/alerts/{alertId}/acknowledge")).Status);
    }

    [Fact]
    public async Task RemovedCoordinator_CannotSeeOrResolveTheAlert()
    {
        var (w, alertId) = await PanicAsync();
        var page = await OpenAsync(w.Coordinator);
        var link = await OpenLinkAsync(w.Coordinator.Email);
        var api = await app.TokenAsync(w.Coordinator);

        await app.WithDbAsync(db => db.NetworkCoordinators.Where(c => c.NetworkId == w.NetworkId && c.UserId == w.Coordinator.Id).ExecuteDeleteAsync());

        await AssertLockedOutAsync(alertId, page, link, api, w.Coordinator.Id);
    }

    [Fact]
    public async Task Coordinator_WhenTheDefendersOrganizationLeavesTheNetwork_OrTheNetworkRuleEnds_CannotSeeTheAlert()
    {
        var (w, alertId) = await PanicAsync();
        var link = await OpenLinkAsync(w.Coordinator.Email);
        await app.SharingAsync(w.Owner, orgRule: true, networkRule: false);
        Assert.Equal(HttpStatusCode.NotFound, (await link.Client.GetAsync(link.Page)).Status);

        await app.SharingAsync(w.Owner, orgRule: true, networkRule: true);
        Assert.Equal(HttpStatusCode.OK, (await link.Client.GetAsync(link.Page)).Status); // the right is asked anew, not remembered
        await app.WithDbAsync(db => db.NetworkOrganizations.Where(n => n.NetworkId == w.NetworkId && n.OrganizationId == w.OrgId).ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await link.Client.GetAsync(link.Page)).Status);
    }

    [Fact]
    public async Task WithdrawnContact_LinkEnds_AndCannotResolve()
    {
        var (w, alertId) = await PanicAsync();
        var link = await OpenLinkAsync(w.ContactEmail);

        Assert.True(await app.WithServicesAsync(async sp => await sp.GetRequiredService<ContactService>().WithdrawByLinkAsync(await app.ConsentTokenAsync(w.ContactId))));

        var (status, html) = await link.Client.GetAsync(link.Page);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain(Lat, html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(link, "Acknowledge", [])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(link, "Resolve", new() { ["Outcome"] = "false-alarm" })).StatusCode);
        var alert = await AlertAsync(alertId);
        Assert.Equal(AlertState.Open, alert.State);
        Assert.NotNull(alert.NextStepAt);
        Assert.True(await DeniedAsync(alertId, null, AlertService.Actions.Resolve));
    }

    [Fact]
    public async Task FocalPointWhoAcknowledged_ThenWasRemoved_NoLongerHoldsTheAlert_AndEscalationResumes()
    {
        var (w, alertId) = await PanicAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(await app.TokenAsync(w.Focal), $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        await app.StepAsync(TimeSpan.Zero); // the others hear who handles it
        // While the handler keeps the right, the check-back changes nothing and tells nobody.
        var coordinatorBefore = app.AlertsTo(w.Coordinator.Email, w.Owner.Name()).Count;
        await app.StepAsync(TimeSpan.FromMinutes(16));
        Assert.Equal(AlertState.Acknowledged, (await AlertAsync(alertId)).State);
        Assert.Equal(coordinatorBefore, app.AlertsTo(w.Coordinator.Email, w.Owner.Name()).Count);

        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(w.OrgId, w.OrgAdmin.Id, w.Focal.Id));
        await app.StepAsync(TimeSpan.FromMinutes(16));

        var alert = await AlertAsync(alertId);
        Assert.Equal(AlertState.Open, alert.State);
        Assert.Null(alert.AcknowledgedByRecipientId);
        Assert.Contains(app.AlertsTo(w.Coordinator.Email, w.Owner.Name()).Skip(coordinatorBefore), t => t.Contains("nobody has answered yet", StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync(db => db.AlertEvents.AnyAsync(e => e.AlertId == alertId && e.Kind == AlertEvents.HandlerLost)));
        // Someone who still has the right can take it on.
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(await app.TokenAsync(w.Coordinator), $"/api/v1/alerts/{alertId}/acknowledge")).Status);
    }

    [Fact]
    public async Task RemovedFocalPoint_CannotAcknowledgeThroughTheCallTheSmsReplyMakes()
    {
        var (w, alertId) = await PanicAsync();
        var recipientId = await app.WithDbAsync(db => db.AlertRecipients.Where(r => r.AlertId == alertId && r.UserId == w.Focal.Id).Select(r => r.Id).SingleAsync());
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(w.OrgId, w.OrgAdmin.Id, w.Focal.Id));

        Assert.False(await app.WithServicesAsync(sp => sp.GetRequiredService<AlertService>().AcknowledgeAsync(alertId, recipientId)));
        Assert.Equal(AlertState.Open, (await AlertAsync(alertId)).State);
        Assert.True(await DeniedAsync(alertId, w.Focal.Id, AlertService.Actions.Acknowledge));
    }

    // ---- helpers ----

    /// <summary>A page the responder opened while they had the right, with the form token it gave them.</summary>
    private sealed record Opened(TestClient Client, string Page, string Html, string FormToken);

    private async Task<(World W, Guid AlertId)> PanicAsync()
    {
        var w = await app.WorldAsync();
        var (status, body) = await app.PostAsync(w.Token, "/api/v1/panic", new { latitude = 14.634912, longitude = -90.506882 });
        Assert.Equal(HttpStatusCode.Created, status);
        await app.RunWorkersAsync();
        return (w, body.GetProperty("alertId").GetGuid());
    }

    private async Task<Opened> OpenAsync(OrgKit.Person person)
    {
        var client = await app.SignedInAsync(person);
        var alertId = await app.WithDbAsync(db => db.AlertRecipients.Where(r => r.UserId == person.Id).Select(r => r.AlertId).SingleAsync());
        return await OpenPageAsync(client, $"/alerts/{alertId}");
    }

    private async Task<Opened> OpenLinkAsync(string email)
    {
        var text = Assert.Single(app.AlertsTo(email));
        return await OpenPageAsync(app.NewClient(), OrgKit.PathOf(new Uri(ResponderLink().Match(text).Value)));
    }

    private static async Task<Opened> OpenPageAsync(TestClient client, string page)
    {
        var (status, html) = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        return new Opened(client, page, html, TestClient.AntiforgeryToken(html)!);
    }

    private static async Task<HttpResponseMessage> PostAsync(Opened opened, string handler, Dictionary<string, string> fields)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__af"] = opened.FormToken });
        return await opened.Client.Http.PostAsync(new Uri($"{opened.Page}?handler={handler}", UriKind.Relative), content);
    }

    /// <summary>Page, link and API all answer 404 as for data never seen; nothing changes; the attempts are audited as failures.</summary>
    private async Task AssertLockedOutAsync(Guid alertId, Opened page, Opened link, string apiToken, Guid who)
    {
        foreach (var opened in new[] { page, link })
        {
            var (status, html) = await opened.Client.GetAsync(opened.Page);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.DoesNotContain(Lat, html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(opened, "Acknowledge", [])).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(opened, "Resolve", new() { ["Outcome"] = "false-alarm" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(opened, "Escalate", [])).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(apiToken, $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostAsync(apiToken, $"/api/v1/alerts/{alertId}/resolve", new { outcome = "false-alarm" })).Status);

        var alert = await AlertAsync(alertId);
        Assert.Equal(AlertState.Open, alert.State);
        Assert.Null(alert.Outcome);
        Assert.NotNull(alert.NextStepAt);
        Assert.True(await DeniedAsync(alertId, who, AlertService.Actions.Resolve));
        Assert.True(await DeniedAsync(alertId, who, AlertService.Actions.Acknowledge));
        Assert.False(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEvents.AlertResolved && e.ActorId == who)));
    }

    private Task<Alert> AlertAsync(Guid id) => app.WithDbAsync(db => db.Alerts.AsNoTracking().SingleAsync(a => a.Id == id));

    private Task<bool> DeniedAsync(Guid alertId, Guid? who = null, string? action = null) =>
        app.WithDbAsync(async db =>
        {
            var details = await db.AuditEvents.Where(e => e.Type == AuditEvents.AlertAccessDenied && (who == null || e.ActorId == who)).Select(e => e.Detail).ToListAsync();
            return details.Any(d => d.StartsWith($"alert:{alertId:N}", StringComparison.Ordinal) && (action is null || d.EndsWith(":" + action, StringComparison.Ordinal)));
        });

    [GeneratedRegex(@"http://localhost/r/[A-Za-z0-9_\-]+")]
    private static partial Regex ResponderLink();
}

[Collection(nameof(SharedHosts.CheckInsWithClockOnSqlite))]
public sealed class ResponderAccessTestsSqlite(CheckInSqliteApp app) : ResponderAccessTests(app);
[Collection(nameof(SharedHosts.CheckInsWithClockOnPostgres))]
public sealed class ResponderAccessTestsPostgres(CheckInPostgresApp app) : ResponderAccessTests(app);
