using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>One of the person's self-checks: bands per scale in words, what tends to help, where to find support; delete.</summary>
public sealed class ResultModel(SelfCheckService checks) : PageModel
{
    public SelfCheckView Check { get; private set; } = null!;
    public IReadOnlyList<ScaleResult> Scales { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        // Anyone else's self-check is "not found", like one that does not exist: the page never says whose it is.
        if (await checks.GetMineAsync(User.UserId(), id, HttpContext.RequestAborted) is not { } check) return NotFound();
        Check = check;
        // The scales to look at first come first; otherwise the instrument's order.
        Scales = [.. ScaleResult.Of(check.Score).OrderByDescending(s => s.Warning)];
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id) =>
        await checks.DeleteMineAsync(User.UserId(), id, HttpContext.RequestAborted) ? Redirect("/wellbeing?done=deleted") : NotFound();
}
