using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// Requests to programs under /api/v1/grants, with the rules of <see cref="GrantRequests"/>: a request the caller may not
/// see is 404; a move the caller's part does not allow, or a change to a request that is no longer editable, 409; a
/// version that is not the current one, 409 too (read it again). States are camelCase words ("inReview").
/// </summary>
public static class GrantRequestsApi
{
    /// <summary>from/fromId/consent: the emergency fast track, pre-filled from one of my alerts ("alert") or incident reports ("incident").</summary>
    /// <summary><c>organizationId</c>: an organization of the caller's asking as itself; <c>behalfOfId</c>: a defender the caller asks for.</summary>
    public sealed record StartBody(Guid? ProgramId, string? From = null, Guid? FromId = null, bool? Consent = null, Guid? OrganizationId = null, Guid? BehalfOfId = null);
    public sealed record NamingBody(bool? Named);
    public sealed record LineBody(string? Category, string? Description, decimal? Amount);
    /// <summary>
    /// <c>amount</c>: the total asked in one figure (the emergency form's); <c>questions</c>: answers to the program's
    /// questions by id (a file question's answer cannot be set here); <c>country</c>: where the work is (ISO 3166
    /// alpha-2, one the program funds in), optional.
    /// </summary>
    public sealed record AnswersBody(string? Title, string? Need, string? Contact, LineBody[]? Lines, int? Version, decimal? Amount = null,
        Dictionary<string, string>? Questions = null, string? Country = null);
    public sealed record AnswerDto(string Id, string Kind, string Label, bool Required, string? Answer);
    /// <summary><c>suggestHelp</c>: with a decline only, a kind of help from the network's directory (e.g. <c>legal</c>) suggested to the person it was for.</summary>
    public sealed record MoveBody(string? To, string? Note, decimal? Amount, int? Version, string? SuggestHelp = null);
    public sealed record CommentBody(string? Text);
    /// <summary>A tranche paid: <c>amount</c> in the program's currency, <c>paidOn</c> the day (yyyy-MM-dd), an optional note.</summary>
    public sealed record TrancheBody(decimal? Amount, DateOnly? PaidOn, string? Note, int? Version);
    /// <summary>The report asked for by <c>dueOn</c> (yyyy-MM-dd); the note says what is missing when asked again.</summary>
    public sealed record ReportCallBody(DateOnly? DueOn, string? Note, int? Version);
    public sealed record ReportBody(string? Text, int? Version);
    public sealed record DeclarationBody(bool? Conflict);
    /// <summary>recipient: anonymous or organization; location: region, country or none; description: for publication (empty: the generalized one).</summary>
    public sealed record PublicationBody(string? Recipient, string? Location, string? Description, bool? Excluded);
    public sealed record RestrictedBody(string? Recipient, string? Purpose, string? Selection);
    public sealed record RestrictedDto(string Recipient, string Purpose, string Selection, DateTime? UpdatedAt, DateOnly? DeleteOn);
    public sealed record ReviewBody(string? Aspect, string? Verdict, int?[]? Scores, string? Note, int? Version);
    public sealed record ScoreDto(string Criterion, int Score);
    public sealed record ReviewDto(Guid Id, DateTime At, string? Reviewer, string Aspect, string Verdict, ScoreDto[] Scores, string? Note, bool ThisRound);
    public sealed record SummaryDto(Guid Id, Guid ProgramId, string Program, string? Reference, string State, DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DueAt,
        DateOnly? ReportDueOn);
    public sealed record LineDto(string Category, string Description, decimal Amount);
    /// <summary><c>day</c>: a tranche's day of payment, or the due day of a report asked for.</summary>
    public sealed record EntryDto(DateTime At, string? Actor, string Kind, string? From, string? To, string? Text, decimal? Amount, DateOnly? Day);
    public sealed record RequestDto(Guid Id, Guid ProgramId, string Program, string Organization, string? Reference, string State, int Version,
        string Side, string Title, string Need, string Contact, LineDto[] Lines, decimal Total, string Currency, string[] Missing,
        string[] Reminder, string[] Moves, DateTime? SubmittedAt, DateTime? DueAt, string? StartedFrom, EntryDto[] History,
        bool? Declared, ReviewDto[] Reviews, string[] MayReview, decimal? Amount, AnswerDto[] Questions,
        string? AskedByOrganization = null, bool OnBehalf = false, string? BehalfName = null,
        decimal? Approved = null, decimal Disbursed = 0, DateOnly? ReportDueOn = null, string? Country = null);

