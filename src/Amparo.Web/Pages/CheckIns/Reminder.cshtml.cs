using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// The link in a reminder: check in or extend without signing in. The link alone is not enough — the PIN is always
/// asked — and the page shows no place or purpose, since a reminder may be read by someone else.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(CheckInPages.LinkRateLimit)]
public sealed class ReminderModel(AmparoDbContext db, CheckInSecrets secrets, CheckInService checkIns) : PageModel
{
    [BindProperty] public string? Pin { get; set; }
    [BindProperty] public int Minutes { get; set; }

    public VisitState State { get; private set; }
    public string DueAt { get; private set; } = "";
    public bool IsDrill { get; private set; }
    public string? PinError { get; private set; }
    public string? Done { get; private set; }
    public bool Finished { get; private set; }

    private sealed record Target(Guid Id, Guid OwnerId, VisitState State, DateTime DeadlineAt, bool IsDrill, string TimeZone);

    public async Task<IActionResult> OnGetAsync(string token, string? done)
    {
        var visit = await FindAsync(token);
        if (visit is null) return NotFound();
        Done = done is "checkin" or "extend" ? done : null;
        Show(visit);
        return Page();
    }

    public Task<IActionResult> OnPostCheckInAsync(string token) =>
        ActAsync(token, "checkin", v => checkIns.CheckInAsync(v.OwnerId, v.Id, new Proof(Pin, false), "link", ct: HttpContext.RequestAborted));

    public Task<IActionResult> OnPostExtendAsync(string token) =>
        Minutes is 15 or 30 or 60
            ? ActAsync(token, "extend", v => checkIns.ExtendAsync(v.OwnerId, v.Id, Minutes, new Proof(Pin, false), "link", HttpContext.RequestAborted))
            : Task.FromResult<IActionResult>(BadRequest());

    private async Task<IActionResult> ActAsync(string token, string what, Func<Target, Task<ActionStatus>> action)
    {
        var visit = await FindAsync(token);
        if (visit is null) return NotFound();
        // The PIN is always needed here: an empty one is a missing one, never a "fresh session".
        var status = string.IsNullOrEmpty(Pin) ? ActionStatus.NeedsPin : await action(visit);
        switch (status)
        {
            case ActionStatus.Done when what == "checkin":
                // The check-in closed the visit, so the link is spent: the thanks are shown now, not after a redirect to it.
                Done = what;
                Finished = true;
                return Page();
            case ActionStatus.Done: return Redirect($"/v/{token}?done={what}");
            case ActionStatus.NotFound or ActionStatus.Closed:
                return Redirect($"/v/{token}");
            case ActionStatus.WrongPin or ActionStatus.NeedsPin or ActionStatus.TooLong or ActionStatus.Invalid or ActionStatus.Locked:
                break; // Said on the page, below.
        }
        PinError = VisitModel.ErrorKey(status);
        Show(await FindAsync(token) ?? visit);
        return Page();
    }

    private void Show(Target visit)
    {
        State = visit.State;
        DueAt = LocalTimes.WithZone(visit.DeadlineAt, visit.TimeZone);
        IsDrill = visit.IsDrill;
    }

    private async Task<Target?> FindAsync(string token)
    {
        if (await secrets.VerifyLinkAsync(db, LinkPurposes.Reminder, token, HttpContext.RequestAborted) is not { } id) return null;
        var visit = await (from v in db.Visits.AsNoTracking()
                           join u in db.Users on v.OwnerId equals u.Id
                           where v.Id == id
                           select new Target(v.Id, v.OwnerId, v.State, v.DeadlineAt, v.IsDrill, u.TimeZone)).SingleOrDefaultAsync(HttpContext.RequestAborted);
        return visit is null || visit.State == VisitState.Closed ? null : visit;
    }
}
