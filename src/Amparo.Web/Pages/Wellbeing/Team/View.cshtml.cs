using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Team;

/// <summary>An organization's team view: closed months only, cut by the anonymity rules. Anyone who may not open it: 404.</summary>
public sealed class ViewModel(TeamService team) : PageModel
{
    public TeamView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid orgId)
    {
        if (await team.ViewAsync(User.UserId(), orgId, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
