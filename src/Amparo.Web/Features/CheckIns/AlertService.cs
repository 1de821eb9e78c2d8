using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns;

/// <summary>What responders see of an alert: what the defender chose to share, the latest location while it is open, the timeline.</summary>
public sealed record ResponderView(
    Guid AlertId, Guid RecipientId, string OwnerName, AlertKind Kind, AlertState State, AlertOutcome? Outcome, bool IsDrill, bool IsDuress, int ShortCode,
    DateTime CreatedAt, string? HandledBy, bool HandledByMe, VisitDetails? Visit, string? Note, double? Latitude, double? Longitude, DateTime? LocationAt,
    IReadOnlyList<TimelineEntry> Timeline, string TimeZone = "UTC", bool TimeZoneIsOwners = false);

public sealed record TimelineEntry(DateTime At, string Kind, string? Who, string? Channel, int? Level, string? Detail);

/// <summary>One person out on the board; <see cref="PlannedBy"/> names who planned the visit when it was someone else.</summary>
public sealed record WhereaboutsRow(Guid VisitId, Guid OwnerId, string Name, VisitState State, DateTime DueAt, DateTime DeadlineAt, bool IsDrill, Guid? AlertId, string? PlannedBy = null);

/// <summary>
/// One open alert in a responder's list (home page, whereabouts board). <see cref="Told"/>: the viewer has been told
/// (has a recipient row), so the alert's page opens for them; otherwise earlier levels have it for now.
/// <see cref="Level"/> is the highest level told so far (1 contacts, 2 focal points, 3 coordinators; 0 while the first goes out).
/// </summary>
public sealed record OpenAlertRow(
    Guid AlertId, string OwnerName, AlertKind Kind, AlertState State, bool IsDrill, DateTime CreatedAt, int Level,
    bool Told, string? HandledBy, bool HandledByMe);

