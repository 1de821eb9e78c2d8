using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Learn;

/// <summary>
/// One step of a lesson, in the reader's language or the next one in their chain (marked, with its own language and
/// direction), with the words it uses explained below it. A signed-in reader marks it done (or not relevant) and goes on.
/// </summary>
[AllowAnonymous]
public sealed class StepModel(LessonLibrary library, LearningProgressService progress, AmparoDbContext db) : PageModel
{
    [FromRoute] public string Id { get; set; } = "";
    [FromRoute] public string StepId { get; set; } = "";

    public Lesson Lesson { get; private set; } = null!;
    public LessonText Head { get; private set; } = null!;
    public ShownStep Shown { get; private set; } = null!;
    public int Number { get; private set; }
    public LessonStep? Previous { get; private set; }
    public LessonStep? Next { get; private set; }
    public List<ShownTerm> Terms { get; private set; } = [];
    public ProgressState? State { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(ProgressState state)
    {
        if (User.Identity?.IsAuthenticated != true) return Challenge();
        if (!ModelState.IsValid || !Enum.IsDefined(state)) return BadRequest();
        var result = await progress.MarkAsync(User.UserId(), Id, ProgressPart.Step, StepId, state, null, HttpContext.RequestAborted);
        if (result.Status != ProgressWriteStatus.Done) return NotFound();
        if (!await LoadAsync()) return NotFound();
        return Redirect(Next is { } next ? LearningPages.Step(Id, next.Id) : LearningPages.Lesson(Id) + "#checklist");
    }

    private async Task<bool> LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (await progress.FindAsync(User.Identity?.IsAuthenticated == true ? User.UserId() : null, Id, ct) is not { } lesson) return false;
        var index = lesson.Steps.ToList().FindIndex(s => s.Id == StepId);
        if (index < 0) return false;
        var chain = LessonReading.Chain(LearningPages.PageLanguage, await LearningPages.SecondLanguageAsync(User, db, ct), lesson.Source);
        if (LessonReading.Step(lesson, lesson.Steps[index], chain) is not { } shown) return false;
        Lesson = lesson;
        Head = LessonReading.Head(lesson, chain);
        Shown = shown;
        Number = index + 1;
        Previous = index > 0 ? lesson.Steps[index - 1] : null;
        Next = index + 1 < lesson.Steps.Count ? lesson.Steps[index + 1] : null;
        Terms = LessonReading.Terms(library.Catalog, [shown], chain);
        if (User.Identity?.IsAuthenticated == true) State = (await progress.ReadAsync(User.UserId(), ct)).For(Id).Step(StepId);
        return true;
    }
}
