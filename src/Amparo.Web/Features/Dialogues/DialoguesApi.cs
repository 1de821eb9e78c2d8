using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// Dialogues under /api/v1/dialogues, with the rules of <see cref="Dialogues"/>: what the caller may not see or do is
/// 404, bad input 400 with the fields named, an act the dialogue (or the post) has moved past 409. Enum values are
/// camelCase words ("wrappingUp", "facilitator"). People appear by pseudonym only, as on the pages.
/// </summary>
public static class DialoguesApi
{
    public sealed record LineDto(Guid Id, string Title, string Phase, DateTime StartsAt, DateTime EndsAt, bool IsPublic);
    public sealed record ThreadDto(Guid Id, int Position, string Title, string Question, string[] Prompts, DateTime OpensAt, DateTime ClosesAt, bool MembersOnly, bool Reviewed);
    public sealed record MeDto(Guid Id, string Pseudonym, string Role, bool Digest);
    /// <summary><c>summary</c>: the published summary, or for the members the summary so far while it runs; null otherwise.</summary>
    public sealed record DialogueDto(Guid Id, Guid NetworkId, string Title, string Purpose, string Phase, DateTime StartsAt, DateTime EndsAt, string TimeZone,
        string[] Languages, bool IsPublic, int Version, MeDto? Me, bool IsCoordinator, ThreadDto[] Threads, string? Summary);
    public sealed record DialogueBody(Guid? NetworkId, string? Title, string? Purpose, string[]? Languages, DateTime? StartsAt, DateTime? EndsAt, string? TimeZone,
        bool? IsPublic, Guid[]? OtherNetworks);
    public sealed record ThreadBody(string? Title, string? Question, string? Prompts, DateTime? OpensAt, DateTime? ClosesAt, bool? MembersOnly);
    /// <summary><c>move</c>: prepare, open, publishSummary, archive or backToDraft; <c>version</c>: the dialogue's version you read (optional).</summary>
    public sealed record MoveBody(string? Move, int? Version);
    public sealed record InviteBody(string? Role);
    public sealed record InvitationDto(Guid Id, string Role, string Secret, DateTime ExpiresAt);
    public sealed record JoinBody(string? Pseudonym, string? Invitation, int? PostsPromised, bool? Digest);
    public sealed record PostBody(string? Text, Guid? ParentId, Guid? QuoteId, Guid? ResourceId);
    public sealed record QuoteDto(Guid PostId, string Author, string Text);
    /// <summary><c>text</c> is null when the caller may not read it (waiting for a moderator, hidden, removed); <c>hidden</c> is the reason, for its author and the moderators.</summary>
    public sealed record PostDto(Guid Id, string Author, Guid AuthorId, string AuthorRole, Guid? ParentId, string? Text, string State, string? Hidden, bool Redacted,
        DateTime CreatedAt, QuoteDto? Quote, Guid? ResourceId, bool Mine, PostDto[] Replies);
    public sealed record PostsDto(PostDto[] Posts, int Page, int Pages, int Total);
    public sealed record ReportBody(string? Reason);
    /// <summary><c>act</c>: approve, redact (with <c>text</c>, the post as others will read it), hide (with <c>reason</c>), restore or dismissReports.</summary>
    public sealed record ModerateBody(string? Act, string? Reason, string? Text);
    public sealed record SummaryBody(string? Text, int Version);
    public sealed record ResourceBody(string? Title, string? Url);
    public sealed record ResourceDto(Guid Id, string Title, string? Url, string? File, bool Curated);
    public sealed record IdResponse(Guid Id);

