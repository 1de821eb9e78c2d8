using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// One referral, for its defender, its sender and the provider's admins and focal points (anyone else: 404), with what
/// each may do in its state: agree or withdraw; revoke; accept, decline, start, finish; close with "did this help?".
/// </summary>
public sealed class ReferralModel(Referrals referrals) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Reach { get; set; }
    [BindProperty] public string? Story { get; set; }
    public ReferralView View { get; private set; } = null!;

    /// <summary>
    /// The act the "done" notice reports: only a named act, and only when the referral stands where that act leaves it —
    /// a link with another "done" (or one read later) must not say something happened that did not.
    /// </summary>
    public ReferralAct? DoneAct => Enum.GetValues<ReferralAct>()
        .Where(a => string.Equals(a.ToString(), Done, StringComparison.OrdinalIgnoreCase) && View.Referral.State == Referrals.StateAfter(a))
        .Cast<ReferralAct?>().FirstOrDefault();
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await referrals.ViewAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        (Name, Reach, Story) = (view.Details?.Name, view.Details?.Reach, view.Details?.Story);
        return Page();
    }

    /// <summary>One act; its button names it. A refused act (a reason left out, or the state moved on) shows the page again with why.</summary>
    public async Task<IActionResult> OnPostAsync(ReferralAct act, DeclineReason? declined, DoneReason? outcome, bool? helped)
    {
        var details = act == ReferralAct.Consent ? new ReferralDetails(Name ?? "", Reach ?? "", Story ?? "") : null;
        var result = await referrals.ActAsync(User.UserId(), Id, act, new Referrals.ActInput(declined, outcome, details, helped), HttpContext.RequestAborted);
        if (result.Status == DirectoryWriteStatus.NotFound || await referrals.ViewAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return NotFound();
        if (result.Status == DirectoryWriteStatus.Invalid)
        {
            View = view;
            Errors = result.Errors!;
            if (act != ReferralAct.Consent) (Name, Reach, Story) = (view.Details?.Name, view.Details?.Reach, view.Details?.Story);
            return Page();
        }
        return Redirect(ReferralRoutes.Referral(Id) + "?done=" + act.ToString().ToLowerInvariant());
    }
}
