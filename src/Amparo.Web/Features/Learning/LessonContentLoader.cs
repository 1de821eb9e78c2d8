using System.Globalization;
using Amparo.Web.Infrastructure.Localization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Amparo.Web.Features.Learning;

/// <summary>
/// Reads <c>content/</c> (format: content/FORMAT.md) into a <see cref="LessonCatalog"/> and lists every problem it
/// finds: the same pass serves the app (which shows what loaded) and <c>amparo content check</c> (which fails on any
/// problem). A lesson with a broken lesson.yaml is left out; a broken translation leaves only that language out.
/// </summary>
public static class LessonContentLoader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(HyphenatedNamingConvention.Instance)
        .Build();

    public static (LessonCatalog Catalog, List<ContentProblem> Problems) Load(string root, DateOnly today)
    {
        var problems = new List<ContentProblem>();
        var lessons = new Dictionary<string, Lesson>(StringComparer.Ordinal);
        var lessonsDir = Path.Combine(root, "lessons");
        if (!Directory.Exists(root)) problems.Add(new(root, "the content folder does not exist"));
        if (!File.Exists(Path.Combine(root, "LICENSE.md"))) problems.Add(new("LICENSE.md", "the content's licence is missing"));
        foreach (var dir in Directory.Exists(lessonsDir) ? Directory.GetDirectories(lessonsDir).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
            if (LoadLesson(root, dir, problems) is { } lesson) lessons[lesson.Id] = lesson;

        var glossary = LoadGlossaries(root, problems);
        var (pathways, needs) = LoadRoutes(root, problems);
        var routeTexts = new Dictionary<string, IReadOnlyDictionary<string, RouteText>>();
        foreach (var language in Cultures.Supported)
            routeTexts[language] = LoadRouteTexts(root, language, pathways, needs, problems);

        var catalog = new LessonCatalog { Lessons = lessons, Glossary = glossary, Pathways = pathways, Needs = needs, RouteTexts = routeTexts };
        CheckLinks(catalog, today, problems);
        return (catalog, problems);
    }

    /// <summary>
    /// Lessons and glossary terms imported from packs (<paramref name="root"/>: lessons/ and glossary/, the layout of
    /// content/) laid over a loaded catalog: an imported lesson replaces the catalog's when its version is higher; an
    /// imported term replaces the catalog's. The imported lessons get every check of the library, their links checked
    /// against the whole result. Routes stay the catalog's.
    /// </summary>
    public static (LessonCatalog Catalog, List<ContentProblem> Problems, List<Lesson> Imported) Overlay(LessonCatalog catalog, string root, DateOnly today)
    {
        var problems = new List<ContentProblem>();
        var lessons = new Dictionary<string, Lesson>(catalog.Lessons, StringComparer.Ordinal);
        var imported = new List<Lesson>();
        var lessonsDir = Path.Combine(root, "lessons");
        foreach (var dir in Directory.Exists(lessonsDir) ? Directory.GetDirectories(lessonsDir).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            if (LoadLesson(root, dir, problems) is not { } lesson) continue;
            imported.Add(lesson);
            if (!lessons.TryGetValue(lesson.Id, out var have) || lesson.Version > have.Version) lessons[lesson.Id] = lesson;
        }
        var glossary = new Dictionary<string, IReadOnlyDictionary<string, GlossaryTerm>>();
        foreach (var language in Cultures.Supported)
        {
            var terms = new Dictionary<string, GlossaryTerm>(catalog.Glossary.GetValueOrDefault(language) ?? new Dictionary<string, GlossaryTerm>(), StringComparer.Ordinal);
            var path = Path.Combine(root, "glossary", language + ".yaml");
            if (File.Exists(path))
                foreach (var (id, term) in ReadTerms(path, Relative(root, path), problems)) terms[id] = term;
            glossary[language] = terms;
        }
        var result = new LessonCatalog { Lessons = lessons, Glossary = glossary, Pathways = catalog.Pathways, Needs = catalog.Needs, RouteTexts = catalog.RouteTexts };
        CheckLinks(result, today, problems, imported);
        return (result, problems, imported);
    }

    // ---- lessons ----

    private sealed class LessonFile
    {
        public string? Id { get; set; }
        public int Version { get; set; }
        public string? Topic { get; set; }
        public string? Level { get; set; }
        public string? Source { get; set; }
        public int Minutes { get; set; }
        public List<string>? Domains { get; set; }
        public List<string>? Threats { get; set; }
        public List<string>? Platforms { get; set; }
        public List<string>? Audiences { get; set; }
        public List<string>? Contexts { get; set; }
        public List<string>? Sensitivity { get; set; }
        public List<string>? Prerequisites { get; set; }
        public List<string>? Related { get; set; }
        public ReviewFile? Review { get; set; }
        public string? Licence { get; set; }
        public string? Attribution { get; set; }
        public List<StepFile>? Steps { get; set; }
        public List<ChecklistFile>? Checklist { get; set; }
        public List<ImageFile>? Images { get; set; }
    }

    private sealed class ReviewFile
    {
        public string? Status { get; set; }
        public string? Author { get; set; }
        public string? Reviewer { get; set; }
        public string? ReviewedOn { get; set; }
        public string? Due { get; set; }
    }

    private sealed class StepFile
    {
        public string? Id { get; set; }
        public string? Kind { get; set; }
        public int Version { get; set; }
        public bool Critical { get; set; }
    }

    private sealed class ChecklistFile
    {
        public string? Id { get; set; }
        public bool Essential { get; set; }
        public string? Repeat { get; set; }
        public List<string>? Platforms { get; set; }
    }

    private sealed class ImageFile
    {
        public string? File { get; set; }
        public string? Licence { get; set; }
        public string? Attribution { get; set; }
    }

    private sealed class LessonTextFile
    {
        public string? Title { get; set; }
        public string? Need { get; set; }
        public string? Summary { get; set; }
        public string? SensitivityNote { get; set; }
        public int? From { get; set; }
        /// <summary>A translation under way says so: it is then reported as a warning, not an error.</summary>
        public bool Partial { get; set; }
        public Dictionary<string, string>? Checklist { get; set; }
    }

    private sealed class StepFrontMatter
    {
        public string? Title { get; set; }
        public int? From { get; set; }
    }

    private static Lesson? LoadLesson(string root, string dir, List<ContentProblem> problems)
    {
        var where = Relative(root, Path.Combine(dir, "lesson.yaml"));
        var file = Parse<LessonFile>(Path.Combine(dir, "lesson.yaml"), where, problems);
        if (file is null) return null;
        var before = problems.Count;
        void Problem(string message) => problems.Add(new(where, message));

        var id = file.Id ?? "";
        if (LessonMarkdown.Id(id) is null || id.Length > 64) Problem($"id \"{id}\" is not lowercase words joined by - (at most 64 characters)");
        if (id != Path.GetFileName(dir)) Problem($"id \"{id}\" differs from its folder's name");
        if (file.Version < 1) Problem("version must be 1 or more");
        if (!LessonTags.Topics.Contains(file.Topic)) Problem($"topic \"{file.Topic}\" is not one of {string.Join(", ", LessonTags.Topics)}");
        if (!LessonTags.TryLevel(file.Level, out var level)) Problem($"level \"{file.Level}\" is not beginner, advanced or expert");
        if (!Cultures.Supported.Contains(file.Source)) Problem($"source language \"{file.Source}\" is not one of {string.Join(", ", Cultures.Supported)}");
        if (file.Minutes is < 1 or > 240) Problem("minutes must be between 1 and 240");
        CheckTags(file.Domains, LessonTags.Domains, "domains", Problem, required: true);
        CheckTags(file.Platforms, LessonTags.Platforms, "platforms", Problem);
        CheckTags(file.Audiences, LessonTags.Audiences, "audiences", Problem);
        CheckTags(file.Contexts, LessonTags.Contexts, "contexts", Problem);
        CheckTags(file.Sensitivity, LessonTags.Sensitivity, "sensitivity", Problem);
        foreach (var t in file.Threats ?? []) if (LessonMarkdown.Id(t) is null) Problem($"threat \"{t}\" is not an id");
        if (!LessonTags.Licences.Contains(file.Licence) || file.Licence == "private") Problem($"licence \"{file.Licence}\" is not an open licence the library ships ({string.Join(", ", LessonTags.Licences.SkipLast(1))})");
        if (string.IsNullOrWhiteSpace(file.Attribution)) Problem("attribution is missing");
        var review = ReadReview(file.Review, Problem);

        var steps = new List<LessonStep>();
        foreach (var s in file.Steps ?? [])
        {
            if (LessonMarkdown.Id(s.Id ?? "") is null) { Problem($"step id \"{s.Id}\" is not an id"); continue; }
            if (!LessonTags.TryKind(s.Kind, out var kind)) Problem($"step {s.Id}: kind \"{s.Kind}\" is not explain, do, check, warning, reflect or what-now");
            if (s.Version < 1) Problem($"step {s.Id}: version must be 1 or more");
            if (steps.Any(x => x.Id == s.Id)) Problem($"step id {s.Id} is used twice");
            steps.Add(new(s.Id!, kind, Math.Max(1, s.Version), s.Critical));
        }
        if (steps.Count == 0) Problem("a lesson has at least one step");
        else if (steps[^1].Kind != StepKind.WhatNow) Problem("the last step is of kind what-now (it hands over to the checklist and the next level)");

        var checklist = new List<ChecklistItem>();
        foreach (var c in file.Checklist ?? [])
        {
            if (LessonMarkdown.Id(c.Id ?? "") is null) { Problem($"checklist id \"{c.Id}\" is not an id"); continue; }
            if (!LessonTags.TryRepeat(c.Repeat ?? "once", out var repeat)) Problem($"checklist {c.Id}: repeat \"{c.Repeat}\" is not once, monthly, quarterly or yearly");
            CheckTags(c.Platforms, LessonTags.Platforms, $"checklist {c.Id} platforms", Problem);
            if (checklist.Any(x => x.Id == c.Id)) Problem($"checklist id {c.Id} is used twice");
            checklist.Add(new(c.Id!, c.Essential, repeat, c.Platforms ?? []));
        }
        var images = new List<LessonImage>();
        foreach (var i in file.Images ?? [])
        {
            if (string.IsNullOrWhiteSpace(i.Licence) || string.IsNullOrWhiteSpace(i.Attribution)) Problem($"image {i.File}: licence and attribution are required");
            if (i.File is null || !File.Exists(Path.Combine(dir, "images", i.File))) Problem($"image {i.File} is not in the lesson's images folder");
            images.Add(new(i.File ?? "", i.Licence ?? "", i.Attribution ?? ""));
        }
        if (problems.Count > before) return null;

        var lesson = new Lesson
        {
            Id = id, Version = file.Version, Topic = file.Topic!, Level = level, Source = file.Source!, Minutes = file.Minutes,
            Domains = file.Domains ?? [], Threats = file.Threats ?? [], Platforms = file.Platforms ?? [], Audiences = file.Audiences ?? [],
            Contexts = file.Contexts ?? [], Sensitivity = file.Sensitivity ?? [], Prerequisites = file.Prerequisites ?? [],
            Related = file.Related ?? [], Review = review!, Licence = file.Licence!, Attribution = file.Attribution!,
            Steps = steps, Checklist = checklist, Images = images, Folder = dir,
        };
        var texts = new Dictionary<string, LessonText>(StringComparer.Ordinal);
        foreach (var language in Cultures.Supported)
            if (Directory.Exists(Path.Combine(dir, language)) && LoadText(root, dir, lesson, language, problems) is { } text)
                texts[language] = text;
        if (!texts.ContainsKey(lesson.Source)) { problems.Add(new(where, $"the source language {lesson.Source} has no complete text")); return null; }
        return lesson with { Texts = texts };
    }

    private static LessonReview? ReadReview(ReviewFile? r, Action<string> problem)
    {
        if (r is null) { problem("review is missing"); return null; }
        if (!LessonTags.TryStatus(r.Status, out var status)) problem($"review status \"{r.Status}\" is not draft, in-review, published or retired");
        if (string.IsNullOrWhiteSpace(r.Author)) problem("review author is missing");
        var reviewedOn = Date(r.ReviewedOn, "reviewed-on", problem);
        var due = Date(r.Due, "due", problem);
        if (status == ReviewStatus.Published)
        {
            if (string.IsNullOrWhiteSpace(r.Reviewer) || reviewedOn is null) problem("a published lesson names its reviewer and the date of the review");
            if (string.Equals(r.Reviewer?.Trim(), r.Author?.Trim(), StringComparison.OrdinalIgnoreCase)) problem("the reviewer is someone other than the author");
        }
        return new(status, r.Author ?? "", string.IsNullOrWhiteSpace(r.Reviewer) ? null : r.Reviewer, reviewedOn, due);
    }

    private static DateOnly? Date(string? s, string name, Action<string> problem)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        problem($"{name} \"{s}\" is not a date yyyy-mm-dd");
        return null;
    }

    private static LessonText? LoadText(string root, string dir, Lesson lesson, string language, List<ContentProblem> problems)
    {
        var path = Path.Combine(dir, language, "lesson.yaml");
        var where = Relative(root, path);
        var before = problems.Count;
        var isSource = language == lesson.Source;
        var file = Parse<LessonTextFile>(path, where, problems);
        if (file is null) return null;
        if (string.IsNullOrWhiteSpace(file.Title)) problems.Add(new(where, "title is missing"));
        if (string.IsNullOrWhiteSpace(file.Need)) problems.Add(new(where, "need is missing (the level's need, in the first person)"));
        if (string.IsNullOrWhiteSpace(file.Summary)) problems.Add(new(where, "summary is missing"));
        if (lesson.Sensitivity.Count > 0 && string.IsNullOrWhiteSpace(file.SensitivityNote)) problems.Add(new(where, "the lesson has sensitivity tags: write its sensitivity-note"));
        if (!isSource && file.From is null) problems.Add(new(where, "a translation says which lesson version it was made from (from:)"));
        if (file.From > lesson.Version) problems.Add(new(where, $"from: {file.From} is newer than the lesson's version {lesson.Version}"));
        var checklist = file.Checklist ?? [];
        foreach (var id in checklist.Keys.Where(k => lesson.Checklist.All(c => c.Id != k)))
            problems.Add(new(where, $"checklist text {id} has no item in lesson.yaml"));
        if (isSource)
            foreach (var item in lesson.Checklist.Where(c => !checklist.ContainsKey(c.Id)))
                problems.Add(new(where, $"checklist item {item.Id} has no text"));

        var steps = new Dictionary<string, StepText>(StringComparer.Ordinal);
        foreach (var step in lesson.Steps)
        {
            var stepPath = Path.Combine(dir, language, step.Id + ".md");
            if (!File.Exists(stepPath))
            {
                if (isSource) problems.Add(new(Relative(root, stepPath), "the source language has every step"));
                continue;
            }
            if (ReadStep(Relative(root, stepPath), File.ReadAllText(stepPath), language, isSource, step, problems) is { } text) steps[step.Id] = text;
        }
        foreach (var extra in Directory.GetFiles(Path.Combine(dir, language), "*.md").Select(Path.GetFileNameWithoutExtension).Where(n => lesson.Steps.All(s => s.Id != n)))
            problems.Add(new(Relative(root, Path.Combine(dir, language, extra + ".md")), "this step is not in lesson.yaml"));
        var result = new LessonText(language, file.Title ?? "", file.Need ?? "", file.Summary ?? "", file.SensitivityNote, file.From, checklist, steps);
        if (!isSource && !lesson.IsComplete(result))
            problems.Add(file.Partial
                ? new(where, "this translation is marked partial: it is not listed as a language of the lesson until every step and checklist item is there", IsWarning: true)
                : new(where, "this translation is incomplete: finish it, or mark it partial: true while it is under way"));
        if (problems.Skip(before).All(p => p.IsWarning)) return result;
        // A translation missing steps is kept (its steps fall back one by one) but never listed as a language of the lesson.
        return null;
    }

    /// <summary>A step file: YAML front matter (title, from) and Markdown. Public for an organization's own lessons.</summary>
    public static StepText? ReadStep(string where, string content, string language, bool isSource, LessonStep step, List<ContentProblem> problems)
    {
        var (front, body) = SplitFrontMatter(content);
        if (front is null) { problems.Add(new(where, "a step starts with front matter between --- lines (title:)")); return null; }
        StepFrontMatter? meta;
        try { meta = Yaml.Deserialize<StepFrontMatter>(front) ?? new(); }
        catch (YamlException e) { problems.Add(new(where, "front matter: " + e.Message)); return null; }
        if (string.IsNullOrWhiteSpace(meta.Title)) problems.Add(new(where, "title is missing"));
        if (!isSource && meta.From is null) problems.Add(new(where, "a translated step says which step version it translates (from:)"));
        if (meta.From > step.Version) problems.Add(new(where, $"from: {meta.From} is newer than the step's version {step.Version}"));
        if (string.IsNullOrWhiteSpace(body)) problems.Add(new(where, "the step has no text"));
        var rendered = LessonMarkdown.Render(body, language, where, problems);
        return new StepText(meta.Title ?? "", isSource ? null : meta.From, rendered.Html, rendered.Words, rendered.Terms, rendered.Lessons);
    }

    public static (string? Front, string Body) SplitFrontMatter(string content)
    {
        content = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!content.StartsWith("---\n", StringComparison.Ordinal)) return (null, content);
        var end = content.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0) return (null, content);
        var bodyStart = content.IndexOf('\n', end + 4);
        return (content[4..end], bodyStart < 0 ? "" : content[(bodyStart + 1)..]);
    }

    // ---- glossary and routes ----

    private sealed class TermFile
    {
        public string? Id { get; set; }
        public string? Term { get; set; }
        public string? Text { get; set; }
    }

    private static Dictionary<string, IReadOnlyDictionary<string, GlossaryTerm>> LoadGlossaries(string root, List<ContentProblem> problems)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, GlossaryTerm>>();
        foreach (var language in Cultures.Supported)
        {
            var path = Path.Combine(root, "glossary", language + ".yaml");
            var where = Relative(root, path);
            result[language] = ReadTerms(path, where, problems);
        }
        var english = result["en"];
        if (english.Count == 0) problems.Add(new("glossary/en.yaml", "the English glossary is missing or empty"));
        foreach (var (language, terms) in result)
        {
            foreach (var id in english.Keys.Where(k => !terms.ContainsKey(k)))
                problems.Add(new($"glossary/{language}.yaml", $"term {id} is not translated (it falls back to English)"));
            foreach (var id in terms.Keys.Where(k => !english.ContainsKey(k)))
                problems.Add(new($"glossary/{language}.yaml", $"term {id} is not in the English glossary"));
        }
        return result;
    }

    private static Dictionary<string, GlossaryTerm> ReadTerms(string path, string where, List<ContentProblem> problems)
    {
        var terms = new Dictionary<string, GlossaryTerm>(StringComparer.Ordinal);
        foreach (var t in (File.Exists(path) ? Parse<List<TermFile>>(path, where, problems) : null) ?? [])
        {
            if (LessonMarkdown.Id(t.Id ?? "") is null) { problems.Add(new(where, $"term id \"{t.Id}\" is not an id")); continue; }
            if (string.IsNullOrWhiteSpace(t.Term) || string.IsNullOrWhiteSpace(t.Text)) { problems.Add(new(where, $"term {t.Id} needs its term and its text")); continue; }
            if (LessonMarkdown.CountWords(t.Text) > 80) problems.Add(new(where, $"term {t.Id}: an explanation has at most 80 words"));
            if (!terms.TryAdd(t.Id!, new(t.Id!, t.Term.Trim(), t.Text.Trim()))) problems.Add(new(where, $"term {t.Id} is listed twice"));
        }
        return terms;
    }

    private sealed class RoutesFile
    {
        public List<RouteFile>? Pathways { get; set; }
        public List<RouteFile>? Needs { get; set; }
    }

    private sealed class RouteFile
    {
        public string? Id { get; set; }
        public List<string>? Lessons { get; set; }
    }

    private sealed class RouteTextsFile
    {
        public Dictionary<string, RouteTextFile>? Pathways { get; set; }
        public Dictionary<string, string>? Needs { get; set; }
    }

    private sealed class RouteTextFile
    {
        public string? Title { get; set; }
        public string? Summary { get; set; }
    }

    private static (List<LessonRoute>, List<LessonRoute>) LoadRoutes(string root, List<ContentProblem> problems)
    {
        var file = Parse<RoutesFile>(Path.Combine(root, "routes.yaml"), "routes.yaml", problems) ?? new();
        List<LessonRoute> Of(List<RouteFile>? routes) =>
            (routes ?? []).Where(r => LessonMarkdown.Id(r.Id ?? "") is not null).Select(r => new LessonRoute(r.Id!, r.Lessons ?? [])).ToList();
        var pathways = Of(file.Pathways);
        var needs = Of(file.Needs);
        foreach (var dup in pathways.Concat(needs).GroupBy(r => r.Id).Where(g => g.Count() > 1))
            problems.Add(new("routes.yaml", $"route id {dup.Key} is used twice"));
        return (pathways, needs);
    }

    private static Dictionary<string, RouteText> LoadRouteTexts(string root, string language, List<LessonRoute> pathways, List<LessonRoute> needs, List<ContentProblem> problems)
    {
        var where = $"routes/{language}.yaml";
        var path = Path.Combine(root, "routes", language + ".yaml");
        var file = File.Exists(path) ? Parse<RouteTextsFile>(path, where, problems) ?? new() : new();
        var result = new Dictionary<string, RouteText>(StringComparer.Ordinal);
        foreach (var p in pathways)
            if (file.Pathways?.GetValueOrDefault(p.Id) is { Title: { Length: > 0 } title } t) result[p.Id] = new(title, t.Summary);
            else problems.Add(new(where, $"pathway {p.Id} has no title"));
        foreach (var n in needs)
            if (file.Needs?.GetValueOrDefault(n.Id) is { Length: > 0 } title) result[n.Id] = new(title, null);
            else problems.Add(new(where, $"need {n.Id} has no title"));
        return result;
    }

    // ---- across files ----

    private static void CheckLinks(LessonCatalog catalog, DateOnly today, List<ContentProblem> problems, IEnumerable<Lesson>? only = null)
    {
        foreach (var lesson in only ?? catalog.Lessons.Values)
        {
            var where = $"lessons/{lesson.Id}/lesson.yaml";
            foreach (var other in lesson.Prerequisites.Concat(lesson.Related).Where(o => !catalog.Lessons.ContainsKey(o)))
                problems.Add(new(where, $"lesson {other} (prerequisite or related) does not exist"));
            foreach (var text in lesson.Texts.Values)
            {
                foreach (var (stepId, step) in text.Steps)
                {
                    var stepWhere = $"lessons/{lesson.Id}/{text.Language}/{stepId}.md";
                    foreach (var term in step.Terms.Where(t => !catalog.Glossary["en"].ContainsKey(t)))
                        problems.Add(new(stepWhere, $"glossary term {term} does not exist"));
                }
            }
            foreach (var link in lesson.Texts.Values.SelectMany(t => t.Steps.Values).SelectMany(s => s.Lessons).Where(l => !catalog.Lessons.ContainsKey(l)))
                problems.Add(new(where, $"a step links lesson {link}, which does not exist"));
            if (lesson.PastReview(today)) problems.Add(new(where, $"past its review date ({lesson.Review.Due:yyyy-MM-dd}): review it and set the next date", IsWarning: true));
        }
        if (only is not null) return;
        foreach (var route in catalog.Pathways.Concat(catalog.Needs))
            foreach (var id in route.Lessons.Where(l => !catalog.Lessons.ContainsKey(l)))
                problems.Add(new("routes.yaml", $"route {route.Id} names lesson {id}, which does not exist"));
    }

    private static void CheckTags(List<string>? values, string[] allowed, string name, Action<string> problem, bool required = false)
    {
        if (required && (values is null || values.Count == 0)) problem($"{name}: at least one of {string.Join(", ", allowed)}");
        foreach (var v in values ?? []) if (!allowed.Contains(v)) problem($"{name}: \"{v}\" is not one of {string.Join(", ", allowed)}");
    }

    private static T? Parse<T>(string path, string where, List<ContentProblem> problems) where T : class
    {
        if (!File.Exists(path)) { problems.Add(new(where, "the file is missing")); return null; }
        try { return Yaml.Deserialize<T>(File.ReadAllText(path)); }
        catch (YamlException e) { problems.Add(new(where, $"line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}")); return null; }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
