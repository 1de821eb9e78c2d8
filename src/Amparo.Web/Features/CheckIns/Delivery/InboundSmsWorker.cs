using System.Globalization;
using System.Text.Json;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.CheckIns.Delivery;

/// <summary>
/// Acts on stored inbound SMS: woken in-process when one arrives, otherwise every few seconds. Each row is claimed
/// with a lease (a conditional update, as the outbox dispatcher does: two instances never work on it at once, and a
/// crashed claimer's row comes back when the lease runs out), then carried out and marked processed in ONE transaction
/// (see <see cref="InboundSmsProcessor"/>), and its text erased. Rows older than 72 hours are deleted (they must
/// outlive a gateway's retries, 48 hours at least, to be recognised).
/// </summary>
public sealed class InboundSmsWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, InboundSmsSignal signal, TimeProvider clock, ILogger<InboundSmsWorker> logger) : BackgroundService
{
    public const string Name = "inbound-sms";
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Keep = TimeSpan.FromHours(72);
    /// <summary>Far longer than carrying out one SMS takes; short enough that after a crash the command is not late.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromMinutes(10);
    private DateTimeOffset _lastCleaned = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, Every);
        await ReleaseDeadLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                heartbeats.Beat(Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Inbound SMS processing failed; trying again later");
            }
            try { await signal.WaitAsync(Every, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>On SQLite only this process uses the database: a lease found at start is a dead process's, free at once.</summary>
    private async Task ReleaseDeadLeasesAsync(CancellationToken ct)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            if (db.Database.IsNpgsql()) return;
            await db.InboundSms.Where(m => m.ProcessedAt == null && m.LeaseUntil != null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Leases of inbound SMS could not be released; they run out on their own");
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var now = clock.GetUtcNow();
        if (now - _lastCleaned >= CleanEvery)
        {
            var before = (now - Keep).UtcDateTime;
            await db.InboundSms.Where(m => m.ReceivedAt < before).ExecuteDeleteAsync(ct);
            await scope.ServiceProvider.GetRequiredService<ReplyCodes>().ForgetOldAsync(ct);
            _lastCleaned = now;
        }

        var nowUtc = now.UtcDateTime;
        var due = await db.InboundSms.AsNoTracking().Where(m => m.ProcessedAt == null && (m.LeaseUntil == null || m.LeaseUntil < nowUtc))
            .OrderBy(m => m.ReceivedAt).Select(m => new { m.Id, m.Attempts }).Take(50).ToListAsync(ct);
        foreach (var item in due)
        {
            var at = clock.GetUtcNow().UtcDateTime;
            if (item.Attempts >= MaxAttempts)
            {
                logger.LogError("Inbound SMS {Id} failed {Attempts} times; given up", item.Id, item.Attempts);
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
                using var one = scopes.CreateScope();
                await one.ServiceProvider.GetRequiredService<InboundSmsProcessor>().ProcessAsync(item.Id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Inbound SMS {Id} failed; it is tried again", item.Id);
                // Nothing of it was committed (see the processor): free it for the next round.
                await db.InboundSms.Where(m => m.Id == item.Id && m.ProcessedAt == null && m.LeaseUntil == until)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, (DateTime?)null), ct);
            }
        }
    }
}

