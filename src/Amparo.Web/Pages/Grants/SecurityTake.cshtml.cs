using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// Taking the self-assessment: every question on one page, answered yes / partly / no / not sure, the last answers
/// offered again. A question left unanswered is named and nothing is saved. Its grantmaker's admins only: 404.
/// </summary>
public sealed class SecurityTakeModel(SecurityAssessments assessments) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public AssessmentsView View { get; private set; } = null!;
    /// <summary>The answers by question key, as posted or as last taken.</summary>
    [BindProperty] public Dictionary<string, PracticeAnswer?> Answers { get; set; } = [];
    public Dictionary<string, string> Errors { get; private set; } = [];

    /// <summary>A question's element id ("Assess.Devices.DiskEncryption" → "q-Devices-DiskEncryption").</summary>
    public static string FieldId(PracticeQuestion q) => $"q-{q.Area}-{q.Id}";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await assessments.GetAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        if (view.Taken.Count > 0) Answers = view.Taken[0].Answers.ToDictionary(a => a.Key, a => (PracticeAnswer?)a.Value, StringComparer.Ordinal);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (found, errors) = await assessments.TakeAsync(User.UserId(), Id, Answers, HttpContext.RequestAborted);
        if (!found) return NotFound();
        if (errors.Count == 0) return Redirect(GrantRoutes.Security(Id) + "?done=taken");
        View = (await assessments.GetAsync(User.UserId(), Id, HttpContext.RequestAborted))!;
        Errors = errors;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public List<FormError> Summary(Func<string, string> text) =>
        [.. SecurityAssessments.Questions.Where(q => Errors.ContainsKey(q.Key)).Select(q => new FormError(text(q.Key) + " — " + text(Errors[q.Key]), FieldId(q)))];
}
