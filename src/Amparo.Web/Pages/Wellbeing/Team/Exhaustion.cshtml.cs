using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Team;

/// <summary>Making exhaustion visible: the team's bands beside the organization's overdue plan actions and alerts, per month.</summary>
public sealed class ExhaustionModel(TeamService team) : PageModel
{
    public ExhaustionView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid orgId)
    {
        if (await team.ExhaustionAsync(User.UserId(), orgId, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
