using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>
/// One thread: its question and prompts, its posts a page at a time (each with its replies), and — while it is open —
/// the form to post, reply (<c>?reply=</c>) or quote (<c>?quote=</c>), all without JavaScript. Moderators act on posts
/// here too; in preparation it shows the leaders' comments on the draft, and a facilitator marks it reviewed.
/// </summary>
[AllowAnonymous]
public sealed class ThreadModel(Features.Dialogues.Dialogues dialogues, DialogueViews views, Infrastructure.Data.AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;
    [FromQuery(Name = "reply")] public Guid? Reply { get; set; }
    [FromQuery(Name = "quote")] public Guid? Quote { get; set; }
    [FromQuery(Name = "prep")] public bool Prep { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public Guid? ParentId { get; set; }
    [BindProperty] public Guid? QuoteId { get; set; }
    [BindProperty] public Guid? ResourceId { get; set; }

    public ThreadPage View { get; private set; } = null!;
    public PostView? Replying { get; private set; }
    public PostView? Quoting { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);
    public string DoneKey => Done switch
    {
        "posted" => "Dialogues.Done.Posted",
        "pending" => "Dialogues.Done.Pending",
        "reported" => "Dialogues.Done.Reported",
        "moderated" => "Dialogues.Done.Moderated",
        "reviewed" => "Dialogues.Done.Reviewed",
        _ => "",
    };

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFound();
        ParentId = Replying?.Id;
        QuoteId = Quoting?.Id;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.PostAsync(me, Id, new PostInput(Text, ParentId, QuoteId, ResourceId), HttpContext.RequestAborted);
        if (result.Status == DialogueWriteStatus.Done)
        {
            var pending = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.DialoguePosts, p => p.Id == result.Id && p.State == PostState.Pending, HttpContext.RequestAborted);
            // A reply is on its post's page; a new post at the end of the thread.
            var page = ParentId is null ? int.MaxValue : PageNumber;
            return Redirect($"{DialoguePages.Thread(Id)}?page={page}{(Prep ? "&prep=true" : "")}&done={(pending ? "pending" : "posted")}#post-{result.Id}");
        }
        return await RefusedAsync(result, "Text");
    }

    public async Task<IActionResult> OnPostReviewAsync()
    {
        if (DialoguePages.Viewer(User) is not { } me) return Challenge();
        var result = await dialogues.ReviewThreadAsync(me, Id, HttpContext.RequestAborted);
        return result.Status == DialogueWriteStatus.Done ? Redirect($"{DialoguePages.Thread(Id)}?done=reviewed") : await RefusedAsync(result, "review");
    }

    private async Task<IActionResult> RefusedAsync(DialogueWrite result, string field)
    {
        if (result.Status == DialogueWriteStatus.NotFound || !await LoadAsync()) return NotFound();
        if (result.Errors is { } errors) foreach (var (k, v) in errors) Errors[k] = v;
        else Errors[field] = "Dialogues.Error.ThreadMovedOn";
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (await views.ThreadAsync(Id, DialoguePages.Viewer(User), PageNumber, Prep, HttpContext.RequestAborted) is not { } view) return false;
        View = view;
        var all = view.Posts.SelectMany(p => p.Replies.Prepend(p)).ToList();
        Replying = all.FirstOrDefault(p => p.Id == (Reply ?? ParentId) && p.Text is not null);
        Quoting = all.FirstOrDefault(p => p.Id == (Quote ?? QuoteId) && p.State == PostState.Shown && p.Text is not null);
        return true;
    }
}
