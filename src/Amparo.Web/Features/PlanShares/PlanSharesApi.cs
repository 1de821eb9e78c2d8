using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Write = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.NoContent, Microsoft.AspNetCore.Http.HttpResults.NotFound,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>;

namespace Amparo.Web.Features.PlanShares;

/// <summary>
/// Plan snapshots shared with grantmakers, under /api/v1: the owner's side at <c>/plans/{id}/shares</c>, the grantmaker's at
/// <c>/plan-shares</c>. The conventions of <see cref="PlansApi"/>: what the caller may not see is 404; a plan they may only
/// read, or a share whose staff only its grantmaker's admins set, is 403; bad input is 400 with the fields named.
/// </summary>
public static class PlanSharesApi
{
    public sealed record CreateShareRequest(Guid? GrantmakerId, string? Scope, DateTimeOffset? ExpiresAt, bool? Confirm);
    public sealed record StaffRequest(Guid[]? UserIds);
    public sealed record IdResponse(Guid Id);

    public sealed record ReaderDto(Guid UserId, string Name, string Role);
    public sealed record LookDto(Guid? ViewerId, string? Name, DateTime At);
    public sealed record ShareDto(
        Guid Id, Guid PlanId, Guid GrantmakerId, string Grantmaker, string Scope, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt,
        DateTime SnapshotAt, bool Standing, IReadOnlyList<ReaderDto> Readers, IReadOnlyList<LookDto> Looks);
    public sealed record ReceivedDto(Guid Id, Guid GrantmakerId, string Grantmaker, string Owner, string? Title, string Scope, DateTime AsOf, DateTime ExpiresAt, bool Admin);
    public sealed record StaffDto(Guid UserId, string Name, bool Assigned);
    public sealed record SnapshotDto(ReceivedDto Share, PlanFile Plan, PlansApi.BudgetDto Budget, IReadOnlyList<StaffDto> Staff);

    public static RouteGroupBuilder MapPlanSharesApi(this RouteGroupBuilder api)
    {
        var owner = api.MapGroup("/plans/{id:guid}/shares").WithTags("Plan shares").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync).ProducesProblem(StatusCodes.Status403Forbidden);
        owner.MapGet("/", ListAsync).WithName("ListPlanShares").WithSummary("The plan's shares with grantmakers, current and past")
            .WithDescription("For those who may edit the plan: each share with who at the grantmaker may open it today and who looked when.");
        owner.MapPost("/", CreateAsync).WithName("SharePlan").WithSummary("Share a read-only snapshot with a grantmaker")
            .WithDescription("grantmakerId: an organization of kind grantmaker; scope: wholePlan or summaryAndCostedActions; expiresAt: within a year; confirm: true (the owner's consent). The plan is frozen as it is now.");
        owner.MapGet("/{shareId:guid}", GetAsync).WithName("GetPlanShare").WithSummary("One share with its view log");
        owner.MapDelete("/{shareId:guid}", RevokeAsync).WithName("RevokePlanShare").WithSummary("Revoke a share at once")
            .WithDescription("Nobody at the grantmaker can open it any more, and its frozen copy is erased.");
        owner.MapPost("/{shareId:guid}/refresh", RefreshAsync).WithName("RefreshPlanShare").WithSummary("Update the snapshot to the plan as it is now");

