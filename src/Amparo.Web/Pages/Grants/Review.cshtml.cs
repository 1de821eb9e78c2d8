using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// A request's reviews, for the program's staff who declared no conflict of interest (issue 14): the content review
/// (the rubric's scores, a verdict, a note) and the budget review, each written by those whose role allows it while the
/// request is in review, and every review so far. The applicant and anyone else: 404; staff who have not declared yet
/// are sent to the request, where the declaration is.
/// </summary>
public sealed class ReviewModel(GrantRequests requests, GrantReviews reviews) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public RequestView View { get; private set; } = null!;
    public StaffView Staff => View.Staff!;
    public List<string> Criteria { get; private set; } = [];
    public Dictionary<string, string> Errors { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The review form that was refused, with what was typed in it: shown again in that form.</summary>
    public ReviewAspect? Aspect { get; private set; }
    public ReviewVerdict? Verdict { get; private set; }
    public List<int?> Scores { get; private set; } = [];
    public string? Note { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFound();
        return Staff.Declared ? Page() : Redirect(GrantRoutes.Request(Id));
    }

    /// <param name="scores">
    /// By criterion number ("scores[2]"): a criterion left unscored is a gap, not the end of the list. Named, so that a
    /// form without scores (the budget's) is not read as a dictionary of all its other fields.
    /// </param>
    public async Task<IActionResult> OnPostAsync(ReviewAspect? aspect, ReviewVerdict? verdict, [FromForm(Name = "scores")] Dictionary<int, int?>? scores, string? note, int? version)
    {
        scores ??= []; // none posted, or the binder gave up on them (a key that is not a number)
        var list = Enumerable.Range(0, GrantRules.RubricMax).Select(i => scores.GetValueOrDefault(i)).ToList();
        // A score for a criterion no rubric can have: the service refuses it ("these scores do not match the rubric").
        if (scores.Keys.Any(k => k is < 0 or >= GrantRules.RubricMax)) list.Add(GrantRules.ScoreMin);
        (Aspect, Verdict, Scores, Note) = (aspect, verdict, list, note);
        // Not what the form sends (a score that is not a number, an unknown part or verdict): nothing is written.
        if (aspect is null || FormErrors.Unreadable(ModelState).Any())
            return await RefusedAsync(new Dictionary<string, string> { ["Review"] = "Grants.Review.Error.Form" });
        if (verdict is null) return await RefusedAsync(new Dictionary<string, string> { ["Verdict"] = "Grants.Review.Error.Verdict" });
        var result = await reviews.ReviewAsync(User.UserId(), Id, new ReviewInput(aspect.Value, verdict.Value, list, note), version, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case RequestWriteStatus.Done:
                return Redirect(GrantRoutes.Request(Id) + "?done=" + (verdict == ReviewVerdict.NeedsRework ? nameof(RequestState.Rework) : "reviewed"));
            case RequestWriteStatus.Invalid:
                return await RefusedAsync(result.Errors!);
            case RequestWriteStatus.Conflict:
                (Aspect, Verdict, Scores, Note) = (null, null, [], null);
                return await RefusedAsync(new Dictionary<string, string> { ["Review"] = "Grants.Request.Error.Conflict" }, StatusCodes.Status409Conflict);
            case RequestWriteStatus.Refused:
                return await RefusedAsync(new Dictionary<string, string> { ["Review"] = "Grants.Review.Error.NotNow" }, StatusCodes.Status409Conflict);
            case RequestWriteStatus.NotFound:
                return NotFound();
        }
        return NotFound();
    }

    /// <summary>The element id of a field of the refused form ("Scores[2]" → "score-2", "Note" → "review-note").</summary>
    public string FieldId(string field) => field switch
    {
        "Note" => NoteId(Aspect ?? ReviewAspect.Content),
        "Verdict" => VerdictId(Aspect ?? ReviewAspect.Content),
        _ when field.StartsWith("Scores[", StringComparison.Ordinal) => "score-" + field[7..^1],
        _ => "",
    };

    public static string NoteId(ReviewAspect aspect) => "note-" + aspect;
    public static string VerdictId(ReviewAspect aspect) => "verdict-" + aspect;

    public List<FormError> Summary(Func<string, string> text) =>
        [.. Errors.Select(e => new FormError(text(e.Value), FieldId(e.Key) is { Length: > 0 } id ? id : null))];

    private async Task<IActionResult> RefusedAsync(IReadOnlyDictionary<string, string> errors, int status = StatusCodes.Status400BadRequest)
    {
        if (!await LoadAsync()) return NotFound();
        if (!Staff.Declared) return Redirect(GrantRoutes.Request(Id));
        Errors = new(errors, StringComparer.Ordinal);
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (await requests.GetAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { Staff: not null } view) return false;
        View = view;
        Criteria = GrantRules.Criteria(view.Program.Rubric);
        return true;
    }
}
