using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// The grants SMS keyword: "FUND" (FONDO, FONDS, صندوق, ФОНД) and an emergency program's SMS word, then, if the person
/// wishes, a few words about what happened — "FUND RRF they broke into the office". From a number verified on an
/// account it starts an emergency request (<see cref="GrantRequests.StartBySmsAsync"/>) that the program's duty officers
/// complete by talking with the person. Anyone else hears exactly what they hear for every other SMS command: nothing
/// for a number Amparo does not know, the one neutral reply for a number not verified.
/// </summary>
public sealed class GrantSmsHandler(AmparoDbContext db, GrantRequests requests, MessageTexts texts) : ISmsKeywordHandler
{
    /// <summary>The keywords, one per language; the program's word follows.</summary>
    public static readonly string[] Words = ["FUND", "FONDO", "FONDS", "صندوق", "ФОНД"];

    /// <summary>The keyword in a page's language (any of them works from any phone).</summary>
    public static string WordFor(string language) => language switch
    {
        "es" => "FONDO",
        "fr" => "FONDS",
        "ar" => "صندوق",
        "ru" => "ФОНД",
        _ => "FUND",
    };

    public async Task<SmsReply?> HandleAsync(InboundText sms, CancellationToken ct)
    {
        // The same as the check-in commands: silence for a stranger, one neutral sentence for a number not verified.
        var (user, unverified) = await SmsSenders.IdentifyAsync(db, sms.SenderLookup, ct);
        if (user is null) return unverified is null ? null : Say(unverified, "Sms.NotVerified");
        var (word, need) = Split(sms.Text);
        if (word is null) return Say(user.Language, "Grants.Sms.Usage");
        // The number the person wrote from is how the duty officer reaches them first (in the request's encrypted answers).
        var contact = texts.Text(user.Language, false, "Grants.Sms.Contact", Infrastructure.Validation.NormalizePhone(sms.From) ?? sms.From);
        var (write, reference) = await requests.StartBySmsAsync(user.Id, word, need, contact, ct);
        return write.Status switch
        {
            RequestWriteStatus.Done => Say(user.Language, "Grants.Sms.Started", reference ?? ""),
            RequestWriteStatus.Conflict => Say(user.Language, "Grants.Sms.AlreadyStarted", reference ?? ""),
            // An unknown word and the program's own people hear the same: nothing about who runs which program.
            RequestWriteStatus.NotFound or RequestWriteStatus.Refused or RequestWriteStatus.Invalid => Say(user.Language, "Grants.Sms.Usage"),
        };
    }

    /// <summary>The program's word (normalized) and the rest of the text as written; the word is null when there is none.</summary>
    public static (string? Word, string Need) Split(string text)
    {
        var parts = text.Trim().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) return (null, "");
        var word = SmsKeywords.Normalize(parts[1]);
        return (word.Length == 0 ? null : word, parts.Length > 2 ? parts[2] : "");
    }

    private SmsReply Say(string language, string key, params object[] args) =>
        new(language, args.Length == 0 ? texts.Text(language, false, key) : texts.Text(language, false, key, args));
}
