using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Trainings;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Pages.Trainings;

/// <summary>
/// The home page's line when a training's check-in waits for the person (for whoever has no e-mail address, or missed
/// it): discreet — no training, no subject — and one link to the list.
/// </summary>
public sealed class FollowUpWaitingViewComponent(TrainingService trainings) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var waiting = await trainings.WaitingAsync(UserClaimsPrincipal.UserId(), HttpContext.RequestAborted);
        return waiting ? View("/Pages/Trainings/_FollowUpWaiting.cshtml") : Content("");
    }
}
