using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The team side of well-being under /api/v1/wellbeing/team: a member's contribution choice, the team view, the
/// exhaustion months and the organizational assessment — the same rules as the pages, through <see cref="TeamService"/>
/// and <see cref="AssessmentService"/>. An organization the caller may not see is 404, as one that does not exist.
/// </summary>
public static class WellbeingTeamApi
{
    public sealed record MembershipDto(Guid OrganizationId, string Name, bool Contributing, bool MaySeeTeamView);
    public sealed record ContributingRequest(bool? Contributing);
    public sealed record BandGroupDto(string From, string To, int Count);
    public sealed record ScaleDto(string Scale, IReadOnlyList<BandGroupDto>? Groups);
    /// <summary>A closed month: <c>enough</c> false means "not enough responses to protect anonymity" and no scales.</summary>
    public sealed record MonthDto(string Month, int Responses, bool Enough, IReadOnlyList<ScaleDto> Scales);
    public sealed record TeamViewDto(Guid OrganizationId, string Name, int Threshold, IReadOnlyList<MonthDto> Months);
    public sealed record ExhaustionMonthDto(string Month, bool Open, MonthDto? Team, int OverdueActions, int Alerts);
    public sealed record ExhaustionDto(Guid OrganizationId, string Name, IReadOnlyList<ExhaustionMonthDto> Months);
    public sealed record AreaDto(string Area, int Score, string Standing, int? ChangeSincePrevious);
    public sealed record AssessmentDto(Guid Id, DateTime TakenAt, IReadOnlyList<string> Answers, IReadOnlyList<AreaDto> Profile);
    /// <summary>One answer per question, in the order of <c>questions</c>: no, partly, mostly, yes.</summary>
    public sealed record AssessmentRequest(IReadOnlyList<string>? Answers);
    public sealed record AssessmentsDto(Guid OrganizationId, bool MayAnswer, IReadOnlyList<string> Questions, IReadOnlyList<AssessmentDto> Assessments);
    public sealed record IdResponse(Guid Id);

