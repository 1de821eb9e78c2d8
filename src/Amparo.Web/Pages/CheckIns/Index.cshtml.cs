using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>My visits: open ones first with their deadline, then the closed ones; and my own alerts (never a duress alert).</summary>
public sealed class IndexModel(CheckInService checkIns, AlertService alerts) : PageModel
{
    public sealed record AlertLine(Guid Id, string Kind, string State, DateTime CreatedAt, bool IsDrill);

    public List<VisitDetails> Open { get; private set; } = [];
    public List<VisitDetails> Closed { get; private set; } = [];
    public List<AlertLine> Alerts { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        var visits = await checkIns.ListAsync(me, state: null, take: 50, ct);
        Open = visits.Where(v => v.State != "closed").OrderBy(v => v.DeadlineAt).ToList();
        Closed = visits.Where(v => v.State == "closed").Take(20).ToList();
        Alerts = (await alerts.OwnAlerts(me).OrderByDescending(a => a.CreatedAt).Take(20).ToListAsync(ct))
            .Select(a => new AlertLine(a.Id, AlertService.KindName(a.Kind), a.State.ToString().ToLowerInvariant(), a.CreatedAt, a.IsDrill)).ToList();
    }
}
