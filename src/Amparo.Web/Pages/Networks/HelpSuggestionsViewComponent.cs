using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// The person's own suggestions to find help in the network (after an alert closed as "needs help", or a grant officer's
/// decline that suggested a kind of help), on their home page and referrals page. Nothing when there is none.
/// </summary>
public sealed class HelpSuggestionsViewComponent(HelpSuggestions suggestions) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(bool home)
    {
        var open = await suggestions.OpenAsync(UserClaimsPrincipal.UserId(), HttpContext.RequestAborted);
        return open.Count == 0 ? Content("") : View("/Pages/Networks/_HelpSuggestions.cshtml", (open, home));
    }
}
