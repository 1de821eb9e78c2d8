namespace Amparo.Web.Features.Accounts;

public static class AuthSchemes
{
    public const string Cookie = "Amparo.Cookie";
    /// <summary>Holds "password checked, code pending" for five minutes between the two sign-in steps.</summary>
    public const string TwoFactorPending = "Amparo.TwoFactor";
    public const string Bearer = "Bearer";
    /// <summary>Chooses Bearer when an Authorization header is present, otherwise the cookie.</summary>
    public const string Smart = "Amparo.Smart";
}
