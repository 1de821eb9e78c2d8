using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Amparo.Web.Features.CheckIns;

/// <summary>The check-in API: a stable contract for mobile apps and gateways. Every route needs a bearer token and is owner-scoped (404 for anyone else's).</summary>
public static class CheckInsApi
{
    public const string RateLimit = "checkins";

    public sealed record PlanRequest(
        string? Place, string? Purpose, string? Needs, double? Latitude, double? Longitude, DateTimeOffset? StartsAt, DateTimeOffset? DueAt,
        int? CheckInEveryMinutes, int? GraceMinutes, string? Message, Guid[]? Companions, bool? Drill,
        int? Level2DelayMinutes = null, int? Level3DelayMinutes = null);
    public sealed record CheckInRequest(string? Pin, string? Note, double? Latitude, double? Longitude);
    public sealed record ExtendRequest(int? Minutes, string? Pin);
    public sealed record CloseRequest(string? Pin);
    public sealed record PanicRequest(double? Latitude, double? Longitude, string? Note);
    public sealed record PanicResponse(Guid AlertId);
    public sealed record LocationRequest(double? Latitude, double? Longitude);
    public sealed record ResolveRequest(string? Outcome, string? Note);
    public sealed record CancelRequest(string? Pin);

    public sealed record VisitDto(
        Guid Id, string State, string? Outcome, bool Drill, DateTime StartsAt, DateTime DueAt, DateTime DeadlineAt, int GraceMinutes,
        int? CheckInEveryMinutes, string? Place, string? Purpose, string? Needs, double? Latitude, double? Longitude, string? Message,
        DateTime? LastCheckInAt, DateTime CreatedAt, DateTime? ClosedAt, string? PlannedBy);

    private static VisitDto Dto(VisitDetails v) => new(v.Id, CheckInService.StateName(v.State), v.Outcome is { } o ? CheckInService.OutcomeName(o) : null, v.IsDrill, v.StartsAt, v.DueAt, v.DeadlineAt, v.GraceMinutes,
        v.CheckInEveryMinutes, v.Place, v.Purpose, v.Needs, v.Latitude, v.Longitude, v.Message, v.LastCheckInAt, v.CreatedAt, v.ClosedAt, v.PlannedBy);

