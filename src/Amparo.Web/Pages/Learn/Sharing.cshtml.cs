using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Learn;

/// <summary>Show my progress to a buddy (one of the people of my organizations), stop showing it; and whose progress I may read.</summary>
public sealed class SharingModel(LearningSharing sharing) : PageModel
{
    [FromQuery(Name = "done")] public string? Done { get; set; }
    public List<LearningPerson> Candidates { get; private set; } = [];
    public List<LearningBuddy> Buddies { get; private set; } = [];
    public List<LearningPerson> SharedWithMe { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostShareAsync(Guid person)
    {
        if (await sharing.ShareAsync(User.UserId(), person, HttpContext.RequestAborted)) return Redirect("/learn/sharing?done=shared");
        Error = "Learning.Share.Error.Person";
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostStopAsync(Guid grant)
    {
        if (!await sharing.StopAsync(User.UserId(), grant, HttpContext.RequestAborted)) return NotFound();
        return Redirect("/learn/sharing?done=stopped");
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        Buddies = await sharing.BuddiesAsync(me, ct);
        Candidates = [.. (await sharing.CandidatesAsync(me, ct)).Where(c => Buddies.All(b => b.PersonId != c.Id))];
        SharedWithMe = await sharing.SharedWithMeAsync(me, ct);
    }
}
