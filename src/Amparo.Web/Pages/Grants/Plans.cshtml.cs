using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.PlanShares;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>The plan snapshots shared with the viewer's grantmaker organizations that they may open today.</summary>
public sealed class PlansModel(PlanShareService shares) : PageModel
{
    public List<ReceivedShare> Shares { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Shares = await shares.ReceivedAsync(User.UserId(), HttpContext.RequestAborted);
    }
}
