using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>Who takes part, by pseudonym and role, for the members; and one pseudonym's page (<c>/people/{participant}</c>) — never the person behind it.</summary>
public sealed class PeopleModel(Features.Dialogues.Dialogues dialogues, DialogueViews views) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromRoute] public Guid? Participant { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public List<ParticipantLine> People { get; private set; } = [];
    public DialogueParticipant? One { get; private set; }
    public List<(DialogueThread Thread, PostView Post)> Posts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await dialogues.AccessAsync(Id, User.UserId(), HttpContext.RequestAborted) is not { IsMember: true } access) return NotFound();
        Access = access;
        if (Participant is { } id)
        {
            if (await views.ProfileAsync(access, id, HttpContext.RequestAborted) is not { } profile) return NotFound();
            (One, Posts) = (profile.Participant, profile.Posts);
        }
        else People = await views.ParticipantsAsync(access, HttpContext.RequestAborted);
        return Page();
    }
}
