using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Trainings;
using Amparo.Web.Pages.Learn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Trainings;

/// <summary>
/// A follow-up: each committed item again (done, not yet, not relevant), what stood in the way, a short refresher of
/// one step, where to find help — and, when something happened, the lessons and help that fit. Support, not a test.
/// </summary>
public sealed class FollowUpModel(TrainingService trainings) : PageModel
{
    [FromQuery(Name = "done")] public bool Saved { get; set; }
    public TrainingService.FollowUpView View { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; private set; } = [];
    /// <summary>What the form shows: the posted answer when it was refused, else the saved one.</summary>
    public FollowUpAnswer Shown { get; private set; } = new();

    public List<FormError> ErrorList(Func<string, string> text) => FormErrors.Of(Errors, text);

    public IReadOnlyList<Lesson> LessonsFor(Happening h) => trainings.LessonsFor(h);

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        Shown = View.Answer ?? new();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, List<string> obstacles, List<string> happened, string? note)
    {
        if (!await LoadAsync(id)) return NotFound();
        var answer = new FollowUpAnswer { Note = note };
        foreach (var (item, _) in View.Items)
            if (Request.Form.TryGetValue("item-" + item.Key, out var word) && LearningApi.TryState(word, out var state)) answer.Items[item.Key] = state;
        foreach (var o in obstacles)
            if (Enum.TryParse<Obstacle>(o, out var obstacle) && Enum.IsDefined(obstacle)) answer.Obstacles.Add(obstacle); else Errors["obstacles"] = "Training.Error.Unknown";
        foreach (var h in happened)
            if (Enum.TryParse<Happening>(h, out var happening) && Enum.IsDefined(happening)) answer.Happened.Add(happening); else Errors["happened"] = "Training.Error.Unknown";
        Shown = answer;
        if (Errors.Count > 0) return Page();
        var result = await trainings.AnswerAsync(User.UserId(), id, answer, LearningPages.PageLanguage, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case TrainingWriteStatus.Done: return Redirect($"/trainings/follow-up/{id}?done=true#saved");
            case TrainingWriteStatus.NotFound: return NotFound();
            case TrainingWriteStatus.Closed: Errors["items"] = "Training.Error.FollowUpClosed"; break;
            case TrainingWriteStatus.Invalid: Errors = result.Errors!.ToDictionary(e => char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => e.Value); break;
        }
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var view = await trainings.FollowUpAsync(User.UserId(), id, LearningPages.PageLanguage, HttpContext.RequestAborted);
        if (view is null) return false;
        View = view;
        return true;
    }
}
