using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Plans;

/// <summary>
/// The whole plan on one page for printing or "save as PDF": everything the viewer may see of it (the same cut as the
/// plan page, <see cref="PlanService.GetAsync"/>), never folded or paged, with no forms or buttons. Printing is the
/// browser's own command; the page needs no script.
/// </summary>
public sealed class PrintModel(AmparoDbContext db, PlanService plans, TimeProvider clock) : PageModel
{
    public PlanView Plan { get; private set; } = null!;
    public DateTime Now { get; private set; }
    public Dictionary<Guid, string> People { get; private set; } = [];
    public string? OrganizationName { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        if (await plans.GetAsync(User.UserId(), id, ct) is not { } view) return NotFound();
        Plan = view;
        Now = clock.GetUtcNow().UtcDateTime;
        var ids = view.Actions.Where(a => a.OwnerUserId is not null).Select(a => a.OwnerUserId!.Value).Distinct().ToList();
        People = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        if (view.OwnerOrganizationId is { } org)
            OrganizationName = await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleOrDefaultAsync(ct);
        return Page();
    }
}
