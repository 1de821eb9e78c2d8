namespace Amparo.Web.Features.Learning;

public enum LessonLevel { Beginner = 0, Advanced = 1, Expert = 2 }

public enum StepKind { Explain = 0, Do = 1, Check = 2, Warning = 3, Reflect = 4, WhatNow = 5 }

public enum ReviewStatus { Draft = 0, InReview = 1, Published = 2, Retired = 3 }

public enum ChecklistRepeat { Once = 0, Monthly = 1, Quarterly = 2, Yearly = 3 }

/// <summary>One step of a lesson, whatever the language. A translation records the <see cref="Version"/> it was made from.</summary>
public sealed record LessonStep(string Id, StepKind Kind, int Version, bool Critical);

public sealed record ChecklistItem(string Id, bool Essential, ChecklistRepeat Repeat, IReadOnlyList<string> Platforms);

public sealed record LessonReview(ReviewStatus Status, string Author, string? Reviewer, DateOnly? ReviewedOn, DateOnly? Due);

public sealed record LessonImage(string File, string Licence, string Attribution);

/// <summary>A step in one language: its title, its sanitized HTML, the source version it translates (null in the
/// source language), its length, and the glossary terms and lessons it links.</summary>
public sealed record StepText(string Title, int? From, string Html, int Words, IReadOnlyList<string> Terms, IReadOnlyList<string> Lessons);

/// <summary>What a lesson says in one language.</summary>
public sealed record LessonText(
    string Language, string Title, string Need, string Summary, string? SensitivityNote, int? From,
    IReadOnlyDictionary<string, string> Checklist, IReadOnlyDictionary<string, StepText> Steps);

/// <summary>
/// A lesson: the language-neutral part of lesson.yaml and its texts per language. Lessons of the shipped library come
/// from <c>content/</c>; an organization's private lessons (<see cref="OrganizationId"/>) from the database.
/// </summary>
public sealed record Lesson
{
    public required string Id { get; init; }
    public int Version { get; init; } = 1;
    public required string Topic { get; init; }
    public LessonLevel Level { get; init; }
    public required string Source { get; init; }
    public int Minutes { get; init; }
    public IReadOnlyList<string> Domains { get; init; } = [];
    public IReadOnlyList<string> Threats { get; init; } = [];
    public IReadOnlyList<string> Platforms { get; init; } = [];
    public IReadOnlyList<string> Audiences { get; init; } = [];
    public IReadOnlyList<string> Contexts { get; init; } = [];
    public IReadOnlyList<string> Sensitivity { get; init; } = [];
    public IReadOnlyList<string> Prerequisites { get; init; } = [];
    public IReadOnlyList<string> Related { get; init; } = [];
    public required LessonReview Review { get; init; }
    public required string Licence { get; init; }
    public required string Attribution { get; init; }
    public IReadOnlyList<LessonStep> Steps { get; init; } = [];
    public IReadOnlyList<ChecklistItem> Checklist { get; init; } = [];
    public IReadOnlyList<LessonImage> Images { get; init; } = [];
    public IReadOnlyDictionary<string, LessonText> Texts { get; init; } = new Dictionary<string, LessonText>();
    /// <summary>Set for an organization's private lesson (edited in Amparo); null for the shipped library.</summary>
    public Guid? OrganizationId { get; init; }
    /// <summary>The lesson's folder on disk (under content/ or the imported content); null for an organization's lesson.</summary>
    public string? Folder { get; init; }

    /// <summary>The languages a reader may choose: the source, and every translation that has every step and checklist
    /// item (stale steps still count: the page marks them, and a critical one shows the source).</summary>
    public IEnumerable<string> CompleteLanguages => Texts.Values.Where(IsComplete).Select(t => t.Language);

    public bool IsComplete(LessonText text) =>
        text.Language == Source || (Steps.All(s => text.Steps.ContainsKey(s.Id)) && Checklist.All(c => text.Checklist.ContainsKey(c.Id)));

    public bool PastReview(DateOnly today) => Review.Due is { } due && due < today;
}

public sealed record GlossaryTerm(string Id, string Term, string Text);

/// <summary>A curated route (a pathway) or a need a reader may start from: an ordered list of lessons.</summary>
public sealed record LessonRoute(string Id, IReadOnlyList<string> Lessons);

public sealed record RouteText(string Title, string? Summary);

/// <summary>The shipped library, loaded once from <c>content/</c>: lessons, glossaries per language, pathways, needs.</summary>
public sealed class LessonCatalog
{
    public IReadOnlyDictionary<string, Lesson> Lessons { get; init; } = new Dictionary<string, Lesson>();
    /// <summary>Language → term id → term.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, GlossaryTerm>> Glossary { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, GlossaryTerm>>();
    public IReadOnlyList<LessonRoute> Pathways { get; init; } = [];
    public IReadOnlyList<LessonRoute> Needs { get; init; } = [];
    /// <summary>Language → route id → its title (pathways and needs share one id space).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, RouteText>> RouteTexts { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, RouteText>>();
}

/// <summary>The facets a lesson is tagged with. A value outside these lists is a content error (the pages name each
/// value in every language: <c>Learning.Tag.{value}</c>).</summary>
public static class LessonTags
{
    public static readonly string[] Topics = ["devices", "accounts", "communication", "harassment", "protests", "travel", "wellbeing", "planning", "legal"];
    public static readonly string[] Domains = ["digital", "physical", "well-being", "legal"];
    public static readonly string[] Platforms = ["android", "ios", "windows", "macos", "linux"];
    public static readonly string[] Audiences = ["women-defenders", "lgbti-defenders", "journalists", "land-defenders", "lawyers"];
    public static readonly string[] Contexts = ["criminalized-identity", "internet-shutdown", "detention-risk", "armed-conflict"];
    public static readonly string[] Sensitivity = ["sexual-violence", "detention", "self-harm", "violence"];
    public static readonly string[] Licences = ["CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0", "private"];

    public static string LevelName(LessonLevel level) => level switch
    {
        LessonLevel.Beginner => "beginner",
        LessonLevel.Advanced => "advanced",
        LessonLevel.Expert => "expert",
    };

    public static string KindName(StepKind kind) => kind switch
    {
        StepKind.Explain => "explain",
        StepKind.Do => "do",
        StepKind.Check => "check",
        StepKind.Warning => "warning",
        StepKind.Reflect => "reflect",
        StepKind.WhatNow => "what-now",
    };

    public static string StatusName(ReviewStatus status) => status switch
    {
        ReviewStatus.Draft => "draft",
        ReviewStatus.InReview => "in-review",
        ReviewStatus.Published => "published",
        ReviewStatus.Retired => "retired",
    };

    public static string RepeatName(ChecklistRepeat repeat) => repeat switch
    {
        ChecklistRepeat.Once => "once",
        ChecklistRepeat.Monthly => "monthly",
        ChecklistRepeat.Quarterly => "quarterly",
        ChecklistRepeat.Yearly => "yearly",
    };

    public static bool TryLevel(string? s, out LessonLevel level) => TryName(s, LevelName, out level);
    public static bool TryKind(string? s, out StepKind kind) => TryName(s, KindName, out kind);
    public static bool TryStatus(string? s, out ReviewStatus status) => TryName(s, StatusName, out status);
    public static bool TryRepeat(string? s, out ChecklistRepeat repeat) => TryName(s, RepeatName, out repeat);

    private static bool TryName<T>(string? s, Func<T, string> name, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (string.Equals(name(v), s, StringComparison.Ordinal)) { value = v; return true; }
        value = default;
        return false;
    }
}
