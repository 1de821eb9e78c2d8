using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Learn;

/// <summary>Every glossary word in the reader's language, in alphabetical order; a word not yet translated is shown in
/// the next language of the reader's chain, marked.</summary>
[AllowAnonymous]
public sealed class GlossaryModel(LessonLibrary library, AmparoDbContext db) : PageModel
{
    public List<ShownTerm> Terms { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var chain = LessonReading.Chain(LearningPages.PageLanguage, await LearningPages.SecondLanguageAsync(User, db, HttpContext.RequestAborted), "en");
        var ids = library.Catalog.Glossary.GetValueOrDefault("en")?.Keys ?? [];
        Terms = ids.Select(id => LessonReading.Term(library.Catalog, id, chain)).OfType<ShownTerm>()
            .OrderBy(t => t.Term.Term, StringComparer.Create(System.Globalization.CultureInfo.CurrentCulture, ignoreCase: true)).ToList();
        return Page();
    }
}
