using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// The open-alerts list alone, as an HTML fragment, for the optional script that refreshes the home page's list
/// (site.js). Signed in only (the fallback policy), and the list is the viewer's own: the same query as the page.
/// </summary>
public sealed class AlertListModel(AlertService alerts, TimeProvider clock) : PageModel
{
    public const string Path = "/alerts/open";

    public OpenAlertsList List { get; private set; } = new([]);

    public async Task OnGetAsync()
    {
        Response.Headers.CacheControl = "no-store";
        var rows = await alerts.OpenAlertsAsync(User.UserId(), HttpContext.RequestAborted);
        List = new OpenAlertsList(rows, UpdatedLine.Of(User, clock.GetUtcNow().UtcDateTime, "/"));
    }
}
