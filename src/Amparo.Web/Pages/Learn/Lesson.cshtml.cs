using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Learn;

/// <summary>
/// A lesson's front page: what it is for, a warning before anything sensitive, its steps, its checklist (ticked, noted,
/// turned into a plan action by a signed-in reader), the words it uses, its languages, review state and licence.
/// </summary>
[AllowAnonymous]
public sealed class LessonModel(LessonLibrary library, LearningProgressService progress, PlanService plans, OrganizationLessons organizationLessons, AmparoDbContext db, TimeProvider clock) : PageModel
{
    [FromRoute] public string Id { get; set; } = "";
    [FromQuery(Name = "platform")] public string? Platform { get; set; }
    [FromQuery(Name = "saved")] public string? Saved { get; set; }
    [FromQuery(Name = "added")] public Guid? AddedTo { get; set; }

    public Lesson Lesson { get; private set; } = null!;
    public LessonCatalog Catalog => library.Catalog;
    public IReadOnlyList<string> Chain { get; private set; } = [];
    public LessonText Head { get; private set; } = null!;
    public List<ShownStep> Steps { get; private set; } = [];
    public List<ShownTerm> Terms { get; private set; } = [];
    public LessonProgress? Progress { get; private set; }
    public List<PlanSummary> Plans { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public string? ErrorItem { get; private set; }
    /// <summary>For an organization's lesson: its name, and whether the reader may change it.</summary>
    public string? OrganizationName { get; private set; }
    public bool MayEdit { get; private set; }

    public IEnumerable<ChecklistItem> Checklist =>
        Lesson.Checklist.Where(c => c.Platforms.Count == 0 || Platform is null || c.Platforms.Contains(Platform));

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    /// <summary>Ticks a checklist item (done, not relevant, to do) with an optional private note.</summary>
    public async Task<IActionResult> OnPostItemAsync(string item, ProgressState state, string? note)
    {
        // Page handlers ignore [Authorize]: the page is public, so each handler that writes asks for the reader.
        if (User.Identity?.IsAuthenticated != true) return Challenge();
        if (!ModelState.IsValid || !Enum.IsDefined(state)) return BadRequest();
        var result = await progress.MarkAsync(User.UserId(), Id, ProgressPart.Checklist, item, state, note, HttpContext.RequestAborted);
        if (result.Status == ProgressWriteStatus.NotFound) return NotFound();
        if (result.Status == ProgressWriteStatus.Done) return Redirect($"{LearningPages.Lesson(Id)}?saved={item}{PlatformQuery}#item-{item}");
        return await Again(item, result.Errors!);
    }

    /// <summary>Turns a checklist item into an action of one of the reader's plans.</summary>
    public async Task<IActionResult> OnPostPlanAsync(string item, Guid plan)
    {
        if (User.Identity?.IsAuthenticated != true) return Challenge();
        var result = await progress.AddToPlanAsync(User.UserId(), Id, item, plan, LearningPages.PageLanguage, plans, HttpContext.RequestAborted);
        if (result is null) return NotFound();
        if (result.Status == PlanWriteStatus.Done) return Redirect($"{LearningPages.Lesson(Id)}?added={plan}{PlatformQuery}#item-{item}");
        return await Again(item, new() { ["Plan"] = result.Status == PlanWriteStatus.NotFound ? "Learning.Error.Plan" : result.Errors?.Values.FirstOrDefault() ?? "Learning.Error.Plan" });
    }

    private string PlatformQuery => LessonTags.Platforms.Contains(Platform) ? "&platform=" + Platform : "";

    private async Task<IActionResult> Again(string item, Dictionary<string, string> errors)
    {
        if (!await LoadAsync()) return NotFound();
        ErrorItem = item;
        foreach (var (k, v) in errors) Errors[k] = v;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (await progress.FindAsync(User.Identity?.IsAuthenticated == true ? User.UserId() : null, Id, ct) is not { } lesson) return false;
        Lesson = lesson;
        if (!LessonTags.Platforms.Contains(Platform)) Platform = null;
        Chain = LessonReading.Chain(LearningPages.PageLanguage, await LearningPages.SecondLanguageAsync(User, db, ct), lesson.Source);
        Head = LessonReading.Head(lesson, Chain);
        Steps = lesson.Steps.Select(s => LessonReading.Step(lesson, s, Chain)).OfType<ShownStep>().ToList();
        Terms = LessonReading.Terms(Catalog, Steps, Chain);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (lesson.OrganizationId is { } org)
        {
            OrganizationName = await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleAsync(ct);
            MayEdit = await organizationLessons.MayWriteAsync(User.UserId(), org, ct);
        }
        if (User.Identity?.IsAuthenticated == true)
        {
            Progress = (await progress.ReadAsync(User.UserId(), ct)).For(Id);
            Plans = (await plans.ListAsync(User.UserId(), ct)).Where(p => p.Role is PlanRole.Owner or PlanRole.Editor).ToList();
        }
        return true;
    }
}
