using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Learn;

/// <summary>A buddy reads someone's progress (states only, never notes) while that person shows it to them; otherwise not found.</summary>
public sealed class SharedModel(LearningSharing sharing, LearningProgressService progress, AmparoDbContext db) : PageModel
{
    [FromRoute] public Guid Owner { get; set; }
    public LearningPerson Person { get; private set; } = null!;
    public List<(string Id, Lesson? Lesson, LessonProgress Progress)> Lessons { get; private set; } = [];
    public IReadOnlyList<string> Chain { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        if (await sharing.ReadAsync(me, Owner, ct) is not var (person, book)) return NotFound();
        Person = person;
        Chain = LessonReading.Chain(LearningPages.PageLanguage, await LearningPages.SecondLanguageAsync(User, db, ct), "en");
        foreach (var (id, lesson) in book.Lessons.OrderBy(l => l.Key, StringComparer.Ordinal))
            Lessons.Add((id, await progress.FindAsync(me, id, ct), lesson));
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
