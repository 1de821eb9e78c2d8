using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns;

public sealed record ContactInput(string? Name, string? Language, IReadOnlyList<(ChannelKind Kind, string? Address)> Channels);

public sealed record ContactView(Guid Id, string Name, string Language, ConsentState Consent, DateTime? ConfirmedAt, IReadOnlyList<(ChannelKind Kind, string Address)> Channels);

/// <summary>What a contact sees on their consent page: who asks, and whether they have agreed.</summary>
public sealed record ConsentView(Guid ContactId, string OwnerName, ConsentState Consent, string Language);

/// <summary>
/// Trusted contacts: people without an account whom a defender asks to be told first. A contact is used only after
/// agreeing (a link or an SMS reply) and can withdraw at any time, which deletes their details.
/// </summary>
public sealed class ContactService(
    AmparoDbContext db, FieldCipher cipher, CheckInSecrets secrets, Notifier notifier, MessageTexts texts,
    AccountService accounts, AuditLog audit, WorkSignal signal, Reminders reminders, ReplyCodes codes, TimeProvider clock)
{
    public const int MaxContacts = 10, MaxChannels = 4;

    public static Dictionary<string, string> Validate(ContactInput input)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (input.Name?.Trim() is not { Length: > 0 and <= 100 } name || name.Any(char.IsControl)) errors["Name"] = "Contact.Error.Name";
        if (!Cultures.IsSupported(input.Language)) errors["Language"] = "Validation.Language";
        var given = input.Channels.Where(c => !string.IsNullOrWhiteSpace(c.Address)).ToList();
        if (given.Count == 0) errors["Channels"] = "Contact.Error.NoChannel";
        if (given.Count > MaxChannels) errors["Channels"] = "Contact.Error.TooManyChannels";
        for (var i = 0; i < given.Count; i++)
        {
            var (kind, address) = given[i];
            // The kind comes from a form or a body: a number outside the enum is refused here, not thrown on below.
            var ok = Enum.IsDefined(kind) && kind switch
            {
                ChannelKind.Email => Validation.IsEmail(address!.Trim()),
                ChannelKind.Sms or ChannelKind.Signal => Validation.IsPhone(address) && Validation.NormalizePhone(address) is { Length: > 0 },
                ChannelKind.Webhook => Uri.TryCreate(address!.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && address.Length <= 500,
            };
            if (!ok) errors["Channel" + i] = "Contact.Error.Address";
        }
        return errors;
    }

    /// <summary>Adds a contact (pending) and sends them the request to agree. Field → resource key on problems; nothing saved then.</summary>
    public async Task<(Guid? Id, Dictionary<string, string> Errors)> AddAsync(Guid ownerId, ContactInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        if (await db.TrustedContacts.CountAsync(c => c.OwnerId == ownerId && c.Consent != ConsentState.Withdrawn, ct) >= MaxContacts) errors["Name"] = "Contact.Error.TooMany";
        if (errors.Count > 0) return (null, errors);
        var owner = await db.Users.SingleAsync(u => u.Id == ownerId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var contact = new TrustedContact
        {
            Id = Guid.NewGuid(),
            OwnerId = ownerId,
            Language = input.Language!,
            Order = await db.TrustedContacts.Where(c => c.OwnerId == ownerId).Select(c => (int?)c.Order).MaxAsync(ct) + 1 ?? 0,
            Consent = ConsentState.Pending,
            CreatedAt = now,
        };
        contact.ConsentTokenHash = Tokens.Hash(contact.Id.ToString("N"));
        contact.NameCipher = await cipher.EncryptAsync(db, owner.DataKeyId, input.Name!.Trim(), TrustedContact.Table, nameof(TrustedContact.NameCipher), contact.Id, ct);
        var order = 0;
        // Normalized once: stored encrypted and used for the consent request alike.
        var given = input.Channels.Where(c => !string.IsNullOrWhiteSpace(c.Address))
            .Select(c => new Escalation.Channel(c.Kind, c.Kind is ChannelKind.Sms or ChannelKind.Signal ? Validation.NormalizePhone(c.Address)! : c.Address!.Trim(),
                // A webhook signs with its own secret — the consent request as much as every alert (unsigned, it is not sent).
                c.Kind == ChannelKind.Webhook ? Tokens.NewUrlSafe() : null))
            .ToList();
        foreach (var (kind, address, secret) in given)
        {
            var channel = new ContactChannel { Id = Guid.NewGuid(), ContactId = contact.Id, Order = order++, Kind = kind };
            channel.AddressCipher = await cipher.EncryptAsync(db, owner.DataKeyId, address, ContactChannel.Table, nameof(ContactChannel.AddressCipher), channel.Id, ct);
            if (kind is ChannelKind.Sms or ChannelKind.Signal) channel.AddressLookup = await accounts.PhoneLookupAsync(address, ct);
            if (secret is not null)
                channel.SecretCipher = await cipher.EncryptAsync(db, owner.DataKeyId, secret, ContactChannel.Table, nameof(ContactChannel.SecretCipher), channel.Id, ct);
            contact.Channels.Add(channel);
        }
        db.TrustedContacts.Add(contact);
        await QueueConsentRequestAsync(owner, contact, given, ct);
        await db.SaveChangesAsync(ct);
        signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.ContactChanged, ownerId, contact.Id, detail: "added", ct: ct);
        return (contact.Id, errors);
    }

    private async Task QueueConsentRequestAsync(User owner, TrustedContact contact, List<Escalation.Channel> channels, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var link = texts.Url("/c/" + await secrets.LinkTokenAsync(db, LinkPurposes.Consent, contact.Id, ct));
        var text = texts.Text(contact.Language, false, "Contact.Msg.Invite", owner.DisplayName, link);
        // By SMS, "YES" with this relationship's code: the reply proves the number is the contact's (ReplyCodes).
        var smsText = texts.Text(contact.Language, false, "Contact.Msg.InviteSms", owner.DisplayName, link,
            await codes.CodeAsync(ReplyCodes.Consent, contact.Id, null, ct));
        var subject = texts.Text(contact.Language, false, "Contact.Mail.Subject");
        await notifier.EnqueueAsync(db, new Notification($"consent:{contact.Id:N}:{now.Ticks}", new(NotificationSourceKind.Contact, contact.Id), NotificationPriority.Normal,
            contact.Language, channels.Select(c => new Destination(c.Kind, c.Address, c.Secret)).ToList(), subject, text) { SmsText = smsText }, ct);
    }

    public async Task<List<ContactView>> ListAsync(Guid ownerId, CancellationToken ct = default)
    {
        var keyId = await db.Users.Where(u => u.Id == ownerId).Select(u => u.DataKeyId).SingleAsync(ct);
        var contacts = await db.TrustedContacts.AsNoTracking().Include(c => c.Channels).Where(c => c.OwnerId == ownerId).OrderBy(c => c.Order).ToListAsync(ct);
        var list = new List<ContactView>();
        foreach (var c in contacts)
        {
            var channels = new List<(ChannelKind, string)>();
            foreach (var ch in c.Channels.OrderBy(ch => ch.Order))
                channels.Add((ch.Kind, await cipher.DecryptAsync(db, keyId, ch.AddressCipher, ContactChannel.Table, nameof(ContactChannel.AddressCipher), ch.Id, ct) ?? ""));
            var name = await cipher.DecryptAsync(db, keyId, c.NameCipher, TrustedContact.Table, nameof(TrustedContact.NameCipher), c.Id, ct) ?? "";
            list.Add(new ContactView(c.Id, name, c.Language, c.Consent, c.ConfirmedAt, channels));
        }
        return list;
    }

    public Task<bool> HasConfirmedAsync(Guid ownerId, CancellationToken ct = default) =>
        db.TrustedContacts.AnyAsync(c => c.OwnerId == ownerId && c.Consent == ConsentState.Confirmed, ct);

    /// <summary>The owner removes a contact: row and details deleted. False when it is not theirs.</summary>
    public async Task<bool> RemoveAsync(Guid ownerId, Guid contactId, CancellationToken ct = default)
    {
        var removed = await db.TrustedContacts.Where(c => c.Id == contactId && c.OwnerId == ownerId).ExecuteDeleteAsync(ct);
        if (removed > 0) await audit.WriteAsync(AuditEvents.ContactChanged, ownerId, contactId, detail: "removed", ct: ct);
        return removed > 0;
    }

    /// <summary>A contact's consent as the export spells it (the edge; inside, it stays a <see cref="ConsentState"/>).</summary>
    public static string ConsentName(ConsentState consent) => consent switch
    {
        ConsentState.Pending => "pending",
        ConsentState.Confirmed => "confirmed",
        ConsentState.Withdrawn => "withdrawn",
    };

    public async Task<ConsentView?> ConsentViewAsync(string? token, CancellationToken ct = default)
    {
        if (await secrets.VerifyLinkAsync(db, LinkPurposes.Consent, token, ct) is not { } id) return null;
        var contact = await db.TrustedContacts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null) return null;
        var ownerName = await db.Users.Where(u => u.Id == contact.OwnerId).Select(u => u.DisplayName).SingleAsync(ct);
        return new ConsentView(contact.Id, ownerName, contact.Consent, contact.Language);
    }

    public async Task<bool> ConfirmByLinkAsync(string? token, CancellationToken ct = default) =>
        await secrets.VerifyLinkAsync(db, LinkPurposes.Consent, token, ct) is { } id && await ConfirmAsync(db.TrustedContacts.Where(c => c.Id == id), ct) > 0;

    public async Task<bool> WithdrawByLinkAsync(string? token, CancellationToken ct = default) =>
        await secrets.VerifyLinkAsync(db, LinkPurposes.Consent, token, ct) is { } id && await WithdrawAsync(db.TrustedContacts.Where(c => c.Id == id), ct) > 0;

    /// <summary>
    /// "YES code" from a number that is a contact's channel: the relationship whose consent code it is agrees (when still
    /// pending), and its channels with this number count as verified from now on — this relationship only (a relative
    /// may be the contact of several defenders, each with its own code). False when the code is no relationship's of
    /// this number. The caller counts the try (ReplyCodes.TryAsync).
    /// </summary>
    public async Task<bool> ConfirmBySmsAsync(string senderLookup, string code, CancellationToken ct = default)
    {
        var ids = await db.ContactChannels.Where(ch => ch.AddressLookup == senderLookup).Select(ch => ch.ContactId).Distinct().ToListAsync(ct);
        foreach (var id in ids)
        {
            if (!ReplyCodes.Same(code, await codes.CodeAsync(ReplyCodes.Consent, id, null, ct))) continue;
            await ConfirmAsync(db.TrustedContacts.Where(c => c.Id == id), ct);
            var now = clock.GetUtcNow().UtcDateTime;
            await db.ContactChannels.Where(ch => ch.ContactId == id && ch.AddressLookup == senderLookup && ch.VerifiedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(ch => ch.VerifiedAt, now), ct);
            return true;
        }
        return false;
    }

    /// <summary>"STOP" from a number: every contact entry with that number is withdrawn and its details deleted.</summary>
    public async Task<int> WithdrawBySmsAsync(string senderLookup, CancellationToken ct = default)
    {
        var ids = db.ContactChannels.Where(ch => ch.AddressLookup == senderLookup).Select(ch => ch.ContactId);
        return await WithdrawAsync(db.TrustedContacts.Where(c => ids.Contains(c.Id)), ct);
    }

    private async Task<int> ConfirmAsync(IQueryable<TrustedContact> contacts, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await contacts.Where(c => c.Consent == ConsentState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Consent, ConsentState.Confirmed).SetProperty(c => c.ConfirmedAt, now), ct);
    }

    private async Task<int> WithdrawAsync(IQueryable<TrustedContact> contacts, CancellationToken ct)
    {
        var withdrawing = await contacts.Where(c => c.Consent != ConsentState.Withdrawn).Select(c => new { c.Id, c.OwnerId, c.Consent }).ToListAsync(ct);
        if (withdrawing.Count == 0) return 0;
        var ids = withdrawing.Select(c => c.Id).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Their details go: every address, and the name. The empty row only tells the owner that someone withdrew.
        await db.ContactChannels.Where(ch => ids.Contains(ch.ContactId)).ExecuteDeleteAsync(ct);
        await db.TrustedContacts.Where(c => ids.Contains(c.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Consent, ConsentState.Withdrawn).SetProperty(c => c.NameCipher, (byte[]?)null).SetProperty(c => c.ConfirmedAt, (DateTime?)null), ct);
        // Messages to them, sent or not, hold their address too: the consent request and every alert notice.
        foreach (var id in ids)
        {
            var key = $"consent:{id:N}:";
            await db.Outbox.Where(m => m.NotificationKey.Contains(key)).ExecuteDeleteAsync(ct);
        }
        var recipients = db.AlertRecipients.Where(r => r.ContactId != null && ids.Contains(r.ContactId.Value)).Select(r => (Guid?)r.Id);
        await db.Outbox.Where(m => recipients.Contains(m.RecipientId)).ExecuteDeleteAsync(ct);
        // The owner hears of it (a contact who never agreed was never counted on: no notice for those).
        foreach (var c in withdrawing.Where(c => c.Consent == ConsentState.Confirmed)) await reminders.ContactWithdrewAsync(db, c.OwnerId, c.Id, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signal.WakeDispatcher();
        return ids.Count;
    }
}
