using System.Text.Json;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// Acts on stored inbound SMS: woken in-process when one arrives, otherwise every few seconds. Each row is claimed
/// with a lease (a conditional update, as the outbox dispatcher does: two instances never work on it at once, and a
/// crashed claimer's row comes back when the lease runs out), then carried out and marked processed in ONE transaction
/// (see <see cref="InboundSmsProcessor"/>), and its text erased. Rows older than 72 hours are deleted (they must
/// outlive a gateway's retries, 48 hours at least, to be recognised).
/// </summary>
public sealed class InboundSmsWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, InboundSmsSignal signal, TimeProvider clock, ILogger<InboundSmsWorker> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "inbound-sms";
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Keep = TimeSpan.FromHours(72);
    /// <summary>Far longer than carrying out one SMS takes; short enough that after a crash the command is not late.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromMinutes(10);
    private DateTimeOffset _lastCleaned = DateTimeOffset.MinValue;
    // Fields, not the constructor parameters: those are handed to DurableWorker (CS9107).
    private readonly IServiceScopeFactory _scopes = scopes;
    private readonly TimeProvider _clock = clock;
    private readonly ILogger _logger = logger;

    public override string Name => WorkerName;
    protected override TimeSpan MaxSleep => TimeSpan.FromSeconds(5);
    protected override Task NextWake() => signal.Next;

    /// <summary>On SQLite only this process uses the database: a lease found at start is a dead process's, free at once.</summary>
    protected override async Task StartingAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        if (db.Database.IsNpgsql()) return;
        await db.InboundSms.Where(m => m.ProcessedAt == null && m.LeaseUntil != null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
    }

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = _clock.GetUtcNow();
        if (now - _lastCleaned >= CleanEvery)
        {
            var before = (now - Keep).UtcDateTime;
            await db.InboundSms.Where(m => m.ReceivedAt < before).ExecuteDeleteAsync(ct);
            await services.GetRequiredService<ReplyCodes>().ForgetOldAsync(ct);
            _lastCleaned = now;
        }

        var nowUtc = now.UtcDateTime;
        var due = await db.InboundSms.AsNoTracking().Where(m => m.ProcessedAt == null && (m.LeaseUntil == null || m.LeaseUntil < nowUtc))
            .OrderBy(m => m.ReceivedAt).Select(m => new { m.Id, m.Attempts }).Take(50).ToListAsync(ct);
        foreach (var item in due)
        {
            var at = _clock.GetUtcNow().UtcDateTime;
            if (item.Attempts >= MaxAttempts)
            {
                _logger.LogError("Inbound SMS {Id} failed {Attempts} times; given up", item.Id, item.Attempts);
                await db.InboundSms.Where(m => m.Id == item.Id && m.ProcessedAt == null && (m.LeaseUntil == null || m.LeaseUntil < at))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, at).SetProperty(m => m.PayloadCipher, (byte[]?)null), ct);
                continue;
            }
            var until = at + Lease;
            var claimed = await db.InboundSms.Where(m => m.Id == item.Id && m.ProcessedAt == null && m.Attempts == item.Attempts && (m.LeaseUntil == null || m.LeaseUntil < at))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LeaseUntil, until), ct);
            if (claimed != 1) continue;
            try
            {
                using var one = _scopes.CreateScope();
                await one.ServiceProvider.GetRequiredService<InboundSmsProcessor>().ProcessAsync(item.Id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "Inbound SMS {Id} failed; it is tried again", item.Id);
                // Nothing of it was committed (see the processor): free it for the next round.
                await db.InboundSms.Where(m => m.Id == item.Id && m.ProcessedAt == null && m.LeaseUntil == until)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
            }
        }
        return null;
    }
}


