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
/// with a conditional update (so two instances do not both act on it), processed, and its text erased. Rows older
/// than 72 hours are deleted (they must outlive a gateway's retries, 48 hours at least, to be recognised).
/// </summary>
public sealed class InboundSmsWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, InboundSmsSignal signal, TimeProvider clock, ILogger<InboundSmsWorker> logger) : BackgroundService
{
    public const string Name = "inbound-sms";
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Keep = TimeSpan.FromHours(72);
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromMinutes(10);
    private DateTimeOffset _lastCleaned = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, Every);
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

    public async Task RunOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var now = clock.GetUtcNow();
        if (now - _lastCleaned >= CleanEvery)
        {
            var before = (now - Keep).UtcDateTime;
            await db.InboundSms.Where(m => m.ReceivedAt < before).ExecuteDeleteAsync(ct);
            _lastCleaned = now;
        }

        var due = await db.InboundSms.AsNoTracking().Where(m => m.ProcessedAt == null).OrderBy(m => m.ReceivedAt)
            .Select(m => new { m.Id, m.Attempts }).Take(50).ToListAsync(ct);
        foreach (var item in due)
        {
            var nowUtc = clock.GetUtcNow().UtcDateTime;
            if (item.Attempts >= MaxAttempts)
            {
                logger.LogError("Inbound SMS {Id} failed {Attempts} times; given up", item.Id, item.Attempts);
                await db.InboundSms.Where(m => m.Id == item.Id && m.ProcessedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, nowUtc).SetProperty(m => m.PayloadCipher, (byte[]?)null), ct);
                continue;
            }
            var claimed = await db.InboundSms.Where(m => m.Id == item.Id && m.ProcessedAt == null && m.Attempts == item.Attempts)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            if (claimed != 1) continue;
            try
            {
                using var one = scopes.CreateScope();
                await one.ServiceProvider.GetRequiredService<InboundSmsProcessor>().ProcessAsync(item.Id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Inbound SMS {Id} failed; it is tried again", item.Id);
            }
        }
    }
}

/// <summary>Reads one inbound SMS as a command, carries it out through the check-in, alert and contact services, and queues the reply.</summary>
public sealed class InboundSmsProcessor(
    AmparoDbContext db, FieldCipher cipher, CheckInService checkIns, AlertService alerts, ContactService contacts,
    OutboxWriter outbox, WorkSignal signal, AckGuesses guesses, IStringLocalizer<SharedResource> t, TimeProvider clock, ILogger<InboundSmsProcessor> logger)
{
    public const string Via = "sms";

    public async Task ProcessAsync(Guid inboundId, CancellationToken ct)
    {
        var row = await db.InboundSms.SingleOrDefaultAsync(m => m.Id == inboundId, ct);
        if (row is null || row.ProcessedAt is not null) return;
        var payload = await ReadAsync(row, ct);
        var reply = payload is null || row.SenderLookup is null ? null : await ActAsync(row.SenderLookup, payload.Text, ct);

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
        row.ProcessedAt = clock.GetUtcNow().UtcDateTime;
        row.PayloadCipher = null; // the text is needed no longer
        await db.SaveChangesAsync(ct);
        if (reply is not null) signal.WakeDispatcher();
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

    /// <summary>The reply text, or null for no reply (an unknown sender hears nothing: we do not answer strangers).</summary>
    private async Task<string?> ActAsync(string lookup, string text, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.PhoneLookup == lookup).OrderBy(u => u.CreatedAt).FirstOrDefaultAsync(ct);
        var contactLanguage = await db.ContactChannels.Where(c => c.AddressLookup == lookup)
            .Join(db.TrustedContacts, ch => ch.ContactId, c => c.Id, (ch, c) => c.Language).FirstOrDefaultAsync(ct);
        var language = user?.Language ?? contactLanguage ?? "en";

        var words = user is null ? null : await CodeWordsAsync(user, ct);
        var command = SmsCommands.Parse(text, words);
        if (command is null)
            return user is not null || contactLanguage is not null ? Say(language, "Sms.NotUnderstood") : null;

        switch (command.Kind)
        {
            case SmsCommandKind.Ack:
            {
                var known = user is not null || contactLanguage is not null;
                if (known && guesses.Blocked(lookup)) return Say(language, "Sms.AckBlocked");
                var recipient = await alerts.RecipientForSmsAsync(lookup, command.ShortCode!.Value, ct);
                if (recipient is null)
                {
                    if (!known) return null;
                    guesses.Wrong(lookup);
                    return Say(language, "Sms.AckUnknown", command.ShortCode.Value);
                }
                var done = await alerts.AcknowledgeAsync(recipient.AlertId, recipient.Id, ct);
                return Say(recipient.Language is { Length: > 0 } l ? l : language, done ? "Sms.Acknowledged" : "Sms.AckTooLate", command.ShortCode.Value);
            }
            case SmsCommandKind.Yes:
                return await contacts.ConfirmBySmsAsync(lookup, ct) ? Say(language, "Sms.Confirmed") : user is not null ? Say(language, "Sms.NotUnderstood") : null;
            case SmsCommandKind.Stop:
                return await contacts.WithdrawBySmsAsync(lookup, ct) > 0 ? Say(language, "Sms.Withdrawn") : null;
        }

        if (user is null) return contactLanguage is not null ? Say(language, "Sms.NotUnderstood") : null;
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
            _ => await checkIns.CloseAsync(user.Id, visit.Id, proof, Via, ct),
        };
        // A duress PIN answers Done: the reply is the same as for the normal PIN, by construction.
        return status switch
        {
            ActionStatus.Done => command.Kind switch
            {
                SmsCommandKind.CheckIn => Say(language, "Sms.CheckedIn"),
                SmsCommandKind.Extend => Say(language, "Sms.Extended", command.Minutes!.Value),
                _ => Say(language, "Sms.Closed"),
            },
            ActionStatus.WrongPin => Say(language, "Sms.WrongPin"),
            ActionStatus.Locked => Say(language, "Sms.PinLocked"),
            ActionStatus.NeedsPin => Say(language, "Sms.NeedsPin"),
            ActionStatus.TooLong => Say(language, "Sms.TooLong"),
            ActionStatus.NotFound => Say(language, "Sms.NoVisit"),
            ActionStatus.Closed => Say(language, "Sms.AlreadyClosed"),
            _ => Say(language, "Sms.NotUnderstood"),
        };
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
