using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// Grantmakers' programs under /api/v1/grants, with the rules of <see cref="GrantPrograms"/>: what the caller may not see
/// or change is 404, bad input 400 with the fields named. Enum values are camelCase words ("protectionAndCapacity").
/// </summary>
public static class GrantsApi
{
    public sealed record ProgramBody(
        Guid? OrganizationId, string? Name, string? Kind, string? Description, string? Eligibility, string? Currency, decimal? Ceiling,
        string[]? Categories, string[]? Languages, string[]? Regions, string? Status, int? ResponseHours, string[]? Rubric = null,
        QuestionDto[]? Questions = null, string? SmsWord = null, int? PurgeAfterMonths = null, string[]? Kept = null, int? RestrictedYears = null);
    /// <summary>A program's own question: <c>kind</c> text, choice, amount, date or file; <c>choices</c> for a choice; <c>id</c> kept when given back.</summary>
    public sealed record QuestionDto(string? Id, string? Kind, string? Label, bool? Required, string[]? Choices);
    public sealed record AssignmentBody(Guid? UserId, string? Role, bool? On);
    public sealed record SummaryDto(Guid Id, string Name, string Kind, string Status, Guid OrganizationId, string Organization, bool CanEdit, string[] MyRoles);
    public sealed record AssignmentDto(Guid UserId, string Name, string Role, DateTime AssignedAt);
    public sealed record ProgramDto(Guid Id, Guid OrganizationId, string Organization, string Name, string Kind, string Description, string Eligibility,
        string Currency, decimal? Ceiling, string[] Categories, string[] Languages, string[] Regions, string Status, int? ResponseHours,
        bool CanEdit, AssignmentDto[] Assignments, string[] Rubric, QuestionDto[] Questions, string? SmsWord, int PurgeAfterMonths, string[] Kept, int RestrictedYears);
    public sealed record ListDto(SummaryDto[] Mine, SummaryDto[] Open);
    /// <summary><c>answers</c>: question id → yes, partly, no or notSure.</summary>
    public sealed record AssessmentBody(Dictionary<string, string>? Answers);
    /// <summary><c>practices</c>: the question ids to publish (only those the latest assessment answered yes count).</summary>
    public sealed record PublishBody(bool? Publish, string[]? Practices = null);
    public sealed record PracticeQuestionDto(string Id, string Area, bool Essential);
    public sealed record AreaDto(string Area, int Percent, bool Strength, bool Gap);
    public sealed record AssessmentDto(Guid Id, DateTime At, Dictionary<string, string> Answers, AreaDto[] Areas, string[] NextSteps);
    public sealed record PublishedDto(DateTime PublishedAt, DateTime AssessedAt, string[] Practices);
    public sealed record SecurityDto(Guid OrganizationId, string Organization, PracticeQuestionDto[] Questions, AssessmentDto[] Assessments, PublishedDto? Published);
    public sealed record IdResponse(Guid Id);
    /// <summary>A count table: <c>counts[row][column]</c> with the totals as the last row and column; null where a count is hidden.</summary>
    public sealed record TableDto(string[] Rows, string[] Columns, int?[][] Counts);
    public sealed record CategoryCountDto(string Category, int? Count);
    public sealed record DecisionTimesDto(Guid ProgramId, string Program, int ResponseHours, int? Decided, double? MedianHours, double? P90Hours, int? WithinClock);
    public sealed record PortfolioDto(Guid OrganizationId, string Grantmaker, DateOnly From, DateOnly To, int MinCount, TableDto Requests, TableDto Grants,
        TableDto ByKind, CategoryCountDto[] ByCategory, DecisionTimesDto[] Emergency, TableDto ByRegion);

