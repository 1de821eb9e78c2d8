using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// Versions of a plan under /api/v1/plans/{id}: list, read one, compare two, restore one. Mapped inside the plans group
/// (<see cref="PlansApi"/>: the same token, rate limit and two-factor rule). Only those who may read the plan whole see
/// versions; anyone else, members of the organization included, gets 404. Restore: 403 for a reader, 409 when the plan
/// changed since the version sent, 400 for a missing body or version.
/// </summary>
public static class PlanVersionsApi
{
    public sealed record VersionDto(int Number, DateTime At, Guid? ByUserId, string? By);
    public sealed record VersionContentDto(int Number, DateTime At, Guid? ByUserId, string? By, PlanFile? Content);
    public sealed record FieldChangeDto(string Field, string? Old, string? New);
    public sealed record PartChangeDto(string Id, string State, string? Label, IReadOnlyList<FieldChangeDto> Fields);
    public sealed record ComparisonDto(
        VersionDto From, VersionDto To, int Latest, bool Same, IReadOnlyList<FieldChangeDto> Plan,
        IReadOnlyList<PartChangeDto> Actors, IReadOnlyList<PartChangeDto> Entries, IReadOnlyList<PartChangeDto> Actions, IReadOnlyList<PartChangeDto> Protocols);
    /// <summary><paramref name="Version"/>: the plan's version you read (required): 409 when someone saved it since.</summary>
    public sealed record RestoreRequest(int? Version);

    internal static void MapVersions(RouteGroupBuilder plans)
    {
        plans.MapGet("/{id:guid}/versions", ListAsync).WithName("ListPlanVersions").WithSummary("The versions of a plan, newest first")
            .WithDescription("One per saved change: its number (the plan's version after the change), when, and who saved it (null when the caller may not know: \"someone\").");
        plans.MapGet("/{id:guid}/versions/{number:int}", GetAsync).WithName("GetPlanVersion").WithSummary("One version, whole")
            .WithDescription("The plan as it stood after that change, in the plan file format (amparo-plan/1) with every part's id.");
        plans.MapGet("/{id:guid}/compare", CompareAsync).WithName("ComparePlanVersions").WithSummary("What changed between two versions")
            .WithDescription("from and to are version numbers. Per section, the parts added, removed and changed (matched by id), each changed field with its old and new value; unchanged parts are listed with state \"unchanged\".");
        plans.MapPost("/{id:guid}/versions/{number:int}/restore", RestoreAsync).WithName("RestorePlanVersion").WithSummary("Make an old version the plan again")
            .WithDescription("Editors only. Writes a new version with the old content (the review date and sharing stay as they are). Send the version you read: 409 when someone saved the plan since.")
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static VersionDto Dto(PlanVersionSummary v) => new(v.Number, v.At, v.ByUserId, v.ByName);

    private static async Task<Results<Ok<List<VersionDto>>, NotFound>> ListAsync(Guid id, HttpContext http, PlanService service) =>
        await service.VersionsAsync(http.User.UserId(), id, http.RequestAborted) is { } list
            ? TypedResults.Ok(list.Select(Dto).ToList()) : TypedResults.NotFound();

    private static async Task<Results<Ok<VersionContentDto>, NotFound>> GetAsync(Guid id, int number, HttpContext http, PlanService service) =>
        await service.VersionAsync(http.User.UserId(), id, number, http.RequestAborted) is { } v
            ? TypedResults.Ok(new VersionContentDto(v.Version.Number, v.Version.At, v.Version.ByUserId, v.Version.ByName, v.Content)) : TypedResults.NotFound();

    private static async Task<Results<Ok<ComparisonDto>, NotFound, ValidationProblem>> CompareAsync(
        Guid id, int? from, int? to, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t)
    {
        if (from is null || to is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [from is null ? "from" : "to"] = [t["Plans.Error.Required"].Value] });
        if (await service.CompareAsync(http.User.UserId(), id, from.Value, to.Value, http.RequestAborted) is not { } c) return TypedResults.NotFound();
        var d = c.Changes;
        return TypedResults.Ok(new ComparisonDto(Dto(c.From.Version), Dto(c.To.Version), c.Latest, d.Same, Fields(d.Plan),
            Parts(d.Actors), Parts(d.Entries), Parts(d.Actions), Parts(d.Protocols)));
    }

    private static List<FieldChangeDto> Fields(IEnumerable<FieldChange> changes) => changes.Select(f => new FieldChangeDto(f.Field, f.Old, f.New)).ToList();

    private static List<PartChangeDto> Parts(SectionDiff section) =>
        section.Parts.Select(p => new PartChangeDto(p.Id, PlanWire.Word(p.State), p.Label, Fields(p.Fields))).ToList();

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> RestoreAsync(
        Guid id, int number, RestoreRequest? request, HttpContext http, PlanService service, IStringLocalizer<SharedResource> t)
    {
        if (request?.Version is not { } expected)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = [t["Plans.Error.Required"].Value] });
        var result = await service.RestoreAsync(http.User.UserId(), id, number, expected, http.RequestAborted);
        return result.Status switch
        {
            PlanWriteStatus.Done => TypedResults.NoContent(),
            PlanWriteStatus.NotFound or PlanWriteStatus.Invalid => TypedResults.NotFound(),
            PlanWriteStatus.NotAllowed => TypedResults.Problem(title: t["Plans.Error.ReadOnly"].Value, statusCode: StatusCodes.Status403Forbidden),
            PlanWriteStatus.Conflict => TypedResults.Problem(title: t["Plans.Error.Conflict"].Value, statusCode: StatusCodes.Status409Conflict),
        };
    }
}
