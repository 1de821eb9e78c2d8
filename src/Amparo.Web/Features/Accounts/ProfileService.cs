using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>What a person changes about themself on the "My account" pages: profile and passphrase.</summary>
public sealed class ProfileService(
    AmparoDbContext db, UserManager<User> users, IPasswordHasher<User> hasher, AccountService accounts, AuditLog audit)
{
    /// <param name="SecondLanguage">A language the person also reads, for lesson steps not yet in <paramref name="Language"/>; empty for none.</param>
    public sealed record ProfileInput(string? DisplayName, string? Language, string? TimeZone, string? Phone, string? Signal, string? SecondLanguage = null);

    /// <summary>A problem with one form field: the field's name and the resource key of the message.</summary>
    public sealed record FieldProblem(string Field, string Message);

    /// <summary>The IANA time zones offered in the profile form, sorted by name.</summary>
    public static IReadOnlyList<string> TimeZoneIds { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Where(z => z.HasIanaId).Select(z => z.Id).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Field name → resource key of the problem; empty when the input is acceptable.</summary>
    public static Dictionary<string, string> Validate(ProfileInput input)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((input.DisplayName?.Trim().Length ?? 0) is 0 or > 100) errors[nameof(input.DisplayName)] = "Validation.DisplayName";
        if (!Cultures.IsSupported(input.Language)) errors[nameof(input.Language)] = "Validation.Language";
        if (!string.IsNullOrEmpty(input.SecondLanguage) && !Cultures.IsSupported(input.SecondLanguage)) errors[nameof(input.SecondLanguage)] = "Validation.Language";
        if (!Validation.IsTimeZone(input.TimeZone?.Trim())) errors[nameof(input.TimeZone)] = "Validation.TimeZone";
        if (!Validation.IsPhone(input.Phone)) errors[nameof(input.Phone)] = "Validation.Phone";
        if (!Validation.IsPhone(input.Signal)) errors[nameof(input.Signal)] = "Validation.Phone";
        return errors;
    }

    /// <summary>Saves the profile; on any problem nothing is saved and the problems are returned.</summary>
    public async Task<Dictionary<string, string>> UpdateAsync(User user, ProfileInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        if (errors.Count > 0) return errors;
        user.DisplayName = input.DisplayName!.Trim();
        user.Language = input.Language!;
        user.SecondLanguage = string.IsNullOrEmpty(input.SecondLanguage) || input.SecondLanguage == input.Language ? null : input.SecondLanguage;
        user.TimeZone = CanonicalTimeZone(input.TimeZone!.Trim());
        // Phone and Signal are stored only encrypted with the person's data key, plus a keyed hash of the phone.
        await accounts.SetContactDetailsAsync(user, input.Phone, input.Signal, ct);
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new InvalidOperationException("profile update failed: " + string.Join(",", result.Errors.Select(e => e.Code)));
        return errors;
    }

    /// <summary>Stores the IANA name even when a Windows name or another spelling was given.</summary>
    public static string CanonicalTimeZone(string id)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        if (zone.HasIanaId) return zone.Id;
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : zone.Id;
    }

    public bool PassphraseMatches(User user, string? passphrase) =>
        user.PasswordHash is not null && !string.IsNullOrEmpty(passphrase) && passphrase.Length <= PassphrasePolicy.MaximumLength
        && hasher.VerifyHashedPassword(user, user.PasswordHash, passphrase) != PasswordVerificationResult.Failed;

    /// <summary>
    /// Changes the passphrase after checking the current one. Every other browser session and every API token
    /// ends: whoever may have known the old passphrase is out. The session making the change stays.
    /// </summary>
    public async Task<FieldProblem?> ChangePassphraseAsync(User user, Guid? keepSessionId, string? current, string? next, string? repeat, CancellationToken ct = default)
    {
        if (!PassphraseMatches(user, current)) return new FieldProblem("CurrentPassphrase", "Security.WrongPassphrase");
        if (PassphrasePolicy.Problem(next) is { } problem) return new FieldProblem("NewPassphrase", problem);
        if (!string.Equals(next, repeat, StringComparison.Ordinal)) return new FieldProblem("RepeatPassphrase", "Security.PassphrasesDiffer");
        user.PasswordHash = hasher.HashPassword(user, next!);
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded) throw new InvalidOperationException("passphrase change failed");
        var sessions = await db.Sessions.Where(s => s.UserId == user.Id && s.Id != keepSessionId).ExecuteDeleteAsync(ct);
        var tokens = await db.ApiTokens.Where(t => t.UserId == user.Id).ExecuteDeleteAsync(ct);
        await audit.WriteAsync(AuditEvents.PasswordChanged, user.Id, user.Id, detail: $"ended sessions:{sessions} tokens:{tokens}", ct: ct);
        return null;
    }
}
