using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// Moves visits along (reminders, overdue, alert) and alerts up their levels when their time comes. Sleeps until
/// the next due instant in the database, and is woken when nearer work is added. Every change is a conditional
/// update on the row's version, so a check-in racing the engine, or a second instance, has exactly one winner.
/// </summary>
public sealed class AlertEngine(
    IServiceScopeFactory scopes, WorkSignal signal, Heartbeats heartbeats, TimeProvider clock,
    IOptions<CheckInOptions> options, FactDispatcher facts, ILogger<AlertEngine> logger) : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "alert-engine";
    private const int Batch = 50;
    private DateTime _nextRetention;

    public override string Name => WorkerName;
    protected override TimeSpan MaxSleep => TimeSpan.FromSeconds(options.Value.MaxSleepSeconds);
    protected override Task NextWake() => signal.EngineWake;

    /// <summary>Does everything due now; returns when something is next due (null: nothing scheduled). Each batch has its own scope and transaction.</summary>
    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        // Each part on its own: a failure in one must not stop the others.
        await Guarded("visits", async () => { while (await VisitsAsync(ct) == Batch) { } }, ct);
        await Guarded("alerts", async () => { while (await AlertsAsync(ct) == Batch) { } }, ct);
        await Guarded("retention", () => RetentionAsync(ct), ct);
        var db = services.GetRequiredService<AmparoDbContext>();
        var visit = await db.Visits.Where(v => v.NextActionAt != null).MinAsync(v => v.NextActionAt, ct);
        var alert = await db.Alerts.Where(a => a.NextStepAt != null).MinAsync(a => a.NextStepAt, ct);
        return visit is null ? alert : alert is null ? visit : visit < alert ? visit : alert;
    }

    private async Task Guarded(string part, Func<Task> run, CancellationToken ct)
    {
        try { await run(); }
        catch (Exception ex) when (!IsShutdown(ex, ct))
        {
            logger.LogError(ex, "The alert engine failed on {Part}; the other parts go on", part);
        }
    }

    private async Task<int> VisitsAsync(CancellationToken ct)
    {
        using var scope = Scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var escalation = scope.ServiceProvider.GetRequiredService<Escalation>();
        var reminders = scope.ServiceProvider.GetRequiredService<Reminders>();
        var now = Clock.GetUtcNow().UtcDateTime;
        // Look first without a transaction: on SQLite beginning one takes the write lock.
        if (!await db.Visits.AnyAsync(v => v.NextActionAt <= now, ct)) return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await DueVisits(db, now).ToListAsync(ct);
        var raised = new List<Fact>();
        foreach (var visit in due)
        {
            // ChangeTracker.Clear() after the previous item detached this one too: track it again, or its changes are lost.
            if (db.Entry(visit).State == EntityState.Detached) db.Attach(visit);
            Alert? alert = null;
            var done = await OneAsync(db, tx, "visit", visit.Id, async () =>
            {
                alert = await AdvanceAsync(db, escalation, reminders, visit, now, ct);
                // A missed check-in is the same fact for both sides; recorded in the item's savepoint, so undone with it.
                if (alert is not null) facts.Record(db, Published.Same(Raised(alert, visit)));
                visit.Version++;
            }, () => db.Visits.Where(v => v.Id == visit.Id).ExecuteUpdateAsync(u => u.SetProperty(v => v.NextActionAt, now.AddMinutes(1)), ct), ct);
            if (done && alert is not null) raised.Add(Raised(alert, visit));
        }
        await tx.CommitAsync(ct);
        if (due.Count > 0) signal.WakeDispatcher();
        await facts.PublishAsync(new Published(raised, raised), ct);
        return due.Count;
    }

    private static AlertRaised Raised(Alert alert, Visit visit) => new(alert.OwnerId, alert.CreatedAt, alert.Id, alert.Kind, visit.Id);

    private static IQueryable<Visit> DueVisits(AmparoDbContext db, DateTime now) =>
        db.Database.IsNpgsql()
            // Several instances: each takes rows the others have not locked, instead of queuing behind them.
            ? db.Visits.FromSqlInterpolated($"""SELECT * FROM "Visits" WHERE "NextActionAt" <= {now} ORDER BY "NextActionAt" LIMIT {Batch} FOR NO KEY UPDATE SKIP LOCKED""")
            : db.Visits.Where(v => v.NextActionAt <= now).OrderBy(v => v.NextActionAt).Take(Batch);

    /// <summary>Everything due for one visit at <paramref name="now"/>, in order — after a clock jump, several steps at once. Returns the alert it raised, if any.</summary>
    private static async Task<Alert?> AdvanceAsync(AmparoDbContext db, Escalation escalation, Reminders reminders, Visit visit, DateTime now, CancellationToken ct)
    {
        Alert? raised = null;
        while (VisitSchedule.NextAction(visit) is { } at && at <= now)
        {
            switch (visit.State)
            {
                case VisitState.Planned:
                    visit.State = VisitState.Active;
                    VisitSchedule.Reschedule(visit, now);
                    break;
                case VisitState.Active when now < visit.DeadlineAt:
                    await reminders.SendAsync(db, visit, early: true, ct);
                    visit.RemindersSent = 1;
                    break;
                case VisitState.Active:
                    if (now < VisitSchedule.AlertAt(visit)) await reminders.SendAsync(db, visit, early: false, ct);
                    visit.RemindersSent = 2;
                    visit.State = VisitState.Overdue;
                    break;
                case VisitState.Invited:
                    CheckInService.Decline(visit, now);
                    break;
                case VisitState.Overdue:
                    raised = await escalation.RaiseAsync(visit.OwnerId, visit, AlertKind.Missed, visit.IsDrill, null, null, ct);
                    visit.AlertId = raised.Id;
                    visit.State = VisitState.Alerting;
                    break;
                case VisitState.Alerting or VisitState.Closed:
                    // VisitSchedule.NextAction gives these no time, so the loop never gets here.
                    throw new System.Diagnostics.UnreachableException($"A visit that is {visit.State} has no next step.");
            }
        }
        visit.NextActionAt = VisitSchedule.NextAction(visit);
        return raised;
    }

    private async Task<int> AlertsAsync(CancellationToken ct)
    {
        using var scope = Scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var escalation = scope.ServiceProvider.GetRequiredService<Escalation>();
        var now = Clock.GetUtcNow().UtcDateTime;
        if (!await db.Alerts.AnyAsync(a => a.NextStepAt <= now, ct)) return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await (db.Database.IsNpgsql()
            ? db.Alerts.FromSqlInterpolated($"""SELECT * FROM "Alerts" WHERE "NextStepAt" <= {now} ORDER BY "NextStepAt" LIMIT {Batch} FOR NO KEY UPDATE SKIP LOCKED""")
            : db.Alerts.Where(a => a.NextStepAt <= now).OrderBy(a => a.NextStepAt).Take(Batch)).ToListAsync(ct);
        foreach (var alert in due)
        {
            if (db.Entry(alert).State == EntityState.Detached) db.Attach(alert);
            await OneAsync(db, tx, "alert", alert.Id, async () =>
            {
                var owner = await db.Users.SingleAsync(u => u.Id == alert.OwnerId, ct);
                await escalation.ReopenIfHandlerLostAsync(alert, ct);
                if (alert.State == AlertState.Acknowledged) alert.NextStepAt = escalation.CheckBackAt(now);
                else if (alert.State != AlertState.Open) alert.NextStepAt = null;
                else if (alert.Level == 0 && alert.Kind is AlertKind.Duress or AlertKind.Panic) await escalation.FanOutAsync(alert, owner, ct);
                else if (alert.Level < Escalation.LastLevel) await escalation.StepAsync(alert, owner, ct);
                else await escalation.RepeatAsync(alert, owner, ct);
                alert.Version++;
            }, () => db.Alerts.Where(a => a.Id == alert.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.NextStepAt, now.AddMinutes(1)), ct), ct);
        }
        await tx.CommitAsync(ct);
        if (due.Count > 0) signal.WakeDispatcher();
        return due.Count;
    }

    /// <summary>
    /// One visit or alert inside the batch's transaction, in its own savepoint: a conflict (a check-in got there first)
    /// undoes only this item; any other failure undoes it, logs, and parks it a minute ahead, so one bad row can never
    /// hold up every other alert on the server.
    /// </summary>
    private async Task<bool> OneAsync(AmparoDbContext db, IDbContextTransaction tx, string what, Guid id, Func<Task> step, Func<Task<int>> park, CancellationToken ct)
    {
        var done = false;
        await tx.CreateSavepointAsync("item", ct);
        try
        {
            await step();
            await db.SaveChangesAsync(ct);
            await tx.ReleaseSavepointAsync("item", ct);
            done = true;
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackToSavepointAsync("item", ct);
        }
        catch (Exception ex) when (!IsShutdown(ex, ct))
        {
            await tx.RollbackToSavepointAsync("item", ct);
            db.ChangeTracker.Clear();
            logger.LogError(ex, "The alert engine could not move {What} {Id} on; it tries again in a minute", what, id);
            await park();
        }
        db.ChangeTracker.Clear();
        return done;
    }

    /// <summary>Precise locations are kept only while they matter, plus the retention period.</summary>
    public async Task RetentionAsync(CancellationToken ct, bool force = false)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        if (!force && now < _nextRetention) return;
        _nextRetention = now.AddMinutes(10);
        using var scope = Scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var before = now.AddDays(-options.Value.LocationRetentionDays);
        var openAlertVisits = db.Alerts.Where(a => a.State != AlertState.Resolved && a.VisitId != null).Select(a => a.VisitId);
        var oldVisits = db.Visits.Where(v => v.State == VisitState.Closed && v.ClosedAt < before && !openAlertVisits.Contains(v.Id));
        await oldVisits.Where(v => v.CoordinatesCipher != null).ExecuteUpdateAsync(s => s.SetProperty(v => v.CoordinatesCipher, (byte[]?)null), ct);
        await db.CheckIns.Where(c => c.CoordinatesCipher != null && oldVisits.Select(v => v.Id).Contains(c.VisitId))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.CoordinatesCipher, (byte[]?)null), ct);
        await db.Alerts.Where(a => a.State == AlertState.Resolved && a.ResolvedAt < before && a.LocationCipher != null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LocationCipher, (byte[]?)null), ct);
        // Delivered notifications hold links and addresses: kept a little for the timeline, then removed.
        await db.Outbox.Where(m => m.State != OutboxState.Pending && m.CreatedAt < before).ExecuteDeleteAsync(ct);
    }
}
