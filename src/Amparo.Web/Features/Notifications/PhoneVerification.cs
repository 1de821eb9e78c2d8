using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Notifications;

public enum PhoneCheck { Sent, Verified, NoPhone, TooSoon, TooManyTries, Expired, WrongCode, Taken }

/// <summary>
/// An account holder proves their phone number is theirs: a code (<see cref="ReplyCodes"/>) is sent to it by SMS and
/// typed back on the profile page. Until then the number still receives alerts and reminders, but no SMS command from
/// it is carried out. A verified number belongs to one account only (a unique index); when it is taken, the person
/// hears that after proving the number, never whose it is — and nobody learns it by merely typing a number in.
/// </summary>
public sealed class PhoneVerification(AmparoDbContext db, AccountService accounts, ReplyCodes codes, Notifier notifier, MessageTexts texts,
    WorkSignal signal, TimeProvider clock)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ResendAfter = TimeSpan.FromMinutes(1);

    public static bool IsVerified(User user) => user.PhoneLookup is not null && user.VerifiedPhoneLookup == user.PhoneLookup;

    /// <summary>Sends a new code to the person's number (the previous one stops working).</summary>
    public async Task<PhoneCheck> SendCodeAsync(User user, CancellationToken ct = default)
    {
        if (user.PhoneLookup is null) return PhoneCheck.NoPhone;
        if (IsVerified(user)) return PhoneCheck.Verified;
        var now = clock.GetUtcNow().UtcDateTime;
        if (user.PhoneCodeSentAt is { } sent && now - sent < ResendAfter) return PhoneCheck.TooSoon;
        // Codes cost money and land on someone's phone: a few a day per account.
        if (!await codes.TryAsync("phone-send:" + user.Id.ToString("N"), ct)) return PhoneCheck.TooManyTries;
        var (phone, _) = await accounts.ContactDetailsAsync(user, ct);
        if (phone is null) return PhoneCheck.NoPhone;
        // Whole seconds: the code is derived from this instant, and PostgreSQL keeps only microseconds of it.
        user.PhoneCodeSentAt = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var code = await codes.CodeAsync(ReplyCodes.Phone, user.Id, Nonce(user), ct);
        await notifier.EnqueueAsync(db, new Notification($"phone-code:{user.Id:N}:{now.Ticks}", new(NotificationSourceKind.Account, user.Id),
            NotificationPriority.Deadline, user.Language, [new(ChannelKind.Sms, phone)], "Amparo", texts.Text(user.Language, false, "Sms.PhoneCode", code)), ct);
        await db.SaveChangesAsync(ct);
        signal.WakeDispatcher();
        return PhoneCheck.Sent;
    }

    /// <summary>Checks the typed code; every try counts (a right one too) against the account's daily tries.</summary>
    public async Task<PhoneCheck> VerifyAsync(User user, string? typed, CancellationToken ct = default)
    {
        if (user.PhoneLookup is null) return PhoneCheck.NoPhone;
        if (IsVerified(user)) return PhoneCheck.Verified;
        if (user.PhoneCodeSentAt is not { } sent || clock.GetUtcNow().UtcDateTime - sent > CodeLifetime) return PhoneCheck.Expired;
        if (!await codes.TryAsync("phone:" + user.Id.ToString("N"), ct)) return PhoneCheck.TooManyTries;
        if (!ReplyCodes.Same(ReplyCodes.Clean(typed), await codes.CodeAsync(ReplyCodes.Phone, user.Id, Nonce(user), ct))) return PhoneCheck.WrongCode;

        var lookup = user.PhoneLookup;
        if (await db.Users.AnyAsync(u => u.Id != user.Id && u.VerifiedPhoneLookup == lookup, ct)) return PhoneCheck.Taken;
        user.VerifiedPhoneLookup = lookup;
        user.PhoneCodeSentAt = null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Verified on another account at the same moment: the unique index decided.
            user.VerifiedPhoneLookup = null;
            db.Entry(user).Property(u => u.VerifiedPhoneLookup).IsModified = false;
            return PhoneCheck.Taken;
        }
        return PhoneCheck.Verified;
    }

    /// <summary>The code is bound to the number and to the moment it was sent.</summary>
    private static string Nonce(User user) => $"{user.PhoneLookup}:{user.PhoneCodeSentAt?.Ticks}";
}
