using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Plans;

/// <summary>The versions of a plan, newest first, for those who may read it whole (anyone else, members included: 404).</summary>
public sealed class VersionsModel(PlanService plans) : PageModel
{
    public Guid PlanId { get; private set; }
    public List<PlanVersionSummary> List { get; private set; } = [];
    public bool Restored { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        if (await plans.VersionsAsync(User.UserId(), id, HttpContext.RequestAborted) is not { } list) return NotFound();
        (PlanId, List, Restored) = (id, list, done == "restored");
        return Page();
    }
}
