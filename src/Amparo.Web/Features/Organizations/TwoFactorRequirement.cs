using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Organizations;

/// <summary>
/// Organizations can require two-factor for their focal points and admins. A signed-in person who is staff in
/// such an organization and has two-factor off is sent to /account/security from every page, except their own
/// account pages, the language switch, quick exit (/exit and the neutral page it leads to) and the error pages. Static files and the API are
/// not pages, so this filter never sees them.
/// </summary>
public sealed class TwoFactorRequirement(AmparoDbContext db, IOptions<AmparoOptions> options) : IAsyncPageFilter
{
    public const string SecurityPage = "/account/security?required=1";

    private static readonly string[] Exempt = ["/account", "/language", "/exit", "/weather", "/error", "/status", "/forbidden", "/setup"];

    /// <summary>True when the person must turn two-factor on before doing anything else.</summary>
    public static Task<bool> AppliesToAsync(AmparoDbContext db, Guid userId, CancellationToken ct = default) =>
        db.Users.AnyAsync(u => u.Id == userId && !u.TwoFactorEnabled &&
            db.Memberships.Any(m => m.UserId == u.Id
                // Roles are stored as text, so compare by value, not by order.
                && (m.Role == OrgRole.FocalPoint || m.Role == OrgRole.OrgAdmin)
                && db.Organizations.Any(o => o.Id == m.OrganizationId && o.RequireTwoFactorForStaff)), ct);

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        // Someone with two-factor on meets every organization's rule: no query needed on their page views.
        if (http.User.Identity?.IsAuthenticated == true && !http.User.HasTwoFactor() && !IsExempt(http.Request.Path)
            && await AppliesToAsync(db, http.User.UserId(), http.RequestAborted))
        {
            context.Result = new RedirectResult(SecurityPage);
            return;
        }
        await next();
    }

    private bool IsExempt(PathString path)
    {
        if (Exempt.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))) return true;
        // The operator may point the quick exit at another page of Amparo: it must always open.
        var quickExit = options.Value.QuickExitUrl;
        return AmparoOptions.IsLocalPath(quickExit)
            && path.StartsWithSegments(new PathString(quickExit.Split('?', '#')[0]), StringComparison.OrdinalIgnoreCase);
    }
}