        var received = api.MapGroup("/plan-shares").WithTags("Plan shares").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync).ProducesProblem(StatusCodes.Status403Forbidden);
        received.MapGet("/", ReceivedAsync).WithName("ListReceivedPlanShares").WithSummary("Snapshots shared with my grantmaker organizations")
            .WithDescription("Admins of the grantmaker see every standing share; its staff only those assigned to them.");
        received.MapGet("/{shareId:guid}", OpenAsync).WithName("OpenPlanShare").WithSummary("Open a shared snapshot (the look is recorded)")
            .WithDescription("The frozen plan file as of the date shared, and its budget lines. Every call is recorded for the owner and in the audit trail.");
        received.MapPut("/{shareId:guid}/staff", StaffAsync).WithName("SetPlanShareStaff").WithSummary("Assign the grantmaker's staff to a share")
            .WithDescription("Admins of the grantmaker only; userIds replace the list and must be its current members.");
        return api;
    }

    private static ProblemHttpResult ReadOnly(IStringLocalizer t) =>
        TypedResults.Problem(title: t["Plans.Error.ReadOnly"].Value, statusCode: StatusCodes.Status403Forbidden);

    private static Write Answer(PlanWrite result, IStringLocalizer t) => result.Status switch
    {
        PlanWriteStatus.Done => TypedResults.NoContent(),
        PlanWriteStatus.NotFound or PlanWriteStatus.Conflict => TypedResults.NotFound(),
        PlanWriteStatus.NotAllowed => ReadOnly(t),
        PlanWriteStatus.Invalid => Invalid(result, t),
    };

    private static ValidationProblem Invalid(PlanWrite result, IStringLocalizer t) => ApiErrors.Invalid(result.Errors ?? new Dictionary<string, string>(), t);

    public static string ScopeWord(ShareScope scope) => PlanWire.Word(scope);

    private static ShareDto Dto(ShareSummary s) => new(s.Id, s.PlanId, s.GrantmakerId, s.GrantmakerName, ScopeWord(s.Scope), s.CreatedAt, s.ExpiresAt, s.RevokedAt,
        s.SnapshotAt, s.Standing, s.Readers.Select(r => new ReaderDto(r.UserId, r.Name, r.Admin ? "admin" : "assigned")).ToList(),
        s.Looks.Select(l => new LookDto(l.ViewerId, l.Name, l.At)).ToList());

    private static ReceivedDto Dto(ReceivedShare r) =>
        new(r.Id, r.GrantmakerId, r.GrantmakerName, r.Owner, r.Title, ScopeWord(r.Scope), r.SnapshotAt, r.ExpiresAt, r.ViewerIsAdmin);

    // ---- the owner's side ----

    private static async Task<Results<Ok<List<ShareDto>>, NotFound, ProblemHttpResult>> ListAsync(Guid id, HttpContext http, PlanShareService shares, IStringLocalizer<SharedResource> t)
    {
        var (status, list) = await shares.ListForPlanAsync(http.User.UserId(), id, http.RequestAborted);
        return status switch
        {
            PlanWriteStatus.Done => TypedResults.Ok(list.Select(Dto).ToList()),
            PlanWriteStatus.NotAllowed => ReadOnly(t),
            PlanWriteStatus.NotFound or PlanWriteStatus.Invalid or PlanWriteStatus.Conflict => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<ShareDto>, NotFound, ProblemHttpResult>> GetAsync(Guid id, Guid shareId, HttpContext http, PlanShareService shares, IStringLocalizer<SharedResource> t)
    {
        var (status, share) = await shares.GetForOwnerAsync(http.User.UserId(), id, shareId, http.RequestAborted);
        return status switch
        {
            PlanWriteStatus.Done => TypedResults.Ok(Dto(share!)),
            PlanWriteStatus.NotAllowed => ReadOnly(t),
            PlanWriteStatus.NotFound or PlanWriteStatus.Invalid or PlanWriteStatus.Conflict => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Created<IdResponse>, NotFound, ProblemHttpResult, ValidationProblem>> CreateAsync(
        Guid id, CreateShareRequest? request, HttpContext http, PlanShareService shares, IStringLocalizer<SharedResource> t)
    {
        if (request is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [t["Plans.Error.Required"].Value] });
        ShareScope? scope = PlanWire.TryParse<ShareScope>(request.Scope, out var s) ? s : null;
        var result = await shares.CreateAsync(http.User.UserId(), id,
            new ShareInput(request.GrantmakerId, scope, request.ExpiresAt?.UtcDateTime, request.Confirm == true), http.RequestAborted);
        return result.Status switch
        {
            PlanWriteStatus.Done => TypedResults.Created($"/api/v1/plans/{id}/shares/{result.Id}", new IdResponse(result.Id!.Value)),
            PlanWriteStatus.NotAllowed => ReadOnly(t),
            PlanWriteStatus.Invalid => Invalid(result, t),
            PlanWriteStatus.NotFound or PlanWriteStatus.Conflict => TypedResults.NotFound(),
        };
    }

    private static async Task<Write> RevokeAsync(Guid id, Guid shareId, HttpContext http, PlanShareService shares, IStringLocalizer<SharedResource> t) =>
        Answer(await shares.RevokeAsync(http.User.UserId(), id, shareId, http.RequestAborted), t);

    private static async Task<Write> RefreshAsync(Guid id, Guid shareId, HttpContext http, PlanShareService shares, IStringLocalizer<SharedResource> t) =>
        Answer(await shares.RefreshAsync(http.User.UserId(), id, shareId, http.RequestAborted), t);

    // ---- the grantmaker's side ----

    private static async Task<Ok<List<ReceivedDto>>> ReceivedAsync(HttpContext http, PlanShareService shares) =>
        TypedResults.Ok((await shares.ReceivedAsync(http.User.UserId(), http.RequestAborted)).Select(Dto).ToList());

    private static async Task<Results<Ok<SnapshotDto>, NotFound>> OpenAsync(Guid shareId, HttpContext http, PlanShareService shares)
    {
        if (await shares.OpenAsync(http.User.UserId(), shareId, http.RequestAborted) is not { } opened) return TypedResults.NotFound();
        var budget = PlanBudget.Of(opened.View.Actions);
        return TypedResults.Ok(new SnapshotDto(Dto(opened.Share), opened.File,
            new PlansApi.BudgetDto(budget.Lines.Select(l => new PlansApi.BudgetLineDto(PlanWire.DomainWord(l.Domain), l.Currency, l.Open, l.Done, l.OpenActions, l.DoneActions)).ToList(), budget.Totals),
            opened.Staff.Select(x => new StaffDto(x.UserId, x.Name, x.Assigned)).ToList()));
    }

    private static async Task<Write> StaffAsync(Guid shareId, StaffRequest? request, HttpContext http, PlanShareService shares, IStringLocalizer<SharedResource> t)
    {
        // A missing body is bad input whoever asks, as on every other write: 400 before the share is looked up.
        if (request?.UserIds is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userIds"] = [t["Plans.Error.Required"].Value] });
        return Answer(await shares.SetStaffAsync(http.User.UserId(), shareId, request.UserIds, http.RequestAborted), t);
    }
}
