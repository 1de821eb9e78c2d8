using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Networks;

/// <summary>The referrals a person has a part in: for them, sent by them, and to the organizations whose referrals they handle.</summary>
public sealed class ReferralsModel(Referrals referrals) : PageModel
{
    public List<ReferralLine> ForMe { get; private set; } = [];
    public List<ReferralLine> Sent { get; private set; } = [];
    public List<ReferralLine> Incoming { get; private set; } = [];

    public async Task OnGetAsync() => (ForMe, Sent, Incoming) = await referrals.ListAsync(User.UserId(), HttpContext.RequestAborted);
}
