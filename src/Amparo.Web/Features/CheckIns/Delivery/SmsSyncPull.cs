using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns.Delivery;

/// <summary>
/// SMSSync fetches its messages: each poll claims due SMS rows from the outbox the way the dispatcher claims its
/// own — one conditional UPDATE per row (still pending, due, lease free), so two polls or a dispatcher racing a poll
/// hand a message over once. A claimed row is marked sent: from here on the phone is responsible for it.
/// </summary>
public sealed class SmsSyncPull(AmparoDbContext db, OutboxWriter writer, TimeProvider clock, ILogger<SmsSyncPull> logger)
{
    public const int MaxPerPoll = 20;

    public sealed record PulledMessage(string To, string Message, string Uuid);

    public async Task<List<PulledMessage>> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
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
                .Where(m => m.Id == id && m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.State, OutboxState.Sent)
                    .SetProperty(m => m.SentAt, now)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.LeaseUntil, (DateTime?)null)
                    .SetProperty(m => m.LeaseOwner, (Guid?)null), ct);
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
            // As the dispatcher does on delivery: the recipient's other channels for this notification are not needed.
            await db.Outbox.Where(m => m.NotificationKey == row.NotificationKey && m.Id != row.Id && m.State == OutboxState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Cancelled), ct);
            if (row.AlertId is { } alertId)
                db.AlertEvents.Add(new AlertEvent { AlertId = alertId, At = now, Kind = AlertEvents.Sent, RecipientId = row.RecipientId, Channel = "sms", Detail = "smssync" });
        }
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
        return handed;
    }

    /// <summary>Of the uuids the phone says it queued, those that are ours (so the app sends exactly those).</summary>
    public async Task<List<string>> OursAsync(IReadOnlyCollection<string> uuids, CancellationToken ct)
    {
        var ids = uuids.Select(u => Guid.TryParse(u, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        if (ids.Count == 0) return [];
        var ours = await db.Outbox.Where(m => ids.Contains(m.Id) && m.Channel == ChannelKind.Sms && m.State == OutboxState.Sent).Select(m => m.Id).ToListAsync(ct);
        return ours.Select(g => g.ToString("D")).ToList();
    }
}