    public static RouteGroupBuilder MapGrantsApi(this RouteGroupBuilder api)
    {
        // Every grants group: a token, the rate limit, two-step sign-in first.
        RouteGroupBuilder Group(string path) => api.MapGroup(path).WithTags("Grants").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync);
        var programs = Group("/grants/programs");
        programs.MapGet("/", ListAsync).WithName("ListGrantPrograms").WithSummary("Programs I run, and every program that takes requests")
            .WithDescription("mine: programs of grantmaker organizations I administer and programs I am assigned to; open: programs that are open or rolling, for anyone signed in.");
        programs.MapGet("/{id:guid}", GetAsync).WithName("GetGrantProgram").WithSummary("One program")
            .WithDescription("Its staff are listed for the grantmaker's admins and the program's staff only; a closed program is 404 for anyone else.");
        programs.MapPost("/", CreateAsync).WithName("CreateGrantProgram").WithSummary("Create a program (an admin of a grantmaker organization)")
            .WithDescription("kind: emergency, protectionAndCapacity, longTermSecurity, psychosocialAndWellbeing, digitalSecurity, temporaryRelocation or other; categories: physicalSecurity, digitalSecurity, communications, securityTraining, secureTransport, legal, medicalAndPsychosocial, familyAndHumanitarian, relocation, monitoringAndAdvocacy, other; languages: en, es, fr, ar, ru; regions: ISO 3166 alpha-2 codes (none: anywhere); status: open, rolling or closed; responseHours: 1–720 for an emergency program, left out otherwise; currency: ISO 4217.")
            .ProducesValidationProblem();
        programs.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateGrantProgram").WithSummary("Change a program (its grantmaker's admins)").ProducesValidationProblem();
        programs.MapPut("/{id:guid}/assignments", AssignAsync).WithName("AssignGrantProgramStaff").WithSummary("Give or take back a member's role on a program")
            .WithDescription("role: programOfficer, reviewer, finance or dutyOfficer; on: true to give, false to take back. The person must be a member of the grantmaker organization.")
            .ProducesValidationProblem();
        Group("/grants/portfolio").MapGet("/{organizationId:guid}", PortfolioAsync).WithName("GetGrantPortfolio")
            .WithSummary("A grantmaker's portfolio over the last twelve months (its admins; its program officers for their programs)")
            .WithDescription("Counts only: requests received by month (rows, yyyy-MM) and program, grants made by month of decision and program, requests by kind of program and by kind of cost, "
                + "emergency programs' decision times, and requests by coarse region (byRegion: UN M49 sub-region codes, \"none\" where the applicant did not say). A count of 1–4 is null, and so is another in its row or column (complementary suppression); a median or percentile over fewer than 5 is null. 404 for anyone else.");
        var security = Group("/grants/security");
        security.MapGet("/{organizationId:guid}", SecurityAsync).WithName("GetGrantmakerSecurity")
            .WithSummary("A grantmaker's own security self-assessments, newest first (its admins only)")
            .WithDescription("Each with its answers by question, each area's percent (yes 2, partly 1, out of 2 per question), strength (all yes) and gap (an essential question not yes, "
                + "or under 50%), and the next steps (question ids, essential first). published: what its page for grantees shows. 404 for anyone else.");
        security.MapPost("/{organizationId:guid}", AssessAsync).WithName("AssessGrantmakerSecurity").WithSummary("Take the self-assessment again (its admins only)")
            .WithDescription("answers: every question id (e.g. Devices.DiskEncryption, as listed by questions) to yes, partly, no or notSure. A question left out is a field error; nothing is saved.")
            .ProducesValidationProblem();
        security.MapPut("/{organizationId:guid}/published", PublishAsync).WithName("PublishGrantmakerSecurity")
            .WithSummary("Publish for grantees the practices chosen among those the latest assessment answered yes to (publish: true), or withdraw the page (false)")
            .WithDescription("practices: question ids; only those answered yes count, and at least one (400 otherwise). Never a gap; the fund chooses what to list, so a practice left out says nothing. 404 when not its admin.")
            .ProducesValidationProblem();
        Group("/grants/export").MapGet("/{organizationId:guid}", ExportAsync).WithName("ExportGrantsPublicly")
            .WithSummary("A year's grants for public reporting, in 360Giving's JSON shape (the grantmaker's admins only)")
            .WithDescription("year: the year of approval (default: this year). Each grant as its program officer chose: by default \"Anonymous recipient\", the location reduced to its region "
                + "and a generalized description; never what the applicant wrote. Ids are keyed hashes. 404 for anyone else.");
        return api;
    }

