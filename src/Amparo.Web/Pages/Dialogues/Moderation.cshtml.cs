using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>
/// The moderators' queue: posts waiting to be let through (a public thread) and posts reported. A post's location hints
/// are taken out here (<c>?post=</c> opens its text for editing) before it is let through; the author is told.
/// </summary>
public sealed class ModerationModel(Features.Dialogues.Dialogues dialogues, DialogueViews views) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "post")] public Guid? Post { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [BindProperty] public string? Redacted { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public List<ModerationItem> Items { get; private set; } = [];
    public ModerationItem? Editing { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFound();
        Redacted = Editing?.Post.Text;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid post, ModerationAct act, HideReason? reason)
    {
        var result = await dialogues.ModerateAsync(User.UserId(), post, act, reason, Redacted, HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.NotFound) return NotFound();
        if (result.Status == DialogueWriteStatus.Done) return Redirect($"/dialogues/{Id}/moderation?done=1");
        Post = post;
        if (!await LoadAsync()) return NotFound();
        if (result.Errors is { } errors) foreach (var (k, v) in errors) Errors[k] = v;
        else Errors["reason"] = "Dialogues.Error.ThreadMovedOn";
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (await dialogues.AccessAsync(Id, User.UserId(), HttpContext.RequestAborted) is not { IsModerator: true } access) return false;
        Access = access;
        Items = await views.ModerationAsync(access, HttpContext.RequestAborted);
        if (Post is { } id)
        {
            Editing = Items.FirstOrDefault(i => i.Post.Id == id);
            if (Editing is null && await views.ModerationPostAsync(access, id, HttpContext.RequestAborted) is { } one) Editing = one;
        }
        return true;
    }
}
