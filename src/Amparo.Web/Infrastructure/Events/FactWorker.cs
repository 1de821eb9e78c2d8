using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Events;

/// <summary>
/// Hands recorded facts (<see cref="StoredFact"/>) to the durable handlers of their side, after commit: a crash
/// between an action's commit and its immediate publish loses nothing here. Each handler of each fact is its own
/// delivery: a handler that throws is retried with back-off (<see cref="Backoff"/>) while the other handlers, and
/// the other facts, go on; a handler that returned is recorded and never called again for that fact.
/// </summary>
/// <remarks>
/// At least once: a crash after a handler's own commit but before its success is recorded calls it again. Several
/// instances share the table: a worker claims a fact by moving its <see cref="StoredFact.DueAt"/> a lease ahead with
/// a conditional update, so only one delivers it at a time; a worker that dies holding it frees it when the lease ends.
/// </remarks>
public sealed class FactWorker(IServiceScopeFactory scopes, FactDispatcher dispatcher, Heartbeats heartbeats, TimeProvider clock, ILogger<FactWorker> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "fact-worker";
    public static readonly TimeSpan KeepDelivered = TimeSpan.FromDays(7);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);
    private const int Batch = 100;
    private DateTime _nextCleanup;

    public override string Name => WorkerName;
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(1);
    protected override Task NextWake() => dispatcher.DurableWake;

    /// <summary>2, 4, 8 … seconds after each failure, at most an hour: a broken module is not hammered, a passing glitch is soon over.</summary>
    public static TimeSpan Backoff(int attempts) =>
        attempts >= 12 ? MaxBackoff : TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, attempts)));

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        await CleanupAsync(db, now, ct);
        var handlers = services.GetServices<IDurableFactHandler>().Select(h => (Key: KeyOf(h), h.Side)).ToList();
        var due = await db.Set<StoredFact>().Where(f => f.DueAt <= now).OrderBy(f => f.DueAt).Select(f => f.Id).Take(Batch).ToListAsync(ct);
        foreach (var id in due)
        {
            // Claim it: another instance may have seen it due too; the one whose update matched delivers it.
            var claimed = await db.Set<StoredFact>().Where(f => f.Id == id && f.DueAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.DueAt, now + Lease), ct);
            if (claimed == 1) await DeliverAsync(db, id, handlers, now, ct);
        }
        return await db.Set<StoredFact>().MinAsync(f => f.DueAt, ct);
    }

    private async Task DeliverAsync(AmparoDbContext db, Guid id, List<(string Key, Side Side)> handlers, DateTime now, CancellationToken ct)
    {
        var stored = await db.Set<StoredFact>().AsNoTracking().SingleAsync(f => f.Id == id, ct);
        var deliveries = await db.Set<FactDelivery>().Where(d => d.FactId == id).ToDictionaryAsync(d => d.Handler, ct);
        var fact = stored.Read();
        DateTime? next = null;
        // The side rule: a fact stored for one side reaches only that side's handlers.
        foreach (var (key, _) in handlers.Where(h => h.Side == stored.Side).DistinctBy(h => h.Key))
        {
            if (!deliveries.TryGetValue(key, out var delivery))
            {
                delivery = new FactDelivery { FactId = id, Handler = key };
                db.Add(delivery);
                deliveries[key] = delivery;
            }
            if (delivery.DoneAt is not null) continue;
            if (delivery.RetryAt > now)
            {
                next = Earliest(next, delivery.RetryAt.Value);
                continue;
            }
            try
            {
                if (fact is null) throw new InvalidOperationException($"Stored fact {id} has an unknown type {stored.Type}");
                using var scope = Scopes.CreateScope();
                var handler = scope.ServiceProvider.GetServices<IDurableFactHandler>().First(h => KeyOf(h) == key && h.Side == stored.Side);
                await handler.HandleAsync(fact, ct);
                delivery.DoneAt = Clock.GetUtcNow().UtcDateTime;
                delivery.RetryAt = null;
            }
            catch (Exception ex) when (!IsShutdown(ex, ct))
            {
                delivery.Attempts++;
                delivery.RetryAt = now + Backoff(delivery.Attempts);
                next = Earliest(next, delivery.RetryAt.Value);
                logger.LogError(ex, "Durable handler {Handler} failed on {Fact} {Id} (attempt {Attempts}); the others go on", key, stored.Type, id, delivery.Attempts);
            }
            // Recorded at once: a handler that succeeded is not called again if a later one brings the process down.
            await db.SaveChangesAsync(ct);
        }
        DateTime? delivered = next is null ? now : null;
        await db.Set<StoredFact>().Where(f => f.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.DueAt, next).SetProperty(f => f.DeliveredAt, delivered), ct);
    }

    /// <summary>Delivered facts are kept a week (to look into a module's complaint), then deleted.</summary>
    private async Task CleanupAsync(AmparoDbContext db, DateTime now, CancellationToken ct)
    {
        if (now < _nextCleanup) return;
        _nextCleanup = now.AddMinutes(10);
        var before = now - KeepDelivered;
        var old = db.Set<StoredFact>().Where(f => f.DeliveredAt < before).Select(f => f.Id);
        await db.Set<FactDelivery>().Where(d => old.Contains(d.FactId)).ExecuteDeleteAsync(ct);
        await db.Set<StoredFact>().Where(f => f.DeliveredAt < before).ExecuteDeleteAsync(ct);
    }

    private static DateTime Earliest(DateTime? a, DateTime b) => a is { } x && x < b ? x : b;

    private static string KeyOf(IDurableFactHandler handler) => handler.GetType().FullName!;
}
