using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Write = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.NoContent, Microsoft.AspNetCore.Http.HttpResults.NotFound,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>;
using Made = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<Amparo.Web.Features.Incidents.IncidentsApi.IdResponse>, Microsoft.AspNetCore.Http.HttpResults.NotFound,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>;

namespace Amparo.Web.Features.Incidents;

/// <summary>
/// The incident reports API under /api/v1/incidents: the same rules as the pages, through <see cref="IncidentService"/> and
/// <see cref="IncidentAccess"/>. Choices are camelCase words ("arrestOrDetention", "week"); acts and perpetrators also carry
/// their HURIDOCS codes when read. What the caller may not see is 404; a change by someone who may only read it is 403;
/// a change over someone else's newer save is 409; bad input is 400 with the fields named.
/// </summary>
public static class IncidentsApi
{
    public sealed record IdResponse(Guid Id);
    public sealed record CreateIncidentRequest(
        Guid? OrganizationId, bool? AboutMe, string? ConcernedName, bool? NamedWithConsent,
        DateOnly? OccurredOn, string? Precision, string[]? Acts, string? PrimaryAct, string? Perpetrator, string[]? Groups, string[]? Domains,
        string? AreaId, double? Latitude, double? Longitude, string? Narrative);
    public sealed record FollowUpRequest(string? Status, Guid? HandlerId, int? Version);
    public sealed record NoteRequest(string? Text);
    public sealed record ReviewRequest(bool? Accept);

