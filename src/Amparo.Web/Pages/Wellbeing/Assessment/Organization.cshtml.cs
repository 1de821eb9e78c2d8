using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Wellbeing.Assessment;

/// <summary>
/// One organization's well-being assessment: the latest profile (strengths, gaps, next steps, change since the one
/// before), the earlier ones, and for admins and focal points the questions to answer again. Anyone else: 404.
/// </summary>
public sealed class OrganizationModel(AssessmentService assessments, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public AssessmentHistory History { get; private set; } = null!;
    public List<FormError> Problems { get; } = [];
    public Dictionary<string, PracticeAnswer> Given { get; } = new(StringComparer.Ordinal);
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid orgId, string? done)
    {
        Saved = done == "saved";
        return await LoadAsync(orgId) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid orgId)
    {
        var answers = new List<PracticeAnswer>();
        foreach (var (area, number, _) in AssessmentQuestions.All)
        {
            var field = AssessmentQuestions.Field(area, number);
            var raw = Request.Form[field].ToString();
            if (int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && Enum.IsDefined((PracticeAnswer)n))
            {
                answers.Add((PracticeAnswer)n);
                Given[field] = (PracticeAnswer)n;
            }
            else Problems.Add(new FormError(t["WbTeam.Error.Answer"].Value, field + "-" + (int)PracticeAnswer.No));
        }
        if (Problems.Count == 0)
        {
            var id = await assessments.SaveAsync(User.UserId(), orgId, answers, clock.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
            return id is null ? NotFound() : Redirect($"/wellbeing/assessment/{orgId}?done=saved");
        }
        return await LoadAsync(orgId) && History.MayAnswer ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid orgId)
    {
        if (await assessments.HistoryAsync(User.UserId(), orgId, HttpContext.RequestAborted) is not { } history) return false;
        History = history;
        Response.Headers.CacheControl = "no-store";
        return true;
    }

    public static string StandingKey(AreaStanding standing) => standing switch
    {
        AreaStanding.Gap => "WbTeam.Assessment.Gap",
        AreaStanding.Growing => "WbTeam.Assessment.Growing",
        AreaStanding.Strength => "WbTeam.Assessment.Strength",
    };

    public static string AnswerKey(PracticeAnswer answer) => answer switch
    {
        PracticeAnswer.No => "WbTeam.Answer.No",
        PracticeAnswer.Partly => "WbTeam.Answer.Partly",
        PracticeAnswer.Mostly => "WbTeam.Answer.Mostly",
        PracticeAnswer.Yes => "WbTeam.Answer.Yes",
    };

    public static string AreaKey(AssessmentArea area) => area switch
    {
        AssessmentArea.Workload => "WbTeam.Area.Workload",
        AssessmentArea.Rest => "WbTeam.Area.Rest",
        AssessmentArea.Support => "WbTeam.Area.Support",
        AssessmentArea.PsychosocialBudget => "WbTeam.Area.PsychosocialBudget",
        AssessmentArea.Debriefs => "WbTeam.Area.Debriefs",
        AssessmentArea.SecurityTogether => "WbTeam.Area.SecurityTogether",
        AssessmentArea.RoomForFear => "WbTeam.Area.RoomForFear",
    };

    public static string StepKey(AssessmentArea area) => area switch
    {
        AssessmentArea.Workload => "WbTeam.Step.Workload",
        AssessmentArea.Rest => "WbTeam.Step.Rest",
        AssessmentArea.Support => "WbTeam.Step.Support",
        AssessmentArea.PsychosocialBudget => "WbTeam.Step.PsychosocialBudget",
        AssessmentArea.Debriefs => "WbTeam.Step.Debriefs",
        AssessmentArea.SecurityTogether => "WbTeam.Step.SecurityTogether",
        AssessmentArea.RoomForFear => "WbTeam.Step.RoomForFear",
    };
}
