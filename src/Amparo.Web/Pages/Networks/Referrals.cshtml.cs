using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Networks;

/// <summary>The referrals a person has a part in: for them, sent by them, and to the organizations whose referrals they handle.</summary>
public sealed class ReferralsModel(Referrals referrals, HelpSuggestions suggestions) : PageModel
{
    public List<ReferralLine> ForMe { get; private set; } = [];
    public List<ReferralLine> Sent { get; private set; } = [];
    public List<ReferralLine> Incoming { get; private set; } = [];

    public async Task OnGetAsync() => (ForMe, Sent, Incoming) = await referrals.ListAsync(User.UserId(), HttpContext.RequestAborted);

    /// <summary>Puts away one of the viewer's suggestions to find help ("not now"), then back where it was shown.</summary>
    public async Task<IActionResult> OnPostDismissAsync(Guid id, bool home)
    {
        if (!await suggestions.DismissAsync(User.UserId(), id, HttpContext.RequestAborted)) return NotFound();
        return Redirect(home ? "/" : ReferralRoutes.List);
    }
}
