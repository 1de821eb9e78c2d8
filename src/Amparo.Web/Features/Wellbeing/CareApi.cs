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

        var marks = api.MapGroup("/wellbeing/marks").WithTags("Well-being").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit);
        marks.MapGet("/", ListMarksAsync).WithName("ListMarks").WithSummary("My time line")
            .WithDescription("The caller's own marks (hard weeks, incidents, alerts, heavy work), newest first, each with its debrief offer when it has one.");
        marks.MapPost("/", AddMarkAsync).WithName("AddMark").WithSummary("Mark a day on my time line")
            .WithDescription("kind: HardWeek, Incident, Alert, HeavyWork or Other; on and until as yyyy-MM-dd in the caller's time zone (on within the last year, until after on). A hard week, an incident or an alert comes with a debrief offer; askBuddy asks the caller's buddy to check in. 400 names the field.");
        marks.MapDelete("/{id:guid}", DeleteMarkAsync).WithName("DeleteMark").WithSummary("Delete a mark of mine");
        return api;
    }

    public sealed record MarkRequest(string? Kind, string? On, string? Until, string? Note, bool AskBuddy);

    public sealed record MarkDto(Guid Id, string Kind, DateOnly On, DateOnly? Until, string? Note, bool FromAlert, Guid? DebriefId, string? DebriefState);

    private static async Task<Ok<List<MarkDto>>> ListMarksAsync(HttpContext http, MarkService marks) =>
        TypedResults.Ok((await marks.ListAsync(http.User.UserId(), http.RequestAborted))
            .Select(m => new MarkDto(m.Id, m.Kind.ToString(), m.On, m.Until, m.Note, m.FromAlert, m.Debrief?.Id, m.Debrief?.State.ToString())).ToList());

    private static async Task<Results<Created<MarkAdded>, ValidationProblem>> AddMarkAsync(MarkRequest request, HttpContext http, MarkService marks, IStringLocalizer<SharedResource> t)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        WellbeingMarkKind kind = default;
        if (request.Kind is not { } k || int.TryParse(k, out _) || !Enum.TryParse(k, out kind) || !Enum.IsDefined(kind)) errors["kind"] = [t["Care.Error.Choice"].Value];
        if (!MarkService.TryDay(request.On, out var on) || on is null) errors["on"] = [t["Care.Error.Day"].Value];
        if (!MarkService.TryDay(request.Until, out var until)) errors["until"] = [t["Care.Error.Day"].Value];
        if (errors.Count == 0)
        {
            var input = new MarkInput(kind, on!.Value, until, request.Note, request.AskBuddy);
            foreach (var field in marks.Check(input, http.User.TimeZoneOf()))
                errors[JsonName(field)] = [t[field switch { "Note" => "Care.Error.NoteTooLong", "Until" => "Care.Error.Until", "On" => "Care.Error.DayRange", _ => "Care.Error.Choice" }].Value];
            if (errors.Count == 0 && await marks.AddAsync(http.User.UserId(), input, http.RequestAborted) is { } added)
                return TypedResults.Created($"/api/v1/wellbeing/marks/{added.MarkId}", added);
        }
        return TypedResults.ValidationProblem(errors);

        static string JsonName(string field) => char.ToLowerInvariant(field[0]) + field[1..];
    }

    private static async Task<Results<NoContent, NotFound>> DeleteMarkAsync(Guid id, HttpContext http, MarkService marks) =>
        await marks.DeleteAsync(http.User.UserId(), id, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<CarePlanDto>, NotFound>> GetAsync(HttpContext http, CarePlanService service)
    {
        if (await service.GetAsync(http.User.UserId(), http.RequestAborted) is not { } plan) return TypedResults.NotFound();
        return TypedResults.Ok(new CarePlanDto(plan[CarePart.Drains], plan[CarePart.Restores], plan[CarePart.WarningSigns], plan[CarePart.Boundaries],
            plan[CarePart.People], plan[CarePart.RestDays], plan.UpdatedAt, plan.ReviewedAt));
    }

    private static async Task<Results<NoContent, ValidationProblem>> PutAsync(CarePlanRequest request, HttpContext http, CarePlanService service, IStringLocalizer<SharedResource> t)
    {
        var parts = new Dictionary<CarePart, string?>
        {
            [CarePart.Drains] = request.Drains, [CarePart.Restores] = request.Restores, [CarePart.WarningSigns] = request.WarningSigns,
            [CarePart.Boundaries] = request.Boundaries, [CarePart.People] = request.People, [CarePart.RestDays] = request.RestDays,
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
