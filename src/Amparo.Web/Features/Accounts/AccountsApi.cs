using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Accounts;

public static class AccountsApi
{
    public sealed record TokenRequest(string? Email, string? Password, string? Code, string? Name);
    public sealed record TokenResponse(string AccessToken, DateTime ExpiresAt);
    public sealed record TokenInfo(Guid Id, string Name, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt);

    public static RouteGroupBuilder MapAccountsApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/token", CreateTokenAsync).AllowAnonymous();
        var tokens = auth.MapGroup("/tokens").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit);
        tokens.MapGet("/", ListTokensAsync);
        tokens.MapDelete("/{id:guid}", RevokeTokenAsync);
        return api;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> CreateTokenAsync(
        TokenRequest? request, HttpContext http, AccountService accounts, SignInThrottle throttle,
        AmparoDbContext db, AuditLog audit, TimeProvider clock, IOptions<AmparoOptions> options)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["email"] = ["Required."],
                ["password"] = ["Required."],
            });
        if (request.Email.Length > 256 || request.Password.Length > PassphrasePolicy.MaximumLength || (request.Code?.Length ?? 0) > 20 || (request.Name?.Length ?? 0) > 100 || (request.Name?.Any(char.IsControl) ?? false))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["request"] = ["A field is too long or holds characters that are not allowed."] });
        if (!throttle.AllowIp(http.Connection.RemoteIpAddress) || !throttle.AllowAccount(request.Email.Trim().ToUpperInvariant(), knownDevice: false))
            return TypedResults.Problem(title: "Too many attempts. Wait a minute and try again.", statusCode: StatusCodes.Status429TooManyRequests);

        var (result, user) = await accounts.CheckPasswordAsync(request.Email, request.Password, http.RequestAborted);
        if (result == PasswordCheck.NeedsCode && !await accounts.CheckSecondFactorAsync(user!, request.Code, http.RequestAborted))
            result = PasswordCheck.Failed;
        if (result == PasswordCheck.Failed || user is null)
            return TypedResults.Problem(title: "The e-mail, passphrase or code is not right.", statusCode: StatusCodes.Status401Unauthorized);

        var secret = Tokens.NewUrlSafe();
        var now = clock.GetUtcNow().UtcDateTime;
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            Name = string.IsNullOrWhiteSpace(request.Name) ? "API" : request.Name.Trim(),
            TokenHash = Tokens.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.ApiTokenDays),
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(http.RequestAborted);
        await accounts.SignedInAsync(user, "api", http.RequestAborted);
        await audit.WriteAsync(AuditEvents.TokenCreated, user.Id, token.Id, ct: http.RequestAborted);
        return TypedResults.Ok(new TokenResponse(secret, token.ExpiresAt));
    }

    private static async Task<Ok<List<TokenInfo>>> ListTokensAsync(HttpContext http, AmparoDbContext db)
    {
        var userId = http.User.UserId();
        var list = await db.ApiTokens.Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenInfo(t.Id, t.Name, t.CreatedAt, t.ExpiresAt, t.LastUsedAt)).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeTokenAsync(Guid id, HttpContext http, AmparoDbContext db, AuditLog audit)
    {
        var userId = http.User.UserId();
        // Owner-scoped: another person's token id is simply not found.
        var deleted = await db.ApiTokens.Where(t => t.Id == id && t.UserId == userId).ExecuteDeleteAsync(http.RequestAborted);
        if (deleted == 0) return TypedResults.NotFound();
        await audit.WriteAsync(AuditEvents.TokenRevoked, userId, id, ct: http.RequestAborted);
        return TypedResults.NoContent();
    }
}
