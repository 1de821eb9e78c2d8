using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.PlanShares;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// One shared snapshot, read-only, as of the day it was frozen; every opening is recorded for the owner and in the audit
/// trail. The grantmaker's admins choose here which of its staff may open it too. Not theirs to open (revoked, expired,
/// not assigned, no longer a member): 404.
/// </summary>
public sealed class PlanShareModel(PlanShareService shares) : PageModel
{
    public SnapshotOpened Opened { get; private set; } = null!;
    public PlanBudgetView Budget { get; private set; } = null!;
    public bool Saved { get; private set; }
    public bool StaffRefused { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid shareId, string? done)
    {
        if (await shares.OpenAsync(User.UserId(), shareId, HttpContext.RequestAborted) is not { } opened) return NotFound();
        Opened = opened;
        Budget = PlanBudget.Of(opened.View.Actions);
        Saved = done == "staff";
        StaffRefused = done == "refused";
        return Page();
    }

    /// <summary>The admin's choice of staff (the boxes ticked replace the list).</summary>
    public async Task<IActionResult> OnPostStaffAsync(Guid shareId, List<Guid>? staff)
    {
        // A value that is not an id is refused whole: a list read in part would unassign people nobody meant to.
        if (!ModelState.IsValid) return Redirect($"/grants/plans/{shareId}?done=refused");
        var result = await shares.SetStaffAsync(User.UserId(), shareId, staff ?? [], HttpContext.RequestAborted);
        return result.Status switch
        {
            PlanWriteStatus.Done => Redirect($"/grants/plans/{shareId}?done=staff"),
            PlanWriteStatus.Invalid => Redirect($"/grants/plans/{shareId}?done=refused"),
            PlanWriteStatus.NotFound or PlanWriteStatus.NotAllowed or PlanWriteStatus.Conflict => NotFound(),
        };
    }
}
