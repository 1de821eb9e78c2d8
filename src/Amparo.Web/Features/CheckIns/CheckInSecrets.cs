using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// Keyed hashes and signed links for check-ins. PINs are short, so a plain hash could be reversed by trying them
/// all; an HMAC under a server secret (kept wrapped by the master key) cannot be tried from a database copy alone,
/// and stays fast enough for a check-in path that must answer in milliseconds.
/// </summary>
public sealed class CheckInSecrets(FieldCipher cipher)
{
    private byte[]? _pinKey, _linkKey;

    public async Task<string> PinHashAsync(AmparoDbContext db, Guid userId, string pin, CancellationToken ct = default)
    {
        var key = _pinKey ??= await cipher.SystemKeyAsync(db, "pin", ct);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{userId:N}:{pin}")));
    }

    /// <summary>A link token for (purpose, id): the id and a MAC, so nothing needs to be stored to check it.</summary>
    public async Task<string> LinkTokenAsync(AmparoDbContext db, string purpose, Guid id, CancellationToken ct = default)
    {
        var key = _linkKey ??= await cipher.SystemKeyAsync(db, "links", ct);
        return id.ToString("N") + Mac(key, purpose, id);
    }

    /// <summary>The id a token was made for, or null when it is malformed or its MAC does not match.</summary>
    public async Task<Guid?> VerifyLinkAsync(AmparoDbContext db, string purpose, string? token, CancellationToken ct = default)
    {
        if (token is null || token.Length != 32 + 22 || !Guid.TryParseExact(token[..32], "N", out var id)) return null;
        var key = _linkKey ??= await cipher.SystemKeyAsync(db, "links", ct);
        return Tokens.FixedTimeEquals(token[32..], Mac(key, purpose, id)) ? id : null;
    }

    private static string Mac(byte[] key, string purpose, Guid id)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"amparo:link:{purpose}:{id:N}"));
        return Convert.ToBase64String(mac, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool IsPinShaped(string? pin) => pin is { Length: >= 4 and <= 12 } && pin.All(char.IsAsciiDigit);
}

public static class LinkPurposes
{
    public const string Responder = "responder";
    public const string Consent = "consent";
    public const string Reminder = "reminder";
}