    public static RouteGroupBuilder MapDialoguesApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/dialogues").WithTags("Dialogues").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync);
        g.MapGet("/", ListAsync).WithName("ListDialogues").WithSummary("The dialogues I may see: my networks' (drafts only for their coordinators), public ones, those I joined");
        g.MapPost("/", CreateAsync).WithName("CreateDialogue").WithSummary("Start a dialogue in a network I coordinate (a draft)")
            .WithDescription("Times in UTC; the dialogue's days are counted in timeZone (an IANA id). languages: en, es, fr, ar, ru. otherNetworks: networks I also coordinate "
                + "whose members join the audience. isPublic: threads not members-only are readable by anyone, and posts there wait for a moderator. 404 when I coordinate no such network.")
            .ProducesValidationProblem();
        g.MapGet("/{id:guid}", GetAsync).WithName("GetDialogue").WithSummary("One dialogue as I may see it, with its threads as I may read them");
        g.MapPost("/{id:guid}/threads", AddThreadAsync).WithName("AddDialogueThread").WithSummary("Add a guiding question (coordinators, while drafted or prepared)")
            .WithDescription("No opensAt/closesAt: one thread a day from the start, in order, closing at the end. 409 once the dialogue is open.").ProducesValidationProblem();
        g.MapPost("/{id:guid}/move", MoveAsync).WithName("MoveDialogue").WithSummary("Move it on: prepare, open, backToDraft, archive (coordinators); publishSummary (facilitators)")
            .WithDescription("open needs every thread reviewed by a facilitator; publishSummary needs the dialogue over and a summary written, and closes it. 409 when it is not the time.")
            .ProducesValidationProblem();
        g.MapPost("/{id:guid}/invitations", InviteAsync).WithName("InviteToDialogue").WithSummary("An invitation link's secret for a role (coordinators): leader, facilitator, moderator or participant")
            .WithDescription("The secret is returned once; whoever joins with it takes the role under their own pseudonym.").ProducesValidationProblem();
        g.MapPost("/{id:guid}/join", JoinAsync).WithName("JoinDialogue").WithSummary("Join under a pseudonym, from the audience or with an invitation's secret")
            .WithDescription("The pseudonym is 2 to 40 characters, unique in the dialogue, and not my account's name or e-mail. Nobody but the server admin, by a recorded command, "
                + "can resolve it to my account. postsPromised: a leader's posts per live day (1 to 10).").ProducesValidationProblem();
        g.MapPut("/{id:guid}/summary", SummaryAsync).WithName("SaveDialogueSummary").WithSummary("Save the summary (facilitators and coordinators), with the version read")
            .WithDescription("409 when someone saved it meanwhile (read it again) or the dialogue is closed.").ProducesValidationProblem();
        g.MapGet("/{id:guid}/resources", ResourcesAsync).WithName("ListDialogueResources").WithSummary("The resources I may read: members all, the public the curated ones once closed");
        g.MapPost("/{id:guid}/resources", AddResourceAsync).WithName("AddDialogueResource").WithSummary("Share a link (participants and facilitators; files through the page)")
            .ProducesValidationProblem();
        g.MapGet("/{id:guid}/export", ExportAsync).WithName("ExportDialogue").WithSummary("A closed dialogue's record: purpose, threads, summary and curated resources (no posts, no pseudonyms)");
        g.MapGet("/threads/{threadId:guid}/posts", PostsAsync).WithName("ListDialoguePosts").WithSummary("One page (20 at the top, with their replies) of a thread's posts")
            .WithDescription("preparation=true: the comments on the draft thread (leaders, facilitators, moderators, coordinators).");
        g.MapPost("/threads/{threadId:guid}/posts", PostAsync).WithName("AddDialoguePost").WithSummary("Post, reply (parentId) or quote (quoteId) while the thread is open")
            .WithDescription("The server's clock decides: before the thread opens or after it closes, 409. On a public thread the post waits for a moderator.")
            .ProducesValidationProblem();
        g.MapPost("/posts/{postId:guid}/report", ReportAsync).WithName("ReportDialoguePost").WithSummary("Report a post to the moderators: putsSomeoneAtRisk, identifies, hostile, spam or other")
            .ProducesValidationProblem();
        g.MapPost("/posts/{postId:guid}/moderate", ModerateAsync).WithName("ModerateDialoguePost").WithSummary("A moderator's act on a post").ProducesValidationProblem();
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId();

    private static async Task<Ok<LineDto[]>> ListAsync(HttpContext http, Dialogues dialogues) =>
        TypedResults.Ok((await dialogues.ListAsync(Me(http), http.RequestAborted))
            .Select(x => new LineDto(x.Dialogue.Id, x.Dialogue.Title, PlanWire.Word(x.Phase), x.Dialogue.StartsAt, x.Dialogue.EndsAt, x.Dialogue.IsPublic)).ToArray());

    private static DialogueInput Input(DialogueBody b) =>
        new(b.Title, b.Purpose, b.Languages ?? [], b.StartsAt is { } s ? DateTime.SpecifyKind(s.ToUniversalTime(), DateTimeKind.Utc) : null,
            b.EndsAt is { } e ? DateTime.SpecifyKind(e.ToUniversalTime(), DateTimeKind.Utc) : null, b.TimeZone, b.IsPublic ?? false, b.OtherNetworks ?? []);

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem, ProblemHttpResult>> CreateAsync(DialogueBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t) =>
        Written(await dialogues.CreateAsync(Me(http), body.NetworkId ?? Guid.Empty, Input(body), http.RequestAborted), t, id => $"/api/v1/dialogues/{id}");

