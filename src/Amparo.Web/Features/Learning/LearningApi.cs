using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.Learning;

/// <summary>
/// The library under /api/v1: lessons (per-step fallback as on the pages: each step says its language and whether it
/// is a fallback or stale), the glossary, and the caller's own progress — nobody else's, by any parameter.
/// </summary>
public static class LearningApi
{
    public sealed record LessonLineDto(string Id, string Title, string Need, string Language, string Level, string Topic, int Minutes, string[] Domains,
        string[] Audiences, string[] Contexts, string[] Sensitivity, string Review, bool PastReview, string[] Languages, int Steps);
    public sealed record StepDto(string Id, string Kind, string Title, string Html, string Language, bool Fallback, bool Stale, bool StaleReplaced, bool Critical, string[] Terms);
    public sealed record ChecklistDto(string Id, string Text, string Language, bool Essential, string Repeat, string[] Platforms);
    public sealed record TermDto(string Id, string Term, string Text, string Language, bool Fallback);
    public sealed record LessonDto(LessonLineDto Lesson, string Summary, string? SensitivityNote, string Licence, string Attribution, int Version,
        string[] Prerequisites, string[] Related, StepDto[] Steps, ChecklistDto[] Checklist, TermDto[] Terms);
    public sealed record ItemProgressDto(string Id, string State, string? Note);
    public sealed record LessonProgressDto(string Lesson, ItemProgressDto[] Steps, ItemProgressDto[] Checklist);
    /// <summary><c>state</c>: toDo, done or notRelevant; <c>note</c>: checklist items only, up to 1,000 characters (private).</summary>
    public sealed record ProgressBody(string? State, string? Note);

