using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Networks;

/// <summary>
/// The directory and referrals under /api/v1, with the rules of <see cref="NetworkDirectory"/> and <see cref="Referrals"/>:
/// what the caller may not see or change is 404, bad input 400 with the fields named. Enum values are camelCase words
/// ("digitalSecurity", "awaitingConsent").
/// </summary>
public static class NetworksApi
{
    public sealed record FoundDto(Guid EntryId, Guid ServiceId, string Organization, string Network, string Kind, string[] Languages, string[] Regions,
        string[] Groups, int? ResponseHours, string Capacity, DateOnly? FullUntil, DateTime CapacityConfirmedAt, string FrontGate);
    public sealed record SearchDto(FoundDto[] Services, int Total, int Page, int Pages);
    public sealed record ContactDto(string Kind, string Level, string Value);
    public sealed record ServiceDto(Guid Id, string Kind, string[] Languages, string[] Regions, string[] Groups, int? ResponseHours, string Capacity,
        DateOnly? FullUntil, DateTime CapacityConfirmedAt, string Notes);
    public sealed record EntryDto(Guid Id, Guid NetworkId, string Network, Guid OrganizationId, string Organization, string Description, string Visibility,
        string FrontGate, ServiceDto[] Services, ContactDto[] Contacts, bool CanEdit, bool CanUpdateCapacity);
    public sealed record CapacityBody(string? Capacity, DateOnly? FullUntil);
    public sealed record ReferralBody(Guid? ServiceId, Guid? DefenderId, string? Language, string? Name, string? Reach, string? Story, string? OverrideReason);
    public sealed record DetailsDto(string Name, string Reach, string Story);
    public sealed record DetailsBody(string? Name, string? Reach, string? Story);
    /// <summary><c>act</c>: consent, withdraw, revoke, accept, decline, start, done or close.</summary>
    public sealed record ActBody(string? Act, string? Declined, string? Outcome, bool? Helped, DetailsBody? Details);
    /// <summary><c>organization</c> and <c>network</c> are null once the provider organization or the network was deleted (the referral stays the defender's record).</summary>
    public sealed record ReferralDto(Guid Id, string Kind, string Language, string State, string[] MyRoles, Guid ProviderOrganizationId, string? Organization,
        string? Network, Guid? EntryId, string? Consent, string? Declined, string? Outcome, DateTime CreatedAt, DateTime? SentAt, DateTime? AcceptedAt,
        DateTime? EndedAt, DetailsDto? Details, string? OverrideReason, string? SenderName, string[] Acts);
    public sealed record LineDto(Guid Id, string Kind, string? Organization, string State, DateTime UpdatedAt);
    public sealed record ListDto(LineDto[] ForMe, LineDto[] Sent, LineDto[] Incoming);
    public sealed record IdResponse(Guid Id);
    public sealed record HsdsReportDto(int ServicesAdded, int ServicesUpdated, Dictionary<string, int> Contacts);