    private static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> ExportAsync(Guid organizationId, int? year, HttpContext http, GrantExport export,
        TimeProvider clock, IStringLocalizer<SharedResource> t)
    {
        if (year is < GrantExport.FirstYear or > 9998) return ApiErrors.Invalid(new Dictionary<string, string> { ["year"] = "Grants.Export.Error.Year" }, t);
        return await export.ExportAsync(http.User.UserId(), organizationId, year ?? clock.GetUtcNow().Year, http.RequestAborted) is { } found
            ? TypedResults.File(GrantExport.ToJson(found.Grants), "application/json") : TypedResults.NotFound();
    }

    /// <summary>A question's wire id: "Devices.DiskEncryption" (its resource key without "Assess.").</summary>
    private static string WireId(PracticeQuestion q) => $"{q.Area}.{q.Id}";

    private static AssessmentDto Dto(AssessmentResult r) => new(r.Id, r.At,
        SecurityAssessments.Questions.Where(q => r.Answers.ContainsKey(q.Key)).ToDictionary(WireId, q => PlanWire.Word(r.Answers[q.Key]), StringComparer.Ordinal),
        [.. r.Areas.Select(a => new AreaDto(a.Area, a.Percent, a.Strength, a.Gap))], [.. r.NextSteps.Select(WireId)]);

