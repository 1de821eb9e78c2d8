using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// Sends what the outbox holds. Claims each row with a lease (a conditional update, so two instances never send
/// the same row at once, and a crashed claimer's rows come back when the lease runs out), sends, marks it sent and
/// cancels the other channels of the same notification. Failures retry with exponential backoff and jitter; the
/// recipient's next channel is already queued behind the first with the fallback wait.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, IEnumerable<IChannelSender> senders, WorkSignal signal, Heartbeats heartbeats, CommitBatcher batcher,
    TimeProvider clock, IOptions<CheckInOptions> options, ILogger<OutboxDispatcher> logger) : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "outbox-dispatcher";
    // Longer than the longest send (cut off at SendTimeout), so a second instance never takes a row still being sent; short,
    // because after a crash the claimed rows wait this long before anyone sends them.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);
    private const int Parallel = 8;
    // A round is claimed at once and all of it sent at once, so that no claimed row waits for a free slot while its
    // lease runs; a slow channel holds up at most this many rows before the next look for due work.
    public const int Round = Parallel;
    private readonly Guid _instance = Guid.NewGuid();
    // Fields, not the constructor parameters: those are handed to DurableWorker (CS9107).
    private readonly IServiceScopeFactory _scopes = scopes;
    private readonly TimeProvider _clock = clock;
    private readonly ILogger _logger = logger;
    private readonly Dictionary<ChannelKind, IChannelSender> _senders = senders.GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.Last());

    public override string Name => WorkerName;
    protected override TimeSpan MaxSleep => TimeSpan.FromSeconds(options.Value.MaxSleepSeconds);
    protected override Task NextWake() => signal.DispatcherWake;

    protected override async Task StartingAsync(IServiceProvider services, CancellationToken ct)
    {
        await ReleaseDeadLeasesAsync(services.GetRequiredService<AmparoDbContext>(), ct);
        await WarmUpAsync(ct);
    }

    /// <summary>
    /// On SQLite only one process uses the database, so a lease found at start belongs to a process that died (kill -9,
    /// power cut): its rows are free at once instead of after the lease. On PostgreSQL another instance may be alive.
    /// </summary>
    private async Task ReleaseDeadLeasesAsync(AmparoDbContext db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql()) return;
        var freed = await db.Outbox.Where(m => m.State == OutboxState.Pending && m.LeaseUntil != null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, (DateTime?)null).SetProperty(m => m.LeaseOwner, (Guid?)null), ct);
        if (freed > 0) _logger.LogWarning("{Count} notifications claimed by a process that stopped are sent again now", freed);
    }

    /// <summary>
    /// Records "sent" for a row that does not exist, so that EF Core has translated those statements before the first
    /// real send. In a fresh process they took up to ~100 ms: time between a server accepting a message and our record
    /// of it, in which a crash means the message goes out a second time after the restart.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        try
        {
            await RecordAsync(new OutboxMessage { Id = Guid.NewGuid(), NotificationKey = "warm-up", Channel = ChannelKind.Email }, SendResult.Ok, ct);
        }
        catch (Exception ex) when (!IsShutdown(ex, ct))
        {
            _logger.LogWarning("The dispatcher could not warm up: {Error}", ex.GetType().Name);
        }
    }

    /// <summary>Sends everything due now, a round at a time; returns when the next pending row falls due.</summary>
    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        while (await SendRoundAsync(ct) == Round) { }
        var pull = PullChannels();
        var d = services.GetRequiredService<AmparoDbContext>();
        // When the first pending row can go: its next attempt, or the end of its lease if that is later (null: none pending).
        var next = await d.Outbox.Where(m => m.State == OutboxState.Pending && !pull.Contains(m.Channel))
            .Select(m => m.LeaseUntil != null && m.LeaseUntil > m.NextAttemptAt ? m.LeaseUntil : (DateTime?)m.NextAttemptAt)
            .MinAsync(ct);
        var nowAfter = _clock.GetUtcNow().UtcDateTime;
        // Due already but not sent in this call (another instance took it): look again in a second.
        return next is null ? null : next > nowAfter ? next : nowAfter.AddSeconds(1);
    }

    private List<ChannelKind> PullChannels() => _senders.Values.Where(s => s.IsPull).Select(s => s.Channel).ToList();

    /// <summary>
    /// Claims at most <see cref="Round"/> due rows, MOST URGENT FIRST (<see cref="NotificationPriority"/>, then the
    /// oldest due), and sends them. An alert queued behind a thousand digests goes out in the next round. Returns how
    /// many rows were due (not how many this instance got).
    /// </summary>
    public async Task<int> SendRoundAsync(CancellationToken ct)
    {
        var pull = PullChannels();
        List<Guid> due, mine;
        var now = _clock.GetUtcNow().UtcDateTime;
        using (var scope = _scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            due = await db.Outbox
                .Where(m => m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now) && !pull.Contains(m.Channel))
                .OrderBy(m => m.Priority).ThenBy(m => m.NextAttemptAt).Select(m => m.Id).Take(Round).ToListAsync(ct);
            if (due.Count == 0) return 0;
            // The round is claimed in one statement (one commit instead of one per row), then read back: what
            // another instance took in between is not ours.
            await db.Outbox.Where(m => due.Contains(m.Id) && m.State == OutboxState.Pending && (m.LeaseUntil == null || m.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, now + Lease).SetProperty(m => m.LeaseOwner, _instance).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            mine = await db.Outbox.Where(m => due.Contains(m.Id) && m.LeaseOwner == _instance && m.State == OutboxState.Pending && m.LeaseUntil > now)
                .Select(m => m.Id).ToListAsync(ct);
        }
        await System.Threading.Tasks.Parallel.ForEachAsync(mine, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct },
            async (id, token) => await SendOneAsync(id, token));
        return due.Count;
    }

    private async Task SendOneAsync(Guid id, CancellationToken ct)
    {
        try
        {
            await SendOneUnguardedAsync(id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One row's trouble must not cancel the others in flight; its lease runs out and it is tried again.
            _logger.LogError(ex, "Notification {Id} could not be handled", id);
        }
    }

    private async Task SendOneUnguardedAsync(Guid id, CancellationToken ct)
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var writer = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
        var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, ct);

        SendResult result;
        if (!_senders.TryGetValue(message.Channel, out var sender) || !sender.IsConfigured)
            result = SendResult.Refused("channel not configured");
        else
        {
            using var cutOff = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cutOff.CancelAfter(SendTimeout);
            try { result = await sender.SendAsync(await writer.ReadAsync(db, message, ct), cutOff.Token); }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                result = SendResult.Retry(ex.GetType().Name);
            }
        }
        await RecordAsync(message, result, ct);
    }

    /// <summary>
    /// Records the outcome through the group commit: outcomes that arrive together (a round's sends finish within
    /// milliseconds of each other) share one transaction instead of queueing for the lock one by one. Between a server
    /// accepting a message and this commit, a crash means the message is sent again after the restart.
    /// </summary>
    private async Task RecordAsync(OutboxMessage message, SendResult result, CancellationToken ct)
    {
        var delivered = await batcher.RunAsync((services, token) => RecordInAsync(services.GetRequiredService<AmparoDbContext>(), message, result, token), ct);
        if (delivered) _logger.LogInformation("Notification {Id} delivered by {Channel}", message.Id, message.Channel);
    }

    /// <summary>Inside the batch's transaction; true when this instance marked the message sent.</summary>
    private async Task<bool> RecordInAsync(AmparoDbContext db, OutboxMessage message, SendResult result, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var channel = message.Channel.ToString().ToLowerInvariant();
        var delivered = false;
        switch (result.Status)
        {
            case SendStatus.Sent:
                var marked = await db.Outbox.Where(m => m.Id == message.Id && m.LeaseOwner == _instance)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Sent).SetProperty(m => m.SentAt, now).SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
                // Handed over. For an alert that is not yet "confirmed": its next channel still goes out after the fallback
                // wait unless the recipient opens the link or someone acknowledges (AlertService cancels it then). Anything
                // else (reminders, notices, replies) needs no second channel.
                // Earlier channels still retrying are not needed either way: this one got through.
                var laterToo = !IsAlertStep(message.NotificationKey);
                await db.Outbox.Where(m => m.NotificationKey == message.NotificationKey && m.Id != message.Id && m.State == OutboxState.Pending
                        && (laterToo || m.ChannelIndex < message.ChannelIndex))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Cancelled), ct);
                if (marked > 0) AddEvent(db, message, AlertEvents.Sent, channel, null, now);
                delivered = marked > 0;
                break;
            case SendStatus.RetryLater:
                var backoff = Backoff(message.Attempts);
                await db.Outbox.Where(m => m.Id == message.Id && m.LeaseOwner == _instance)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now + backoff).SetProperty(m => m.LeaseUntil, (DateTime?)null)
                        .SetProperty(m => m.LastError, Short(result.Error)), ct);
                if (message.Attempts == 1) AddEvent(db, message, AlertEvents.Failed, channel, Short(result.Error), now);
                break;
            case SendStatus.Permanent:
                await db.Outbox.Where(m => m.Id == message.Id && m.LeaseOwner == _instance)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Failed).SetProperty(m => m.LeaseUntil, (DateTime?)null)
                        .SetProperty(m => m.LastError, Short(result.Error)), ct);
                AddEvent(db, message, AlertEvents.Failed, channel, Short(result.Error), now);
                // Refused for good: the next channel need not wait for the fallback delay.
                var next = await db.Outbox.Where(m => m.NotificationKey == message.NotificationKey && m.State == OutboxState.Pending && m.ChannelIndex > message.ChannelIndex)
                    .OrderBy(m => m.ChannelIndex).FirstOrDefaultAsync(ct);
                if (next is not null && next.NextAttemptAt > now)
                {
                    await db.Outbox.Where(m => m.Id == next.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now), ct);
                    AddEvent(db, next, AlertEvents.Fallback, next.Channel.ToString().ToLowerInvariant(), null, now);
                }
                break;
        }
        await db.SaveChangesAsync(ct);
        return delivered;
    }

    private static void AddEvent(AmparoDbContext db, OutboxMessage message, string kind, string channel, string? detail, DateTime now)
    {
        if (message.AlertId is not { } alertId) return;
        db.AlertEvents.Add(new AlertEvent { AlertId = alertId, At = now, Kind = kind, RecipientId = message.RecipientId, Channel = channel, Detail = detail });
    }

    /// <summary>Keys look like alert:{id}:{step}:{recipient}; the steps that call for action are L1–L3 and R1, R2, …</summary>
    public static bool IsAlertStep(string notificationKey)
    {
        var parts = notificationKey.Split(':');
        return parts.Length >= 4 && parts[0] == "alert" && parts[2].Length >= 2 && parts[2][0] is 'L' or 'R' && char.IsAsciiDigit(parts[2][1]);
    }

    /// <summary>5 s, 10 s, 20 s … up to 2 minutes, with ±20 % jitter so that many retries do not arrive together.</summary>
    public static TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(MaxBackoff.TotalSeconds, 5 * Math.Pow(2, Math.Max(0, attempts - 1)));
        var jitter = 0.8 + (System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 401) / 1000.0);
        return TimeSpan.FromSeconds(seconds * jitter);
    }

    private static string? Short(string? error) => error is null ? null : error.Length <= 200 ? error : error[..200];
}
