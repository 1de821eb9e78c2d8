using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// One visit of the signed-in person: one large "I'm back" button, extend, close. Only the action's status decides what
/// the page shows next, and the visit is read again afterwards, so a duress PIN gives exactly the page a normal PIN gives.
/// </summary>
public sealed class VisitModel(
    CheckInService checkIns, AlertService alerts, UserManager<User> users, ProfileService profiles, SignInThrottle throttle) : PageModel
{
    public sealed record AlertLine(Guid Id, AlertKind Kind, AlertState State, DateTime CreatedAt, IReadOnlyList<TimelineEntry> Answers);

    [BindProperty] public string? Pin { get; set; }
    [BindProperty] public int Minutes { get; set; }
    [BindProperty] public string? Passphrase { get; set; }

    public VisitDetails Visit { get; private set; } = null!;
    public bool FreshSession { get; private set; }
    public string? Done { get; private set; }
    public bool Adjusted { get; private set; }
    public string? PinError { get; private set; }
    public string? PassphraseError { get; private set; }
    public List<AlertLine> Alerts { get; private set; } = [];
    /// <summary>When I planned it with companions: each one's answer to the invitation.</summary>
    public List<CompanionAnswer> Companions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, bool adjusted = false)
    {
        Done = done is "checkin" or "extend" or "close" or "unlocked" or "accepted" ? done : null;
        Adjusted = adjusted;
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostCheckInAsync(Guid id) =>
        ActAsync(id, "checkin", proof => checkIns.CheckInAsync(User.UserId(), id, proof, "web", ct: HttpContext.RequestAborted));

    public Task<IActionResult> OnPostExtendAsync(Guid id) =>
        Minutes is 15 or 30 or 60
            ? ActAsync(id, "extend", proof => checkIns.ExtendAsync(User.UserId(), id, Minutes, proof, "web", HttpContext.RequestAborted))
            : Task.FromResult<IActionResult>(BadRequest());

    public Task<IActionResult> OnPostCloseAsync(Guid id) =>
        ActAsync(id, "close", proof => checkIns.CloseAsync(User.UserId(), id, proof, "web", HttpContext.RequestAborted));

    /// <summary>
    /// A visit locked after too many wrong PINs takes PINs again once its owner gives the passphrase here, on their
    /// own signed-in page. The passphrase checks count against the same per-person limit as the security page's.
    /// </summary>
    public async Task<IActionResult> OnPostUnlockAsync(Guid id)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        if (!throttle.AllowAccount("account-check:" + user.Id.ToString("D"), knownDevice: false))
        {
            PassphraseError = "SignIn.TooMany";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
        }
        else if (!profiles.PassphraseMatches(user, Passphrase))
        {
            PassphraseError = "Security.WrongPassphrase";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            if (!await checkIns.UnlockPinAsync(user.Id, id, HttpContext.RequestAborted) && await checkIns.GetAsync(user.Id, id, HttpContext.RequestAborted) is null)
                return NotFound();
            return Redirect($"/visits/{id}?done=unlocked");
        }
        Passphrase = null;
        return await LoadAsync(id) ? Page() : NotFound();
    }

    private async Task<IActionResult> ActAsync(Guid id, string what, Func<Proof, Task<ActionStatus>> action)
    {
        var status = await action(new Proof(string.IsNullOrEmpty(Pin) ? null : Pin, await CheckInPages.FreshSessionAsync(HttpContext)));
        switch (status)
        {
            case ActionStatus.NotFound: return NotFound();
            case ActionStatus.Done: return Redirect($"/visits/{id}?done={what}");
            case ActionStatus.Closed: return Redirect($"/visits/{id}");
            case ActionStatus.WrongPin or ActionStatus.NeedsPin or ActionStatus.TooLong or ActionStatus.Invalid or ActionStatus.Locked:
                break; // Said on the page, below.
        }
        PinError = ErrorKey(status);
        Pin = null;
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public static string ErrorKey(ActionStatus status) => status switch
    {
        ActionStatus.WrongPin => "CheckIn.Error.WrongPin",
        ActionStatus.NeedsPin => "CheckIn.Error.NeedsPin",
        ActionStatus.TooLong => "CheckIn.Error.TooLong",
        ActionStatus.Locked => "CheckIn.Error.Locked",
        ActionStatus.Invalid or ActionStatus.Done or ActionStatus.NotFound or ActionStatus.Closed => "Validation.Invalid",
    };

    private async Task<bool> LoadAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        var visit = await checkIns.GetAsync(User.UserId(), id, ct);
        if (visit is null) return false;
        Visit = visit;
        FreshSession = await CheckInPages.FreshSessionAsync(HttpContext);
        Companions = await checkIns.CompanionsAsync(User.UserId(), visit.GroupId, ct);
        // The person's own alerts on this visit (never a duress alert), with who answered: for drills, "who answered and how fast".
        var own = await alerts.OwnAlerts(User.UserId()).Where(a => a.VisitId == id).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        foreach (var a in own)
        {
            var answers = visit.IsDrill
                ? (await alerts.OwnerTimelineAsync(a.Id, ct)).Where(e => e.Kind is AlertEvents.Opened or AlertEvents.Acknowledged or AlertEvents.Resolved).ToList()
                : [];
            Alerts.Add(new AlertLine(a.Id, a.Kind, a.State, a.CreatedAt, answers));
        }
        return true;
    }
}