    public sealed record ActDto(string Act, IReadOnlyList<string> HuridocsCodes);
    public sealed record IncidentSummaryDto(Guid Id, Guid? OrganizationId, DateOnly OccurredOn, string Precision, string PrimaryAct, string[] Acts, string Status, bool ReportedByMe, DateTime CreatedAt, bool AwaitingReview);
    public sealed record NoteDto(Guid Id, Guid? AuthorId, string? Text, DateTime CreatedAt);
    public sealed record IncidentDto(
        Guid Id, Guid? OrganizationId, string Role, Guid? ReporterId, bool AboutReporter, string? ConcernedName,
        DateOnly OccurredOn, string Precision, IReadOnlyList<ActDto> Acts, string PrimaryAct, string Perpetrator, string PerpetratorHuridocsCode,
        string[] Groups, string[] Domains, string? AreaId, double? CellLatitude, double? CellLongitude, string? Narrative,
        string Status, Guid? HandlerId, DateTime CreatedAt, DateTime UpdatedAt, int Version, IReadOnlyList<NoteDto> Notes,
        bool AwaitingReview, bool ThroughLink, string? Contact);

    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit)
            .AddEndpointFilter(PlansApi.TwoFactorFirstAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        incidents.MapGet("/", ListAsync).WithName("ListIncidents").WithSummary("The incident reports I may see")
            .WithDescription("The caller's own reports and personal records, and the reports of organizations where the caller is an admin or focal point; newest first.");
        incidents.MapPost("/", CreateAsync).WithName("CreateIncident").WithSummary("Report an incident")
            .WithDescription("To organizationId (a member; only its admins and focal points report for someone else: aboutMe false), or, without organizationId, a personal record only the caller sees. A point (latitude, longitude) is kept as its coarse cell, and the exact point only when the organization chose to keep it (encrypted, for its chosen days, at most 30).");
        incidents.MapGet("/{id:guid}", GetAsync).WithName("GetIncident").WithSummary("An incident report, decrypted")
            .WithDescription("With the HURIDOCS codes of its acts and perpetrator type, and its follow-up notes.");
        incidents.MapPut("/{id:guid}/follow-up", FollowUpAsync).WithName("FollowUpIncident").WithSummary("Set the status and who handles it")
            .WithDescription("status: new, verified, needs-follow-up or closed; handlerId: an admin or focal point of the organization (or null). Send the version you read: 409 when someone changed it since.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        incidents.MapGet("/export", ExportAsync).WithName("ExportIncidents").WithSummary("An organization's reports as JSON or CSV, with HURIDOCS codes")
            .WithDescription("organizationId: an organization where the caller is an admin or focal point (anyone else: 404). format: json (default, amparo-incidents/1) or csv (the columns the import reads). Texts are decrypted; the export is audited.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        incidents.MapPost("/{id:guid}/attachments", AttachAsync).WithName("AddIncidentAttachment").WithSummary("Add a photo, document or recording")
            .WithDescription("The file is the request body (up to 10 MB; its type is read from its bytes), its name in ?fileName=. A photo (JPEG, PNG, WebP) is stored re-encoded without its metadata and the answer lists what was removed; HEIC and other images that cannot be cleaned are refused (400, field \"file\"). Documents and recordings are kept as sent.")
            // The body is read as bytes by the handler (any content type: the file's own bytes say what it is), so no
            // Accepts metadata, which would refuse a content type before the handler could say why.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(Evidence.MaxBytes + 1));
        incidents.MapGet("/{id:guid}/attachments/{fileId:guid}", DownloadAsync).WithName("GetIncidentAttachment").WithSummary("Download a file of a report")
            .Produces<byte[]>(StatusCodes.Status200OK, "application/octet-stream");
        incidents.MapPost("/{id:guid}/review", ReviewAsync).WithName("ReviewIncident").WithSummary("Accept or discard a report sent through a report link")
            .WithDescription("For the organization's admins and focal points, while the report awaits review (awaitingReview true). accept true: it joins the organization's reports; false: it is deleted. 403 once reviewed or for anyone who only reads it.");
        incidents.MapPost("/{id:guid}/notes", NoteAsync).WithName("AddIncidentNote").WithSummary("Add a follow-up note");
        return api;
    }

    private static async Task<Ok<List<IncidentSummaryDto>>> ListAsync(HttpContext http, IncidentService service) =>
        TypedResults.Ok((await service.ListAsync(http.User.UserId(), http.RequestAborted))
            .Select(s => new IncidentSummaryDto(s.Id, s.OrganizationId, s.OccurredOn, PlanWire.Word(s.Precision), PlanWire.Word(s.PrimaryAct),
                Flags.Each(s.Acts).Select(PlanWire.Word).ToArray(), IncidentService.StatusName(s.Status), s.ReportedByViewer, s.CreatedAt, s.AwaitingReview))
            .ToList());

    private static async Task<Made> CreateAsync(CreateIncidentRequest? request, HttpContext http, IncidentService service, IStringLocalizer<SharedResource> t)
    {
        if (request is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [t["Incidents.Error.Choice"].Value] });
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var precision = One<DatePrecision>(errors, "precision", request.Precision ?? "day");
        var primary = One<IncidentActs>(errors, "primaryAct", request.PrimaryAct);
        var perpetrator = One<PerpetratorType>(errors, "perpetrator", request.Perpetrator ?? "unknown");
        var acts = Many<IncidentActs>(errors, "acts", request.Acts);
        var groups = Many<TargetedGroups>(errors, "groups", request.Groups);
        var domains = Many<SecurityDomains>(errors, "domains", request.Domains);
        if (errors.Count > 0) return ApiErrors.Invalid(errors, t);
        var input = new IncidentInput(request.OrganizationId, request.AboutMe ?? true, request.ConcernedName, request.NamedWithConsent ?? false,
            request.OccurredOn, precision, acts, primary, perpetrator, groups, domains, request.AreaId, request.Latitude, request.Longitude, request.Narrative);
        var result = await service.CreateAsync(http.User.UserId(), input, http.RequestAborted);
        return result.Status == IncidentWriteStatus.Done
            ? TypedResults.Created($"/api/v1/incidents/{result.Id}", new IdResponse(result.Id!.Value))
            : Fail<Made>(result, t, x => x, x => x, x => x);
    }

    private static async Task<Results<Ok<IncidentDto>, NotFound>> GetAsync(Guid id, HttpContext http, IncidentService service)
    {
        if (await service.ReadAsync(http.User.UserId(), id, http.RequestAborted) is not { } view) return TypedResults.NotFound();
        var i = view.Incident;
        return TypedResults.Ok(new IncidentDto(
            i.Id, i.OrganizationId, PlanWire.Word(view.Role), i.ReporterId, i.AboutReporter, view.ConcernedName,
            i.OccurredOn, PlanWire.Word(i.Precision), Flags.Each(i.Acts).Select(a => new ActDto(PlanWire.Word(a), Huridocs.ActCodes(a))).ToList(),
            PlanWire.Word(i.PrimaryAct), PlanWire.Word(i.Perpetrator), Huridocs.PerpetratorCode(i.Perpetrator),
            Flags.Each(i.Groups).Select(PlanWire.Word).ToArray(), PlanWire.Words(i.Domains), i.AreaId, i.CellLatitude, i.CellLongitude, view.Narrative,
            IncidentService.StatusName(i.Status), i.HandlerId, i.CreatedAt, i.UpdatedAt, i.Version,
            view.Notes.Select(n => new NoteDto(n.Id, n.AuthorId, n.Text, n.CreatedAt)).ToList(),
            i.AwaitingReview, i.LinkId is not null, view.Contact));
    }

    private static async Task<Write> FollowUpAsync(Guid id, FollowUpRequest? request, HttpContext http, IncidentService service, IStringLocalizer<SharedResource> t)
    {
        if (request is null || IncidentService.ParseStatus(request.Status) is not { } status)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [t["Incidents.Error.Choice"].Value] });
        return Answer(await service.FollowUpAsync(http.User.UserId(), id, status, request.HandlerId, request.Version, http.RequestAborted), t);
    }

    private static async Task<Write> ReviewAsync(Guid id, ReviewRequest? request, HttpContext http, IncidentService service, IStringLocalizer<SharedResource> t)
    {
        if (request?.Accept is not { } accept) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["accept"] = [t["Incidents.Error.Choice"].Value] });
        return Answer(await service.ReviewAsync(http.User.UserId(), id, accept, http.RequestAborted), t);
    }

    private static async Task<Write> NoteAsync(Guid id, NoteRequest? request, HttpContext http, IncidentService service, IStringLocalizer<SharedResource> t)
    {
        if (request is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [t["Incidents.Error.NoteEmpty"].Value] });
        return Answer(await service.AddNoteAsync(http.User.UserId(), id, request.Text, http.RequestAborted), t);
    }

    private static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> ExportAsync(
        Guid? organizationId, string? format, HttpContext http, IncidentExport export, IStringLocalizer<SharedResource> t)
    {
        if (format is not (null or "json" or "csv"))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [t["Incidents.Error.Choice"].Value] });
        if (organizationId is not { } org || await export.RowsAsync(http.User.UserId(), org, http.RequestAborted) is not { } rows)
            return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "no-store";
        return format == "csv"
            ? TypedResults.File(IncidentExport.ToCsv(rows), "text/csv; charset=utf-8", "incidents.csv")
            : TypedResults.File(IncidentExport.ToJson(rows), "application/json", "incidents.json");
    }

    public sealed record AttachmentResponse(Guid Id, string[] Removed);

    private static async Task<Results<Created<AttachmentResponse>, NotFound, ProblemHttpResult, ValidationProblem>> AttachAsync(
        Guid id, string? fileName, HttpContext http, IncidentService service, IStringLocalizer<SharedResource> t)
    {
        // Someone who may not add to this report (or a made-up id) is answered before the body is read.
        if (!await service.MayAddEvidenceAsync(http.User.UserId(), id, http.RequestAborted)) return TypedResults.NotFound();
        using var buffer = new MemoryStream();
        var limit = Evidence.MaxBytes + 1;
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) break;
        }
        if (buffer.Length == 0) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [t["Incidents.Evidence.Error.None"].Value] });
        var result = await service.AddEvidenceAsync(http.User.UserId(), id, fileName, buffer.ToArray(), http.RequestAborted);
        return result.Status switch
        {
            IncidentWriteStatus.Done => TypedResults.Created($"/api/v1/incidents/{id}/attachments/{result.Id}",
                new AttachmentResponse(result.Id!.Value, Flags.Each(result.Removed).Select(PlanWire.Word).ToArray())),
            IncidentWriteStatus.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [t["Incidents.Evidence.Error." + result.Refusal].Value] }),
            IncidentWriteStatus.NotAllowed => TypedResults.Problem(title: t["Incidents.Error.NotAllowed"].Value, statusCode: StatusCodes.Status403Forbidden),
            IncidentWriteStatus.NotFound or IncidentWriteStatus.Conflict => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> DownloadAsync(Guid id, Guid fileId, HttpContext http, IncidentService service) =>
        await service.ReadEvidenceAsync(http.User.UserId(), id, fileId, http.RequestAborted) is { } file
            ? TypedResults.File(file.Bytes, file.ContentType, file.FileName)
            : TypedResults.NotFound();

    private static T One<T>(Dictionary<string, string> errors, string field, string? word) where T : struct, Enum
    {
        if (PlanWire.TryParse<T>(word, out var value) && Enum.IsDefined(value)) return value;
        errors[field] = "Incidents.Error.Choice";
        return default;
    }

    private static T Many<T>(Dictionary<string, string> errors, string field, string[]? words) where T : struct, Enum
    {
        ulong bits = 0;
        foreach (var word in words ?? [])
        {
            if (word is not null && PlanWire.TryParse<T>(word, out var value) && Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture) != 0)
                bits |= Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            else errors[field] = "Incidents.Error.Choice";
        }
        return (T)Enum.ToObject(typeof(T), bits);
    }


    private static Write Answer(IncidentWrite result, IStringLocalizer t) =>
        result.Status == IncidentWriteStatus.Done ? TypedResults.NoContent() : Fail<Write>(result, t, x => x, x => x, x => x);

    /// <summary>Any outcome but Done, as its status code (the Done arm is never taken: callers answer it themselves).</summary>
    private static T Fail<T>(IncidentWrite result, IStringLocalizer t, Func<NotFound, T> notFound, Func<ProblemHttpResult, T> problem, Func<ValidationProblem, T> invalid) =>
        result.Status switch
        {
            IncidentWriteStatus.NotFound or IncidentWriteStatus.Done => notFound(TypedResults.NotFound()),
            IncidentWriteStatus.NotAllowed => problem(TypedResults.Problem(title: t["Incidents.Error.NotAllowed"].Value, statusCode: StatusCodes.Status403Forbidden)),
            IncidentWriteStatus.Conflict => problem(TypedResults.Problem(title: t["Incidents.Error.Conflict"].Value, statusCode: StatusCodes.Status409Conflict)),
            IncidentWriteStatus.Invalid => invalid(ApiErrors.Invalid(result.Errors ?? new Dictionary<string, string>(), t)),
        };
}
