using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// What people of a network looked for in the directory and did not find, by day, and whether its referrals helped —
/// for its coordinators only (404 for anyone else).
/// </summary>
public sealed class DirectoryGapsModel(NetworkDirectory directory, Referrals referrals, AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid Network { get; set; }
    public List<DirectoryGap> Gaps { get; private set; } = [];
    public string NetworkName { get; private set; } = "";
    /// <summary>"Did this help?" over the network's closed referrals, in groups of five or more.</summary>
    public ReferralFeedback Feedback { get; private set; } = new(null, null);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await directory.GapsAsync(User.UserId(), Network, HttpContext.RequestAborted) is not { } gaps) return NotFound();
        Gaps = gaps;
        Feedback = await referrals.FeedbackAsync(User.UserId(), Network, HttpContext.RequestAborted) ?? new(null, null);
        NetworkName = await db.Networks.Where(n => n.Id == Network).Select(n => n.Name).SingleAsync(HttpContext.RequestAborted);
        return Page();
    }
}
