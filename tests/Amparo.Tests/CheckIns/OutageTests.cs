using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>The mail server goes down for five minutes of moved time while an alert is due, then comes back.</summary>
public abstract class OutageTests(AppFixture app)
{
    [Fact]
    public async Task MailDown_RetriesWithBackoff_FallsBackToTheWebhookAfterTheWait_AndDeliversEverythingWhenMailReturns()
    {
        var w = await app.WorldAsync(orgRule: true, networkRule: false);
        using var sink = new WebhookSink();
        var webEmail = TestData.Email("webcontact");
        await app.ConfirmedContactAsync(w.Owner, "Wen Webhook", (ChannelKind.Email, webEmail), (ChannelKind.Webhook, sink.Url));
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20));
        var alertAt = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime().AddMinutes(10);
        await app.StepToAsync(alertAt.AddMinutes(-1));
        var gate = app.Extras().Gate;

        gate.IsOpen = false;
        try
        {
            await app.StepToAsync(alertAt);
            var alert = (await app.AlertOfVisitAsync(visitId))!;
            // Five minutes of outage in 10-second steps; the fallback channel is used after its wait, not before.
            var webhookAt = (DateTime?)null;
            for (var t = 10; t <= 300; t += 10)
            {
                await app.StepToAsync(alertAt.AddSeconds(t));
                if (webhookAt is null && !sink.Bodies.IsEmpty) webhookAt = app.Now();
            }
            Assert.Equal(alertAt.AddSeconds(CheckInExtras.FallbackAfterSeconds), webhookAt);
            Assert.Contains(sink.Bodies, b => b.Contains($"{w.Owner.Name()} has not checked in", StringComparison.Ordinal));
            Assert.Single(sink.Bodies);
            Assert.Empty(app.AlertsTo(w.ContactEmail));
            // Retried with backoff, not at every step: far fewer attempts than steps.
            var attempts = await app.WithDbAsync(db => db.Outbox.Where(m => m.AlertId == alert.Id && m.Channel == ChannelKind.Email).MaxAsync(m => m.Attempts));
            Assert.InRange(attempts, 3, 12);
            Assert.True(gate.Refused >= 3);
            var timeline = await app.WithServicesAsync(sp => sp.GetRequiredService<AlertService>().TimelineAsync(alert.Id));
            Assert.Contains(timeline, e => e.Kind == AlertEvents.Failed && e.Channel == "email");
            Assert.Contains(timeline, e => e.Kind == AlertEvents.Sent && e.Channel == "webhook");
        }
        finally
        {
            gate.IsOpen = true;
        }

        // Mail is back: within the longest backoff everything pending goes out, once.
        for (var i = 0; i < 3; i++) await app.StepAsync(TimeSpan.FromSeconds(60));
        var alertId = (await app.AlertOfVisitAsync(visitId))!.Id;
        Assert.Single(app.AlertsTo(w.ContactEmail));
        Assert.Empty(app.AlertsTo(webEmail)); // reached by webhook: its e-mail was cancelled, not sent twice
        var states = await app.WithDbAsync(db => db.Outbox.Where(m => m.AlertId == alertId).Select(m => m.State).ToListAsync());
        Assert.DoesNotContain(OutboxState.Pending, states);
        Assert.DoesNotContain(OutboxState.Failed, states);

        // The next level, with mail up, goes out on time.
        await app.StepToAsync(alertAt.AddMinutes(15));
        Assert.Single(app.AlertsTo(w.Focal.Email));
        var timelineAfter = await app.WithServicesAsync(sp => sp.GetRequiredService<AlertService>().TimelineAsync(alertId));
        Assert.Equal(4, timelineAfter.Count(e => e.Kind == AlertEvents.Sent)); // contact, webhook contact, focal point, org admin
    }
}

[Collection(nameof(SharedHosts.CheckInsWithClockOnSqlite))]
public sealed class OutageTestsSqlite(CheckInSqliteApp app) : OutageTests(app);
[Collection(nameof(SharedHosts.CheckInsWithClockOnPostgres))]
public sealed class OutageTestsPostgres(CheckInPostgresApp app) : OutageTests(app);