/// <summary>
/// Hands one inbound SMS to the feature whose keyword it starts with (<see cref="SmsKeywords"/>), and queues the
/// feature's reply to the sender.
/// </summary>
public sealed class InboundSmsProcessor(
    AmparoDbContext db, FieldCipher cipher, SmsKeywords keywords, IServiceProvider services, Notifier notifier, WorkSignal signal,
    TimeProvider clock, ILogger<InboundSmsProcessor> logger)
{
    /// <summary>Thrown inside a commit when the SMS was already carried out (by another instance): that commit is rolled back.</summary>
    private sealed class AlreadyProcessedException() : Exception("inbound SMS already processed");

    /// <summary>
    /// Carries the SMS out once. A change a handler makes through the check-in commit (check-in, extension, close, panic,
    /// a wrong PIN) marks the row processed in that same transaction (<see cref="CommitBatcher.Attach"/>): both happen or
    /// neither, so a crash between them cannot apply an EXTEND twice. A handler that commits otherwise must make its
    /// change one that a second run does not repeat (a conditional update, as ACK, YES and STOP do); its row is marked
    /// with the reply.
    /// </summary>
    public async Task ProcessAsync(Guid inboundId, CancellationToken ct)
    {
        var row = await db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.Id == inboundId, ct);
        if (row is null || row.ProcessedAt is not null) return;
        var payload = await ReadAsync(row, ct);
        SmsReply? reply = null;
        var attachment = CommitBatcher.Attach(async (services, token) =>
        {
            if (await MarkProcessedAsync(services.GetRequiredService<AmparoDbContext>(), inboundId, keepLease: true, token) == 0) throw new AlreadyProcessedException();
        });
        try
        {
            if (payload is not null && row.SenderLookup is not null) reply = await HandleAsync(row, payload, ct);
        }
        catch (AlreadyProcessedException)
        {
            return;
        }
        finally
        {
            CommitBatcher.Detach();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (attachment.Committed)
        {
            // Marked with the change; the lease ends with the reply, so "processed and not leased" means fully done.
            await db.InboundSms.Where(m => m.Id == inboundId).ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
        }
        else if (await MarkProcessedAsync(db, inboundId, keepLease: false, ct) == 0)
        {
            return; // carried out elsewhere meanwhile: one reply is enough
        }
        if (reply is not null && payload is not null)
        {
            await notifier.EnqueueAsync(db, new Notification($"sms-reply:{row.Id:D}", new(NotificationSourceKind.InboundSms, row.Id), NotificationPriority.Deadline,
                reply.Language, [new(ChannelKind.Sms, Infrastructure.Validation.NormalizePhone(payload.From) ?? payload.From)], "Amparo", reply.Text), ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (reply is not null) signal.WakeDispatcher();
    }

    /// <summary>Processed now, and the text erased (it is needed no longer). 0 when it already was.</summary>
    private Task<int> MarkProcessedAsync(AmparoDbContext context, Guid inboundId, bool keepLease, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = context.InboundSms.Where(m => m.Id == inboundId && m.ProcessedAt == null);
        return keepLease
            ? rows.ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, now).SetProperty(m => m.PayloadCipher, (byte[]?)null), ct)
            : rows.ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, now).SetProperty(m => m.PayloadCipher, (byte[]?)null).SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
    }

    private async Task<InboundPayload?> ReadAsync(InboundSms row, CancellationToken ct)
    {
        if (row.PayloadCipher is null) return null;
        try
        {
            var key = await cipher.SystemKeyAsync(db, InboundSmsStore.KeyPurpose, ct);
            return JsonSerializer.Deserialize<InboundPayload>(Aead.Open(key, row.PayloadCipher, InboundSmsStore.AssociatedData(row.Id)));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException)
        {
            logger.LogError("Inbound SMS {Id} does not decrypt; dropped", row.Id);
            return null;
        }
    }

    /// <summary>The handler of the keyword the text starts with, else the one feature that reads unclaimed texts; null: nobody.</summary>
    private async Task<SmsReply?> HandleAsync(InboundSms row, InboundPayload payload, CancellationToken ct)
    {
        if (keywords.HandlerFor(payload.Text) is not { } registration) return null;
        var sms = new InboundText(row.Id, row.SenderLookup!, payload.From, payload.Text);
        // A person's own code word wins over another feature's keyword ("FONDO 1234" may be someone's check-in).
        if (registration != keywords.Unmatched && keywords.Unmatched is { } personal
            && services.GetRequiredService(personal.Handler) is ISmsPersonalWords owner && await owner.IsPersonalAsync(sms, ct))
            registration = personal;
        var handler = (ISmsKeywordHandler)services.GetRequiredService(registration.Handler);
        return await handler.HandleAsync(sms, ct);
    }
}
