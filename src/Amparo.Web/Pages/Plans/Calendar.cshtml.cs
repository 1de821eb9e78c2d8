using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Plans;

/// <summary>
/// The person's calendar feed: make its secret address, make a new one (the old one ends), or stop it. Only the hash of
/// the address is kept, so the address is shown once, in the answer to the post that made it (not redirected: the
/// secret never goes through a URL, a cookie or TempData); a person who lost it makes a new one.
/// </summary>
public sealed class CalendarModel(PlanCalendar calendar) : PageModel
{
    public DateTime? MadeAt { get; private set; }
    /// <summary>The new address, in the one answer that shows it.</summary>
    public string? NewAddress { get; private set; }
    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        Done = done is "removed" ? done : null;
        MadeAt = await calendar.MadeAtAsync(User.UserId(), HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostRenewAsync()
    {
        var token = await calendar.RenewAsync(User.UserId(), HttpContext.RequestAborted);
        NewAddress = calendar.Address(token);
        MadeAt = await calendar.MadeAtAsync(User.UserId(), HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        await calendar.RemoveAsync(User.UserId(), HttpContext.RequestAborted);
        return Redirect("/plans/calendar?done=removed");
    }
}
