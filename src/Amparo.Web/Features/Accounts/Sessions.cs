using System.Security.Claims;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// Server-side sessions behind the cookie: the cookie only names a session row, and every request checks
/// that the row still exists and has not been idle too long. Ending a row ends that browser at once.
/// </summary>
public sealed class Sessions(AmparoDbContext db, TimeProvider clock)
{
    public async Task SignInAsync(HttpContext http, User user)
    {
        // A new sign-in in this browser replaces the session it had, rather than leaving it alive until it idles out.
        if (http.User.SessionIdOf() is { } previous)
            await db.Sessions.Where(s => s.Id == previous).ExecuteDeleteAsync(http.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new UserSession
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            AuthenticatedAt = now,
            Device = DeviceDescription(http.Request.Headers.UserAgent.ToString()),
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(http.RequestAborted);
        var principal = new ClaimsPrincipal(Principals.Identity(user, AuthSchemes.Cookie, sessionId: session.Id));
        await http.SignOutAsync(AuthSchemes.TwoFactorPending);
        await http.SignInAsync(AuthSchemes.Cookie, principal, new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>Ends one of the person's own sessions; false when there is no such session of theirs.</summary>
    public async Task<bool> EndAsync(Guid userId, Guid sessionId, CancellationToken ct) =>
        await db.Sessions.Where(s => s.UserId == userId && s.Id == sessionId).ExecuteDeleteAsync(ct) == 1;

    /// <summary>Ends every browser session and every API token of the person.</summary>
    public async Task<(int Sessions, int Tokens)> EndAllAsync(Guid userId, CancellationToken ct)
    {
        var sessions = await db.Sessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
        var tokens = await db.ApiTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        return (sessions, tokens);
    }

    /// <summary>Signs this browser out and tells it to forget everything of ours (cookies, cache, storage).</summary>
    public static async Task ForgetBrowserAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        http.Response.Headers["Clear-Site-Data"] = "\"cache\", \"cookies\", \"storage\"";
    }

    /// <summary>Cookie validation hook: reject ended or idle sessions, and refresh the claims from the database.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<AmparoDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        var idle = TimeSpan.FromMinutes(services.GetRequiredService<IOptions<AmparoOptions>>().Value.IdleTimeoutMinutes);
        var sid = context.Principal?.SessionIdOf();
        var now = clock.GetUtcNow().UtcDateTime;
        var found = sid is null ? null : await db.Sessions
            .Where(s => s.Id == sid)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, User = u })
            .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        if (found is null || now - found.Session.LastSeenAt > idle)
        {
            if (found is not null) await db.Sessions.Where(s => s.Id == sid).ExecuteDeleteAsync();
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
            return;
        }
        if (now - found.Session.LastSeenAt > TimeSpan.FromSeconds(30))
        {
            await db.Sessions.Where(s => s.Id == sid).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now));
        }
        context.ReplacePrincipal(new ClaimsPrincipal(Principals.Identity(found.User, AuthSchemes.Cookie, sessionId: found.Session.Id)));
    }

    /// <summary>A coarse label so a person can recognise a session; the full user agent is not stored.</summary>
    public static string DeviceDescription(string userAgent)
    {
        string browser = userAgent switch
        {
            _ when userAgent.Contains("Firefox", StringComparison.Ordinal) => "Firefox",
            _ when userAgent.Contains("Edg/", StringComparison.Ordinal) => "Edge",
            _ when userAgent.Contains("Chrom", StringComparison.Ordinal) => "Chrome",
            _ when userAgent.Contains("Safari", StringComparison.Ordinal) => "Safari",
            _ => "",
        };
        string os = userAgent switch
        {
            _ when userAgent.Contains("Android", StringComparison.Ordinal) => "Android",
            _ when userAgent.Contains("iPhone", StringComparison.Ordinal) || userAgent.Contains("iPad", StringComparison.Ordinal) => "iOS",
            _ when userAgent.Contains("Windows", StringComparison.Ordinal) => "Windows",
            _ when userAgent.Contains("Mac OS", StringComparison.Ordinal) => "macOS",
            _ when userAgent.Contains("Linux", StringComparison.Ordinal) => "Linux",
            _ => "",
        };
        return (browser, os) switch
        {
            ("", "") => "?",
            (_, "") => browser,
            ("", _) => os,
            _ => $"{browser} / {os}",
        };
    }
}
