namespace Amparo.Web.Features.Accounts;

public static class AuthSchemes
{
    public const string Cookie = "Amparo.Cookie";
    /// <summary>Holds "password checked, code pending" for five minutes between the two sign-in steps.</summary>
    public const string TwoFactorPending = "Amparo.TwoFactor";
    public const string Bearer = "Bearer";
    /// <summary>Chooses Bearer for an API call that carries a bearer token, otherwise the cookie.</summary>
    public const string Smart = "Amparo.Smart";

    /// <summary>
    /// API tokens open the API and nothing else: a token taken from a phone must not open the pages (where the PIN
    /// is changed) or the links. Everywhere outside /api the Authorization header is ignored and the cookie decides.
    /// </summary>
    public static string Select(HttpContext context) =>
        IsApi(context.Request) && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? Bearer : Cookie;

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
