using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// "How we protect your data": what a grantmaker published from its self-assessment, for its grantees and anyone
/// considering a request — only the practices it has in place, in plain words. Nothing published: 404.
/// </summary>
[AllowAnonymous]
public sealed class PracticesModel(SecurityAssessments assessments) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public string Organization { get; private set; } = "";
    public PublishedPractices Published { get; private set; } = null!;
    public IReadOnlyList<PracticeQuestion> Practices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await assessments.PublishedAsync(Id, HttpContext.RequestAborted) is not { } found) return NotFound();
        (Organization, Published, Practices) = found;
        return Page();
    }
}
