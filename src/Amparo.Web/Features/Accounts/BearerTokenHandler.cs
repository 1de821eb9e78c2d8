using System.Security.Claims;
using System.Text.Encodings.Web;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Accounts;

/// <summary>Opaque API tokens: the header's token is hashed and looked up; expired tokens do nothing.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AmparoDbContext db, ApiTokenUsage usage, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Only the API takes tokens (see AuthSchemes.Select); a page named this scheme directly still gets nothing.
        if (!AuthSchemes.IsApi(Request)) return AuthenticateResult.NoResult();
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is < 20 or > 200) return AuthenticateResult.Fail("malformed token");
        var hash = Tokens.Hash(token);
        // One open connection for the whole API call instead of one per query: opening is the dearest part of a small query.
        await db.Database.OpenConnectionAsync(Context.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await db.ApiTokens
            .Where(t => t.TokenHash == hash && t.ExpiresAt > now)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("unknown token");
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1)) usage.Touch(found.Token.Id, now);
        var identity = Principals.Identity(found.User, Scheme.Name, tokenId: found.Token.Id);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
