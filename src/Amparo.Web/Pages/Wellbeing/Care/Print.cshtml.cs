using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Care;

/// <summary>The person's care plan on one page for printing or "save as PDF" (the site's print stylesheet); no script.</summary>
public sealed class PrintModel(CarePlanService care, TimeProvider clock) : PageModel
{
    public CarePlanView Plan { get; private set; } = null!;
    public DateTime Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await care.GetAsync(User.UserId(), HttpContext.RequestAborted) is not { } plan) return NotFound();
        Response.Headers.CacheControl = "no-store";
        Plan = plan;
        Now = clock.GetUtcNow().UtcDateTime;
        return Page();
    }
}
