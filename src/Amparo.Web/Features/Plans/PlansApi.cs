using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Write = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.NoContent, Microsoft.AspNetCore.Http.HttpResults.NotFound,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>;
using Made = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<Amparo.Web.Features.Plans.PlansApi.IdResponse>, Microsoft.AspNetCore.Http.HttpResults.NotFound,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// The security plans API under /api/v1/plans: the same rules as the pages, through <see cref="PlanService"/> and
/// <see cref="PlanAccess"/>. A bearer token on every route. What the caller may not see is 404 (as for what does not
/// exist); a change by someone who may only read it is 403; a change over someone else's newer save is 409; bad input
/// is 400 with the fields named. Staff of an organization that requires two-factor get 403 on every route here until
/// they turn it on, as the pages send them to turn it on first.
/// </summary>
public static class PlansApi
{
    public sealed record IdResponse(Guid Id);
    public sealed record CreatePlanRequest(string? Title, bool? TitleIsSensitive, string? Context, string? WellBeing, string? ExhaustionRisks, DateTimeOffset? NextReviewAt, Guid? OrganizationId);
    public sealed record UpdatePlanRequest(string? Title, bool? TitleIsSensitive, string? Context, string? WellBeing, string? ExhaustionRisks, DateTimeOffset? NextReviewAt, int? Version);
    public sealed record SharedRequest(bool? Shared);
    public sealed record MembersRequest(bool? Open);
    public sealed record ReviewedRequest(DateTimeOffset? NextReviewAt);

    public sealed record PlanSummaryDto(Guid Id, Guid? OwnerUserId, Guid? OwnerOrganizationId, string? Title, string Role, bool Shared, DateTime NextReviewAt, string ReviewReason, DateTime UpdatedAt);
    public sealed record PlanDto(
        Guid Id, Guid? OwnerUserId, Guid? OwnerOrganizationId, string Role, string? Title, bool TitleIsSensitive, bool Shared,
        string? Context, string? WellBeing, string? ExhaustionRisks, DateTime NextReviewAt, string ReviewReason, DateTime CreatedAt, DateTime UpdatedAt, int Version,
        IReadOnlyList<ActorDto> Actors, IReadOnlyList<EntryDto> Entries, IReadOnlyList<ActionDto> Actions, IReadOnlyList<ProtocolDto> Protocols, BudgetDto Budget);
    public sealed record ActorDto(Guid Id, string? Name, string Stance, string? Interests, string? Capacity);
    /// <summary>An entry with what the risk-band rule says of it: the band and its reasons, each as a resource key and as words in the caller's language.</summary>
    public sealed record EntryDto(
        Guid Id, string? Threat, string? ByWhom, string? Indicators, bool IsDirectThreat, string[] Domains,
        int ThreatLevel, int VulnerabilityLevel, int CapacityLevel, string? Vulnerabilities, string? Capacities, int? Likelihood, int? Impact,
        string Band, string BandWords, bool ThreatFirst, IReadOnlyList<TextDto> Reasons);
    public sealed record TextDto(string Key, string Words);
    public sealed record ActionDto(Guid Id, string? What, Guid? OwnerUserId, DateTime? DueAt, string Status, decimal? EstimatedCost, string? Currency, string[] Domains, IReadOnlyList<Guid> EntryIds);
    public sealed record ProtocolDto(Guid Id, string? Name, string Situation, IReadOnlyList<string> Steps, ReadyVisit? Visit);
    public sealed record BudgetDto(IReadOnlyList<BudgetLineDto> Lines, IReadOnlyList<BudgetTotal> Totals);
    public sealed record BudgetLineDto(string Domain, string Currency, decimal Open, decimal Done, int OpenActions, int DoneActions);