    public static RouteGroupBuilder MapNetworksApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder Group(string path, string tag) => api.MapGroup(path).WithTags(tag).RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync);
        var directory = Group("/directory", "Directory");
        directory.MapGet("/", SearchAsync).WithName("SearchDirectory").WithSummary("Search the services of the entries I may find, those taking cases first")
            .WithDescription("need: legal, psychosocial, medical, digitalSecurity, digitalHelpLine, physicalProtection, relocation, rapidResponse or funding; language: en, es, fr, ar or ru; "
                + "region: a UN M49 sub-region code (a service for anywhere matches every region); group: womenAndTrans, lgbti, journalists, landAndEnvironment, lawyers, indigenous or youth "
                + "(a service for anyone matches every group); page: 1 on, 20 a page. An unknown value is ignored, as on the page. Writes nothing.");
        directory.MapGet("/{entryId:guid}", EntryAsync).WithName("GetDirectoryEntry").WithSummary("One entry as I may see it")
            .WithDescription("Its services and the contacts my level allows (public; network members; after a referral the provider is working on; never shown — its organization only). "
                + "A contact above my level is left out, not masked. 404 when I may not find it.");
        directory.MapPut("/services/{serviceId:guid}/capacity", CapacityAsync).WithName("SetServiceCapacity")
            .WithSummary("The provider's one click: taking, fullUntil (with fullUntil, today to a year ahead) or emergenciesOnly (its organization's admins and focal points)")
            .WithDescription("The same value again says it is still true (its confirmation time moves). 404 for anyone else.").ProducesValidationProblem();
        directory.MapGet("/networks/{networkId:guid}/hsds", HsdsExportAsync).WithName("ExportDirectoryHsds")
            .WithSummary("A network's directory as Open Referral HSDS 3.0 JSON (organizations with their services), as I may see it")
            .WithDescription("audience: network (default: the entries I may find, with their public and network-members contacts) or public (public entries and public "
                + "contacts only, for publishing). Contacts \"after a referral\" or \"never shown\" are never exported, whoever asks. Amparo's kind of help, groups, capacity, "
                + "response promise and each contact's confidentiality level are HSDS attributes from Amparo's taxonomies (amparo-service-kind, amparo-eligibility, "
                + "amparo-capacity, amparo-response-promise, amparo-confidentiality; see docs/network.md). 404 when I am not in the network and find none of its entries.")
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, "application/json").ProducesValidationProblem();
        directory.MapPost("/networks/{networkId:guid}/organizations/{organizationId:guid}/hsds", HsdsImportAsync).WithName("ImportDirectoryHsds")
            .WithSummary("Write one organization's HSDS 3.0 JSON into its entry in the network (its admins only)")
            .WithDescription("The body: one HSDS organization object (or an array holding one), up to 1 MB and 200 services. Description, front gate (a phone with the "
                + "amparo-contact-role:front-gate attribute, else the organization's email, else its website), services (the kind from an amparo-service-kind attribute, "
                + "required; a service whose id is one of the entry's is changed, any other added) and contacts (replaced; the level from an amparo-confidentiality "
                + "attribute, else networkMembers — an address: never). Contacts at the after-referral and never-shown levels are kept unless the file repeats them. "
                + "All or nothing. 400 with the fields named; 404 when I am not the organization's admin or it is not in the network.")
            .Produces<HsdsReportDto>().ProducesValidationProblem()
            // The body is read by the handler (an HSDS file is larger than the API's other bodies, and a malformed one must be a
            // 400 naming it, not a binding failure); past twice the file limit the request is refused before it is read.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2 * DirectoryHsds.MaxBytes));
        var referrals = Group("/referrals", "Referrals");
        referrals.MapGet("/", ListAsync).WithName("ListReferrals").WithSummary("Referrals for me, sent by me, and to the organizations whose referrals I handle (once sent)");
        referrals.MapGet("/{id:guid}", ReferralAsync).WithName("GetReferral").WithSummary("One referral as I may see it")
            .WithDescription("details (name, reach, story): for the defender always, the sender until the defender agrees, the provider only while accepted or in progress. "
                + "overrideReason and senderName: for the defender (and the reason for its sender). acts: what I may do now. 404 when I have no part in it (a provider before consent included).");
        referrals.MapPost("/", CreateAsync).WithName("CreateReferral").WithSummary("Refer myself, or a member of an organization where I am a focal point or admin, to a service I may find")
            .WithDescription("language: one the service offers; name required; reach and story optional. A self-referral is sent at once; one for someone else waits for their consent "
                + "(asked by e-mail, and by SMS with a reply code when their phone is verified), unless overrideReason is given (a focal point or admin of their organization only; required "
                + "non-empty then), which sends it at once and tells them why. 404 for a service or person not mine to refer.")
            .ProducesValidationProblem();
        referrals.MapPost("/{id:guid}/acts", ActAsync).WithName("ActOnReferral").WithSummary("One act on a referral, as its defender, sender or provider")
            .WithDescription("act: consent (the defender; details may replace what the sender wrote), withdraw (the defender, while open), revoke (the sender, while open), "
                + "accept or decline (the provider, when sent; declined: noCapacity, outsideMandate, notEligible, languageNotServed, conflictOfInterest or other), start (accepted), "
                + "done (accepted or in progress; outcome: needMet, referredOnward, noLongerReachable, needChanged, couldNotHelp or other), close (done; the defender's helped counts). "
                + "An act out of turn is 400 (field state); 404 when I have no part in it.")
            .ProducesValidationProblem();
        return api;
    }

    private static string[] Codes(string spaceSeparated) => spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    private static string[] GroupWords(Eligibility eligible) => [.. Flags.Each(eligible).Select(g => PlanWire.Word(g))];

    private static async Task<Ok<SearchDto>> SearchAsync(string? need, string? language, string? region, string? group, int? page, HttpContext http, NetworkDirectory directory)
    {
        var search = new DirectorySearch(PlanWire.TryParse<ServiceKind>(need, out var k) ? k : null, language, region,
            PlanWire.TryParse<Eligibility>(group, out var g) && g != Eligibility.None ? g : Eligibility.None);
        var r = await directory.SearchAsync(http.User.UserId(), search, page ?? 1, http.RequestAborted);
        return TypedResults.Ok(new SearchDto([.. r.Services.Select(f => new FoundDto(f.EntryId, f.ServiceId, f.Organization, f.Network, PlanWire.Word(f.Kind),
            Codes(f.Languages), Codes(f.Regions), GroupWords(f.Eligible), f.ResponseHours, PlanWire.Word(f.Capacity), f.FullUntil, f.CapacityConfirmedAt, f.FrontGate))],
            r.Total, r.Page, r.Pages));
    }

    private static async Task<Results<Ok<EntryDto>, NotFound>> EntryAsync(Guid entryId, HttpContext http, NetworkDirectory directory)
    {
        if (await directory.ViewAsync(http.User.UserId(), entryId, http.RequestAborted) is not { } v) return TypedResults.NotFound();
        var e = v.Entry;
        return TypedResults.Ok(new EntryDto(e.Id, e.NetworkId, v.Network, e.OrganizationId, v.Organization, e.Description, PlanWire.Word(e.Visibility), e.FrontGate,
            [.. v.Services.Select(s => new ServiceDto(s.Id, PlanWire.Word(s.Kind), Codes(s.Languages), Codes(s.Regions), GroupWords(s.Eligible), s.ResponseHours,
                PlanWire.Word(s.Capacity), s.FullUntil, s.CapacityConfirmedAt, s.Notes))],
            [.. v.Contacts.Select(c => new ContactDto(PlanWire.Word(c.Kind), PlanWire.Word(c.Level), c.Value))], v.CanEdit, v.CanUpdateCapacity));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> CapacityAsync(Guid serviceId, CapacityBody body, HttpContext http, NetworkDirectory directory,
        IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<Capacity>(body.Capacity, out var capacity))
            return ApiErrors.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { ["capacity"] = "Validation.Invalid" }, t);
        var result = await directory.SetCapacityAsync(http.User.UserId(), serviceId, capacity, body.FullUntil, http.RequestAborted);
        return result.Status switch
        {
            DirectoryWriteStatus.Done => TypedResults.NoContent(),
            DirectoryWriteStatus.NotFound => TypedResults.NotFound(),
            DirectoryWriteStatus.Invalid => ApiErrors.Invalid(Camel(result.Errors!), t),
        };
    }

    private static async Task<Results<Ok<System.Text.Json.Nodes.JsonArray>, NotFound, ValidationProblem>> HsdsExportAsync(Guid networkId, string? audience,
        HttpContext http, DirectoryHsds hsds, IStringLocalizer<SharedResource> t)
    {
        if (audience is not (null or "network" or "public"))
            return ApiErrors.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { ["audience"] = "Validation.Invalid" }, t);
        var export = await hsds.ExportAsync(http.User.UserId(), networkId, audience == "public", http.RequestAborted);
        return export is null ? TypedResults.NotFound() : TypedResults.Ok(export);
    }

    private static async Task<Results<Ok<HsdsReportDto>, NotFound, ValidationProblem>> HsdsImportAsync(Guid networkId, Guid organizationId, HttpContext http,
        DirectoryHsds hsds, IStringLocalizer<SharedResource> t)
    {
        // Read one byte past the limit, so a file that is too large is told apart from one that is exactly the limit.
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length <= DirectoryHsds.MaxBytes && (read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            buffer.Write(chunk, 0, read);
        var result = await hsds.ImportAsync(http.User.UserId(), networkId, organizationId, buffer.GetBuffer().AsMemory(0, (int)Math.Min(buffer.Length, DirectoryHsds.MaxBytes + 1)),
            http.RequestAborted);
        return result.Status switch
        {
            DirectoryWriteStatus.Done => TypedResults.Ok(new HsdsReportDto(result.Report!.ServicesAdded, result.Report.ServicesUpdated,
                result.Report.Contacts.ToDictionary(c => PlanWire.Word(c.Key), c => c.Value, StringComparer.Ordinal))),
            DirectoryWriteStatus.NotFound => TypedResults.NotFound(),
            // A refused service is named by the name it has in the file, so the admin knows which one to fix.
            DirectoryWriteStatus.Invalid => TypedResults.ValidationProblem(result.Errors!.ToDictionary(e => Camel(e.Key),
                e => new[] { result.Names is not null && result.Names.TryGetValue(e.Key, out var name) && name.Length > 0 ? $"{t[e.Value].Value} ({name})" : t[e.Value].Value },
                StringComparer.Ordinal)),
        };
    }

    /// <summary>The service's field names ("FullUntil") as the API's JSON names them ("fullUntil").</summary>
    private static Dictionary<string, string> Camel(IReadOnlyDictionary<string, string> errors) =>
        errors.ToDictionary(e => Camel(e.Key), e => e.Value, StringComparer.Ordinal);

    /// <summary>"services[2].Languages" → "services[2].languages": each part of a path as the JSON names it.</summary>
    private static string Camel(string field) =>
        string.Join('.', field.Split('.').Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName));

    private static LineDto Line(ReferralLine l) => new(l.Id, PlanWire.Word(l.Kind), l.Organization, PlanWire.Word(l.State), l.UpdatedAt);

    private static async Task<Ok<ListDto>> ListAsync(HttpContext http, Referrals referrals)
    {
        var (forMe, sent, incoming) = await referrals.ListAsync(http.User.UserId(), http.RequestAborted);
        return TypedResults.Ok(new ListDto([.. forMe.Select(Line)], [.. sent.Select(Line)], [.. incoming.Select(Line)]));
    }

    private static async Task<Results<Ok<ReferralDto>, NotFound>> ReferralAsync(Guid id, HttpContext http, Referrals referrals)
    {
        if (await referrals.ViewAsync(http.User.UserId(), id, http.RequestAborted) is not { } v) return TypedResults.NotFound();
        var r = v.Referral;
        return TypedResults.Ok(new ReferralDto(r.Id, PlanWire.Word(r.Kind), r.Language, PlanWire.Word(r.State), RoleWords(v.Role), r.ProviderOrganizationId,
            v.Organization, v.Network, v.EntryId, r.Consent is { } c ? PlanWire.Word(c) : null, r.Declined is { } d ? PlanWire.Word(d) : null,
            r.Outcome is { } o ? PlanWire.Word(o) : null, r.CreatedAt, r.SentAt, r.AcceptedAt, r.EndedAt,
            v.Details is { } x ? new DetailsDto(x.Name, x.Reach, x.Story) : null, v.OverrideReason, v.SenderName,
            [.. Enum.GetValues<ReferralAct>().Where(v.Can).Select(a => PlanWire.Word(a))]));
    }

    private static string[] RoleWords(ReferralRole role) => [.. Flags.Each(role).Select(r => PlanWire.Word(r))];

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem>> CreateAsync(ReferralBody body, HttpContext http, Referrals referrals,
        IStringLocalizer<SharedResource> t)
    {
        if (body.ServiceId is not { } service || body.DefenderId is not { } defender) return TypedResults.NotFound();
        var result = await referrals.CreateAsync(http.User.UserId(), new ReferralInput(service, defender, body.Language ?? "", body.Name ?? "", body.Reach ?? "",
            body.Story ?? "", body.OverrideReason), http.RequestAborted);
        return result.Status switch
        {
            DirectoryWriteStatus.Done => TypedResults.Created($"/api/v1/referrals/{result.Id}", new IdResponse(result.Id!.Value)),
            DirectoryWriteStatus.NotFound => TypedResults.NotFound(),
            DirectoryWriteStatus.Invalid => ApiErrors.Invalid(Camel(result.Errors!), t),
        };
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ActAsync(Guid id, ActBody body, HttpContext http, Referrals referrals,
        IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<ReferralAct>(body.Act, out var act))
            return ApiErrors.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { ["act"] = "Validation.Invalid" }, t);
        // A word that is not on the list is left out, and the service names the field (a decline's reason, a done's outcome).
        var input = new Referrals.ActInput(PlanWire.TryParse<DeclineReason>(body.Declined, out var d) ? d : null,
            PlanWire.TryParse<DoneReason>(body.Outcome, out var o) ? o : null,
            body.Details is { } x ? new ReferralDetails(x.Name ?? "", x.Reach ?? "", x.Story ?? "") : null, body.Helped);
        var result = await referrals.ActAsync(http.User.UserId(), id, act, input, http.RequestAborted);
        return result.Status switch
        {
            DirectoryWriteStatus.Done => TypedResults.NoContent(),
            DirectoryWriteStatus.NotFound => TypedResults.NotFound(),
            DirectoryWriteStatus.Invalid => ApiErrors.Invalid(Camel(result.Errors!), t),
        };
    }
}