/// <summary>Reads one inbound SMS as a command, carries it out through the check-in, alert and contact services, and queues the reply.</summary>
public sealed class InboundSmsProcessor(
    AmparoDbContext db, FieldCipher cipher, CheckInService checkIns, AlertService alerts, ContactService contacts, ReplyCodes codes,
    OutboxWriter outbox, WorkSignal signal, IStringLocalizer<SharedResource> t, TimeProvider clock, ILogger<InboundSmsProcessor> logger)
{
    public const string Via = "sms";

    /// <summary>Thrown inside a commit when the SMS was already carried out (by another instance): that commit is rolled back.</summary>
    private sealed class AlreadyProcessedException() : Exception("inbound SMS already processed");

    /// <summary>
    /// Carries the SMS out once. A change made through the check-in commit (check-in, extension, close, panic, a wrong
    /// PIN) marks the row processed in that same transaction (<see cref="CommitBatcher.Attach"/>): both happen or
    /// neither, so a crash between them cannot apply an EXTEND twice. ACK, YES and STOP are conditional updates that a
    /// second run does not repeat; their row is marked with the reply.
    /// </summary>
    public async Task ProcessAsync(Guid inboundId, CancellationToken ct)
    {
        var row = await db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.Id == inboundId, ct);
        if (row is null || row.ProcessedAt is not null) return;
        var payload = await ReadAsync(row, ct);
        string? reply = null;
        var attachment = CommitBatcher.Attach(async (services, token) =>
        {
            if (await MarkProcessedAsync(services.GetRequiredService<AmparoDbContext>(), inboundId, keepLease: true, token) == 0) throw new AlreadyProcessedException();
        });
        try
        {
            if (payload is not null && row.SenderLookup is not null) reply = await ActAsync(row.SenderLookup, payload.Text, ct);
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
            var now = clock.GetUtcNow().UtcDateTime;
            var key = $"sms-reply:{row.Id:D}";
            await outbox.AddAsync(db, new OutboxMessage
            {
                Id = Guid.NewGuid(),
                IdempotencyKey = key,
                NotificationKey = key,
                Channel = ChannelKind.Sms,
                State = OutboxState.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            }, new OutgoingMessage(key, ChannelKind.Sms, Infrastructure.Validation.NormalizePhone(payload.From) ?? payload.From, "Amparo", reply), ct);
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

    /// <summary>Tries of reply codes are counted per sending number.</summary>
    public static string TriesKey(string senderLookup) => "sms:" + senderLookup;

    /// <summary>
    /// The reply text, or null for no reply (a number Amparo does not know hears nothing: we do not answer strangers).
    /// Commands are carried out only for the account whose VERIFIED number sent them (unique: one account at most); an
    /// ACK also from a trusted contact whose number this relationship verified by its consent reply. Anyone else who
    /// is known gets one neutral reply, and nothing changes.
    /// </summary>
    private async Task<string?> ActAsync(string lookup, string text, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.VerifiedPhoneLookup == lookup, ct);
        var contactRows = await db.ContactChannels.AsNoTracking().Where(ch => ch.AddressLookup == lookup)
            .Join(db.TrustedContacts, ch => ch.ContactId, c => c.Id, (ch, c) => new { c.Id, c.Language, c.Consent, ch.VerifiedAt }).ToListAsync(ct);
        var unverifiedLanguage = user is null
            ? await db.Users.AsNoTracking().Where(u => u.PhoneLookup == lookup).OrderBy(u => u.CreatedAt).Select(u => u.Language).FirstOrDefaultAsync(ct)
            : null;
        if (user is null && contactRows.Count == 0 && unverifiedLanguage is null) return null;
        var language = user?.Language ?? contactRows.FirstOrDefault()?.Language ?? unverifiedLanguage ?? "en";
        // What anyone known but not allowed to command hears: the same words whatever they sent.
        var neutral = user is null && contactRows.Count == 0 ? Say(language, "Sms.NotVerified") : null;

        var words = user is null ? null : await CodeWordsAsync(user, ct);
        var command = SmsCommands.Parse(text, words);
        if (command is null) return neutral ?? Say(language, "Sms.NotUnderstood");

        switch (command.Kind)
        {
            case SmsCommandKind.Ack:
            {
                var contactIds = contactRows.Where(c => c.VerifiedAt is not null && c.Consent == ConsentState.Confirmed).Select(c => c.Id).ToList();
                if (user is null && contactIds.Count == 0) return neutral ?? Say(language, "Sms.NotVerified");
                if (!await codes.TryAsync(TriesKey(lookup), ct)) return Say(language, "Sms.AckBlocked");
                var recipient = await RecipientForAckAsync(user?.Id, contactIds, command.Code!, ct);
                if (recipient is null) return Say(language, "Sms.AckUnknown", command.Code!);
                var done = await alerts.AcknowledgeAsync(recipient.AlertId, recipient.Id, ct);
                return Say(recipient.Language is { Length: > 0 } l ? l : language, done ? "Sms.Acknowledged" : "Sms.AckTooLate", command.Code!);
            }
            case SmsCommandKind.Yes:
                if (contactRows.Count == 0) return neutral ?? Say(language, "Sms.NotUnderstood");
                if (command.Code is null) return Say(language, "Sms.YesNeedsCode");
                if (!await codes.TryAsync(TriesKey(lookup), ct)) return Say(language, "Sms.AckBlocked");
                return await contacts.ConfirmBySmsAsync(lookup, command.Code, ct) ? Say(language, "Sms.Confirmed") : Say(language, "Sms.YesNeedsCode");
            case SmsCommandKind.Stop:
                return await contacts.WithdrawBySmsAsync(lookup, ct) > 0 ? Say(language, "Sms.Withdrawn") : neutral;
            case SmsCommandKind.CheckIn or SmsCommandKind.Extend or SmsCommandKind.Close or SmsCommandKind.Help or SmsCommandKind.Panic:
                break; // An account holder's commands: below.
        }

        if (user is null) return neutral ?? Say(language, "Sms.NotUnderstood");
        if (command.Kind == SmsCommandKind.Help)
            return Say(language, words is null ? "Sms.Help" : "Sms.HelpPersonal");
        if (command.Kind == SmsCommandKind.Panic)
        {
            await checkIns.PanicAsync(user.Id, Via, null, null, null, ct);
            return Say(language, "Sms.PanicReceived");
        }

        var visit = await checkIns.CurrentVisitAsync(user.Id, ct);
        if (visit is null) return Say(language, "Sms.NoVisit");
        var proof = new Proof(command.Pin, FreshSession: false);
        var status = command.Kind switch
        {
            SmsCommandKind.CheckIn => await checkIns.CheckInAsync(user.Id, visit.Id, proof, Via, ct: ct),
            SmsCommandKind.Extend => await checkIns.ExtendAsync(user.Id, visit.Id, command.Minutes!.Value, proof, Via, ct),
            SmsCommandKind.Close => await checkIns.CloseAsync(user.Id, visit.Id, proof, Via, ct),
            SmsCommandKind.Ack or SmsCommandKind.Yes or SmsCommandKind.Stop or SmsCommandKind.Help or SmsCommandKind.Panic =>
                throw new System.Diagnostics.UnreachableException($"{command.Kind} is answered above."),
        };
        // A duress PIN answers Done: the reply is the same as for the normal PIN, by construction.
        return status switch
        {
            ActionStatus.Done => command.Kind switch
            {
                SmsCommandKind.CheckIn => Say(language, "Sms.CheckedIn"),
                SmsCommandKind.Extend => Say(language, "Sms.Extended", command.Minutes!.Value),
                SmsCommandKind.Close => Say(language, "Sms.Closed"),
                SmsCommandKind.Ack or SmsCommandKind.Yes or SmsCommandKind.Stop or SmsCommandKind.Help or SmsCommandKind.Panic =>
                    throw new System.Diagnostics.UnreachableException($"{command.Kind} is answered above."),
            },
            ActionStatus.WrongPin => Say(language, "Sms.WrongPin"),
            ActionStatus.Locked => Say(language, "Sms.PinLocked"),
            ActionStatus.NeedsPin => Say(language, "Sms.NeedsPin"),
            ActionStatus.TooLong => Say(language, "Sms.TooLong"),
            ActionStatus.NotFound => Say(language, "Sms.NoVisit"),
            ActionStatus.Closed => Say(language, "Sms.AlreadyClosed"),
            ActionStatus.Invalid => Say(language, "Sms.NotUnderstood"),
        };
    }

    /// <summary>
    /// The sender's recipient row whose own ACK code this is, on an alert still open. Codes are per recipient: a code
    /// seen by one responder is worth nothing from another number.
    /// </summary>
    private async Task<AlertRecipient?> RecipientForAckAsync(Guid? userId, List<Guid> contactIds, string code, CancellationToken ct)
    {
        var open = db.Alerts.Where(a => a.State != AlertState.Resolved).Select(a => a.Id);
        var candidates = await db.AlertRecipients.AsNoTracking()
            .Where(r => open.Contains(r.AlertId) && ((userId != null && r.UserId == userId) || (r.ContactId != null && contactIds.Contains(r.ContactId.Value))))
            .OrderBy(r => r.Level).Take(100).ToListAsync(ct);
        AlertRecipient? match = null;
        foreach (var r in candidates)
            if (match is null && ReplyCodes.Same(code, await codes.CodeAsync(ReplyCodes.Ack, r.Id, null, ct))) match = r;
        return match;
    }

    private async Task<PersonalCodeWords?> CodeWordsAsync(User user, CancellationToken ct)
    {
        var encrypted = await db.CheckInSettings.Where(s => s.UserId == user.Id).Select(s => s.CodeWordsCipher).FirstOrDefaultAsync(ct);
        if (encrypted is null) return null;
        var json = await cipher.DecryptAsync(db, user.DataKeyId, encrypted, CheckInSettings.Table, nameof(CheckInSettings.CodeWordsCipher), user.Id, ct);
        return PersonalCodeWords.FromJson(json);
    }

    private string Say(string language, string key, params object[] args)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Infrastructure.Localization.Cultures.IsSupported(language) ? language : "en");
            return args.Length == 0 ? t[key].Value : string.Format(CultureInfo.InvariantCulture, t[key].Value, args);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
