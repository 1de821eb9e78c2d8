using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;

namespace Amparo.Web.Features.Networks;

/// <summary>
/// The referrals' SMS keyword: "AGREE code" (ACEPTO, ACCEPTE, أوافق, СОГЛАСЕН) from the defender's verified number gives
/// consent to the referral the code was sent for (<see cref="Referrals.ConsentBySmsAsync"/>). Anyone else hears what
/// they hear for every other SMS command: nothing for a number Amparo does not know, the one neutral reply for a number
/// not verified.
/// </summary>
public sealed class ReferralSmsHandler(AmparoDbContext db, Referrals referrals, MessageTexts texts) : ISmsKeywordHandler
{
    public static readonly string[] Words = ["AGREE", "ACEPTO", "ACCEPTE", "أوافق", "СОГЛАСЕН", "СОГЛАСНА"];

    /// <summary>The keyword in a message's language (any of them works from any phone).</summary>
    public static string WordFor(string language) => language switch
    {
        "es" => "ACEPTO",
        "fr" => "ACCEPTE",
        "ar" => "أوافق",
        "ru" => "СОГЛАСЕН",
        _ => "AGREE",
    };

    public async Task<SmsReply?> HandleAsync(InboundText sms, CancellationToken ct)
    {
        var (user, unverified) = await SmsSenders.IdentifyAsync(db, sms.SenderLookup, ct);
        if (user is null) return unverified is null ? null : new(unverified, texts.Text(unverified, false, "Sms.NotVerified"));
        var parts = sms.Text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        var code = parts.Length == 2 ? ReplyCodes.Clean(parts[1]) : null;
        // A wrong code, a used one and a missing one all hear the same: the page is the way to agree.
        var referral = code is null ? null : await referrals.ConsentBySmsAsync(user.Id, sms.SenderLookup, code, ct);
        return referral is null
            ? new(user.Language, texts.Text(user.Language, false, "Referral.Sms.NoMatch"))
            : new(user.Language, texts.Text(user.Language, false, "Referral.Sms.Agreed", texts.Text(user.Language, false, "Directory.Kind." + referral.Kind)));
    }
}
