using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Trainings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Trainings;

/// <summary>
/// The invitation link: what the training is, and — before anyone joins — that their answers count in the trainer's
/// figures (totals of five people or more, never one person's answers unless they choose to show them).
/// </summary>
public sealed class JoinModel(TrainingService trainings) : PageModel
{
    public Invitation? Invitation { get; private set; }

    public async Task<IActionResult> OnGetAsync(string secret)
    {
        Invitation = await trainings.InvitationAsync(User.UserId(), secret, HttpContext.RequestAborted);
        // A replaced or mistyped link: say so (the trainer can give the new one), with the status a missing page has.
        if (Invitation is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string secret, bool countProgress)
    {
        var result = await trainings.JoinAsync(User.UserId(), secret, countProgress, HttpContext.RequestAborted);
        if (result.Status == TrainingWriteStatus.Done) return Redirect($"/trainings/{result.Id}#commit");
        Invitation = await trainings.InvitationAsync(User.UserId(), secret, HttpContext.RequestAborted);
        if (Invitation is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
