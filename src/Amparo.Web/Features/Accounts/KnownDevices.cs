using Microsoft.AspNetCore.DataProtection;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// "This browser has signed in to this account before": a protected cookie that exempts the owner from the
/// per-account sign-in limit, so an attacker hammering the account cannot lock them out.
/// </summary>
public sealed class KnownDevices(IDataProtectionProvider protection, TimeProvider clock)
{
    private const string Cookie = "amparo_device";
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Amparo.KnownDevice").ToTimeLimitedDataProtector();

    public bool IsKnown(HttpContext http, string email)
    {
        if (!http.Request.Cookies.TryGetValue(Cookie, out var value)) return false;
        try
        {
            return string.Equals(_protector.Unprotect(value), email.ToUpperInvariant(), StringComparison.Ordinal);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    public void Remember(HttpContext http, string email) =>
        http.Response.Cookies.Append(Cookie, _protector.Protect(email.ToUpperInvariant(), clock.GetUtcNow().AddDays(90)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(90), IsEssential = true });
}