    public static RouteGroupBuilder MapCheckInsApi(this RouteGroupBuilder api)
    {
        var visits = api.MapGroup("/visits").WithTags("Visits").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(RateLimit);
        visits.MapPost("/", PlanAsync);
        visits.MapGet("/", ListAsync);
        visits.MapGet("/{id:guid}", GetAsync);
        visits.MapPost("/{id:guid}/check-ins", CheckInAsync);
        visits.MapPost("/{id:guid}/extend", ExtendAsync);
        visits.MapPost("/{id:guid}/close", CloseAsync);
        // A companion's part (state "invited", plannedBy set) starts only when they accept it.
        visits.MapPost("/{id:guid}/accept", AcceptAsync);
        visits.MapPost("/{id:guid}/decline", DeclineAsync);

        api.MapPost("/panic", PanicAsync).WithTags("Alerts").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(RateLimit);

        var alerts = api.MapGroup("/alerts").WithTags("Alerts").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(RateLimit);
        alerts.MapPost("/{id:guid}/locations", LocationAsync);
        alerts.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithSummary("I'm safe — cancel my panic")
            .WithDescription("The owner calls off their own open panic with their check-in PIN; everyone told hears the all-clear. 204 when cancelled, 400 for a missing or wrong PIN or after too many wrong PINs, 404 for anything but the caller's own panic, 409 when it is already closed.");
        alerts.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync);
        alerts.MapPost("/{id:guid}/resolve", ResolveAsync);
        return api;
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static async Task<Results<Created<VisitDto>, ValidationProblem>> PlanAsync(PlanRequest? request, HttpContext http, CheckInService service)
    {
        if (request is null) return Invalid("body", "A JSON body is required.");
        var drill = request.Drill == true;
        if (request.DueAt is null && !drill) return Invalid("dueAt", "Required: when you expect to be back (ISO 8601 with offset).");
        var plan = new VisitPlan(request.Place, request.Purpose, request.Needs, request.Latitude, request.Longitude, request.StartsAt?.UtcDateTime,
            request.DueAt?.UtcDateTime ?? DateTime.MaxValue, request.CheckInEveryMinutes, request.GraceMinutes, request.Message, request.Companions,
            request.Level2DelayMinutes, request.Level3DelayMinutes);
        var (visit, errors) = await service.PlanAsync(http.User.UserId(), plan, drill, http.RequestAborted);
        if (visit is null) return TypedResults.ValidationProblem(errors.ToDictionary(e => Camel(e.Key), e => new[] { ApiMessages.Of(e.Value) }));
        var details = await service.DetailsAsync(visit, http.RequestAborted);
        return TypedResults.Created($"/api/v1/visits/{visit.Id}", Dto(details));
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static async Task<Results<Ok<List<VisitDto>>, ValidationProblem>> ListAsync(string? state, HttpContext http, CheckInService service)
    {
        VisitState? filter = null;
        if (state is not null)
        {
            if (!Enum.TryParse<VisitState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || state.Any(char.IsDigit)) return Invalid("state", "One of: invited, planned, active, overdue, alerting, closed.");
            filter = parsed;
        }
        var list = await service.ListAsync(http.User.UserId(), filter, 100, http.RequestAborted);
        return TypedResults.Ok(list.Select(Dto).ToList());
    }

    private static async Task<Results<Ok<VisitDto>, NotFound>> GetAsync(Guid id, HttpContext http, CheckInService service) =>
        await service.GetAsync(http.User.UserId(), id, http.RequestAborted) is { } v ? TypedResults.Ok(Dto(v)) : TypedResults.NotFound();

    private static async Task<Results<Ok<VisitDto>, NotFound, ValidationProblem, Conflict<ProblemBody>>> AnswerAsync(ActionStatus status, Guid id, HttpContext http, CheckInService service) =>
        status switch
        {
            ActionStatus.Done => await service.GetAsync(http.User.UserId(), id, http.RequestAborted) is { } v ? TypedResults.Ok(Dto(v)) : TypedResults.NotFound(),
            ActionStatus.NotFound => TypedResults.NotFound(),
            ActionStatus.Closed => TypedResults.Conflict(new ProblemBody("The visit is already closed.", 409)),
            ActionStatus.WrongPin => Invalid("pin", "The PIN is not right."),
            ActionStatus.NeedsPin => Invalid("pin", "Your check-in PIN is needed for this."),
            ActionStatus.Locked => Invalid("pin", "PIN entry on this visit is locked after too many wrong PINs. Unlock it with your passphrase on the visit's page."),
            ActionStatus.TooLong => Invalid("minutes", "Without your PIN a visit can be extended by at most 60 minutes in all. Add your PIN to extend further."),
            ActionStatus.Invalid => Invalid("body", "A value is missing or not valid."),
        };

    public sealed record ProblemBody(string Title, int Status);

    private static async Task<Results<Ok<VisitDto>, NotFound, ValidationProblem, Conflict<ProblemBody>>> CheckInAsync(Guid id, CheckInRequest? request, HttpContext http, CheckInService service)
    {
        if (string.IsNullOrEmpty(request?.Pin)) return Invalid("pin", "Required.");
        if (!CheckInService.TextAcceptable(request.Note, CheckInService.MaxNote)) return Invalid("note", "At most 500 characters, without control characters.");
        if (!CheckInService.CoordinatesValid(request.Latitude, request.Longitude)) return Invalid("latitude", "Give both latitude (−90…90) and longitude (−180…180), or neither.");
        var status = await service.CheckInAsync(http.User.UserId(), id, new Proof(request.Pin, FreshSession: false), "api", request.Note, request.Latitude, request.Longitude, http.RequestAborted);
        return await AnswerAsync(status, id, http, service);
    }

    private static async Task<Results<Ok<VisitDto>, NotFound, ValidationProblem, Conflict<ProblemBody>>> ExtendAsync(Guid id, ExtendRequest? request, HttpContext http, CheckInService service)
    {
        if (request?.Minutes is not { } minutes) return Invalid("minutes", "Required: 1 to 1440.");
        var status = await service.ExtendAsync(http.User.UserId(), id, minutes, new Proof(request.Pin, FreshSession: false), "api", http.RequestAborted);
        return await AnswerAsync(status, id, http, service);
    }

    private static async Task<Results<Ok<VisitDto>, NotFound, ValidationProblem, Conflict<ProblemBody>>> CloseAsync(Guid id, CloseRequest? request, HttpContext http, CheckInService service)
    {
        if (string.IsNullOrEmpty(request?.Pin)) return Invalid("pin", "Required.");
        var status = await service.CloseAsync(http.User.UserId(), id, new Proof(request.Pin, FreshSession: false), "api", http.RequestAborted);
        return await AnswerAsync(status, id, http, service);
    }

    private static async Task<Results<Ok<VisitDto>, NotFound, ValidationProblem, Conflict<ProblemBody>>> AcceptAsync(Guid id, HttpContext http, CheckInService service) =>
        await service.AnswerInvitationAsync(http.User.UserId(), id, accept: true, http.RequestAborted) switch
        {
            ActionStatus.Closed => TypedResults.Conflict(new ProblemBody("This invitation was already answered, or its return time has passed.", 409)),
            var status => await AnswerAsync(status, id, http, service),
        };

    private static async Task<Results<Ok<VisitDto>, NotFound, ValidationProblem, Conflict<ProblemBody>>> DeclineAsync(Guid id, HttpContext http, CheckInService service) =>
        await service.AnswerInvitationAsync(http.User.UserId(), id, accept: false, http.RequestAborted) switch
        {
            ActionStatus.Closed => TypedResults.Conflict(new ProblemBody("This invitation was already answered, or its return time has passed.", 409)),
            var status => await AnswerAsync(status, id, http, service),
        };

    /// <summary>The body is required (at least <c>{}</c>): a program that sends nothing, or something unreadable, is told so rather than raising an alert.</summary>
    private static async Task<Results<Created<PanicResponse>, ValidationProblem>> PanicAsync(PanicRequest request, HttpContext http, CheckInService service)
    {
        if (!CheckInService.CoordinatesValid(request.Latitude, request.Longitude)) return Invalid("latitude", "Give both latitude (−90…90) and longitude (−180…180), or neither.");
        if (!CheckInService.TextAcceptable(request.Note, CheckInService.MaxNote)) return Invalid("note", "At most 500 characters, without control characters.");
        var id = await service.PanicAsync(http.User.UserId(), "api", request.Latitude, request.Longitude, request.Note, http.RequestAborted);
        return TypedResults.Created($"/api/v1/alerts/{id}", new PanicResponse(id));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> LocationAsync(Guid id, LocationRequest? request, HttpContext http, AlertService alerts)
    {
        if (request?.Latitude is not { } lat || request.Longitude is not { } lon || !CheckInService.CoordinatesValid(lat, lon))
            return Invalid("latitude", "Give latitude (−90…90) and longitude (−180…180).");
        return await alerts.AddLocationAsync(http.User.UserId(), id, lat, lon, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    /// <summary>A duress PIN answers exactly like the normal one (the panic then becomes a duress alert for responders).</summary>
    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<ProblemBody>>> CancelAsync(Guid id, CancelRequest? request, HttpContext http, CheckInService service)
    {
        if (string.IsNullOrEmpty(request?.Pin)) return Invalid("pin", "Required.");
        var status = await service.CancelPanicAsync(http.User.UserId(), id, request.Pin, "api", http.RequestAborted);
        switch (status)
        {
            case CancelStatus.Done: return TypedResults.NoContent();
            case CancelStatus.NotFound: return TypedResults.NotFound();
            case CancelStatus.Closed: return TypedResults.Conflict(new ProblemBody("The alert is already closed.", 409));
            case CancelStatus.WrongPin: return Invalid("pin", "The PIN is not right.");
            case CancelStatus.NeedsPin: return Invalid("pin", "Your check-in PIN is needed for this.");
            case CancelStatus.Locked: return Invalid("pin", "Too many wrong PINs: only the people told can close this alert now.");
        }
        throw new System.Diagnostics.UnreachableException(status.ToString());
    }

    private static async Task<Results<NoContent, NotFound, Conflict<ProblemBody>>> AcknowledgeAsync(Guid id, HttpContext http, AlertService alerts)
    {
        // Only someone who was notified of this alert, and still has the right to respond, may take it on; anyone else gets 404.
        var recipient = await alerts.RecipientForUserAsync(id, http.User.UserId(), AlertService.Actions.Acknowledge, http.RequestAborted);
        if (recipient is null) return TypedResults.NotFound();
        return await alerts.AcknowledgeAsync(id, recipient.Id, http.RequestAborted)
            ? TypedResults.NoContent()
            : TypedResults.Conflict(new ProblemBody("Someone else is already handling this alert, or it is closed.", 409));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<ProblemBody>>> ResolveAsync(Guid id, ResolveRequest? request, HttpContext http, AlertService alerts)
    {
        if (!AlertService.TryParseOutcome(request?.Outcome, out var outcome)) return Invalid("outcome", "One of: safe, false-alarm, needs-help, missing.");
        if (!CheckInService.TextAcceptable(request!.Note, CheckInService.MaxNote)) return Invalid("note", "At most 500 characters, without control characters.");
        var recipient = await alerts.RecipientForUserAsync(id, http.User.UserId(), AlertService.Actions.Resolve, http.RequestAborted);
        if (recipient is null) return TypedResults.NotFound();
        return await alerts.ResolveAsync(id, recipient.Id, outcome, request.Note, http.RequestAborted)
            ? TypedResults.NoContent()
            : TypedResults.Conflict(new ProblemBody("The alert is already closed.", 409));
    }
}

/// <summary>English API messages for the resource keys the services return (the API speaks English; pages translate).</summary>
public static class ApiMessages
{
    public static string Of(string key) => key switch
    {
        "Visit.Error.TooLong" => "Too long, or holds characters that are not allowed.",
        "Visit.Error.Coordinates" => "Give both latitude (−90…90) and longitude (−180…180), or neither.",
        "Visit.Error.DueAt" => "Must be in the future and within 14 days.",
        "Visit.Error.StartsAt" => "Must be before the return time.",
        "Visit.Error.Every" => "Between 5 and 1440 minutes.",
        "Visit.Error.Grace" => "Between 0 and 240 minutes.",
        "Visit.Error.Delays" => "Between 0 and 240 minutes.",
        "Visit.Error.Companions" => "Companions must be members of one of your organizations (at most 10).",
        _ => "Not valid.",
    };
}