    private static async Task<Results<Ok<DialogueDto>, NotFound>> GetAsync(Guid id, HttpContext http, Dialogues dialogues, DialogueViews views)
    {
        if (await dialogues.AccessAsync(id, Me(http), http.RequestAborted) is not { } a) return TypedResults.NotFound();
        var d = a.Dialogue;
        var threads = (await views.ThreadsAsync(a, http.RequestAborted)).Select(x => new ThreadDto(x.Id, x.Position, x.Title, x.Question,
            x.Prompts.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), x.OpensAt, x.ClosesAt, x.MembersOnly, x.ReviewedAt is not null)).ToArray();
        var summary = a.Phase is DialoguePhase.Closed or DialoguePhase.Archived || (a.IsMember && a.Phase is DialoguePhase.Live or DialoguePhase.WrappingUp) || a.IsFacilitator
            ? d.Summary : null;
        return TypedResults.Ok(new DialogueDto(d.Id, d.NetworkId, d.Title, d.Purpose, PlanWire.Word(a.Phase), d.StartsAt, d.EndsAt, d.TimeZone, [.. d.LanguageList], d.IsPublic,
            d.Version, a.Me is { } me ? new MeDto(me.Id, me.Pseudonym, PlanWire.Word(me.Role), me.Digest) : null, a.Coordinator, threads, summary));
    }

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem, ProblemHttpResult>> AddThreadAsync(Guid id, ThreadBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t) =>
        Written(await dialogues.AddThreadAsync(Me(http), id, new ThreadInput(body.Title, body.Question, body.Prompts,
            body.OpensAt?.ToUniversalTime(), body.ClosesAt?.ToUniversalTime(), body.MembersOnly ?? false), http.RequestAborted), t, x => $"/api/v1/dialogues/threads/{x}/posts");

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> MoveAsync(Guid id, MoveBody body, HttpContext http, Dialogues dialogues,
        IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<StageMove>(body.Move, out var move)) return Field("move", t);
        return Done(await dialogues.MoveAsync(Me(http), id, move, body.Version, http.RequestAborted), t);
    }

    private static async Task<Results<Ok<InvitationDto>, NotFound, ValidationProblem, ProblemHttpResult>> InviteAsync(Guid id, InviteBody body, HttpContext http,
        Dialogues dialogues, TimeProvider clock, IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<DialogueRole>(body.Role, out var role)) return Field("role", t);
        var result = await dialogues.InviteAsync(Me(http), id, role, http.RequestAborted);
        return result.Status switch
        {
            DialogueWriteStatus.Done => TypedResults.Ok(new InvitationDto(result.Id!.Value, PlanWire.Word(role), result.Secret!, clock.GetUtcNow().UtcDateTime.Add(Dialogues.InvitationLasts))),
            DialogueWriteStatus.NotFound => TypedResults.NotFound(),
            DialogueWriteStatus.Invalid => ApiErrors.Invalid(Camel(result.Errors!), t),
            DialogueWriteStatus.MovedOn => MovedOn(),
        };
    }

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem, ProblemHttpResult>> JoinAsync(Guid id, JoinBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t) =>
        Written(await dialogues.JoinAsync(Me(http), id, new JoinInput(body.Pseudonym, body.Invitation, body.PostsPromised ?? 0, body.Digest ?? true), http.RequestAborted),
            t, _ => $"/api/v1/dialogues/{id}");

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> SummaryAsync(Guid id, SummaryBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t) =>
        Done(await dialogues.SaveSummaryAsync(Me(http), id, body.Text, body.Version, http.RequestAborted), t);

    private static async Task<Results<Ok<ResourceDto[]>, NotFound>> ResourcesAsync(Guid id, HttpContext http, Dialogues dialogues, DialogueViews views)
    {
        if (await dialogues.AccessAsync(id, Me(http), http.RequestAborted) is not { } a) return TypedResults.NotFound();
        return TypedResults.Ok((await views.ResourcesAsync(a, http.RequestAborted))
            .Select(r => new ResourceDto(r.Id, r.Title, r.Url, r.FileCipher is null ? null : $"/dialogues/resources/{r.Id}/file", r.Curated)).ToArray());
    }

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem, ProblemHttpResult>> AddResourceAsync(Guid id, ResourceBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t) =>
        Written(await dialogues.AddResourceAsync(Me(http), id, body.Title, body.Url, null, http.RequestAborted), t, _ => $"/api/v1/dialogues/{id}/resources");

    private static async Task<Results<Ok<DialogueExport.Record>, NotFound>> ExportAsync(Guid id, HttpContext http, DialogueExport export) =>
        await export.RecordAsync(id, Me(http), $"{http.Request.Scheme}://{http.Request.Host}", http.RequestAborted) is { } record
            ? TypedResults.Ok(record) : TypedResults.NotFound();

    private static async Task<Results<Ok<PostsDto>, NotFound>> PostsAsync(Guid threadId, int? page, bool? preparation, HttpContext http, DialogueViews views)
    {
        if (await views.ThreadAsync(threadId, Me(http), page ?? 1, preparation ?? false, http.RequestAborted) is not { } p) return TypedResults.NotFound();
        return TypedResults.Ok(new PostsDto([.. p.Posts.Select(Dto)], p.Page, p.Pages, p.Total));
    }

    private static PostDto Dto(PostView p) => new(p.Id, p.Author, p.AuthorId, PlanWire.Word(p.AuthorRole), p.ParentId, p.Text, PlanWire.Word(p.State),
        p.Hidden is { } h && p.Text is not null ? PlanWire.Word(h) : null, p.Redacted, p.CreatedAt,
        p.Quote is { } q ? new QuoteDto(q.PostId, q.Author, q.Text) : null, p.Resource?.Id, p.Mine, [.. p.Replies.Select(Dto)]);

    private static async Task<Results<Created<IdResponse>, NotFound, ValidationProblem, ProblemHttpResult>> PostAsync(Guid threadId, PostBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t) =>
        Written(await dialogues.PostAsync(Me(http), threadId, new PostInput(body.Text, body.ParentId, body.QuoteId, body.ResourceId), http.RequestAborted), t,
            _ => $"/api/v1/dialogues/threads/{threadId}/posts");

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ReportAsync(Guid postId, ReportBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<ReportReason>(body.Reason, out var reason)) return Field("reason", t);
        return Done(await dialogues.ReportAsync(Me(http), postId, reason, http.RequestAborted), t);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ModerateAsync(Guid postId, ModerateBody body, HttpContext http,
        Dialogues dialogues, IStringLocalizer<SharedResource> t)
    {
        if (!PlanWire.TryParse<ModerationAct>(body.Act, out var act)) return Field("act", t);
        HideReason? reason = PlanWire.TryParse<HideReason>(body.Reason, out var r) ? r : null;
        return Done(await dialogues.ModerateAsync(Me(http), postId, act, reason, body.Text, http.RequestAborted), t);
    }

    private static Results<Created<IdResponse>, NotFound, ValidationProblem, ProblemHttpResult> Written(DialogueWrite result, IStringLocalizer t, Func<Guid, string> location) =>
        result.Status switch
        {
            DialogueWriteStatus.Done => TypedResults.Created(location(result.Id!.Value), new IdResponse(result.Id!.Value)),
            DialogueWriteStatus.NotFound => TypedResults.NotFound(),
            DialogueWriteStatus.Invalid => ApiErrors.Invalid(Camel(result.Errors!), t),
            DialogueWriteStatus.MovedOn => MovedOn(),
        };

    private static Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult> Done(DialogueWrite result, IStringLocalizer t) => result.Status switch
    {
        DialogueWriteStatus.Done => TypedResults.NoContent(),
        DialogueWriteStatus.NotFound => TypedResults.NotFound(),
        DialogueWriteStatus.Invalid => ApiErrors.Invalid(Camel(result.Errors!), t),
        DialogueWriteStatus.MovedOn => MovedOn(),
    };

    private static ValidationProblem Field(string field, IStringLocalizer t) =>
        ApiErrors.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [field] = "Validation.Invalid" }, t);

    private static ProblemHttpResult MovedOn() =>
        TypedResults.Problem(title: "The dialogue (or the post) has moved on: read it again.", statusCode: StatusCodes.Status409Conflict);

    private static Dictionary<string, string> Camel(IReadOnlyDictionary<string, string> errors) =>
        errors.ToDictionary(e => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value, StringComparer.Ordinal);
}
