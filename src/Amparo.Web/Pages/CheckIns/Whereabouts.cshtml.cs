using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>The whereabouts board for focal points and coordinators: members who share their visits with the viewer, alerting and overdue first.</summary>
public sealed class WhereaboutsModel(AlertService alerts, AmparoDbContext db) : PageModel
{
    public List<WhereaboutsRow> Rows { get; private set; } = [];

    /// <summary>Alerts the viewer has been told about: only those open on /alerts/{id} (the others are still with earlier levels).</summary>
    public HashSet<Guid> Reachable { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var me = User.UserId();
        Rows = await alerts.WhereaboutsAsync(me, HttpContext.RequestAborted);
        var ids = Rows.Where(r => r.AlertId is not null).Select(r => r.AlertId!.Value).ToList();
        if (ids.Count > 0)
            Reachable = (await db.AlertRecipients.Where(r => r.UserId == me && ids.Contains(r.AlertId)).Select(r => r.AlertId).ToListAsync(HttpContext.RequestAborted)).ToHashSet();
    }
}
