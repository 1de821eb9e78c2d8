using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Assessment;

/// <summary>The organizations whose well-being assessment the person may open.</summary>
public sealed class IndexModel(TeamService team) : PageModel
{
    public IReadOnlyList<TeamMembership> Organizations { get; private set; } = [];

    public async Task OnGetAsync() =>
        Organizations = [.. (await team.MembershipsAsync(User.UserId(), HttpContext.RequestAborted)).Where(m => m.MaySeeView)];
}
