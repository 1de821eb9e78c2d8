using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Trainings;

/// <summary>
/// Trainings under /api/v1, as on the pages: a trainer's own trainings with their figures (aggregates only, k ≥ 5), a
/// participant's own commitments, choices and follow-ups. Anything else is 404.
/// </summary>
public static class TrainingsApi
{
    public sealed record TrainingLineDto(Guid Id, string Title, string Role, DateOnly EndsOn, int FollowUpsWaiting);
    /// <summary><c>followUps</c>: up to three offsets after the last day, e.g. "2w,2m,6m" (d = days, w = weeks, m = months).</summary>
    public sealed record TrainingBody(string? Title, string[]? Lessons, string[]? Pathways, string[]? Languages, DateOnly? EndsOn, string? TimeZone, string? FollowUps);
    public sealed record CreatedDto(Guid Id, string InvitationUrl);
    public sealed record ItemDto(string Key, string Text, string Language, bool Essential);
    public sealed record AgendaLessonDto(string Id, string Title, string Language, int Minutes, ItemDto[] Checklist);
    public sealed record ShareDto(int? Count, int? Of);
    public sealed record RoundDto(int Round, DateTime ClosesAt, bool Closed, ShareDto Answered, Dictionary<string, ShareDto> Done,
        Dictionary<string, ShareDto> Obstacles, Dictionary<string, ShareDto> LessonsFinished);
    public sealed record FiguresDto(DateTime JoinClosesAt, bool JoinClosed, int? Participants, Dictionary<string, ShareDto> Committed, RoundDto[] Rounds);
    public sealed record DetailDto(string Name, Dictionary<string, string?> Items);
    public sealed record FollowUpLineDto(Guid Id, int Round, DateTime DueAt, string State, DateTime ClosesAt);
    public sealed record ParticipantDto(string[] Committed, bool SharesDetail, bool Champion, bool OpenToBuddy, bool CountsProgress, string? Buddy,
        FollowUpLineDto[] FollowUps, DetailDto[] BuddyOf);
    public sealed record TrainingDto(Guid Id, string Title, string Trainer, string Role, string[] Languages, DateOnly EndsOn, string TimeZone, string FollowUps,
        DateTime JoinClosesAt, AgendaLessonDto[] Lessons, string[] Pathways, string[] Champions, ParticipantDto? Me, FiguresDto? Figures, DetailDto[]? SharedWithMe);
    public sealed record JoinBody(string? Invitation, bool CountProgress);
    public sealed record CommitBody(string[]? Items);
    public sealed record ChoicesBody(bool SharesDetail, bool Champion, bool OpenToBuddy, bool CountsProgress, Guid? Buddy);
    /// <summary><c>items</c>: each committed item → toDo (not yet), done or notRelevant; <c>obstacles</c>: time, skills, device, safety,
    /// support, other; <c>happened</c>: accountTakenOver, deviceTaken, threatened, harassedOnline.</summary>
    public sealed record AnswerBody(Dictionary<string, string>? Items, string[]? Obstacles, string? Note, string[]? Happened);
    public sealed record HelpDto(string Happened, string[] Lessons, string Directory);
    public sealed record FollowUpDto(Guid Id, Guid Training, string TrainingTitle, int Round, string State, DateTime ClosesAt, bool Open,
        ItemDto[] Items, Dictionary<string, string> Before, AnswerBody? Answer, HelpDto[] Help);

