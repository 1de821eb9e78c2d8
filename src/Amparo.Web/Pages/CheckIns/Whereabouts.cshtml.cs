using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>The whereabouts board for focal points and coordinators: members who share their visits with the viewer, alerting and overdue first.</summary>
public sealed class WhereaboutsModel(AlertService alerts) : PageModel
{
    public List<WhereaboutsRow> Rows { get; private set; } = [];

    public async Task OnGetAsync() => Rows = await alerts.WhereaboutsAsync(User.UserId(), HttpContext.RequestAborted);
}
