using System.Security.Claims;

namespace Amparo.Web.Features.Accounts;

/// <summary>The claims Amparo puts on a signed-in person, rebuilt from the database on every request.</summary>
public static class Principals
{
    public const string SessionId = "amparo:sid";
    public const string ServerAdmin = "amparo:admin";
    public const string Language = "amparo:lang";
    public const string TimeZone = "amparo:tz";
    public const string TokenId = "amparo:token";
    public const string TwoFactorOn = "amparo:2fa";

    public static ClaimsIdentity Identity(User user, string scheme, Guid? sessionId = null, Guid? tokenId = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString("D")),
            new(ClaimTypes.Name, user.DisplayName),
            new(Language, user.Language),
            new(TimeZone, user.TimeZone),
        };
        if (user.IsServerAdmin) claims.Add(new Claim(ServerAdmin, "true"));
        if (user.TwoFactorEnabled) claims.Add(new Claim(TwoFactorOn, "true"));
        if (sessionId is { } sid) claims.Add(new Claim(SessionId, sid.ToString("D")));
        if (tokenId is { } tid) claims.Add(new Claim(TokenId, tid.ToString("D")));
        return new ClaimsIdentity(claims, scheme);
    }

    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;

    public static Guid? SessionIdOf(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionId), out var id) ? id : null;

    public static bool IsServerAdmin(this ClaimsPrincipal principal) => principal.HasClaim(ServerAdmin, "true");

    /// <summary>From the user row loaded for this request (cookie validation or bearer lookup), so it is never stale.</summary>
    public static bool HasTwoFactor(this ClaimsPrincipal principal) => principal.HasClaim(TwoFactorOn, "true");

    public static string TimeZoneOf(this ClaimsPrincipal principal) => principal.FindFirstValue(TimeZone) ?? "UTC";
}
