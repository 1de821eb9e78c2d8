using Microsoft.AspNetCore.Identity;

namespace Amparo.Web.Features.Accounts;

/// <summary>A person with an account. E-mail is the sign-in name; phone and Signal are encrypted with the person's data key.</summary>
public sealed class User : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public string Language { get; set; } = "en";
    /// <summary>A language the person also reads (issue 18): a lesson step missing in <see cref="Language"/> is shown in this
    /// one before the lesson's source language. Null when none.</summary>
    public string? SecondLanguage { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public bool IsServerAdmin { get; set; }
    public Guid DataKeyId { get; set; }

    /// <summary>AES-GCM ciphertext (see FieldCipher); null when not given.</summary>
    public byte[]? PhoneCipher { get; set; }
    public byte[]? SignalCipher { get; set; }

    /// <summary>Keyed hash of the normalized phone number, so a sender can be matched without storing the number in clear.</summary>
    public string? PhoneLookup { get; set; }

    /// <summary>
    /// <see cref="PhoneLookup"/> once the person proved the number is theirs with a code sent to it; null until then, and
    /// again when the number changes. Only a verified number's SMS commands are carried out. Unique: a number is
    /// verified on at most one account.
    /// </summary>
    public string? VerifiedPhoneLookup { get; set; }

    /// <summary>When the last verification code was sent (it is derived from this instant, so a new one replaces the old).</summary>
    public DateTime? PhoneCodeSentAt { get; set; }

    /// <summary>TOTP secret, encrypted; set while two-factor is on or being set up.</summary>
    public byte[]? TotpSecretCipher { get; set; }

    /// <summary>The last TOTP time step accepted, so a code works only once.</summary>
    public long TotpLastStep { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A signed-in browser. The cookie carries only its id; ending it here ends it everywhere.</summary>
public sealed class UserSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    /// <summary>A coarse description ("Firefox on Android") to recognise it by; no IP address is kept.</summary>
    public string Device { get; set; } = "";
    /// <summary>True when this session signed in within the last minutes with password (and code): some actions need it.</summary>
    public DateTime AuthenticatedAt { get; set; }
}

/// <summary>A bearer token for programs. Only its SHA-256 is stored.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string Name { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

/// <summary>A one-time two-factor recovery code, stored hashed.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string CodeHash { get; set; } = "";
}
