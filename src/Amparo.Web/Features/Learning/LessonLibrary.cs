using Amparo.Web.Features.Learning.Packs;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Learning;

/// <summary>
/// The library: the shipped lessons, read from <c>Learning:ContentPath</c> (default: the <c>content</c> folder beside
/// the app), with the lessons imported from packs laid over them (<c>&lt;Amparo:DataDirectory&gt;/content-imported/</c>;
/// an imported lesson wins when its version is higher). Read on first use and kept until an import reloads it. What
/// failed the check is left out and logged once; <c>amparo content check</c> lists it all.
/// </summary>
public sealed class LessonLibrary(IConfiguration configuration, TimeProvider clock, ILogger<LessonLibrary> log, IOptions<AmparoOptions> options)
{
    private readonly Lock _gate = new();
    private LessonCatalog? _catalog;

    public LessonCatalog Catalog
    {
        get
        {
            if (Volatile.Read(ref _catalog) is { } catalog) return catalog;
            lock (_gate) return _catalog ??= LoadAndLog();
        }
    }

    /// <summary>Reads the shipped and imported content again (after an import).</summary>
    public void Reload()
    {
        var fresh = LoadAndLog();
        lock (_gate) Volatile.Write(ref _catalog, fresh);
    }

    public string ImportedPath => ImportedContent.PathIn(options.Value.FullDataDirectory);

    public static string ContentPath(IConfiguration configuration) =>
        configuration["Learning:ContentPath"] is { Length: > 0 } path ? Path.GetFullPath(path) : Path.Combine(AppContext.BaseDirectory, "content");

    private LessonCatalog LoadAndLog()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var (catalog, problems) = LessonContentLoader.Load(ContentPath(configuration), today);
        if (problems.Count > 0)
            log.LogWarning("The lesson library has {Count} content problems; run `amparo content check` to list them. {Lessons} lessons loaded.", problems.Count, catalog.Lessons.Count);
        var imported = ImportedContent.Recover(options.Value.FullDataDirectory);
        if (!Directory.Exists(imported)) return catalog;
        var (merged, importProblems, lessons) = LessonContentLoader.Overlay(catalog, imported, today);
        if (importProblems.Any(p => !p.IsWarning))
            log.LogWarning("The imported lessons have {Count} content problems. {Lessons} imported lessons loaded.", importProblems.Count(p => !p.IsWarning), lessons.Count);
        return merged;
    }

    public Lesson? Find(string id) => Catalog.Lessons.GetValueOrDefault(id);

    /// <summary>Lessons a reader may browse: not retired.</summary>
    public IEnumerable<Lesson> Browsable => Catalog.Lessons.Values.Where(l => l.Review.Status != ReviewStatus.Retired);
}

/// <summary>A step as shown: the text chosen for the reader, in which language, and why (fallback, stale).</summary>
/// <param name="StaleLanguage">When a critical step's out-of-date translation was passed over: its language.</param>
public sealed record ShownStep(LessonStep Step, StepText Text, string Language, bool IsFallback, bool IsStale, bool StaleReplaced, string? StaleLanguage = null);

public sealed record ShownTerm(GlossaryTerm Term, string Language, bool IsFallback);

/// <summary>
/// Which language each part of a lesson is shown in. Fallback is per step: the requested language, then the reader's
/// second language, then the lesson's source. A translation made from an older version of its step is "stale": it is
/// shown with a note that the step was updated in the source language — unless the step is critical, when the chain
/// goes on (a current translation further along, or the current source) and the page says why.
/// </summary>
public static class LessonReading
{
    public static IReadOnlyList<string> Chain(string requested, string? second, string source) =>
        new[] { requested, requested.Split('-')[0], second, source }
            .Where(l => l is { Length: > 0 } && Cultures.IsSupported(l)).Select(l => l!).Distinct().ToList();

    public static ShownStep? Step(Lesson lesson, LessonStep step, IReadOnlyList<string> chain)
    {
        string? skipped = null;
        foreach (var language in chain)
        {
            if (lesson.Texts.GetValueOrDefault(language)?.Steps.GetValueOrDefault(step.Id) is not { } text) continue;
            var stale = language != lesson.Source && (text.From ?? 0) < step.Version;
            if (stale && step.Critical && language != lesson.Source) { skipped ??= language; continue; }
            return new(step, text, language, language != chain[0], stale, skipped is not null, skipped);
        }
        return null;
    }

    /// <summary>The lesson-level text (title, need, summary, checklist) in the first language of the chain that has it.</summary>
    public static LessonText Head(Lesson lesson, IReadOnlyList<string> chain) =>
        chain.Select(l => lesson.Texts.GetValueOrDefault(l)).FirstOrDefault(t => t is not null) ?? lesson.Texts[lesson.Source];

    /// <summary>A checklist item's words. An essential item, like a critical step, skips a translation made from an older
    /// version of the lesson.</summary>
    public static (string Text, string Language) ChecklistText(Lesson lesson, ChecklistItem item, IReadOnlyList<string> chain)
    {
        foreach (var language in chain)
            if (lesson.Texts.GetValueOrDefault(language) is { } t && t.Checklist.GetValueOrDefault(item.Id) is { } text
                && !(item.Essential && language != lesson.Source && (t.From ?? 0) < lesson.Version))
                return (text, language);
        return (item.Id, lesson.Source);
    }

    public static ShownTerm? Term(LessonCatalog catalog, string id, IReadOnlyList<string> chain)
    {
        foreach (var language in chain.Append("en"))
            if (catalog.Glossary.GetValueOrDefault(language)?.GetValueOrDefault(id) is { } term) return new(term, language, language != chain[0]);
        return null;
    }

    /// <summary>The glossary terms the shown steps link, in order of first use.</summary>
    public static List<ShownTerm> Terms(LessonCatalog catalog, IEnumerable<ShownStep> steps, IReadOnlyList<string> chain) =>
        steps.SelectMany(s => s.Text.Terms).Distinct().Select(id => Term(catalog, id, chain)).OfType<ShownTerm>().ToList();
}
