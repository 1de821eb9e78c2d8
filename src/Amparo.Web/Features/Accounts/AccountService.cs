using System.Security.Cryptography;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Amparo.Web.Features.Accounts;

public enum PasswordCheck { Failed, Succeeded, NeedsCode }

/// <summary>Creating people, checking passwords and codes, two-factor, deletion. Pages, the API and the CLI share it.</summary>
public sealed class AccountService(
    AmparoDbContext db, UserManager<User> users, IPasswordHasher<User> hasher, FieldCipher cipher,
    AuditLog audit, TimeProvider clock)
{
    public const string UsersTable = "Users";

    public sealed record Created(User? User, IReadOnlyList<string> Errors);

    /// <summary>Creates a person with their own data key and the default sharing rules. Nothing is written on error.</summary>
    public async Task<Created> CreateAsync(string email, string displayName, string password, bool serverAdmin = false, string language = "en", CancellationToken ct = default)
    {
        var errors = new List<string>();
        email = email.Trim();
        displayName = displayName.Trim();
        if (!Validation.IsEmail(email)) errors.Add("Validation.Email");
        if (displayName.Length is 0 or > 100) errors.Add("Validation.DisplayName");
        if (PassphrasePolicy.Problem(password) is { } problem) errors.Add(problem);
        if (errors.Count > 0) return new Created(null, errors);
        if (await users.FindByEmailAsync(email) is not null) return new Created(null, ["Account.EmailTaken"]);

        var now = clock.GetUtcNow().UtcDateTime;
        var key = cipher.NewDataKey("user");
        var user = new User
        {
            Id = Guid.NewGuid(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            Language = Cultures.IsSupported(language) ? language : "en",
            IsServerAdmin = serverAdmin,
            DataKeyId = key.Id,
            CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.DataKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            cipher.Forget(key.Id);
            return new Created(null, result.Errors.Select(e => e.Code == "DuplicateUserName" || e.Code == "DuplicateEmail" ? "Account.EmailTaken" : e.Code).ToList());
        }
        db.SharingRules.AddRange(SharingRule.Defaults(user.Id, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (serverAdmin) await audit.WriteAsync(AuditEvents.ServerAdminCreated, null, user.Id, ct: ct);
        return new Created(user, []);
    }

    /// <summary>
    /// Checks e-mail and password. An unknown e-mail costs the same hash as a known one, and all
    /// failures look alike, so the answer never tells whether an account exists.
    /// </summary>
    public async Task<(PasswordCheck Result, User? User)> CheckPasswordAsync(string? email, string? password, CancellationToken ct = default)
    {
        email = (email ?? "").Trim();
        password ??= "";
        // Only a well-formed address can belong to an account (CreateAsync requires one); anything else is not
        // looked up at all, so control characters never reach the database (PostgreSQL refuses NUL in text).
        var user = Validation.IsEmail(email) ? await users.FindByEmailAsync(email) : null;
        if (user?.PasswordHash is null)
        {
            hasher.HashPassword(new User(), password.Length > 0 ? password : "x");
            await audit.WriteAsync(AuditEvents.SignInFailed, null, ct: ct);
            return (PasswordCheck.Failed, null);
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            await audit.WriteAsync(AuditEvents.SignInFailed, null, user.Id, ct: ct);
            return (PasswordCheck.Failed, null);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await users.UpdateAsync(user);
        }
        return (user.TwoFactorEnabled ? PasswordCheck.NeedsCode : PasswordCheck.Succeeded, user);
    }

    public async Task SignedInAsync(User user, string how, CancellationToken ct) =>
        await audit.WriteAsync(AuditEvents.SignInSucceeded, user.Id, user.Id, detail: how, ct: ct);

    /// <summary>Accepts a current TOTP code (once) or an unused recovery code.</summary>
    public async Task<bool> CheckSecondFactorAsync(User user, string? code, CancellationToken ct = default)
    {
        code = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        if (code.Length == 0 || code.Length > 20) return false;
        if (code.Length == 6 && code.All(char.IsAsciiDigit))
        {
            var secret = await TotpSecretAsync(user, ct);
            if (secret is null) return false;
            var totp = new Totp(secret, timeCorrection: new TimeCorrection(clock.GetUtcNow().UtcDateTime));
            if (!totp.VerifyTotp(code, out var step, new VerificationWindow(1, 1)) || step <= user.TotpLastStep) return false;
            // Conditional update: two requests racing with the same code cannot both win.
            var updated = await db.Users.Where(u => u.Id == user.Id && u.TotpLastStep < step)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpLastStep, step), ct);
            return updated == 1;
        }
        var hash = await RecoveryCodeHashAsync(user.Id, code.ToUpperInvariant(), ct);
        var used = await db.RecoveryCodes.Where(r => r.UserId == user.Id && r.CodeHash == hash).ExecuteDeleteAsync(ct);
        if (used == 1) await audit.WriteAsync(AuditEvents.RecoveryCodeUsed, user.Id, user.Id, ct: ct);
        return used == 1;
    }

    /// <summary>Starts two-factor setup: a new secret, encrypted, not yet active until confirmed with a code.</summary>
    public async Task<string> BeginTwoFactorAsync(User user, CancellationToken ct = default)
    {
        var secret = KeyGeneration.GenerateRandomKey(20);
        user.TotpSecretCipher = await cipher.EncryptAsync(db, user.DataKeyId, Base32Encoding.ToString(secret), UsersTable, nameof(User.TotpSecretCipher), user.Id, ct);
        user.TotpLastStep = 0;
        await users.UpdateAsync(user);
        return Base32Encoding.ToString(secret);
    }

    public async Task<string?> PendingTwoFactorSecretAsync(User user, CancellationToken ct = default) =>
        await cipher.DecryptAsync(db, user.DataKeyId, user.TotpSecretCipher, UsersTable, nameof(User.TotpSecretCipher), user.Id, ct);

    /// <summary>Confirms setup with a first code; returns the recovery codes to show once, or null if the code is wrong.</summary>
    public async Task<IReadOnlyList<string>?> ConfirmTwoFactorAsync(User user, string? code, CancellationToken ct = default)
    {
        if (user.TotpSecretCipher is null || !await CheckSecondFactorAsync(user, code, ct)) return null;
        await db.Entry(user).ReloadAsync(ct);
        user.TwoFactorEnabled = true;
        await users.UpdateAsync(user);
        var codes = await NewRecoveryCodesAsync(user, ct);
        await audit.WriteAsync(AuditEvents.TwoFactorEnabled, user.Id, user.Id, ct: ct);
        return codes;
    }

    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(User user, CancellationToken ct = default)
    {
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
        var codes = Enumerable.Range(0, 10).Select(_ => RecoveryCodeText()).ToList();
        foreach (var c in codes)
            db.RecoveryCodes.Add(new RecoveryCode { Id = Guid.NewGuid(), UserId = user.Id, CodeHash = await RecoveryCodeHashAsync(user.Id, c.Replace("-", "", StringComparison.Ordinal), ct) });
        await db.SaveChangesAsync(ct);
        return codes;
    }

    public async Task DisableTwoFactorAsync(User user, Guid actorId, CancellationToken ct = default)
    {
        user.TwoFactorEnabled = false;
        user.TotpSecretCipher = null;
        await users.UpdateAsync(user);
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
        await audit.WriteAsync(AuditEvents.TwoFactorDisabled, actorId, user.Id, ct: ct);
    }

    private async Task<byte[]?> TotpSecretAsync(User user, CancellationToken ct)
    {
        var text = await PendingTwoFactorSecretAsync(user, ct);
        return text is null ? null : Base32Encoding.ToBytes(text);
    }

    /// <summary>
    /// Keyed with a server key kept wrapped by the master key and salted with the person's id, so a copy of the
    /// database alone is not enough to test guesses offline.
    /// </summary>
    private async Task<string> RecoveryCodeHashAsync(Guid userId, string code, CancellationToken ct)
    {
        var key = await cipher.SystemKeyAsync(db, "lookup", ct);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes($"recovery:{userId:D}:{code}")));
    }

    private static string RecoveryCodeText()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<char> c = stackalloc char[10];
        for (var i = 0; i < c.Length; i++) c[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return $"{new string(c[..5])}-{new string(c[5..])}";
    }

    public async Task<(string? Phone, string? Signal)> ContactDetailsAsync(User user, CancellationToken ct = default) =>
        (await cipher.DecryptAsync(db, user.DataKeyId, user.PhoneCipher, UsersTable, nameof(User.PhoneCipher), user.Id, ct),
         await cipher.DecryptAsync(db, user.DataKeyId, user.SignalCipher, UsersTable, nameof(User.SignalCipher), user.Id, ct));

    public async Task SetContactDetailsAsync(User user, string? phone, string? signal, CancellationToken ct = default)
    {
        phone = Validation.NormalizePhone(phone);
        signal = Validation.NormalizePhone(signal);
        user.PhoneCipher = await cipher.EncryptAsync(db, user.DataKeyId, phone, UsersTable, nameof(User.PhoneCipher), user.Id, ct);
        user.SignalCipher = await cipher.EncryptAsync(db, user.DataKeyId, signal, UsersTable, nameof(User.SignalCipher), user.Id, ct);
        user.PhoneLookup = phone is null ? null : await PhoneLookupAsync(phone, ct);
        // Another number is not proved: commands from it wait for its code (alerts and reminders still go to it).
        if (user.VerifiedPhoneLookup != user.PhoneLookup)
        {
            user.VerifiedPhoneLookup = null;
            user.PhoneCodeSentAt = null;
        }
    }

    /// <summary>Keyed hash of a phone number: lets an inbound SMS find its sender without the number in clear.</summary>
    public async Task<string> PhoneLookupAsync(string normalizedPhone, CancellationToken ct = default)
    {
        var key = await cipher.SystemKeyAsync(db, "lookup", ct);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(normalizedPhone)));
    }
}
