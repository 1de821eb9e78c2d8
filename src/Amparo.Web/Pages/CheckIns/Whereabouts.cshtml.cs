using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// The whereabouts board for focal points and coordinators: the open alerts they may respond to first (a panic has no
/// visit, so it is not in the table), then members who share their visits with the viewer, alerting and overdue first.
/// </summary>
public sealed class WhereaboutsModel(AlertService alerts, AmparoDbContext db, TimeProvider clock) : PageModel
{
    public const string Path = "/whereabouts";

    public List<WhereaboutsRow> Rows { get; private set; } = [];

    /// <summary>Alerts the viewer has been told about: only those open on /alerts/{id} (the others are still with earlier levels).</summary>
    public HashSet<Guid> Reachable { get; private set; } = [];

    public OpenAlertsList Alerts { get; private set; } = new([]);

    public UpdatedLine Updated { get; private set; } = null!;

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>The board's changing parts alone, for the optional script's refresh (same viewer, same queries).</summary>
    public async Task<IActionResult> OnGetFragmentAsync()
    {
        await LoadAsync();
        return Partial("/Pages/CheckIns/_BoardFragment.cshtml", this);
    }

    private async Task LoadAsync()
    {
        var me = User.UserId();
        Updated = UpdatedLine.Of(User, clock.GetUtcNow().UtcDateTime, Path);
        Alerts = new OpenAlertsList(await alerts.OpenAlertsAsync(me, HttpContext.RequestAborted));
        Rows = await alerts.WhereaboutsAsync(me, HttpContext.RequestAborted);
        var ids = Rows.Where(r => r.AlertId is not null).Select(r => r.AlertId!.Value).ToList();
        if (ids.Count > 0)
            Reachable = (await db.AlertRecipients.Where(r => r.UserId == me && ids.Contains(r.AlertId)).Select(r => r.AlertId).ToListAsync(HttpContext.RequestAborted)).ToHashSet();
    }
}
