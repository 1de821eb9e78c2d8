using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// SMSSync fetches its messages. A poll (<c>task=send</c>) leases due SMS rows of the outbox the way the dispatcher
/// claims its own — one conditional UPDATE per row (still pending, due, lease free) — so two polls hand a message over
/// once at a time. A handed-over row stays pending, and the recipient's other channels stay scheduled, until the phone
/// confirms it with <c>task=sent</c>: a poll answered to a phone that then lost the answer, or to someone who is not
/// the phone, must not silence an alert. Unconfirmed, the row is handed over again when its lease runs out, and after
/// <see cref="MaxHandOvers"/> hand-overs it fails and the recipient's next channel goes at once.
/// </summary>
public sealed class SmsSyncPull(AmparoDbContext db, OutboxWriter writer, WorkSignal signal, TimeProvider clock, ILogger<SmsSyncPull> logger)
{
    public const int MaxPerPoll = 20;
    public const int MaxHandOvers = 3;
    /// <summary>How long a handed-over message waits for the phone's confirmation (it sends it right after the poll).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    /// <summary>The lease owner of rows handed to SMSSync (the dispatcher never takes SMS rows when SMSSync pulls them).</summary>
    public static readonly Guid Owner = new("5a55c000-0000-4000-8000-000000000001");

    public sealed record PulledMessage(string To, string Message, string Uuid);

    public async Task<List<PulledMessage>> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await GiveUpUnconfirmedAsync(now, ct);
        var candidates = await db.Outbox
            .Where(m => m.Channel == ChannelKind.Sms && m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(MaxPerPoll)
            .ToListAsync(ct);

        var handed = new List<PulledMessage>();
        foreach (var id in candidates)
        {
            var won = await db.Outbox
                .Where(m => m.Id == id && m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now) && m.Attempts < MaxHandOvers)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.LeaseUntil, now + Lease)
                    .SetProperty(m => m.LeaseOwner, Owner), ct);
            if (won != 1) continue;
            var row = await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, ct);
            OutgoingMessage payload;
            try
            {
                payload = await writer.ReadAsync(db, row, ct);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                logger.LogError("Outbox message {Id} does not decrypt; marked failed", id);
                await db.Outbox.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Failed).SetProperty(m => m.LastError, "undecryptable"), ct);
                continue;
            }
            handed.Add(new PulledMessage(payload.Address, payload.Text, id.ToString("D")));
        }
        return handed;
    }

    /// <summary>
    /// The phone's <c>task=sent</c>: of the uuids it says it queued, those that are ours are marked sent now (and
    /// answered, so the app sends exactly those). Only a uuid handed over by a poll counts — uuids are random and only
    /// a poll with the secret reveals them — and then, as the dispatcher does on delivery, the recipient's earlier
    /// channels are not needed, nor the later ones unless this is an alert step (whose fallback waits for an answer).
    /// </summary>
    public async Task<List<string>> ConfirmAsync(IReadOnlyCollection<string> uuids, CancellationToken ct)
    {
        var ids = uuids.Select(u => Guid.TryParse(u, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        if (ids.Count == 0) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Outbox.AsNoTracking()
            .Where(m => ids.Contains(m.Id) && m.Channel == ChannelKind.Sms && (m.State == OutboxState.Sent || (m.State == OutboxState.Pending && m.LeaseOwner == Owner)))
            .ToListAsync(ct);
        var ours = new List<string>();
        foreach (var row in rows)
        {
            ours.Add(row.Id.ToString("D"));
            if (row.State == OutboxState.Sent) continue; // the phone asked twice: the same answer, nothing more
            var marked = await db.Outbox.Where(m => m.Id == row.Id && m.State == OutboxState.Pending && m.LeaseOwner == Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Sent).SetProperty(m => m.SentAt, now).SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
            if (marked != 1) continue;
            var laterToo = !OutboxDispatcher.IsAlertStep(row.NotificationKey);
            await db.Outbox.Where(m => m.NotificationKey == row.NotificationKey && m.Id != row.Id && m.State == OutboxState.Pending
                    && (laterToo || m.ChannelIndex < row.ChannelIndex))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Cancelled), ct);
            if (row.AlertId is { } alertId)
                db.AlertEvents.Add(new AlertEvent { AlertId = alertId, At = now, Kind = AlertEvents.Sent, RecipientId = row.RecipientId, Channel = "sms", Detail = "smssync" });
        }
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
        return ours;
    }

    /// <summary>Handed over <see cref="MaxHandOvers"/> times and never confirmed: failed, and the recipient's next channel is due now.</summary>
    private async Task GiveUpUnconfirmedAsync(DateTime now, CancellationToken ct)
    {
        // All of them, not a page: a fallback waiting behind someone else's stale rows would wait another poll.
        var stale = await db.Outbox.AsNoTracking()
            .Where(m => m.Channel == ChannelKind.Sms && m.State == OutboxState.Pending && m.Attempts >= MaxHandOvers && m.LeaseUntil != null && m.LeaseUntil < now)
            .OrderBy(m => m.LeaseUntil).ToListAsync(ct);
        foreach (var row in stale)
        {
            var failed = await db.Outbox.Where(m => m.Id == row.Id && m.State == OutboxState.Pending && m.LeaseUntil < now)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Failed).SetProperty(m => m.LeaseUntil, (DateTime?)null)
                    .SetProperty(m => m.LastError, "not confirmed by the gateway"), ct);
            if (failed != 1) continue;
            var next = await db.Outbox.Where(m => m.NotificationKey == row.NotificationKey && m.State == OutboxState.Pending && m.ChannelIndex > row.ChannelIndex)
                .OrderBy(m => m.ChannelIndex).AsNoTracking().FirstOrDefaultAsync(ct);
            if (next is not null && next.NextAttemptAt > now)
            {
                await db.Outbox.Where(m => m.Id == next.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now), ct);
                signal.WakeDispatcher();
            }
            if (row.AlertId is { } alertId)
            {
                db.AlertEvents.Add(new AlertEvent { AlertId = alertId, At = now, Kind = AlertEvents.Failed, RecipientId = row.RecipientId, Channel = "sms", Detail = "not confirmed by the gateway" });
                if (next is not null)
                    db.AlertEvents.Add(new AlertEvent { AlertId = alertId, At = now, Kind = AlertEvents.Fallback, RecipientId = next.RecipientId, Channel = next.Channel.ToString().ToLowerInvariant() });
            }
        }
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
    }
}