    public static RouteGroupBuilder MapPlansApi(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Plans").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit)
            .AddEndpointFilter(TwoFactorFirstAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        plans.MapGet("/", ListAsync).WithName("ListPlans").WithSummary("The plans I may see")
            .WithDescription("Every plan the caller may see any part of (their own, shared with them, their organizations'), with their role on it; soonest review first.");
        plans.MapPost("/", CreateAsync).WithName("CreatePlan").WithSummary("Start a plan")
            .WithDescription("A plan of the caller's own, or of an organization (organizationId) where the caller is an admin or focal point (anyone else: 404).");
        plans.MapPost("/import", ImportAsync).WithName("ImportPlan").WithSummary("Import a plan file")
            .WithDescription("Creates a new plan for the caller (or for organizationId, as staff) from a file in the format amparo-plan/1. Everything is checked before anything is written: 400 names each bad field (e.g. actions[2].entryIds).");
        plans.MapGet("/{id:guid}", GetAsync).WithName("GetPlan").WithSummary("A plan as I may see it")
            .WithDescription("The plan cut to the caller's role: each register entry with its risk band and reasons, and the budget lines of its costed actions. A member of the organization sees only its protocols and the actions assigned to them.");
        plans.MapPut("/{id:guid}", UpdateAsync).WithName("UpdatePlan").WithSummary("Change a plan's title, context and review date")
            .WithDescription("Send the version you read: 409 when someone saved the plan since.").ProducesProblem(StatusCodes.Status409Conflict);
        plans.MapDelete("/{id:guid}", DeleteAsync).WithName("DeletePlan").WithSummary("Delete a plan with everything in it");
        plans.MapPut("/{id:guid}/shared", SharedAsync).WithName("SetPlanShared").WithSummary("Open my plan to my sharing audience, or close it")
            .WithDescription("Only a person's own plan; others read it only while this is on and their \"security plan\" sharing category reaches them.");
        plans.MapPut("/{id:guid}/protocols-for-members", ProtocolsForMembersAsync).WithName("SetPlanProtocolsForMembers")
            .WithSummary("Let the organization's members see its protocols, or stop it")
            .WithDescription("An organization's plan, by those who may edit it. It applies to every plan of the organization. A member always sees the actions assigned to them, and never the register.");
        plans.MapPost("/{id:guid}/context-changed", ContextChangedAsync).WithName("MarkPlanContextChanged").WithSummary("The context changed: the review is due now");
        plans.MapPost("/{id:guid}/reviewed", ReviewedAsync).WithName("MarkPlanReviewed").WithSummary("The plan was reviewed")
            .WithDescription("The next review is in three months, or on nextReviewAt. The body is required: at least {}.");
        plans.MapGet("/{id:guid}/export.json", ExportJsonAsync).WithName("ExportPlanJson").WithSummary("The plan as a file (amparo-plan/1)")
            .WithDescription("What the caller may see of the plan, in clear, in the format the import reads.");
        plans.MapGet("/{id:guid}/export.md", ExportMarkdownAsync).WithName("ExportPlanMarkdown").WithSummary("The plan as a printable Markdown document")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown");

        MapPart(plans, "actors", "Actor", "an actor",
            (ActorBody b, PlanWire.Errors e) => PlanWire.Actor(b, e),
            (s, v, p, i, ct) => s.AddActorAsync(v, p, i, ct), (s, v, p, x, i, version, ct) => s.UpdateActorAsync(v, p, x, i, version, ct), (s, v, p, x, ct) => s.RemoveActorAsync(v, p, x, ct));
        MapPart(plans, "entries", "Entry", "a register entry",
            (EntryBody b, PlanWire.Errors e) => PlanWire.Entry(b, e),
            (s, v, p, i, ct) => s.AddEntryAsync(v, p, i, ct), (s, v, p, x, i, version, ct) => s.UpdateEntryAsync(v, p, x, i, version, ct), (s, v, p, x, ct) => s.RemoveEntryAsync(v, p, x, ct));
        MapPart(plans, "actions", "Action", "an action",
            (ActionBody b, PlanWire.Errors e) => PlanWire.Action(b, e, PlanWire.GuidOf),
            (s, v, p, i, ct) => s.AddActionAsync(v, p, i, ct), (s, v, p, x, i, version, ct) => s.UpdateActionAsync(v, p, x, i, version, ct), (s, v, p, x, ct) => s.RemoveActionAsync(v, p, x, ct));
        MapPart(plans, "protocols", "Protocol", "a protocol",
            (ProtocolBody b, PlanWire.Errors e) => PlanWire.Protocol(b, e),
            (s, v, p, i, ct) => s.AddProtocolAsync(v, p, i, ct), (s, v, p, x, i, version, ct) => s.UpdateProtocolAsync(v, p, x, i, version, ct), (s, v, p, x, ct) => s.RemoveProtocolAsync(v, p, x, ct));
        PlanVersionsApi.MapVersions(plans);
        return api;
    }

    private delegate Task<PlanWrite> Add<TInput>(PlanService service, Guid viewer, Guid planId, TInput input, CancellationToken ct);
    private delegate Task<PlanWrite> Change<TInput>(PlanService service, Guid viewer, Guid planId, Guid partId, TInput input, int? version, CancellationToken ct);
    private delegate Task<PlanWrite> Remove(PlanService service, Guid viewer, Guid planId, Guid partId, CancellationToken ct);

    /// <summary>Add (POST), change (PUT) and remove (DELETE) one kind of part; the body is read the same way for all three.</summary>
    private static void MapPart<TBody, TInput>(RouteGroupBuilder plans, string path, string name, string what,
        Func<TBody, PlanWire.Errors, TInput> read, Add<TInput> add, Change<TInput> change, Remove remove) where TBody : class
    {
        plans.MapPost($"/{{id:guid}}/{path}", async Task<Made> (Guid id, TBody? body, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
        {
            if (body is null) return Missing(t);
            var errors = new PlanWire.Errors();
            var input = read(body, errors);
            if (errors.Count > 0) return Problem(errors, t);
            var result = await add(service, http.User.UserId(), id, input, http.RequestAborted);
            return result.Status == PlanWriteStatus.Done
                ? TypedResults.Created($"/api/v1/plans/{id}/{path}/{result.Id}", new IdResponse(result.Id!.Value))
                : FailedMade(result, t);
        }).WithName("Add" + name).WithSummary("Add " + what);
        plans.MapPut($"/{{id:guid}}/{path}/{{partId:guid}}", async Task<Write> (Guid id, Guid partId, int? version, TBody? body, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
        {
            if (body is null) return Missing(t);
            var errors = new PlanWire.Errors();
            var input = read(body, errors);
            if (errors.Count > 0) return Problem(errors, t);
            return Answer(await change(service, http.User.UserId(), id, partId, input, version, http.RequestAborted), t);
        }).WithName("Update" + name).WithSummary("Change " + what)
            .WithDescription("Send ?version= the plan version you read: 409 when someone saved the plan since.").ProducesProblem(StatusCodes.Status409Conflict);
        plans.MapDelete($"/{{id:guid}}/{path}/{{partId:guid}}", async Task<Write> (Guid id, Guid partId, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
            Answer(await remove(service, http.User.UserId(), id, partId, http.RequestAborted), t))
            .WithName("Remove" + name).WithSummary("Remove " + what);
    }

    private static async Task<Write> ProtocolsForMembersAsync(Guid id, MembersRequest? request, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t)
    {
        if (request?.Open is not { } open)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["open"] = [t["Plans.Error.Required"].Value] });
        return Answer(await service.SetProtocolsOpenToMembersAsync(http.User.UserId(), id, open, http.RequestAborted), t);
    }

    /// <summary>The organization two-factor rule of the pages (<see cref="TwoFactorRequirement"/>), for the API: refused until two-factor is on. Also the plan shares' API.</summary>
    internal static async ValueTask<object?> TwoFactorFirstAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<AmparoDbContext>();
        if (await TwoFactorRequirement.AppliesToAsync(db, http.User.UserId(), http.RequestAborted))
        {
            var t = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
            return TypedResults.Problem(title: t["Plans.Error.TwoFactor"].Value, statusCode: StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }

    // ---- answers ----

    private static ValidationProblem Missing(IStringLocalizer t) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [t["Plans.Error.Required"].Value] });

    private static ValidationProblem Problem(PlanWire.Errors errors, IStringLocalizer t) =>
        TypedResults.ValidationProblem(errors.Fields.ToDictionary(e => e.Key, e => new[] { t[e.Value].Value }, StringComparer.Ordinal));

    private static Write Answer(PlanWrite result, IStringLocalizer t) =>
        result.Status == PlanWriteStatus.Done ? TypedResults.NoContent() : Fail<Write>(result, t, x => x, x => x, x => x);

    private static Made FailedMade(PlanWrite result, IStringLocalizer t) => Fail<Made>(result, t, x => x, x => x, x => x);

    /// <summary>Any outcome but Done, as its status code (the Done arm is never taken: callers answer it themselves).</summary>
    private static T Fail<T>(PlanWrite result, IStringLocalizer t, Func<NotFound, T> notFound, Func<ProblemHttpResult, T> problem, Func<ValidationProblem, T> invalid)
    {
        var errors = new PlanWire.Errors();
        errors.AddAll(result.Errors);
        return result.Status switch
        {
            PlanWriteStatus.NotFound or PlanWriteStatus.Done => notFound(TypedResults.NotFound()),
            PlanWriteStatus.NotAllowed => problem(TypedResults.Problem(title: t["Plans.Error.ReadOnly"].Value, statusCode: StatusCodes.Status403Forbidden)),
            PlanWriteStatus.Conflict => problem(TypedResults.Problem(title: t["Plans.Error.Conflict"].Value, statusCode: StatusCodes.Status409Conflict)),
            PlanWriteStatus.Invalid => invalid(Problem(errors, t)),
        };
    }

    // ---- the plan ----

    private static async Task<Ok<List<PlanSummaryDto>>> ListAsync(HttpContext http, PlanService service) =>
        TypedResults.Ok((await service.ListAsync(http.User.UserId(), http.RequestAborted))
            .Select(s => new PlanSummaryDto(s.Id, s.OwnerUserId, s.OwnerOrganizationId, s.Title, PlanWire.Word(s.Role), s.SharedWithAudience, s.NextReviewAt, PlanWire.Word(s.ReviewReason), s.UpdatedAt))
            .ToList());

    private static PlanInput Input(string? title, bool? sensitive, string? context, string? wellBeing, string? exhaustion, DateTimeOffset? review) =>
        new(title, sensitive ?? true, context, wellBeing, exhaustion, review?.UtcDateTime);

    private static async Task<Made> CreateAsync(CreatePlanRequest? request, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t)
    {
        if (request is null) return Missing(t);
        var input = Input(request.Title, request.TitleIsSensitive, request.Context, request.WellBeing, request.ExhaustionRisks, request.NextReviewAt);
        var viewer = http.User.UserId();
        var result = request.OrganizationId is { } org
            ? await service.CreateForOrganizationAsync(viewer, org, input, http.RequestAborted)
            : await service.CreateForPersonAsync(viewer, input, http.RequestAborted);
        return result.Status == PlanWriteStatus.Done ? TypedResults.Created($"/api/v1/plans/{result.Id}", new IdResponse(result.Id!.Value)) : FailedMade(result, t);
    }

    private static async Task<Results<Ok<PlanDto>, NotFound>> GetAsync(Guid id, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
        await service.GetAsync(http.User.UserId(), id, http.RequestAborted) is { } plan ? TypedResults.Ok(Dto(plan, t)) : TypedResults.NotFound();

    private static async Task<Write> UpdateAsync(Guid id, UpdatePlanRequest? request, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t)
    {
        if (request is null) return Missing(t);
        var input = Input(request.Title, request.TitleIsSensitive, request.Context, request.WellBeing, request.ExhaustionRisks, request.NextReviewAt);
        return Answer(await service.UpdateAsync(http.User.UserId(), id, input, request.Version, http.RequestAborted), t);
    }

    private static async Task<Write> DeleteAsync(Guid id, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
        Answer(await service.DeleteAsync(http.User.UserId(), id, http.RequestAborted), t);

    private static async Task<Write> SharedAsync(Guid id, SharedRequest? request, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t)
    {
        if (request?.Shared is not { } shared)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["shared"] = [t["Plans.Error.Required"].Value] });
        return Answer(await service.SetSharedAsync(http.User.UserId(), id, shared, http.RequestAborted), t);
    }

    private static async Task<Write> ContextChangedAsync(Guid id, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
        Answer(await service.MarkContextChangedAsync(http.User.UserId(), id, http.RequestAborted), t);

    /// <summary>The body is required (at least <c>{}</c>), as for every route here that takes one: nothing read is not "three months on".</summary>
    private static async Task<Write> ReviewedAsync(Guid id, ReviewedRequest request, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t) =>
        Answer(await service.MarkReviewedAsync(http.User.UserId(), id, request.NextReviewAt?.UtcDateTime, http.RequestAborted), t);

    // ---- export and import ----

    private static async Task<Results<Ok<PlanFile>, NotFound>> ExportJsonAsync(Guid id, HttpContext http, PlanService service, TimeProvider clock)
    {
        if (await service.GetAsync(http.User.UserId(), id, http.RequestAborted) is not { } plan) return TypedResults.NotFound();
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"plan-{id:N}.json\"";
        return TypedResults.Ok(PlanFile.Of(plan, clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<Results<ContentHttpResult, NotFound>> ExportMarkdownAsync(Guid id, HttpContext http, PlanService service, TimeProvider clock, IStringLocalizer<SharedResource> t)
    {
        if (await service.GetAsync(http.User.UserId(), id, http.RequestAborted) is not { } plan) return TypedResults.NotFound();
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"plan-{id:N}.md\"";
        return TypedResults.Text(PlanMarkdown.Write(plan, clock.GetUtcNow().UtcDateTime, t), "text/markdown; charset=utf-8");
    }

    /// <summary>
    /// Checks the whole file first (nothing written when anything is wrong), then writes it part by part through the service.
    /// Should a part still be refused (the plan's own rules, e.g. an organization's member left in between), the new plan is
    /// deleted again: an import is whole or nothing.
    /// </summary>
    private static async Task<Made> ImportAsync(PlanFile? file, Guid? organizationId, HttpContext http, PlanService service, TimeProvider clock, IStringLocalizer<SharedResource> t)
    {
        if (file is null) return Missing(t);
        var viewer = http.User.UserId();
        var ct = http.RequestAborted;
        var errors = new PlanWire.Errors();
        if (file.Check(viewer, clock.GetUtcNow().UtcDateTime, errors) is not { } import) return Problem(errors, t);

        var created = organizationId is { } org
            ? await service.CreateForOrganizationAsync(viewer, org, import.Plan, ct)
            : await service.CreateForPersonAsync(viewer, import.Plan, ct);
        if (created.Status != PlanWriteStatus.Done) return FailedMade(created, t);
        var planId = created.Id!.Value;

        var failed = (PlanWrite?)null;
        async Task<Guid?> WriteAsync(string prefix, Task<PlanWrite> write)
        {
            var result = await write;
            if (result.Status == PlanWriteStatus.Done) return result.Id;
            failed ??= result with { Errors = result.Errors?.ToDictionary(e => prefix + char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => e.Value) };
            return null;
        }
        for (var i = 0; i < import.Actors.Count && failed is null; i++) await WriteAsync($"actors[{i}].", service.AddActorAsync(viewer, planId, import.Actors[i], ct));
        var entries = new Dictionary<Guid, Guid>();
        for (var i = 0; i < import.Entries.Count && failed is null; i++)
            if (await WriteAsync($"entries[{i}].", service.AddEntryAsync(viewer, planId, import.Entries[i], ct)) is { } entryId) entries[PlanFile.Stand(i)] = entryId;
        for (var i = 0; i < import.Actions.Count && failed is null; i++)
        {
            var action = import.Actions[i];
            await WriteAsync($"actions[{i}].", service.AddActionAsync(viewer, planId, action with { EntryIds = action.EntryIds!.Select(e => entries[e]).ToList() }, ct));
        }
        for (var i = 0; i < import.Protocols.Count && failed is null; i++) await WriteAsync($"protocols[{i}].", service.AddProtocolAsync(viewer, planId, import.Protocols[i], ct));

        if (failed is not null)
        {
            await service.DeleteAsync(viewer, planId, CancellationToken.None);
            return FailedMade(failed.Status == PlanWriteStatus.Done ? PlanWrite.NotFound : failed, t);
        }
        return TypedResults.Created($"/api/v1/plans/{planId}", new IdResponse(planId));
    }

    // ---- views ----

    internal static PlanDto Dto(PlanView p, IStringLocalizer t)
    {
        var budget = PlanBudget.Of(p.Actions);
        return new PlanDto(p.Id, p.OwnerUserId, p.OwnerOrganizationId, PlanWire.Word(p.Role), p.Title, p.TitleIsSensitive, p.SharedWithAudience,
            p.Context, p.WellBeing, p.ExhaustionRisks, p.NextReviewAt, PlanWire.Word(p.ReviewReason), p.CreatedAt, p.UpdatedAt, p.Version,
            p.Actors.Select(a => new ActorDto(a.Id, a.Name, PlanWire.Word(a.Stance), a.Interests, a.Capacity)).ToList(),
            p.Entries.Select(e => Entry(e, t)).ToList(),
            p.Actions.Select(a => new ActionDto(a.Id, a.What, a.OwnerUserId, a.DueAt, PlanWire.Word(a.Status), a.EstimatedCost, a.Currency, PlanWire.Words(a.Domains), a.EntryIds)).ToList(),
            p.Protocols.Select(x => new ProtocolDto(x.Id, x.Name, PlanWire.Word(x.Situation), x.Steps, x.Visit)).ToList(),
            new BudgetDto(budget.Lines.Select(l => new BudgetLineDto(PlanWire.DomainWord(l.Domain), l.Currency, l.Open, l.Done, l.OpenActions, l.DoneActions)).ToList(), budget.Totals));
    }

    private static EntryDto Entry(EntryView e, IStringLocalizer t)
    {
        var risk = RiskBands.Assess(e.ThreatLevel, e.VulnerabilityLevel, e.CapacityLevel, e.IsDirectThreat);
        return new EntryDto(e.Id, e.Threat, e.ByWhom, e.Indicators, e.IsDirectThreat, PlanWire.Words(e.Domains),
            (int)e.ThreatLevel, (int)e.VulnerabilityLevel, (int)e.CapacityLevel, e.Vulnerabilities, e.Capacities, (int?)e.Likelihood, (int?)e.Impact,
            PlanWire.Word(risk.Band), t[RiskBands.BandKey(risk.Band)].Value, risk.ThreatFirst,
            risk.Reasons.Select(r => new TextDto(r.Key, r.Render(t))).ToList());
    }
}
