using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// The check-in SMS commands (OK, EXTEND, CLOSE, HELP, SOS, ACK, YES, STOP in five languages, and a person's own code
/// words), registered with <see cref="SmsKeywords"/> in <see cref="CheckInsSetup.AddCheckIns"/>: carried out through
/// the check-in, alert and contact services; the reply in the sender's language.
/// </summary>
public sealed class CheckInSmsHandler(
    AmparoDbContext db, FieldCipher cipher, CheckInService checkIns, AlertService alerts, ContactService contacts, ReplyCodes codes,
    MessageTexts texts) : ISmsKeywordHandler, ISmsPersonalWords
{
    public const string Via = "sms";

    public Task<SmsReply?> HandleAsync(InboundText sms, CancellationToken ct) => ActAsync(sms.SenderLookup, sms.Text, ct);

    public async Task<bool> IsPersonalAsync(InboundText sms, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.VerifiedPhoneLookup == sms.SenderLookup, ct);
        return user is not null && await CodeWordsAsync(user, ct) is { } words && SmsCommands.Parse(sms.Text, words) is not null;
    }

    /// <summary>Tries of reply codes are counted per sending number.</summary>
    public static string TriesKey(string senderLookup) => SmsSenders.TriesKey(senderLookup);

    /// <summary>
    /// The reply text, or null for no reply (a number Amparo does not know hears nothing: we do not answer strangers).
    /// Commands are carried out only for the account whose VERIFIED number sent them (unique: one account at most); an
    /// ACK also from a trusted contact whose number this relationship verified by its consent reply. Anyone else who
    /// is known gets one neutral reply, and nothing changes.
    /// </summary>
    private async Task<SmsReply?> ActAsync(string lookup, string text, CancellationToken ct)
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

    /// <summary>The reply in <paramref name="language"/>.</summary>
    private SmsReply Say(string language, string key, params object[] args) =>
        new(language, args.Length == 0 ? texts.Text(language, false, key) : texts.Text(language, false, key, args));
}
