using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// Who sent an inbound SMS, as every keyword handler must treat them: the account whose VERIFIED number it is (one at
/// most), or — for a number only given on a profile and not yet verified — that account's language (so it hears the one
/// neutral reply and nothing is done), or a stranger (both null: Amparo does not answer strangers).
/// </summary>
public static class SmsSenders
{
    public sealed record Verified(Guid Id, string Language);

    public static async Task<(Verified? Person, string? UnverifiedLanguage)> IdentifyAsync(AmparoDbContext db, string senderLookup, CancellationToken ct)
    {
        var person = await db.Users.AsNoTracking().Where(u => u.VerifiedPhoneLookup == senderLookup).Select(u => new Verified(u.Id, u.Language)).SingleOrDefaultAsync(ct);
        if (person is not null) return (person, null);
        var language = await db.Users.AsNoTracking().Where(u => u.PhoneLookup == senderLookup).OrderBy(u => u.CreatedAt).Select(u => u.Language).FirstOrDefaultAsync(ct);
        return (null, language);
    }

    /// <summary>Reply-code tries are counted per sending number, whichever feature's code it sends.</summary>
    public static string TriesKey(string senderLookup) => "sms:" + senderLookup;
}
