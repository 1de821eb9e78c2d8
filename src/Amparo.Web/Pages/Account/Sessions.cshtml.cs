using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Account;

/// <summary>My signed-in browsers and API tokens, each with "end this one", and "sign out everywhere". Only my own rows.</summary>
public sealed class SessionsModel(AmparoDbContext db, Sessions sessions, AuditLog audit, TimeProvider clock) : PageModel
{
    public sealed record SessionLine(Guid Id, string Device, DateTime CreatedAt, DateTime LastSeenAt, bool ThisOne);
    public sealed record TokenLine(Guid Id, string Name, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt);

    public List<SessionLine> Browsers { get; private set; } = [];
    public List<TokenLine> ApiTokens { get; private set; } = [];
    public bool Ended { get; private set; }

    public async Task OnGetAsync(bool ended = false)
    {
        var me = User.UserId();
        var current = User.SessionIdOf();
        var now = clock.GetUtcNow().UtcDateTime;
        Ended = ended;
        Browsers = await db.Sessions.AsNoTracking().Where(s => s.UserId == me)
            .OrderByDescending(s => s.LastSeenAt)
            .Select(s => new SessionLine(s.Id, s.Device, s.CreatedAt, s.LastSeenAt, s.Id == current))
            .ToListAsync(HttpContext.RequestAborted);
        ApiTokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == me && t.ExpiresAt > now)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenLine(t.Id, t.Name, t.CreatedAt, t.ExpiresAt, t.LastUsedAt))
            .ToListAsync(HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostEndSessionAsync(Guid id)
    {
        var me = User.UserId();
        // Owner-scoped: another person's session id is simply not found, and nothing changes.
        if (!await sessions.EndAsync(me, id, HttpContext.RequestAborted)) return NotFound();
        await audit.WriteAsync(AuditEvents.SessionEnded, me, me, detail: "browser", ct: HttpContext.RequestAborted);
        if (id == User.SessionIdOf())
        {
            await Sessions.ForgetBrowserAsync(HttpContext);
            return Redirect("/account/sign-in");
        }
        return Redirect("/account/sessions?ended=true");
    }

    public async Task<IActionResult> OnPostEndTokenAsync(Guid id)
    {
        var me = User.UserId();
        var deleted = await db.ApiTokens.Where(t => t.Id == id && t.UserId == me).ExecuteDeleteAsync(HttpContext.RequestAborted);
        if (deleted == 0) return NotFound();
        await audit.WriteAsync(AuditEvents.TokenRevoked, me, id, ct: HttpContext.RequestAborted);
        return Redirect("/account/sessions?ended=true");
    }

    public async Task<IActionResult> OnPostEndAllAsync()
    {
        var me = User.UserId();
        var (browsers, tokens) = await sessions.EndAllAsync(me, HttpContext.RequestAborted);
        await audit.WriteAsync(AuditEvents.SessionsEnded, me, me, detail: $"sessions:{browsers} tokens:{tokens}", ct: HttpContext.RequestAborted);
        await Sessions.ForgetBrowserAsync(HttpContext);
        return Redirect("/account/sign-in");
    }
}
