using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// A grantmaker's own security self-assessment (<see cref="SecurityAssessments"/>): the latest profile — strengths,
/// gaps, next steps — the trend over the last ones, and the page it may publish for its grantees. Its admins only: 404.
/// </summary>
public sealed class SecurityModel(SecurityAssessments assessments) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    public AssessmentsView View { get; private set; } = null!;
    /// <summary>Set when publishing was asked with no practice ticked.</summary>
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await assessments.GetAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(bool publish, List<string> practices)
    {
        switch (await assessments.PublishAsync(User.UserId(), Id, publish, practices, HttpContext.RequestAborted))
        {
            case PublishResult.Done:
                return Redirect(GrantRoutes.Security(Id) + (publish ? "?done=published" : "?done=withdrawn"));
            case PublishResult.NothingChosen:
                View = (await assessments.GetAsync(User.UserId(), Id, HttpContext.RequestAborted))!;
                Error = "Assess.Error.Choose";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case PublishResult.NotFound:
                return NotFound();
        }
        return NotFound();
    }

    /// <summary>The practices published now (ticked again when the admin publishes anew).</summary>
    public IReadOnlySet<string> PublishedKeys => (View.Published?.Practices ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
