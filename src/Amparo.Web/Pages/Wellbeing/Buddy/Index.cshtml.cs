using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Buddy;

/// <summary>
/// Buddies: invite a fellow member of one of my organizations, accept or decline an invitation, end a pair, and choose
/// whether Amparo may ask my buddy to check in with me after an alert. A buddy sees nothing of my well-being.
/// </summary>
public sealed class IndexModel(BuddyService buddies) : PageModel
{
    [BindProperty] public Guid? Invitee { get; set; }
    [BindProperty] public Guid Pair { get; set; }
    [BindProperty] public bool Allow { get; set; }

    public List<BuddyLine> Lines { get; private set; } = [];
    public List<BuddyCandidate> Candidates { get; private set; } = [];
    /// <summary>"invited", "accepted", "ended", "saved": the page says so.</summary>
    public string? Done { get; private set; }
    /// <summary>A resource key for the invite form's problem.</summary>
    public string? InviteError { get; private set; }

    public BuddyLine? Active => Lines.FirstOrDefault(l => l.State == BuddyState.Active);
    public BuddyLine? Sent => Lines.FirstOrDefault(l => l.State == BuddyState.Invited && l.IInvited);
    public IEnumerable<BuddyLine> Received => Lines.Where(l => l.State == BuddyState.Invited && !l.IInvited);
    public bool MayInvite => Active is null && Sent is null;

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;

    public async Task OnGetAsync(string? done)
    {
        Done = done is "invited" or "accepted" or "ended" or "saved" ? done : null;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostInviteAsync()
    {
        var result = Invitee is { } invitee ? await buddies.InviteAsync(Me, invitee, Ct) : BuddyResult.NotFound;
        switch (result)
        {
            case BuddyResult.Done: return Redirect("/wellbeing/buddy?done=invited");
            case BuddyResult.NotFound: InviteError = "Care.Buddy.Error.Choose"; break;
            case BuddyResult.Busy: InviteError = "Care.Buddy.Error.Busy"; break;
        }
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostAcceptAsync() => AnswerAsync(buddies.AcceptAsync(Me, Pair, Ct), "accepted");

    public Task<IActionResult> OnPostEndAsync() => AnswerAsync(buddies.EndAsync(Me, Pair, Ct), "ended");

    public Task<IActionResult> OnPostRemindsAsync() => AnswerAsync(buddies.SetRemindsAfterAlertsAsync(Me, Pair, Allow, Ct), "saved");

    private async Task<IActionResult> AnswerAsync(Task<BuddyResult> action, string done)
    {
        switch (await action)
        {
            case BuddyResult.Done: return Redirect("/wellbeing/buddy?done=" + done);
            case BuddyResult.NotFound: return NotFound();
            case BuddyResult.Busy:
                InviteError = "Care.Buddy.Error.Busy";
                await LoadAsync();
                return Page();
        }
        throw new InvalidOperationException();
    }

    private async Task LoadAsync()
    {
        Response.Headers.CacheControl = "no-store";
        Lines = await buddies.LinesAsync(Me, Ct);
        Candidates = await buddies.CandidatesAsync(Me, Ct);
    }
}