    public static RouteGroupBuilder MapTrainingsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/trainings").WithTags("Trainings").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync);
        g.MapGet("", ListAsync).WithName("ListTrainings").WithSummary("The trainings I run and the ones I joined");
        g.MapPost("", CreateAsync).WithName("CreateTraining")
            .WithSummary("Create a training; the answer carries its invitation link (shown once: only its hash is kept)").ProducesValidationProblem();
        g.MapGet("/{id:guid}", GetAsync).WithName("GetTraining")
            .WithSummary("A training I run (with its figures: aggregates only, each of at least 5 people) or joined (with my own part)");
        g.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteTraining").WithSummary("Delete a training I run, with its participants' rows");
        g.MapPost("/join", JoinAsync).WithName("JoinTraining").WithSummary("Join by the invitation link's secret (the part after /trainings/join/)");
        g.MapDelete("/{id:guid}/participation", LeaveAsync).WithName("LeaveTraining").WithSummary("Leave a training: my commitments and answers are deleted");
        g.MapPut("/{id:guid}/commitments", CommitAsync).WithName("CommitToItems")
            .WithSummary("The checklist items I commit to (\"lesson/item\"), while joining is open; the first time schedules my follow-ups").ProducesValidationProblem();
        g.MapPut("/{id:guid}/choices", ChooseAsync).WithName("SetTrainingChoices")
            .WithSummary("My choices: show my detail to the trainer, be a champion, be open to being a buddy, count my lesson progress, my buddy").ProducesValidationProblem();
        g.MapGet("/follow-ups/{id:guid}", FollowUpAsync).WithName("GetFollowUp").WithSummary("One of my follow-ups that was sent, with my answer if given");
        g.MapPut("/follow-ups/{id:guid}", AnswerAsync).WithName("AnswerFollowUp")
            .WithSummary("Answer one of my follow-ups while it is open (two weeks after it is due)").ProducesValidationProblem();
        return api;
    }

    private static string RoleName(TrainingRole role) => role switch
    {
        TrainingRole.Trainer => "trainer",
        TrainingRole.Participant => "participant",
    };

    private static async Task<string> LanguageAsync(HttpContext http, AmparoDbContext db) =>
        await db.Users.Where(u => u.Id == http.User.UserId()).Select(u => u.Language).SingleAsync(http.RequestAborted);

    private static async Task<Ok<TrainingLineDto[]>> ListAsync(HttpContext http, TrainingService trainings) =>
        TypedResults.Ok((await trainings.ListAsync(http.User.UserId(), http.RequestAborted))
            .Select(l => new TrainingLineDto(l.Id, l.Title, RoleName(l.Role), l.EndsOn, l.Waiting)).ToArray());

    private static async Task<Results<Created<CreatedDto>, ValidationProblem>> CreateAsync(TrainingBody body, HttpContext http, TrainingService trainings,
        MessageTexts urls, IStringLocalizer<SharedResource> t)
    {
        var input = new TrainingInput(body.Title, body.Lessons ?? [], body.Pathways ?? [], body.Languages ?? [], body.EndsOn, body.TimeZone,
            body.FollowUps is null ? FollowUpPlan.Default : FollowUpPlan.Parse(body.FollowUps));
        var result = await trainings.CreateAsync(http.User.UserId(), input, http.RequestAborted);
        if (result.Status != TrainingWriteStatus.Done) return ApiErrors.Invalid(result.Errors!, t);
        return TypedResults.Created($"/api/v1/trainings/{result.Id}", new CreatedDto(result.Id!.Value, urls.Url("/trainings/join/" + result.InviteSecret)));
    }

    private static ShareDto Share(Share s) => new(s.Count, s.Of);

    private static FiguresDto Figures(TrainingFiguresView f) => new(f.JoinClosesAt, f.JoinClosed, f.Participants,
        f.Commitments.ToDictionary(c => c.Key, c => Share(c.Committed), StringComparer.Ordinal),
        [.. f.Rounds.Select(r => new RoundDto(r.Round, r.ClosesAt, r.Closed, Share(r.Answered),
            r.Done.ToDictionary(d => d.Key, d => Share(d.Value), StringComparer.Ordinal),
            r.Obstacles.ToDictionary(o => TrainingService.ObstacleName(o.Key), o => Share(o.Value), StringComparer.Ordinal),
            r.LessonsDone.ToDictionary(l => l.Key, l => Share(l.Value), StringComparer.Ordinal)))]);

    private static DetailDto Detail(SharedDetail d) =>
        new(d.Person.Name, d.Items.ToDictionary(i => i.Key, i => i.Latest is { } s ? LearningApi.StateWord(s) : null, StringComparer.Ordinal));

    private static async Task<Results<Ok<TrainingDto>, NotFound>> GetAsync(Guid id, HttpContext http, TrainingService trainings, AmparoDbContext db)
    {
        var v = await trainings.ViewAsync(http.User.UserId(), id, await LanguageAsync(http, db), ct: http.RequestAborted);
        if (v is null) return TypedResults.NotFound();
        var me = v.Participant;
        return TypedResults.Ok(new TrainingDto(v.Row.Id, v.Title, v.TrainerName, RoleName(v.Role), [.. v.Row.LanguageList], v.Row.EndsOn, v.Row.TimeZone,
            v.Row.FollowUps, v.JoinClosesAt,
            [.. v.Lessons.Select(l => new AgendaLessonDto(l.Id, l.Title, l.Language, l.Minutes, [.. l.Items.Select(i => new ItemDto(i.Key, i.Text, i.Language, i.Essential))]))],
            [.. v.Agenda.Pathways], [.. v.Champions.Select(c => c.Name)],
            me is null ? null : new ParticipantDto([.. me.Committed.Order(StringComparer.Ordinal)], me.Me.SharesDetail, me.Me.Champion, me.Me.OpenToBuddy,
                me.Me.CountsProgress, me.Buddy?.Name,
                [.. me.FollowUps.Select(f => new FollowUpLineDto(f.Id, f.Round, f.DueAt, TrainingService.StateName(f.State), f.ClosesAt))],
                [.. me.BuddyOf.Select(Detail)]),
            v.Trainer is { } tr ? Figures(tr.Figures) : null, v.Trainer?.SharedWithMe.Select(Detail).ToArray()));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, HttpContext http, TrainingService trainings) =>
        await trainings.DeleteAsync(http.User.UserId(), id, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> LeaveAsync(Guid id, HttpContext http, TrainingService trainings) =>
        await trainings.LeaveAsync(http.User.UserId(), id, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<Guid>, NotFound, Conflict<string>>> JoinAsync(JoinBody body, HttpContext http, TrainingService trainings, IStringLocalizer<SharedResource> t)
    {
        var result = await trainings.JoinAsync(http.User.UserId(), body.Invitation, body.CountProgress, http.RequestAborted);
        return result.Status switch
        {
            TrainingWriteStatus.Done => TypedResults.Ok(result.Id!.Value),
            TrainingWriteStatus.Closed => TypedResults.Conflict(t["Training.Error.Closed"].Value),
            TrainingWriteStatus.NotFound or TrainingWriteStatus.Invalid => TypedResults.NotFound(),
        };
    }

    private static Results<NoContent, NotFound, ValidationProblem, Conflict<string>> Answer(TrainingWrite result, IStringLocalizer t) => result.Status switch
    {
        TrainingWriteStatus.Done => TypedResults.NoContent(),
        TrainingWriteStatus.NotFound => TypedResults.NotFound(),
        TrainingWriteStatus.Invalid => ApiErrors.Invalid(result.Errors!, t),
        TrainingWriteStatus.Closed => TypedResults.Conflict(t["Training.Error.Closed"].Value),
    };

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<string>>> CommitAsync(Guid id, CommitBody body, HttpContext http,
        TrainingService trainings, IStringLocalizer<SharedResource> t) =>
        Answer(await trainings.CommitAsync(http.User.UserId(), id, body.Items ?? [], http.RequestAborted), t);

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<string>>> ChooseAsync(Guid id, ChoicesBody body, HttpContext http,
        TrainingService trainings, IStringLocalizer<SharedResource> t) =>
        Answer(await trainings.ChooseAsync(http.User.UserId(), id, body.SharesDetail, body.Champion, body.OpenToBuddy, body.CountsProgress, body.Buddy, http.RequestAborted), t);

    private static HelpDto[] Help(TrainingService trainings, IEnumerable<Happening> happened) =>
        [.. happened.Select(h => new HelpDto(TrainingService.HappeningName(h), [.. trainings.LessonsFor(h).Select(l => l.Id)],
            "/directory?need=" + TrainingService.HelpFor(h).Help.ToString()))];

    private static async Task<Results<Ok<FollowUpDto>, NotFound>> FollowUpAsync(Guid id, HttpContext http, TrainingService trainings, AmparoDbContext db)
    {
        var v = await trainings.FollowUpAsync(http.User.UserId(), id, await LanguageAsync(http, db), http.RequestAborted);
        if (v is null) return TypedResults.NotFound();
        var a = v.Answer;
        return TypedResults.Ok(new FollowUpDto(v.Row.Id, v.TrainingId, v.TrainingTitle, v.Row.Round, TrainingService.StateName(v.Row.State), v.ClosesAt, v.Open,
            [.. v.Items.Select(i => new ItemDto(i.Item.Key, i.Item.Text, i.Item.Language, i.Item.Essential))],
            v.Items.Where(i => i.Before is not null).ToDictionary(i => i.Item.Key, i => LearningApi.StateWord(i.Before!.Value), StringComparer.Ordinal),
            a is null ? null : new AnswerBody(a.Items.ToDictionary(i => i.Key, i => LearningApi.StateWord(i.Value), StringComparer.Ordinal),
                [.. a.Obstacles.Select(TrainingService.ObstacleName)], a.Note, [.. a.Happened.Select(TrainingService.HappeningName)]),
            a is null ? [] : Help(trainings, a.Happened)));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<string>>> AnswerAsync(Guid id, AnswerBody body, HttpContext http,
        TrainingService trainings, AmparoDbContext db, IStringLocalizer<SharedResource> t)
    {
        var answer = new FollowUpAnswer();
        foreach (var (key, word) in body.Items ?? [])
        {
            if (!LearningApi.TryState(word, out var state)) return ApiErrors.Invalid(new Dictionary<string, string> { ["Items"] = "Training.Error.AnswerEach" }, t);
            answer.Items[key] = state;
        }
        foreach (var word in body.Obstacles ?? [])
        {
            if (Enum.GetValues<Obstacle>().Where(o => TrainingService.ObstacleName(o) == word).Cast<Obstacle?>().FirstOrDefault() is not { } o)
                return ApiErrors.Invalid(new Dictionary<string, string> { ["Obstacles"] = "Training.Error.Unknown" }, t);
            answer.Obstacles.Add(o);
        }
        foreach (var word in body.Happened ?? [])
        {
            if (Enum.GetValues<Happening>().Where(h => TrainingService.HappeningName(h) == word).Cast<Happening?>().FirstOrDefault() is not { } h)
                return ApiErrors.Invalid(new Dictionary<string, string> { ["Happened"] = "Training.Error.Unknown" }, t);
            answer.Happened.Add(h);
        }
        answer.Note = body.Note;
        return Answer(await trainings.AnswerAsync(http.User.UserId(), id, answer, await LanguageAsync(http, db), http.RequestAborted), t);
    }
}