    public static RouteGroupBuilder MapWellbeingTeamApi(this RouteGroupBuilder api)
    {
        var team = api.MapGroup("/wellbeing/team").WithTags("Well-being: team").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync).ProducesProblem(StatusCodes.Status403Forbidden);
        team.MapGet("/organizations", MembershipsAsync).WithName("ListWellbeingTeamMemberships").WithSummary("My organizations and whether I contribute to their team views");
        team.MapPut("/organizations/{orgId:guid}/contributing", ContributingAsync).WithName("SetWellbeingTeamContributing")
            .WithSummary("Contribute to the organization's team view, or stop")
            .WithDescription("Off by default. A closed month cannot be traced back or withdrawn; stopping applies to the months still open and those after.");
        team.MapGet("/organizations/{orgId:guid}/months", ViewAsync).WithName("GetWellbeingTeamView").WithSummary("The team view: closed months only")
            .WithDescription("Per closed month the response count, and the bands per scale only when at least 5 contributed; bands are merged so that none shown holds fewer than 2 people or everyone (groups null: count only). Admins and focal points.");
        team.MapGet("/organizations/{orgId:guid}/exhaustion", ExhaustionAsync).WithName("GetWellbeingTeamExhaustion")
            .WithSummary("Per month: the team's bands (when shown), overdue plan actions and alerts (counts)");
        team.MapGet("/organizations/{orgId:guid}/assessments", AssessmentsAsync).WithName("ListWellbeingAssessments").WithSummary("The organization's well-being assessments, newest first");
        team.MapPost("/organizations/{orgId:guid}/assessments", SaveAssessmentAsync).WithName("SaveWellbeingAssessment")
            .WithSummary("Save a new assessment (admins and focal points)");
        return api;
    }

    public static string BandWord(WellbeingBand band) => band switch
    {
        WellbeingBand.Low => "low",
        WellbeingBand.Moderate => "moderate",
        WellbeingBand.High => "high",
    };

    public static string ScaleWord(WellbeingScale scale) => scale switch
    {
        WellbeingScale.Satisfaction => "satisfaction",
        WellbeingScale.Burnout => "burnout",
        WellbeingScale.SecondaryStress => "secondaryStress",
    };

    public static string AnswerWord(PracticeAnswer answer) => answer switch
    {
        PracticeAnswer.No => "no",
        PracticeAnswer.Partly => "partly",
        PracticeAnswer.Mostly => "mostly",
        PracticeAnswer.Yes => "yes",
    };

    public static string StandingWord(AreaStanding standing) => standing switch
    {
        AreaStanding.Gap => "gap",
        AreaStanding.Growing => "growing",
        AreaStanding.Strength => "strength",
    };

    private static string MonthWord(DateOnly month) => month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static MonthDto Month(TeamMonthView m) => new(MonthWord(m.Month), m.Responses, m.Enough,
        [.. m.Scales.Select(s => new ScaleDto(ScaleWord(s.Scale), s.Groups?.Select(g => new BandGroupDto(BandWord(g.From), BandWord(g.To), g.Count)).ToList()))]);

    private static async Task<Ok<List<MembershipDto>>> MembershipsAsync(HttpContext http, TeamService service) =>
        TypedResults.Ok((await service.MembershipsAsync(http.User.UserId(), http.RequestAborted))
            .Select(m => new MembershipDto(m.OrganizationId, m.Name, m.Contributing, m.MaySeeView)).ToList());

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ContributingAsync(Guid orgId, ContributingRequest? request, HttpContext http, TeamService service)
    {
        if (request?.Contributing is not { } on)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contributing"] = ["true or false"] });
        return await service.SetContributingAsync(http.User.UserId(), orgId, on, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<TeamViewDto>, NotFound>> ViewAsync(Guid orgId, HttpContext http, TeamService service) =>
        await service.ViewAsync(http.User.UserId(), orgId, http.RequestAborted) is { } view
            ? TypedResults.Ok(new TeamViewDto(view.OrganizationId, view.Name, TeamAnonymity.Threshold, [.. view.Months.Select(Month)]))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ExhaustionDto>, NotFound>> ExhaustionAsync(Guid orgId, HttpContext http, TeamService service) =>
        await service.ExhaustionAsync(http.User.UserId(), orgId, http.RequestAborted) is { } view
            ? TypedResults.Ok(new ExhaustionDto(view.OrganizationId, view.Name,
                [.. view.Months.Select(m => new ExhaustionMonthDto(MonthWord(m.Month), m.Open, m.Team is { } t ? Month(t) : null, m.OverdueActions, m.Alerts))]))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<AssessmentsDto>, NotFound>> AssessmentsAsync(Guid orgId, HttpContext http, AssessmentService service) =>
        await service.HistoryAsync(http.User.UserId(), orgId, http.RequestAborted) is { } history
            ? TypedResults.Ok(new AssessmentsDto(history.OrganizationId, history.MayAnswer, [.. AssessmentQuestions.All.Select(q => AssessmentQuestions.Field(q.Area, q.Number))],
                [.. history.Assessments.Select(a => new AssessmentDto(a.Id, a.TakenAt, [.. a.Answers.Select(AnswerWord)],
                    [.. a.Profile.Select((r, i) => new AreaDto(r.Area.ToString(), r.Score, StandingWord(r.Standing), a.ChangeSincePrevious?[i]))]))]))
            : TypedResults.NotFound();

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem>> SaveAssessmentAsync(
        Guid orgId, AssessmentRequest? request, HttpContext http, AssessmentService service, TimeProvider clock)
    {
        var words = Enum.GetValues<PracticeAnswer>().ToDictionary(AnswerWord);
        var answers = request?.Answers?.Select(a => a is not null && words.TryGetValue(a, out var v) ? (PracticeAnswer?)v : null).ToList();
        if (answers is null || answers.Count != AssessmentQuestions.All.Count || answers.Any(a => a is null))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["answers"] = [$"{AssessmentQuestions.All.Count} answers, each no, partly, mostly or yes"] });
        var id = await service.SaveAsync(http.User.UserId(), orgId, [.. answers.Select(a => a!.Value)], clock.GetUtcNow().UtcDateTime, http.RequestAborted);
        return id is { } saved ? TypedResults.Created($"/api/v1/wellbeing/team/organizations/{orgId}/assessments", new IdResponse(saved)) : TypedResults.NotFound();
    }
}
