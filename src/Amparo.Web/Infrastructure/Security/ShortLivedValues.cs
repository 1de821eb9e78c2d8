using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>
/// A value handed back to the same person for a short while — a form's next step, the page after a redirect — instead
/// of being stored or put in clear in an address: encrypted and signed with Data Protection, bound to a purpose and to
/// the ids given (who it is for, what it belongs to), refused once expired, tampered with or meant for someone else
/// (null, never an exception).
/// </summary>
public sealed class ShortLivedValues(IDataProtectionProvider protection, TimeProvider clock)
{
    public string Protect(string value, TimeSpan lifetime, string purpose, params Guid[] boundTo) =>
        Protector(purpose, boundTo).Protect(value, clock.GetUtcNow().Add(lifetime));

    public byte[] Protect(byte[] value, TimeSpan lifetime, string purpose, params Guid[] boundTo) =>
        Protector(purpose, boundTo).Protect(value, clock.GetUtcNow().Add(lifetime));

    public string? Unprotect(string? sealedValue, string purpose, params Guid[] boundTo)
    {
        if (string.IsNullOrEmpty(sealedValue)) return null;
        try { return Protector(purpose, boundTo).Unprotect(sealedValue, out var expiration) is var value && expiration > clock.GetUtcNow() ? value : null; }
        catch (CryptographicException) { return null; }
    }

    public byte[]? Unprotect(byte[]? sealedValue, string purpose, params Guid[] boundTo)
    {
        if (sealedValue is not { Length: > 0 }) return null;
        try { return Protector(purpose, boundTo).Unprotect(sealedValue, out var expiration) is var value && expiration > clock.GetUtcNow() ? value : null; }
        catch (CryptographicException) { return null; }
    }

    private ITimeLimitedDataProtector Protector(string purpose, Guid[] boundTo) =>
        protection.CreateProtector(purpose, [.. boundTo.Select(id => id.ToString("D"))]).ToTimeLimitedDataProtector();
}
