using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Pages.Wellbeing.Marks;

/// <summary>
/// The line on the person's home page (and the module's page) when a debrief is waiting: only the person's own offers,
/// never anyone else's. Nothing when there is none.
/// </summary>
public sealed class DebriefOffersViewComponent(MarkService marks) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var offers = await marks.OpenOffersAsync(UserClaimsPrincipal.UserId(), HttpContext.RequestAborted);
        return offers.Count == 0 ? Content("") : View("/Pages/Wellbeing/Marks/_DebriefOffers.cshtml", offers);
    }
}
