using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The caller's own care plan under /api/v1/wellbeing/care. There is no route that names another person: a care plan is
/// read and written only by its person (a focal point, an org admin, a buddy or a server admin gets the 404 of "none").
/// </summary>
public static class CareApi
{
    /// <summary>The six texts (null when not written), when it was last saved and last reviewed (UTC).</summary>
    public sealed record CarePlanDto(
        string? Drains, string? Restores, string? WarningSigns, string? Boundaries, string? People, string? RestDays, DateTime UpdatedAt, DateTime? ReviewedAt);

    public sealed record CarePlanRequest(string? Drains, string? Restores, string? WarningSigns, string? Boundaries, string? People, string? RestDays);

    public static RouteGroupBuilder MapWellbeingCareApi(this RouteGroupBuilder api)
    {
        var care = api.MapGroup("/wellbeing/care").WithTags("Well-being").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit);
        care.MapGet("/", GetAsync).WithName("GetCarePlan").WithSummary("My care plan")
            .WithDescription("The caller's own care plan, decrypted; 404 when they have not written one. Nobody else's can be asked for.");
        care.MapPut("/", PutAsync).WithName("PutCarePlan").WithSummary("Write my care plan")
            .WithDescription("Replaces the whole plan (a missing or blank text is none). 400 names a text longer than 4000 characters.");
        care.MapPost("/reviewed", ReviewedAsync).WithName("CarePlanReviewed").WithSummary("I reviewed my care plan")
            .WithDescription("Records now as the day the caller reviewed their care plan (e.g. with a self-check); 404 without a plan.");
        care.MapDelete("/", DeleteAsync).WithName("DeleteCarePlan").WithSummary("Delete my care plan");
        return api;
    }

    private static async Task<Results<Ok<CarePlanDto>, NotFound>> GetAsync(HttpContext http, CarePlanService service)
    {
        if (await service.GetAsync(http.User.UserId(), http.RequestAborted) is not { } plan) return TypedResults.NotFound();
        return TypedResults.Ok(new CarePlanDto(plan[CarePart.Drains], plan[CarePart.Restores], plan[CarePart.WarningSigns], plan[CarePart.Boundaries],
            plan[CarePart.People], plan[CarePart.RestDays], plan.UpdatedAt, plan.ReviewedAt));
    }

    private static async Task<Results<NoContent, ValidationProblem>> PutAsync(CarePlanRequest? request, HttpContext http, CarePlanService service, IStringLocalizer<SharedResource> t)
    {
        var parts = new Dictionary<CarePart, string?>
        {
            [CarePart.Drains] = request?.Drains, [CarePart.Restores] = request?.Restores, [CarePart.WarningSigns] = request?.WarningSigns,
            [CarePart.Boundaries] = request?.Boundaries, [CarePart.People] = request?.People, [CarePart.RestDays] = request?.RestDays,
        };
        var invalid = CarePlanService.Invalid(parts);
        if (invalid.Count > 0)
            return TypedResults.ValidationProblem(invalid.ToDictionary(p => CarePages.PartName(p), _ => new[] { t["Care.Error.TooLong", CarePlan.MaxText].Value }));
        await service.SaveAsync(http.User.UserId(), parts, http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> ReviewedAsync(HttpContext http, CarePlanService service) =>
        await service.ReviewedAsync(http.User.UserId(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(HttpContext http, CarePlanService service) =>
        await service.DeleteAsync(http.User.UserId(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();
}
