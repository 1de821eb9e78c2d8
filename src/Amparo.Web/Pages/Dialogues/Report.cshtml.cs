using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>Reporting one post to the moderators, with a reason from a short list; back to the thread after.</summary>
public sealed class ReportModel(Features.Dialogues.Dialogues dialogues, DialogueViews views) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public DialogueAccess Access { get; private set; } = null!;
    public ModerationItem Item { get; private set; } = null!;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(ReportReason? reason)
    {
        if (!await LoadAsync()) return NotFound();
        var result = await dialogues.ReportAsync(User.UserId(), Id, reason ?? 0, HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.NotFound) return NotFound();
        if (result.Status == DialogueWriteStatus.Done) return Redirect($"{DialoguePages.Thread(Item.ThreadId)}?done=reported#post-{Id}");
        Error = result.Status == DialogueWriteStatus.Invalid ? "Dialogues.Error.ReportReason" : "Dialogues.Error.ThreadMovedOn";
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (await views.PostAsync(Id, User.UserId(), HttpContext.RequestAborted) is not { } found || found.Access.Me is null) return false;
        (Access, Item) = found;
        return true;
    }
}