    private static async Task<Results<Ok<SecurityDto>, NotFound>> SecurityAsync(Guid organizationId, HttpContext http, SecurityAssessments assessments)
    {
        if (await assessments.GetAsync(http.User.UserId(), organizationId, http.RequestAborted) is not { } v) return TypedResults.NotFound();
        return TypedResults.Ok(new SecurityDto(v.OrganizationId, v.Organization, [.. SecurityAssessments.Questions.Select(q => new PracticeQuestionDto(WireId(q), q.Area, q.Essential))],
            [.. v.Taken.Select(Dto)], v.Published is { } p ? new PublishedDto(p.PublishedAt, p.AssessedAt,
                [.. SecurityAssessments.Questions.Where(q => p.Practices.Split(' ').Contains(q.Key)).Select(WireId)]) : null));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> AssessAsync(Guid organizationId, AssessmentBody body, HttpContext http, SecurityAssessments assessments,
        IStringLocalizer<SharedResource> t)
    {
        var answers = new Dictionary<string, PracticeAnswer?>(StringComparer.Ordinal);
        foreach (var q in SecurityAssessments.Questions)
            answers[q.Key] = body.Answers?.GetValueOrDefault(WireId(q)) is { } word && PlanWire.TryParse<PracticeAnswer>(word, out var a) ? a : null;
        var (found, errors) = await assessments.TakeAsync(http.User.UserId(), organizationId, answers, http.RequestAborted);
        if (!found) return TypedResults.NotFound();
        if (errors.Count > 0)
            return ApiErrors.Invalid(errors.ToDictionary(e => "answers." + e.Key["Assess.".Length..], e => e.Value, StringComparer.Ordinal), t);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> PublishAsync(Guid organizationId, PublishBody body, HttpContext http, SecurityAssessments assessments,
        IStringLocalizer<SharedResource> t)
    {
        var chosen = SecurityAssessments.Questions.Where(q => body.Practices?.Contains(WireId(q)) ?? false).Select(q => q.Key).ToList();
        return await assessments.PublishAsync(http.User.UserId(), organizationId, body.Publish ?? false, chosen, http.RequestAborted) switch
        {
            PublishResult.Done => TypedResults.NoContent(),
            PublishResult.NothingChosen => ApiErrors.Invalid(new Dictionary<string, string> { ["practices"] = "Assess.Error.Choose" }, t),
            PublishResult.NotFound => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<PortfolioDto>, NotFound>> PortfolioAsync(Guid organizationId, HttpContext http, GrantPortfolio portfolio)
    {
        if (await portfolio.GetAsync(http.User.UserId(), organizationId, m => m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                k => PlanWire.Word(k), http.RequestAborted) is not { } v)
            return TypedResults.NotFound();
        return TypedResults.Ok(new PortfolioDto(v.OrganizationId, v.Grantmaker, v.From, v.To, SmallCells.MinCount, Table(v.Requests), Table(v.Grants), Table(v.ByKind),
            [.. v.ByCategory.Select(c => new CategoryCountDto(PlanWire.Word(c.Category), c.Count))],
            [.. v.Emergency.Select(e => new DecisionTimesDto(e.ProgramId, e.Program, e.ResponseHours, e.Decided, e.MedianHours, e.P90Hours, e.WithinClock))],
            Table(v.ByRegion with { Columns = [.. v.ByRegion.Columns.Select(c => c.Length == 0 ? "none" : c)] })));

        static TableDto Table(PortfolioTable t) => new([.. t.Rows], [.. t.Columns],
            [.. Enumerable.Range(0, t.Counts.GetLength(0)).Select(i => Enumerable.Range(0, t.Counts.GetLength(1)).Select(j => t.Counts[i, j]).ToArray())]);
    }

    private static async Task<Ok<ListDto>> ListAsync(HttpContext http, GrantPrograms programs)
    {
        var mine = await programs.ManagedAsync(http.User.UserId(), http.RequestAborted);
        var open = await programs.OpenAsync(http.RequestAborted);
        return TypedResults.Ok(new ListDto([.. mine.Select(Dto)], [.. open.Select(Dto)]));
    }

    private static async Task<Results<Ok<ProgramDto>, NotFound>> GetAsync(Guid id, HttpContext http, GrantPrograms programs) =>
        await programs.GetAsync(http.User.UserId(), id, http.RequestAborted) is { } view ? TypedResults.Ok(Dto(view)) : TypedResults.NotFound();

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem>> CreateAsync(ProgramBody body, HttpContext http, GrantPrograms programs, IStringLocalizer<SharedResource> t)
    {
        var (input, errors) = Read(body);
        if (body.OrganizationId is not { } organization) return TypedResults.NotFound();
        if (errors.Count > 0)
            return (await programs.GrantmakersAsync(http.User.UserId(), http.RequestAborted)).Any(g => g.Id == organization) ? ApiErrors.Invalid(errors, t) : TypedResults.NotFound();
        var result = await programs.CreateAsync(http.User.UserId(), organization, input, http.RequestAborted);
        return result.Status switch
        {
            ProgramWriteStatus.Done => TypedResults.Created($"/api/v1/grants/programs/{result.Id}", new IdResponse(result.Id!.Value)),
            ProgramWriteStatus.Invalid => ApiErrors.Invalid(result.Errors!, t),
            ProgramWriteStatus.NotFound => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> UpdateAsync(Guid id, ProgramBody body, HttpContext http, GrantPrograms programs, IStringLocalizer<SharedResource> t)
    {
        var (input, errors) = Read(body);
        if (errors.Count > 0)
            return await programs.GetAsync(http.User.UserId(), id, http.RequestAborted) is { CanEdit: true } ? ApiErrors.Invalid(errors, t) : TypedResults.NotFound();
        var result = await programs.UpdateAsync(http.User.UserId(), id, input, http.RequestAborted);
        return result.Status switch
        {
            ProgramWriteStatus.Done => TypedResults.NoContent(),
            ProgramWriteStatus.Invalid => ApiErrors.Invalid(result.Errors!, t),
            ProgramWriteStatus.NotFound => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> AssignAsync(Guid id, AssignmentBody body, HttpContext http, GrantPrograms programs, IStringLocalizer<SharedResource> t)
    {
        if (body.UserId is not { } user || !PlanWire.TryParse<ProgramRole>(body.Role, out var role) || body.On is not { } on)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [t["Grants.Error.Assignment"].Value] });
        return await programs.AssignAsync(http.User.UserId(), id, user, role, on, http.RequestAborted) switch
        {
            AssignmentResult.Done => TypedResults.NoContent(),
            AssignmentResult.NotFound => TypedResults.NotFound(),
            AssignmentResult.NotAMember => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = [t["Grants.Error.NotAMember"].Value] }),
        };
    }

    /// <summary>The body's words read into the service's input; an unknown word is an error on its field.</summary>
    private static (ProgramInput Input, Dictionary<string, string> Errors) Read(ProgramBody body)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        ProgramKind? kind = PlanWire.TryParse<ProgramKind>(body.Kind, out var k) ? k : null;
        ProgramStatus? status = PlanWire.TryParse<ProgramStatus>(body.Status, out var s) ? s : null;
        var categories = new List<CostCategories>();
        foreach (var word in body.Categories ?? [])
            if (PlanWire.TryParse<CostCategories>(word, out var c) && c != CostCategories.None) categories.Add(c);
            else errors["Categories"] = "Grants.Error.Categories";
        KeptFacts? kept = null;
        if (body.Kept is { } words)
        {
            kept = KeptFacts.None;
            foreach (var word in words)
                if (PlanWire.TryParse<KeptFacts>(word, out var f) && f is KeptFacts.Amount or KeptFacts.Region or KeptFacts.Categories) kept |= f;
                else errors["Kept"] = "Grants.Error.Kept";
        }
        var input = new ProgramInput(body.Name, kind, body.Description, body.Eligibility, body.Currency, body.Ceiling, categories,
            body.Languages ?? [], string.Join(' ', body.Regions ?? []), status, body.ResponseHours,
            body.Rubric is null ? null : string.Join('\n', body.Rubric), Questions(body.Questions, errors), body.SmsWord, body.PurgeAfterMonths, kept, body.RestrictedYears);
        return (input, errors);
    }

    private static List<ProgramQuestion>? Questions(QuestionDto[]? questions, Dictionary<string, string> errors)
    {
        if (questions is null) return null;
        var read = new List<ProgramQuestion>();
        for (var i = 0; i < questions.Length; i++)
        {
            var q = questions[i];
            if (!PlanWire.TryParse<QuestionKind>(q.Kind, out var kind)) errors[$"Questions[{i}].Kind"] = "Grants.Error.QuestionKind";
            read.Add(new ProgramQuestion(q.Id ?? "", kind, q.Label ?? "", q.Required ?? false, q.Choices ?? []));
        }
        return read;
    }


    private static SummaryDto Dto(ProgramSummary s) =>
        new(s.Id, s.Name, PlanWire.Word(s.Kind), PlanWire.Word(s.Status), s.OrganizationId, s.Organization, s.CanEdit, [.. s.MyRoles.Select(r => PlanWire.Word(r))]);

    private static ProgramDto Dto(ProgramView v)
    {
        var p = v.Program;
        return new(p.Id, p.OrganizationId, v.Organization, p.Name, PlanWire.Word(p.Kind), p.Description, p.Eligibility, p.Currency, p.Ceiling,
            [.. Flags.Each(p.Categories).Select(c => PlanWire.Word(c))], p.Languages.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            p.Regions.Split(' ', StringSplitOptions.RemoveEmptyEntries), PlanWire.Word(p.Status), p.ResponseHours, v.CanEdit,
            [.. v.Assignments.Select(a => new AssignmentDto(a.UserId, a.Name, PlanWire.Word(a.Role), a.AssignedAt))], [.. GrantRules.Criteria(p.Rubric)],
            [.. ProgramQuestions.Read(p.Questions).Select(q => new QuestionDto(q.Id, PlanWire.Word(q.Kind), q.Label, q.Required, [.. q.Choices]))], p.SmsWord,
            p.PurgeAfterMonths, [.. Flags.Each(p.Kept).Select(f => PlanWire.Word(f))], p.RestrictedYears);
    }
}
