using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Trainings;
using Amparo.Web.Pages.Learn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Trainings;

/// <summary>
/// One training. Its trainer sees the agenda, the invitation, the figures (aggregates only) and what participants chose
/// to show; a participant sees the agenda, commits to checklist items, makes their choices and finds their follow-ups.
/// Anyone else: not found.
/// </summary>
public sealed class TrainingModel(TrainingService trainings, MessageTexts texts, TimeProvider clock) : PageModel
{
    [FromQuery(Name = "done")] public string? Done { get; set; }
    public TrainingView View { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; private set; } = [];
    public string? NewLink { get; private set; }
    public bool JoinOpen => clock.GetUtcNow().UtcDateTime < View.JoinClosesAt;

    public List<FormError> ErrorList(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCommitAsync(Guid id, List<string> items) =>
        await AfterAsync(id, await trainings.CommitAsync(User.UserId(), id, items, HttpContext.RequestAborted), "committed");

    public async Task<IActionResult> OnPostChooseAsync(Guid id, bool sharesDetail, bool champion, bool openToBuddy, bool countsProgress, Guid? buddy) =>
        await AfterAsync(id, await trainings.ChooseAsync(User.UserId(), id, sharesDetail, champion, openToBuddy, countsProgress, buddy, HttpContext.RequestAborted), "chosen");

    public async Task<IActionResult> OnPostInviteAsync(Guid id)
    {
        var result = await trainings.NewInvitationAsync(User.UserId(), id, HttpContext.RequestAborted);
        if (result.Status != TrainingWriteStatus.Done || !await LoadAsync(id)) return NotFound();
        NewLink = texts.Url("/trainings/join/" + result.InviteSecret);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, bool confirm)
    {
        if (!confirm)
        {
            if (!await LoadAsync(id)) return NotFound();
            Errors["confirm"] = "Training.Error.Confirm";
            return Page();
        }
        return await trainings.DeleteAsync(User.UserId(), id, HttpContext.RequestAborted) ? Redirect("/trainings") : NotFound();
    }

    public async Task<IActionResult> OnPostLeaveAsync(Guid id, bool confirm)
    {
        if (!confirm)
        {
            if (!await LoadAsync(id)) return NotFound();
            Errors["leave-confirm"] = "Training.Error.Confirm";
            return Page();
        }
        return await trainings.LeaveAsync(User.UserId(), id, HttpContext.RequestAborted) ? Redirect("/trainings") : NotFound();
    }

    private async Task<IActionResult> AfterAsync(Guid id, TrainingWrite result, string done)
    {
        switch (result.Status)
        {
            case TrainingWriteStatus.Done: return Redirect($"/trainings/{id}?done={done}");
            case TrainingWriteStatus.NotFound: return NotFound();
            case TrainingWriteStatus.Closed: Errors["items"] = "Training.Error.Closed"; break;
            case TrainingWriteStatus.Invalid: Errors = result.Errors!.ToDictionary(e => char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => e.Value); break;
        }
        return await LoadAsync(id) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var view = await trainings.ViewAsync(User.UserId(), id, LearningPages.PageLanguage, ct: HttpContext.RequestAborted);
        if (view is null) return false;
        View = view;
        return true;
    }
}
