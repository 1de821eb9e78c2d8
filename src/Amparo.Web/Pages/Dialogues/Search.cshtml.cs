using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>Searching a dialogue's posts (its members): by words or by pseudonym, among the posts the viewer reads; writes nothing.</summary>
public sealed class SearchModel(Features.Dialogues.Dialogues dialogues, DialogueViews views) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "q")] public string? Query { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public List<DialogueViews.Found>? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await dialogues.AccessAsync(Id, User.UserId(), HttpContext.RequestAborted) is not { IsMember: true } access) return NotFound();
        Access = access;
        if (Query is { Length: > 0 } q) Results = await views.SearchAsync(access, q[..Math.Min(q.Length, 100)], ct: HttpContext.RequestAborted);
        return Page();
    }
}