    public static RouteGroupBuilder MapLearningApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("Learning").RequireAuthorization(WebSetup.ApiPolicy)
            .RequireRateLimiting(WebSetup.ApiRateLimit).AddEndpointFilter(PlansApi.TwoFactorFirstAsync);
        g.MapGet("/lessons", ListAsync).WithName("ListLessons")
            .WithSummary("The library's lessons (not retired) and my organizations' own, titled in lang (default: my language), filtered by level, topic, domain, audience or context");
        g.MapGet("/lessons/{id}", GetAsync).WithName("GetLesson")
            .WithSummary("One lesson in lang: every step in the first language of lang → my second language → the lesson's source that has a current text (critical steps never stale)");
        g.MapGet("/glossary", GlossaryAsync).WithName("GetGlossary").WithSummary("Every glossary term in lang, falling back to English (marked)");
        g.MapGet("/progress", ProgressAsync).WithName("GetMyProgress").WithSummary("My own progress and notes, lesson by lesson (only ever the caller's)");
        g.MapPut("/progress/{lesson}/steps/{step}", (string lesson, string step, ProgressBody body, HttpContext http, LearningProgressService progress, IStringLocalizer<SharedResource> t) =>
                MarkAsync(lesson, ProgressPart.Step, step, body, http, progress, t))
            .WithName("MarkLessonStep").WithSummary("Mark one of my steps: toDo, done or notRelevant").ProducesValidationProblem();
        g.MapPut("/progress/{lesson}/checklist/{item}", (string lesson, string item, ProgressBody body, HttpContext http, LearningProgressService progress, IStringLocalizer<SharedResource> t) =>
                MarkAsync(lesson, ProgressPart.Checklist, item, body, http, progress, t))
            .WithName("MarkChecklistItem").WithSummary("Mark one of my checklist items, with an optional private note").ProducesValidationProblem();
        return api;
    }

    /// <summary>The language asked for (lang, else the caller's own) and the caller's second language.</summary>
    private static async Task<(string Requested, string? Second)> ReaderAsync(HttpContext http, AmparoDbContext db, string? lang)
    {
        var me = await db.Users.AsNoTracking().Where(u => u.Id == http.User.UserId()).Select(u => new { u.Language, u.SecondLanguage }).SingleAsync(http.RequestAborted);
        return (Cultures.IsSupported(lang) ? lang! : me.Language, me.SecondLanguage);
    }

    private static async Task<IReadOnlyList<string>> ChainAsync(HttpContext http, AmparoDbContext db, string? lang, string source)
    {
        var (requested, second) = await ReaderAsync(http, db, lang);
        return LessonReading.Chain(requested, second, source);
    }

    private static async Task<Ok<LessonLineDto[]>> ListAsync(HttpContext http, LessonLibrary library, OrganizationLessons organizationLessons, AmparoDbContext db,
        TimeProvider clock, string? lang, string? level, string? topic, string? domain, string? audience, string? context)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var (requested, second) = await ReaderAsync(http, db, lang);
        // The library's lessons, then the caller's organizations' own (and those their networks share), as on /learn.
        var own = await organizationLessons.LessonsAsync(http.User.UserId(), http.RequestAborted);
        var lessons = library.Browsable.Concat(own)
            .Where(l => level is null || LessonTags.LevelName(l.Level) == level)
            .Where(l => topic is null || l.Topic == topic)
            .Where(l => domain is null || l.Domains.Contains(domain))
            .Where(l => audience is null || l.Audiences.Contains(audience))
            .Where(l => context is null || l.Contexts.Contains(context))
            .OrderBy(l => l.Id, StringComparer.Ordinal);
        return TypedResults.Ok(lessons.Select(l => Line(l, LessonReading.Chain(requested, second, l.Source), today)).ToArray());
    }

    private static LessonLineDto Line(Lesson l, IReadOnlyList<string> chain, DateOnly today)
    {
        var head = LessonReading.Head(l, chain);
        return new(l.Id, head.Title, head.Need, head.Language, LessonTags.LevelName(l.Level), l.Topic, l.Minutes, [.. l.Domains], [.. l.Audiences], [.. l.Contexts],
            [.. l.Sensitivity], LessonTags.StatusName(l.Review.Status), l.PastReview(today), [.. l.CompleteLanguages], l.Steps.Count);
    }

    private static async Task<Results<Ok<LessonDto>, NotFound>> GetAsync(string id, HttpContext http, LessonLibrary library, LearningProgressService progress,
        AmparoDbContext db, TimeProvider clock, string? lang)
    {
        if (await progress.FindAsync(http.User.UserId(), id, http.RequestAborted) is not { } lesson) return TypedResults.NotFound();
        var chain = await ChainAsync(http, db, lang, lesson.Source);
        var head = LessonReading.Head(lesson, chain);
        var steps = lesson.Steps.Select(s => LessonReading.Step(lesson, s, chain)).OfType<ShownStep>().ToList();
        return TypedResults.Ok(new LessonDto(
            Line(lesson, chain, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)), head.Summary, head.SensitivityNote, lesson.Licence, lesson.Attribution, lesson.Version,
            [.. lesson.Prerequisites], [.. lesson.Related],
            [.. steps.Select(s => new StepDto(s.Step.Id, LessonTags.KindName(s.Step.Kind), s.Text.Title, s.Text.Html, s.Language, s.IsFallback, s.IsStale, s.StaleReplaced, s.Step.Critical, [.. s.Text.Terms]))],
            [.. lesson.Checklist.Select(c => Item(lesson, c, chain))],
            [.. LessonReading.Terms(library.Catalog, steps, chain).Select(Term)]));
    }

    private static ChecklistDto Item(Lesson lesson, ChecklistItem item, IReadOnlyList<string> chain)
    {
        var (text, language) = LessonReading.ChecklistText(lesson, item, chain);
        return new(item.Id, text, language, item.Essential, LessonTags.RepeatName(item.Repeat), [.. item.Platforms]);
    }

    private static TermDto Term(ShownTerm t) => new(t.Term.Id, t.Term.Term, t.Term.Text, t.Language, t.IsFallback);

    private static async Task<Ok<TermDto[]>> GlossaryAsync(HttpContext http, LessonLibrary library, AmparoDbContext db, string? lang)
    {
        var chain = await ChainAsync(http, db, lang, "en");
        var ids = library.Catalog.Glossary.GetValueOrDefault("en")?.Keys ?? [];
        return TypedResults.Ok(ids.Select(id => LessonReading.Term(library.Catalog, id, chain)).OfType<ShownTerm>().Select(Term).ToArray());
    }

    private static async Task<Ok<LessonProgressDto[]>> ProgressAsync(HttpContext http, LearningProgressService progress)
    {
        var book = await progress.ReadAsync(http.User.UserId(), http.RequestAborted);
        return TypedResults.Ok(book.Lessons.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new LessonProgressDto(l.Key,
            [.. l.Value.Steps.Select(s => new ItemProgressDto(s.Key, StateWord(s.Value), null))],
            [.. l.Value.Checklist.Keys.Union(l.Value.Notes.Keys).Select(k => new ItemProgressDto(k, StateWord(l.Value.Item(k)), l.Value.Notes.GetValueOrDefault(k)))])).ToArray());
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> MarkAsync(string lesson, ProgressPart part, string item, ProgressBody body,
        HttpContext http, LearningProgressService progress, IStringLocalizer t)
    {
        if (!TryState(body.State, out var state))
            return ApiErrors.Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { ["state"] = "Learning.Error.State" }, t);
        var result = await progress.MarkAsync(http.User.UserId(), lesson, part, item, state, body.Note, http.RequestAborted);
        return result.Status switch
        {
            ProgressWriteStatus.Done => TypedResults.NoContent(),
            ProgressWriteStatus.NotFound => TypedResults.NotFound(),
            ProgressWriteStatus.Invalid => ApiErrors.Invalid(result.Errors!.ToDictionary(e => char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => e.Value), t),
        };
    }

    public static string StateWord(ProgressState state) => state switch
    {
        ProgressState.ToDo => "toDo",
        ProgressState.Done => "done",
        ProgressState.NotRelevant => "notRelevant",
    };

    public static bool TryState(string? word, out ProgressState state)
    {
        foreach (var s in Enum.GetValues<ProgressState>())
            if (StateWord(s) == word) { state = s; return true; }
        state = default;
        return false;
    }
}