    public static RouteGroupBuilder MapGrantRequestsApi(this RouteGroupBuilder api)
    {
        var grants = api.MapGroup("/grants").WithTags("Grants").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync);
        grants.MapGet("/requests", MineAsync).WithName("ListMyGrantRequests").WithSummary("My requests to grantmakers, newest first");
        grants.MapPost("/requests", StartAsync).WithName("StartGrantRequest").WithSummary("Start a draft request to a program that takes requests")
            .WithDescription("404 for a closed or unknown program; 409 for the program's own staff. With from (alert or incident), fromId and consent: "
                + "the emergency fast track to an emergency program, its title (and a report's account) copied from one of my own alerts or incident reports; 404 for any other.")
            .ProducesValidationProblem();
        grants.MapGet("/requests/{id:guid}", GetAsync).WithName("GetGrantRequest").WithSummary("One request: its answers, checklist, reminder, the moves I may make, and its history")
            .WithDescription("Readable by the applicant and, once submitted, by the program's assigned staff; each opening by the staff is recorded in the history the applicant reads.");
        grants.MapPut("/requests/{id:guid}", SaveAsync).WithName("SaveGrantRequest").WithSummary("Change a draft's (or a reworked request's) answers (the applicant)")
            .WithDescription("lines: up to 8 of { category, description, amount } in the program's currency; category one the program funds.")
            .ProducesValidationProblem();
        grants.MapPost("/requests/{id:guid}/moves", MoveAsync).WithName("MoveGrantRequest").WithSummary("Submit, withdraw, review, send back for rework, approve, decline or close")
            .WithDescription("to: submitted or withdrawn (the applicant); inReview or rework (a reviewer or the program officer); approved, declined or closed (the program officer). rework and declined need a note (the reason); approved needs an amount within the ceiling; closed needs a note unless the report was received. "
                + "disbursed, reportDue and reportReceived are reached through /tranches, /report-call and /report (409 here).")
            .ProducesValidationProblem();
        grants.MapPut("/requests/{id:guid}/publication", PublicationAsync).WithName("SetGrantPublication")
            .WithSummary("Choose what the grantmaker's public reports show of an approved grant (the program officer)")
            .WithDescription("recipient: anonymous (the default) or organization (an organization's request only); location: region (the default), country or none; "
                + "description: up to 500 characters written for publication (empty: the program kind's generalized one); excluded: left out of public reports.").ProducesValidationProblem();
        grants.MapGet("/requests/{id:guid}/restricted-record", RestrictedAsync).WithName("GetGrantRestrictedRecord")
            .WithSummary("A grant's restricted record: what the grantmaker's regulator requires (the program's finance staff only)")
            .WithDescription("Kept under the grantmaker's key, apart from the request: its purge leaves it; it is deleted restrictedYears after the grant ends (deleteOn). 404 for anyone but finance, and before approval.");
        grants.MapPut("/requests/{id:guid}/restricted-record", SaveRestrictedAsync).WithName("SaveGrantRestrictedRecord")
            .WithSummary("Write a grant's restricted record (the program's finance staff only)")
            .WithDescription("recipient (required, up to 200 characters), purpose and selection (up to 1,000 each).").ProducesValidationProblem();
        grants.MapPost("/requests/{id:guid}/tranches", TrancheAsync).WithName("RecordGrantTranche").WithSummary("Record a tranche paid on an approved grant (finance or the program officer)")
            .WithDescription("Recorded, not moved: Amparo handles no money. The first moves the grant from approved to disbursed; together they may not pass the amount approved. paidOn: between the decision and tomorrow.")
            .ProducesValidationProblem();
        grants.MapPost("/requests/{id:guid}/report-call", ReportCallAsync).WithName("AskForGrantReport").WithSummary("Ask for the grant's report by a day (the program officer)")
            .WithDescription("From disbursed, or again from reportReceived with a note saying what is missing. The applicant is told at once, a week before the day and the day after it.")
            .ProducesValidationProblem();
        grants.MapPost("/requests/{id:guid}/report", ReportAsync).WithName("SendGrantReport").WithSummary("Send the report asked for (the applicant)")
            .WithDescription("text: what was done with the grant, up to 4,000 characters. A file can be sent with it from the request's page.")
            .ProducesValidationProblem();
        grants.MapPost("/requests/{id:guid}/comments", CommentAsync).WithName("CommentGrantRequest").WithSummary("A comment between the applicant and the program's staff")
            .ProducesValidationProblem();
        grants.MapPost("/requests/{id:guid}/declaration", DeclareAsync).WithName("DeclareGrantRequestConflict").WithSummary("Declare whether I have a conflict of interest with the applicant (the program's staff)")
            .WithDescription("Needed before any move, review or comment by the grantmaker's side. conflict: true steps aside for good — the request is then 404 for me; false lets me act.");
        grants.MapPost("/requests/{id:guid}/naming", NamingAsync).WithName("NameMeOnGrantRequest")
            .WithSummary("The defender a request was asked for: whether the grantmaker may see their name (named: true or false)");
        grants.MapPost("/requests/{id:guid}/reviews", ReviewAsync).WithName("ReviewGrantRequest").WithSummary("A content or budget review of a request in review")
            .WithDescription("aspect: content (a reviewer or the program officer; scores: one per rubric criterion, 1–5, all of them when the verdict is sound) "
                + "or budget (finance or the program officer; no scores). verdict: sound, or needsRework with a note — the reason the applicant reads; the request then goes back to them.")
            .ProducesValidationProblem();
        grants.MapGet("/programs/{id:guid}/requests", ForProgramAsync).WithName("ListProgramGrantRequests").WithSummary("A program's submitted requests, 50 a page (its assigned staff)")
            .WithDescription("Those waiting for a decision first, oldest first; then the decided and withdrawn ones.");
        return api;
    }

    private static async Task<Ok<SummaryDto[]>> MineAsync(HttpContext http, GrantRequests requests) =>
        TypedResults.Ok((await requests.MineAsync(http.User.UserId(), http.RequestAborted)).Select(Dto).ToArray());

    private static async Task<Results<Ok<SummaryDto[]>, NotFound>> ForProgramAsync(Guid id, int? page, HttpContext http, GrantRequests requests) =>
        await requests.ForProgramAsync(http.User.UserId(), id, page ?? 1, RequestPageSize, http.RequestAborted) is { } rows
            ? TypedResults.Ok(rows.Select(Dto).ToArray()) : TypedResults.NotFound();

    public const int RequestPageSize = 50;

    private static async Task<Results<Created<GrantsApi.IdResponse>, NotFound, Conflict, ValidationProblem>> StartAsync(StartBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t)
    {
        if (body.ProgramId is not { } program) return TypedResults.NotFound();
        RequestWrite result;
        if (body.From is null && body.FromId is null)
            result = await requests.StartAsync(http.User.UserId(), program, new ApplyingAs(body.OrganizationId, body.BehalfOfId), http.RequestAborted);
        else if (PlanWire.TryParse<RequestOrigin>(body.From, out var origin) && body.FromId is { } from)
            result = await requests.StartFromAsync(http.User.UserId(), program, origin, from, body.Consent ?? false, http.RequestAborted);
        else return TypedResults.NotFound();
        return result.Status switch
        {
            RequestWriteStatus.Done => TypedResults.Created($"/api/v1/grants/requests/{result.Id}", new GrantsApi.IdResponse(result.Id!.Value)),
            RequestWriteStatus.Refused or RequestWriteStatus.Conflict => TypedResults.Conflict(),
            RequestWriteStatus.Invalid => ApiErrors.Invalid(result.Errors!, t),
            RequestWriteStatus.NotFound => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<RequestDto>, NotFound>> GetAsync(Guid id, HttpContext http, GrantRequests requests) =>
        await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is { } view ? TypedResults.Ok(Dto(view)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> SaveAsync(Guid id, AnswersBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new List<BudgetLine>();
        var given = body.Lines ?? [];
        for (var i = 0; i < given.Length; i++)
        {
            if (!PlanWire.TryParse<CostCategories>(given[i].Category, out var category) || category == CostCategories.None) errors[$"Lines[{i}].Category"] = "Grants.Request.Error.LineCategory";
            if (given[i].Amount is not { } amount) { errors[$"Lines[{i}].Amount"] = "Grants.Request.Error.LineAmount"; continue; }
            lines.Add(new BudgetLine(category, given[i].Description ?? "", amount));
        }
        // Field errors of an unreadable body are only told to someone who may change the request.
        if (errors.Count > 0)
            return await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is { Side: RequestSide.Applicant } ? ApiErrors.Invalid(errors, t) : TypedResults.NotFound();
        var result = await requests.SaveAsync(http.User.UserId(), id, new RequestAnswers(body.Title ?? "", body.Need ?? "", body.Contact ?? "", lines, body.Amount, body.Questions,
            string.IsNullOrWhiteSpace(body.Country) ? null : body.Country.Trim()), body.Version, ct: http.RequestAborted);
        return Answer(result, t);
    }

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> MoveAsync(Guid id, MoveBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<RequestState>(body.To, out var to))
            return await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is null ? TypedResults.NotFound()
                : ApiErrors.Invalid(new Dictionary<string, string> { ["To"] = "Grants.Request.Error.Move" }, t);
        ServiceKind? help = null;
        if (body.SuggestHelp is not null)
        {
            if (!PlanWire.TryParse<ServiceKind>(body.SuggestHelp, out var kind))
                return await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is null ? TypedResults.NotFound()
                    : ApiErrors.Invalid(new Dictionary<string, string> { ["SuggestHelp"] = "Grants.Request.Error.SuggestHelp" }, t);
            help = kind;
        }
        return Answer(await requests.MoveAsync(http.User.UserId(), id, to, body.Note, body.Amount, body.Version, help, http.RequestAborted), t);
    }

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> TrancheAsync(Guid id, TrancheBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.Amount is null) errors["TrancheAmount"] = "Grants.Tranche.Error.Amount";
        if (body.PaidOn is null) errors["PaidOn"] = "Grants.Tranche.Error.Day";
        // Field errors of an unreadable body are only told to someone who may see the request.
        if (errors.Count > 0)
            return await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is { Side: not RequestSide.Applicant } ? ApiErrors.Invalid(errors, t) : TypedResults.NotFound();
        return Answer(await requests.RecordTrancheAsync(http.User.UserId(), id, body.Amount!.Value, body.PaidOn!.Value, body.Note, body.Version, http.RequestAborted), t);
    }

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> PublicationAsync(Guid id, PublicationBody body, HttpContext http, GrantRequests requests,
        IStringLocalizer<SharedResource> t)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!PlanWire.TryParse<PublicRecipient>(body.Recipient ?? "anonymous", out var recipient)) errors["PublicRecipient"] = "Grants.Publication.Error.Recipient";
        if (!PlanWire.TryParse<PublicLocation>(body.Location ?? "region", out var location)) errors["PublicLocation"] = "Grants.Publication.Error.Location";
        if (errors.Count > 0)
            return await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is { Side: RequestSide.Officer } ? ApiErrors.Invalid(errors, t) : TypedResults.NotFound();
        return Answer(await requests.SetPublicationAsync(http.User.UserId(), id, new PublicationInput(recipient, location, body.Description, body.Excluded ?? false), http.RequestAborted), t);
    }

    private static async Task<Results<Ok<RestrictedDto>, NotFound>> RestrictedAsync(Guid id, HttpContext http, GrantRestrictedRecords records) =>
        await records.GetAsync(http.User.UserId(), id, http.RequestAborted) is { } v
            ? TypedResults.Ok(new RestrictedDto(v.Facts.Recipient, v.Facts.Purpose, v.Facts.Selection, v.UpdatedAt, v.DeleteOn)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> SaveRestrictedAsync(Guid id, RestrictedBody body, HttpContext http, GrantRestrictedRecords records,
        IStringLocalizer<SharedResource> t) =>
        Answer(await records.SaveAsync(http.User.UserId(), id, new RestrictedFacts(body.Recipient ?? "", body.Purpose ?? "", body.Selection ?? ""), http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> ReportCallAsync(Guid id, ReportCallBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t) =>
        Answer(await requests.AskForReportAsync(http.User.UserId(), id, body.DueOn, body.Note, body.Version, http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> ReportAsync(Guid id, ReportBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t) =>
        Answer(await requests.SendReportAsync(http.User.UserId(), id, body.Text, null, body.Version, http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> CommentAsync(Guid id, CommentBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t) =>
        Answer(await requests.CommentAsync(http.User.UserId(), id, body.Text, http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> NamingAsync(Guid id, NamingBody body, HttpContext http, GrantRequests requests, IStringLocalizer<SharedResource> t) =>
        body.Named is not { } named
            ? (await requests.BehalfAsync(http.User.UserId(), id, http.RequestAborted) is null ? TypedResults.NotFound()
                : ApiErrors.Invalid(new Dictionary<string, string> { ["Named"] = "Grants.Behalf.Error.Named" }, t))
            : Answer(await requests.NameMeAsync(http.User.UserId(), id, named, http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> DeclareAsync(Guid id, DeclarationBody body, HttpContext http, GrantReviews reviews, IStringLocalizer<SharedResource> t) =>
        body.Conflict is not { } conflict
            ? ApiErrors.Invalid(new Dictionary<string, string> { ["Conflict"] = "Grants.Review.Error.Declaration" }, t)
            : Answer(await reviews.DeclareAsync(http.User.UserId(), id, conflict, http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> ReviewAsync(Guid id, ReviewBody body, HttpContext http, GrantReviews reviews, GrantRequests requests, IStringLocalizer<SharedResource> t)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!PlanWire.TryParse<ReviewAspect>(body.Aspect, out var aspect)) errors["Aspect"] = "Grants.Review.Error.Aspect";
        if (!PlanWire.TryParse<ReviewVerdict>(body.Verdict, out var verdict)) errors["Verdict"] = "Grants.Review.Error.Verdict";
        // Field errors of an unreadable body are only told to someone who may see the request.
        if (errors.Count > 0)
            return await requests.GetAsync(http.User.UserId(), id, http.RequestAborted) is { Side: not RequestSide.Applicant } ? ApiErrors.Invalid(errors, t) : TypedResults.NotFound();
        return Answer(await reviews.ReviewAsync(http.User.UserId(), id, new ReviewInput(aspect, verdict, body.Scores ?? [], body.Note), body.Version, http.RequestAborted), t);
    }

    private static Results<NoContent, NotFound, Conflict, ValidationProblem> Answer(RequestWrite result, IStringLocalizer<SharedResource> t) => result.Status switch
    {
        RequestWriteStatus.Done => TypedResults.NoContent(),
        RequestWriteStatus.Invalid => ApiErrors.Invalid(result.Errors!, t),
        RequestWriteStatus.NotFound => TypedResults.NotFound(),
        RequestWriteStatus.Conflict or RequestWriteStatus.Refused => TypedResults.Conflict(),
    };

    private static SummaryDto Dto(RequestSummary s) => new(s.Id, s.ProgramId, s.Program, s.Reference, PlanWire.Word(s.State), s.UpdatedAt, s.SubmittedAt, s.DueAt, s.ReportDueOn);

    private static RequestDto Dto(RequestView v)
    {
        var r = v.Request;
        var a = v.Answers;
        return new(r.Id, r.ProgramId, v.Program.Name, v.Organization, r.Reference, PlanWire.Word(r.State), r.Version, PlanWire.Word(v.Side),
            a.Title, a.Need, a.Contact, [.. a.Lines.Select(l => new LineDto(PlanWire.Word(l.Category), l.Description, l.Amount))], a.Total,
            v.Program.Currency, [.. v.Missing.Select(m => PlanWire.Word(m))], [.. Flags.Each(v.Reminder).Select(c => PlanWire.Word(c))],
            [.. v.Moves.Select(m => PlanWire.Word(m))], r.SubmittedAt, v.DueAt, r.StartedFrom is { } origin ? PlanWire.Word(origin) : null,
            [.. v.History.Select(e => new EntryDto(e.At, e.Actor, PlanWire.Word(e.Kind), e.From is { } f ? PlanWire.Word(f) : null,
                e.To is { } to ? PlanWire.Word(to) : null, e.Text, e.Amount, e.Day))],
            v.Staff?.Declared, [.. (v.Staff?.Reviews ?? []).Select(x => new ReviewDto(x.Id, x.At, x.Reviewer, PlanWire.Word(x.Aspect), PlanWire.Word(x.Verdict),
                [.. x.Scores.Select(s => new ScoreDto(s.Criterion, s.Score))], x.Note, x.ThisRound))],
            [.. (v.Staff?.MayReview ?? []).Select(a => PlanWire.Word(a))], a.Amount,
            [.. v.Questions.Select(q => new AnswerDto(q.Id, PlanWire.Word(q.Kind), q.Label, q.Required, a.Given.GetValueOrDefault(q.Id)))],
            v.For?.Organization, v.For?.OnBehalf ?? false, v.For?.BehalfName, v.Approved, v.Disbursed, r.State == RequestState.ReportDue ? r.ReportDueOn : null, a.Country);
    }
}
