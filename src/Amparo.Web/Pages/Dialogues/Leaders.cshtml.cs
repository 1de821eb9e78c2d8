using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>The coordinator's daily page: which leaders have not yet written their promised posts that day (the dialogue's zone), by pseudonym.</summary>
public sealed class LeadersModel(Features.Dialogues.Dialogues dialogues, DialogueViews views) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "day")] public DateOnly? Day { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public List<DateOnly> Days { get; private set; } = [];
    public DateOnly Shown { get; private set; }
    public List<LeaderDay> Leaders { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await dialogues.AccessAsync(Id, User.UserId(), HttpContext.RequestAborted) is not { Coordinator: true } access) return NotFound();
        Access = access;
        Days = DialogueViews.Days(access.Dialogue);
        var today = DateOnly.FromDateTime(LocalTimes.ToLocal(access.Now, LocalTimes.ZoneName(access.Dialogue.TimeZone)));
        Shown = Day is { } d && Days.Contains(d) ? d : Days.Contains(today) ? today : Days[0];
        Leaders = await views.LeadersOnAsync(access, Shown, HttpContext.RequestAborted);
        return Page();
    }
}
