using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Pages.Wellbeing.Care;

/// <summary>
/// On a security plan's well-being section: a link to the viewer's own care plan, only when the viewer is the plan's
/// person and has one. Anyone else sees nothing here — a care plan is never shown through a shared plan, nor is it said
/// whether one exists.
/// </summary>
public sealed class CarePlanLinkViewComponent(CarePlanService care) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid? planPersonId)
    {
        var viewer = UserClaimsPrincipal.UserId();
        var show = planPersonId == viewer && await care.ExistsAsync(viewer, HttpContext.RequestAborted);
        return show ? View("/Pages/Wellbeing/Care/_CarePlanLink.cshtml") : Content("");
    }
}
