using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Learn;

/// <summary>
/// An organization's admin or focal point writes (or changes, or deletes) one of its own lessons, without JavaScript:
/// plain fields, and the steps and checklist in two text areas checked by the library's rules. Anyone else: not found.
/// </summary>
public sealed class WriteModel(OrganizationLessons lessons, AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid Org { get; set; }
    [FromRoute(Name = "id")] public Guid? LessonRow { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Need { get; set; }
    [BindProperty] public string? Summary { get; set; }
    [BindProperty] public string? Steps { get; set; }
    [BindProperty] public string? Checklist { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public LessonLevel Level { get; set; }
    [BindProperty] public string? Topic { get; set; } = "planning";
    [BindProperty] public int Minutes { get; set; } = 10;
    [BindProperty] public bool SharedWithNetworks { get; set; }
    [BindProperty] public int? Version { get; set; }

    public string OrganizationName { get; private set; } = "";
    public Dictionary<string, string> Errors { get; private set; } = [];
    public string? Detail { get; private set; }
    public List<FormError> ErrorList(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (!await LoadAsync(ct)) return NotFound();
        if (LessonRow is { } id)
        {
            if (await lessons.SourceAsync(User.UserId(), Org, id, ct) is not var (row, text)) return NotFound();
            (Title, Need, Summary, Steps, Checklist) = (text.Title, text.Need, text.Summary, text.Steps, text.Checklist);
            (Language, Level, Topic, Minutes, SharedWithNetworks, Version) = (row.Language, row.Level, row.Topic, row.Minutes, row.SharedWithNetworks, row.Version);
        }
        else
        {
            Language = LearningPages.PageLanguage;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (!await LoadAsync(ct)) return NotFound();
        var result = await lessons.SaveAsync(User.UserId(), Org, LessonRow,
            new OrganizationLessonInput(Title, Need, Summary, Steps, Checklist, Language, Level, Topic, Minutes, SharedWithNetworks), Version, ct);
        switch (result.Status)
        {
            case OrganizationLessonStatus.Done:
                return Redirect(LearningPages.Lesson(result.Id!));
            case OrganizationLessonStatus.NotFound:
                return NotFound();
            case OrganizationLessonStatus.Conflict:
                // The author's words stay in the form; saving again (now against the current version) replaces the other change.
                Errors["Title"] = "Learning.Write.Error.Conflict";
                if (LessonRow is { } row && await lessons.SourceAsync(User.UserId(), Org, row, ct) is var (current, _)) Version = current.Version;
                ModelState.Remove(nameof(Version));
                return Page();
            case OrganizationLessonStatus.Invalid:
                Errors = result.Errors!;
                Detail = result.Detail;
                return Page();
        }
        return NotFound();
    }

    public async Task<IActionResult> OnPostDeleteAsync(bool confirm)
    {
        var ct = HttpContext.RequestAborted;
        if (!confirm) return Redirect(Request.Path);
        if (LessonRow is not { } id || !await lessons.DeleteAsync(User.UserId(), Org, id, ct)) return NotFound();
        return Redirect("/learn?deleted=1#organization-lessons");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (!await lessons.MayWriteAsync(User.UserId(), Org, ct)) return false;
        OrganizationName = await db.Organizations.Where(o => o.Id == Org).Select(o => o.Name).SingleAsync(ct);
        return true;
    }
}
