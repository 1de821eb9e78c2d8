using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// My visits: invitations to join someone's visit (accept or decline), open ones with their deadline, then the closed
/// ones; and my own alerts (never a duress alert).
/// </summary>
public sealed class IndexModel(CheckInService checkIns, AlertService alerts) : PageModel
{
    public sealed record AlertLine(Guid Id, AlertKind Kind, AlertState State, DateTime CreatedAt, bool IsDrill);

    public List<VisitDetails> Invitations { get; private set; } = [];
    public List<VisitDetails> Open { get; private set; } = [];
    public string? Done { get; private set; }
    public List<VisitDetails> Closed { get; private set; } = [];
    public List<AlertLine> Alerts { get; private set; } = [];

    public async Task OnGetAsync(string? done)
    {
        Done = done is "accepted" or "declined" or "lapsed" ? done : null;
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        var visits = await checkIns.ListAsync(me, state: null, take: 50, ct);
        Invitations = visits.Where(v => v.State == VisitState.Invited).OrderBy(v => v.DueAt).ToList();
        Open = visits.Where(v => v.State is not (VisitState.Closed or VisitState.Invited)).OrderBy(v => v.DeadlineAt).ToList();
        Closed = visits.Where(v => v.State == VisitState.Closed).Take(20).ToList();
        Alerts = (await alerts.OwnAlerts(me).OrderByDescending(a => a.CreatedAt).Take(20).ToListAsync(ct))
            .Select(a => new AlertLine(a.Id, a.Kind, a.State, a.CreatedAt, a.IsDrill)).ToList();
    }

    /// <summary>I join a visit someone planned with me: from now on it is watched like my own.</summary>
    public Task<IActionResult> OnPostAcceptAsync(Guid visitId) => AnswerAsync(visitId, accept: true);

    /// <summary>I do not join: nothing is watched for me, and whoever planned it is told.</summary>
    public Task<IActionResult> OnPostDeclineAsync(Guid visitId) => AnswerAsync(visitId, accept: false);

    private async Task<IActionResult> AnswerAsync(Guid visitId, bool accept) =>
        await checkIns.AnswerInvitationAsync(User.UserId(), visitId, accept, HttpContext.RequestAborted) switch
        {
            ActionStatus.Done => Redirect(accept ? $"/visits/{visitId}?done=accepted" : "/visits?done=declined"),
            ActionStatus.NotFound => NotFound(),
            // Every other answer means the invitation is no longer open (the visit started, closed or lapsed).
            ActionStatus.Closed or ActionStatus.Invalid or ActionStatus.TooLong or ActionStatus.WrongPin or ActionStatus.NeedsPin
                or ActionStatus.Locked => Redirect("/visits?done=lapsed"),
        };
}