/// <summary>Acknowledging, resolving and following alerts. Responders act through their recipient row (from a signed link or their account).</summary>
public sealed class AlertService(
    AmparoDbContext db, Escalation escalation, CheckInService checkIns, FieldCipher cipher, CheckInSecrets secrets,
    AuditLog audit, WorkSignal signal, FactDispatcher facts, TimeProvider clock)
{
    /// <summary>What a responder does, as recorded when they no longer have the right to do it.</summary>
    public static class Actions
    {
        public const string View = "view", Acknowledge = "acknowledge", Resolve = "resolve", Escalate = "escalate";
    }

    /// <summary>
    /// The recipient behind a responder link; null when the link is forged or expired (alert resolved more than 24 hours
    /// ago), or when its holder no longer has the right to respond (the link ends with the right).
    /// </summary>
    public async Task<AlertRecipient?> RecipientFromLinkAsync(string? token, string action, CancellationToken ct = default)
    {
        if (await secrets.VerifyLinkAsync(db, LinkPurposes.Responder, token, ct) is not { } recipientId) return null;
        var recipient = await db.AlertRecipients.SingleOrDefaultAsync(r => r.Id == recipientId, ct);
        if (recipient is null) return null;
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == recipient.AlertId, ct);
        if (alert.ResolvedAt is { } resolved && resolved.AddHours(24) < clock.GetUtcNow().UtcDateTime) return null;
        return await EntitledAsync(recipient, alert.OwnerId, action, ct);
    }

    /// <summary>A signed-in person's recipient row on an alert (focal points and coordinators act from their account too); null once they lost the right to respond.</summary>
    public async Task<AlertRecipient?> RecipientForUserAsync(Guid alertId, Guid userId, string action, CancellationToken ct = default)
    {
        var recipient = await db.AlertRecipients.Where(r => r.AlertId == alertId && r.UserId == userId).OrderBy(r => r.Level).FirstOrDefaultAsync(ct);
        if (recipient is null) return null;
        var ownerId = await db.Alerts.Where(a => a.Id == alertId).Select(a => a.OwnerId).SingleAsync(ct);
        return await EntitledAsync(recipient, ownerId, action, ct);
    }

    /// <summary>
    /// The recipient while they still have the right to respond (<see cref="Access.MayRespondAsync"/>, asked anew on every
    /// access); otherwise null — callers answer as for data they cannot see — and the attempt is recorded as an authorization failure.
    /// </summary>
    private async Task<AlertRecipient?> EntitledAsync(AlertRecipient recipient, Guid ownerId, string action, CancellationToken ct)
    {
        if (await Access.MayRespondAsync(db, clock, ownerId, recipient, ct)) return recipient;
        await audit.WriteAsync(AuditEvents.AlertAccessDenied, recipient.UserId, ownerId, detail: $"alert:{recipient.AlertId:N}:{action}", ct: ct);
        return null;
    }

    /// <summary>The same check for the actions themselves, which callers reach with a recipient id (the SMS reply, a page raced by a revocation).</summary>
    private async Task<AlertRecipient?> EntitledAsync(Guid alertId, Guid recipientId, string action, CancellationToken ct)
    {
        var recipient = await db.AlertRecipients.AsNoTracking().SingleOrDefaultAsync(r => r.Id == recipientId && r.AlertId == alertId, ct);
        if (recipient is null) return null;
        var ownerId = await db.Alerts.Where(a => a.Id == alertId).Select(a => a.OwnerId).SingleAsync(ct);
        return await EntitledAsync(recipient, ownerId, action, ct);
    }

    public async Task<ResponderView> ViewAsync(AlertRecipient recipient, CancellationToken ct = default)
    {
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == recipient.AlertId, ct);
        var owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == alert.OwnerId, ct);
        if (recipient.OpenedAt is null)
        {
            recipient.OpenedAt = clock.GetUtcNow().UtcDateTime;
            escalation.Event(alert, AlertEvents.Opened, recipient.Id, level: recipient.Level);
            await db.SaveChangesAsync(ct);
            // They have it: the same message on their other channels is not needed.
            await CancelPendingAsync(alert.Id, recipient.Id, ct);
        }
        var visit = alert.VisitId is { } visitId && await db.Visits.AsNoTracking().SingleOrDefaultAsync(v => v.Id == visitId, ct) is { } v
            ? await checkIns.DetailsAsync(v, ct) : null;
        string? location = null;
        // The last known location only while the alert is open (or the person is missing or needs help); otherwise it is nobody's business.
        if (alert.State != AlertState.Resolved || alert.Outcome is AlertOutcome.NeedsHelp or AlertOutcome.Missing)
            location = await cipher.DecryptAsync(db, owner.DataKeyId, alert.LocationCipher, Alert.Table, nameof(Alert.LocationCipher), alert.Id, ct);
        var (lat, lon) = CheckInService.ParseCoordinates(location);
        if (alert.State == AlertState.Resolved && alert.Outcome is not (AlertOutcome.NeedsHelp or AlertOutcome.Missing) && visit is not null)
            visit = visit with { Latitude = null, Longitude = null };
        var note = await cipher.DecryptAsync(db, owner.DataKeyId, alert.NoteCipher, Alert.Table, nameof(Alert.NoteCipher), alert.Id, ct);
        var handler = alert.AcknowledgedByRecipientId is { } by ? await db.AlertRecipients.SingleOrDefaultAsync(r => r.Id == by, ct) : null;
        await audit.WriteAsync(AuditEvents.SensitiveRead, recipient.UserId, alert.OwnerId, detail: "alert:" + alert.Id.ToString("N"), ct: ct);
        var (zone, zoneIsOwners) = await RecipientZoneAsync(recipient, owner, ct);
        return new ResponderView(alert.Id, recipient.Id, owner.DisplayName, alert.Kind, alert.State,
            alert.Outcome, alert.IsDrill, alert.Kind == AlertKind.Duress, alert.ShortCode, alert.CreatedAt,
            handler is null ? null : await escalation.NameOfAsync(handler, ct), handler?.Id == recipient.Id, visit, note, lat, lon, alert.LocationAt,
            await TimelineAsync(alert.Id, ct), zone, zoneIsOwners);
    }

    /// <summary>The zone a recipient reads times in: their own account's (a member, or a contact linked to an
    /// account); a contact without an account has no zone of their own, so the alert owner's — and the page says so.</summary>
    private async Task<(string Zone, bool IsOwners)> RecipientZoneAsync(AlertRecipient recipient, User owner, CancellationToken ct)
    {
        var userId = recipient.UserId ?? (recipient.ContactId is { } contactId
            ? await db.TrustedContacts.Where(c => c.Id == contactId).Select(c => c.LinkedUserId).SingleOrDefaultAsync(ct) : null);
        var own = userId is { } id ? await db.Users.Where(u => u.Id == id).Select(u => u.TimeZone).SingleOrDefaultAsync(ct) : null;
        return own is null ? (owner.TimeZone, true) : (own, false);
    }

    /// <summary>The names the API, the export and the audit detail use (the edge; inside, they stay enums).</summary>
    public static string KindName(AlertKind kind) => kind switch
    {
        AlertKind.Missed => "missed",
        AlertKind.Panic => "panic",
        AlertKind.Duress => "duress",
        AlertKind.WrongPins => "wrong-pins",
    };

    public static string StateName(AlertState state) => state switch
    {
        AlertState.Open => "open",
        AlertState.Acknowledged => "acknowledged",
        AlertState.Resolved => "resolved",
    };

    public static string OutcomeName(AlertOutcome outcome) => outcome switch
    {
        AlertOutcome.Safe => "safe",
        AlertOutcome.FalseAlarm => "false-alarm",
        AlertOutcome.NeedsHelp => "needs-help",
        AlertOutcome.Missing => "missing",
        AlertOutcome.CheckedInLate => "checked-in-late",
        AlertOutcome.Cancelled => "cancelled",
    };

    public static bool TryParseOutcome(string? value, out AlertOutcome outcome)
    {
        outcome = value switch
        {
            "safe" => AlertOutcome.Safe,
            "false-alarm" => AlertOutcome.FalseAlarm,
            "needs-help" => AlertOutcome.NeedsHelp,
            "missing" => AlertOutcome.Missing,
            _ => (AlertOutcome)(-1),
        };
        return (int)outcome >= 0;
    }

    public async Task<List<TimelineEntry>> TimelineAsync(Guid alertId, CancellationToken ct = default)
    {
        var events = await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == alertId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var recipients = await db.AlertRecipients.AsNoTracking().Where(r => r.AlertId == alertId).ToListAsync(ct);
        var names = new Dictionary<Guid, string>();
        foreach (var r in recipients) names[r.Id] = await escalation.NameOfAsync(r, ct);
        return events.Select(e => new TimelineEntry(e.At, e.Kind, e.RecipientId is { } id && names.TryGetValue(id, out var n) ? n : null, e.Channel, e.Level, e.Detail)).ToList();
    }

    /// <summary>
    /// The timeline as the alert's owner sees it. An alert the owner ended themselves (a late check-in, a cancelled
    /// panic) ends, for them, with "resolved" and "all-clear sent", and nothing after: under duress no all-clear
    /// went out and a duress alert took over, and the delivery of the all-clear (or its absence) must not show it.
    /// </summary>
    public async Task<List<TimelineEntry>> OwnerTimelineAsync(Guid alertId, CancellationToken ct = default)
    {
        var all = await TimelineAsync(alertId, ct);
        var end = all.FindIndex(e => e.Kind == AlertEvents.Resolved && e.Who is null && e.Level is null);
        if (end < 0) return all;
        var ended = all[end];
        return [.. all.Take(end + 1), new TimelineEntry(ended.At, AlertEvents.AllClear, null, null, null, null)];
    }

    /// <summary>"I'm on it": names one owner, stops automatic escalation, tells the others. False when already handled by someone else or closed.</summary>
    public async Task<bool> AcknowledgeAsync(Guid alertId, Guid recipientId, CancellationToken ct = default)
    {
        // Someone who lost the right to respond does not stop the escalation.
        if (await EntitledAsync(alertId, recipientId, Actions.Acknowledge, ct) is null) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await CancelPendingAsync(alertId, null, ct);
        // No more automatic steps; the engine only looks again later whether the handler may still respond.
        var checkBack = escalation.CheckBackAt(now);
        var changed = await db.Alerts.Where(a => a.Id == alertId && a.State == AlertState.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AlertState.Acknowledged).SetProperty(a => a.AcknowledgedByRecipientId, recipientId)
                .SetProperty(a => a.AcknowledgedAt, now).SetProperty(a => a.NextStepAt, (DateTime?)checkBack).SetProperty(a => a.Version, a => a.Version + 1), ct);
        if (changed == 0) return false;
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId, ct);
        var recipient = await db.AlertRecipients.SingleAsync(r => r.Id == recipientId && r.AlertId == alertId, ct);
        escalation.Event(alert, AlertEvents.Acknowledged, recipientId, level: recipient.Level);
        // One notice per acknowledgement: a second handler (after the first lost the right to respond) is announced too.
        await escalation.TellRecipientsAsync(alert, "ack" + alert.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), "Alert.Head.Handled", "Alert.Msg.Handled", recipientId, await escalation.NameOfAsync(recipient, ct), null, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.AlertAcknowledged, recipient.UserId, alert.OwnerId, detail: "alert:" + alertId.ToString("N"), ct: ct);
        return true;
    }

    /// <summary>A fact about an alert, for both sides — except that anything about a duress alert reaches responders only.</summary>
    public static Published ForAlert(Alert alert, Fact fact) => alert.Kind == AlertKind.Duress ? new([], [fact]) : Published.Same(fact);

    /// <summary>Pending alert messages (all, or one recipient's) that are no longer needed.</summary>
    private async Task CancelPendingAsync(Guid alertId, Guid? recipientId, CancellationToken ct)
    {
        var pending = await db.Outbox.Where(m => m.AlertId == alertId && m.State == Notifications.OutboxState.Pending && (recipientId == null || m.RecipientId == recipientId))
            .Select(m => new { m.Id, m.NotificationKey }).ToListAsync(ct);
        var ids = pending.Where(m => Notifications.OutboxDispatcher.IsAlertStep(m.NotificationKey)).Select(m => m.Id).ToList();
        if (ids.Count > 0)
            await db.Outbox.Where(m => ids.Contains(m.Id) && m.State == Notifications.OutboxState.Pending).ExecuteUpdateAsync(s => s.SetProperty(m => m.State, Notifications.OutboxState.Cancelled), ct);
    }

    /// <summary>The handler asks for the next level now (automatic escalation stopped when they acknowledged).</summary>
    public async Task<bool> EscalateByHandAsync(Guid alertId, Guid recipientId, CancellationToken ct = default)
    {
        if (await EntitledAsync(alertId, recipientId, Actions.Escalate, ct) is null) return false;
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId && a.State == AlertState.Acknowledged && a.AcknowledgedByRecipientId == recipientId, ct);
        if (alert is null || alert.Level >= Escalation.LastLevel) return false;
        var owner = await db.Users.SingleAsync(u => u.Id == alert.OwnerId, ct);
        escalation.Event(alert, AlertEvents.EscalatedByHand, recipientId, level: alert.Level + 1);
        await escalation.StepAsync(alert, owner, ct);
        alert.NextStepAt = escalation.CheckBackAt(clock.GetUtcNow().UtcDateTime); // still handled: no automatic steps after this one, only the check on the handler
        alert.Version++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return false; }
        signal.WakeDispatcher();
        return true;
    }

    /// <summary>Closes the alert with an outcome. Any notified recipient may resolve; the other recipients are told.</summary>
    public async Task<bool> ResolveAsync(Guid alertId, Guid recipientId, AlertOutcome outcome, string? note, CancellationToken ct = default)
    {
        if (note is { Length: > CheckInService.MaxNote }) return false;
        // A resolution by someone who lost the right to respond is an authorization failure, not a resolution.
        if (await EntitledAsync(alertId, recipientId, Actions.Resolve, ct) is null) return false;
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId && a.State != AlertState.Resolved, ct);
        if (alert is null) return false;
        var recipient = await db.AlertRecipients.SingleAsync(r => r.Id == recipientId && r.AlertId == alertId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ResolveInContextAsync(alert, outcome, recipient, note, allClear: false, ct);
        if (alert.VisitId is { } visitId && await db.Visits.SingleOrDefaultAsync(v => v.Id == visitId && v.AlertId == alertId && v.State == VisitState.Alerting, ct) is { } visit)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            visit.AlertId = null;
            visit.Version++;
            if (outcome is AlertOutcome.Safe or AlertOutcome.FalseAlarm && now < visit.DueAt)
            {
                // Safe, and the visit has time left (three wrong PINs, a missed periodic check-in): keep watching it.
                visit.State = VisitState.Active;
                visit.LastCheckInAt = visit.CheckInEveryMinutes is null ? visit.LastCheckInAt : now;
                VisitSchedule.Reschedule(visit, now);
            }
            else
            {
                visit.State = VisitState.Closed;
                visit.Outcome = VisitOutcome.ClosedByResponder;
                visit.ClosedAt = now;
                visit.NextActionAt = null;
            }
        }
        var published = ForAlert(alert, new AlertResolved(alert.OwnerId, alert.ResolvedAt!.Value, alert.Id, alert.Kind, outcome, AllClear: false));
        facts.Record(db, published);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return false; }
        await tx.CommitAsync(ct);
        signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.AlertResolved, recipient.UserId, alert.OwnerId, detail: $"alert:{alertId:N}:{OutcomeName(outcome)}", ct: ct);
        await facts.PublishAsync(published, ct);
        return true;
    }

    /// <summary>Resolution inside someone else's transaction (a late check-in, a responder). Pending notifications of the alert are cancelled.</summary>
    public async Task ResolveInContextAsync(Alert alert, AlertOutcome outcome, AlertRecipient? by, string? note, bool allClear, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        alert.State = AlertState.Resolved;
        alert.Outcome = outcome;
        alert.ResolvedAt = now;
        alert.NextStepAt = null;
        alert.Version++;
        var keyId = await db.Users.Where(u => u.Id == alert.OwnerId).Select(u => u.DataKeyId).SingleAsync(ct);
        alert.ResolutionNoteCipher = await cipher.EncryptAsync(db, keyId, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), Alert.Table, nameof(Alert.ResolutionNoteCipher), alert.Id, ct);
        await db.Outbox.Where(m => m.AlertId == alert.Id && m.State == Notifications.OutboxState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, Notifications.OutboxState.Cancelled), ct);
        escalation.Event(alert, AlertEvents.Resolved, by?.Id, level: by?.Level, detail: OutcomeName(outcome));
        if (allClear)
        {
            // The all-clear says how it ended: checked in (late), or the person cancelled their SOS with their PIN.
            await escalation.TellRecipientsAsync(alert, "clear", "Alert.Head.AllClear",
                outcome == AlertOutcome.Cancelled ? "Alert.Msg.AllClearCancelled" : "Alert.Msg.AllClear", null, null, outcome, ct);
            escalation.Event(alert, AlertEvents.AllClear);
        }
        else if (by is not null)
        {
            await escalation.TellRecipientsAsync(alert, "resolved", Escalation.ClosedHeadKey(outcome), "Alert.Msg.Resolved", by.Id, await escalation.NameOfAsync(by, ct), outcome, ct);
        }
    }

    /// <summary>The defender sends where they are now while their alert is open; responders see the latest.</summary>
    public async Task<bool> AddLocationAsync(Guid ownerId, Guid alertId, double latitude, double longitude, CancellationToken ct = default)
    {
        if (!CheckInService.CoordinatesValid(latitude, longitude)) return false;
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId && a.OwnerId == ownerId && a.State != AlertState.Resolved && a.Kind != AlertKind.Duress, ct);
        if (alert is null) return false;
        var keyId = await db.Users.Where(u => u.Id == ownerId).Select(u => u.DataKeyId).SingleAsync(ct);
        var location = await cipher.EncryptAsync(db, keyId, CheckInService.Coordinates(latitude, longitude), Alert.Table, nameof(Alert.LocationCipher), alert.Id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Only the location columns, without the version: an escalation step at the same moment must not make the update fail.
        var changed = await db.Alerts.Where(a => a.Id == alertId && a.OwnerId == ownerId && a.State != AlertState.Resolved)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LocationCipher, location).SetProperty(a => a.LocationAt, now), ct);
        if (changed == 0) return false;
        escalation.Event(alert, AlertEvents.Location);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The defender's own alerts — never a duress alert (it must look as if nothing happened).</summary>
    public IQueryable<Alert> OwnAlerts(Guid ownerId) => db.Alerts.AsNoTracking().Where(a => a.OwnerId == ownerId && a.Kind != AlertKind.Duress);

    /// <summary>
    /// The open alerts <paramref name="viewerId"/> may respond to (<see cref="Access.MayRespondAsync"/>, as one query):
    /// those of owners whose visits and alerts the viewer sees (the audience rule, as the board and escalation ask it),
    /// and those they were told about as a trusted contact with an account, while that consent stands. Never the viewer's
    /// own: under duress their own alert must not show (ADR 0002), and nobody responds to themself. Most urgent first
    /// (<see cref="Urgency"/>), then newest.
    /// </summary>
    public async Task<List<OpenAlertRow>> OpenAlertsAsync(Guid viewerId, CancellationToken ct = default)
    {
        var owners = Access.OwnersVisibleTo(viewerId, DataCategory.VisitsAndAlerts, AccessSources.Of(db, clock));
        var rows = await (from a in db.Alerts.AsNoTracking()
                          where a.State != AlertState.Resolved && a.OwnerId != viewerId
                              && (owners.Contains(a.OwnerId)
                                  || db.AlertRecipients.Any(r => r.AlertId == a.Id && r.UserId == viewerId && r.ContactId != null
                                      && db.TrustedContacts.Any(c => c.Id == r.ContactId && c.OwnerId == a.OwnerId && c.Consent == ConsentState.Confirmed)))
                          join u in db.Users on a.OwnerId equals u.Id
                          select new
                          {
                              a.Id, u.DisplayName, a.Kind, a.State, a.IsDrill, a.CreatedAt, a.Level, a.AcknowledgedByRecipientId,
                              Told = db.AlertRecipients.Any(r => r.AlertId == a.Id && r.UserId == viewerId),
                          }).ToListAsync(ct);
        var list = new List<OpenAlertRow>(rows.Count);
        foreach (var r in rows.OrderBy(r => Urgency(r.Kind)).ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id))
        {
            string? handledBy = null;
            var mine = false;
            if (r.State == AlertState.Acknowledged && r.AcknowledgedByRecipientId is { } by
                && await db.AlertRecipients.AsNoTracking().SingleOrDefaultAsync(x => x.Id == by, ct) is { } handler)
            {
                mine = handler.UserId == viewerId;
                handledBy = await escalation.NameOfAsync(handler, ct);
            }
            list.Add(new OpenAlertRow(r.Id, r.DisplayName, r.Kind, r.State, r.IsDrill, r.CreatedAt, r.Level, r.Told, handledBy, mine));
        }
        return list;
    }

    /// <summary>
    /// How urgent a kind of alert is, lowest first: a panic or a duress check-in (someone is in danger now), then a run of
    /// wrong PINs (someone may be guessing), then a missed check-in (it may be a flat battery).
    /// </summary>
    public static int Urgency(AlertKind kind) => kind switch
    {
        AlertKind.Panic or AlertKind.Duress => 0,
        AlertKind.WrongPins => 1,
        AlertKind.Missed => 2,
    };

    /// <summary>Members who share their visits with the viewer (focal points, coordinators): who is out, overdue and alerting first.</summary>
    public async Task<List<WhereaboutsRow>> WhereaboutsAsync(Guid viewerId, CancellationToken ct = default)
    {
        var owners = Access.OwnersVisibleTo(viewerId, DataCategory.VisitsAndAlerts, AccessSources.Of(db, clock))
            .Where(o => o != viewerId);
        // An invitation not yet accepted is nobody's plan yet: it is not on the board.
        var rows = await (from v in db.Visits.AsNoTracking()
                          join u in db.Users on v.OwnerId equals u.Id
                          where owners.Contains(v.OwnerId) && v.State != VisitState.Closed && v.State != VisitState.Invited
                          select new
                          {
                              v.Id, v.OwnerId, u.DisplayName, v.State, v.DueAt, v.DeadlineAt, v.IsDrill, v.AlertId,
                              PlannedBy = db.Users.Where(p => p.Id == v.PlannedById).Select(p => p.DisplayName).FirstOrDefault(),
                          }).ToListAsync(ct);
        return rows
            .OrderBy(r => r.State switch { VisitState.Alerting => 0, VisitState.Overdue => 1, VisitState.Active => 2, VisitState.Planned or VisitState.Closed or VisitState.Invited => 3 })
            .ThenBy(r => r.DeadlineAt)
            .Select(r => new WhereaboutsRow(r.Id, r.OwnerId, r.DisplayName, r.State, r.DueAt, r.DeadlineAt, r.IsDrill, r.AlertId, r.PlannedBy))
            .ToList();
    }
}
