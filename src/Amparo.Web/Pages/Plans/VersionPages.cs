using System.Globalization;
using System.Text.Json;
using Amparo.Web.Features.Plans;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>A section of a comparison as the compare page lists it: its heading and its parts.</summary>
public sealed record DiffSectionView(string Id, string TitleKey, string Part, SectionDiff Diff);

/// <summary>Words for the compare page: a changed field's name and its values in the viewer's language.</summary>
public static class VersionPages
{
    public static string StateKey(DiffState state) => "Plans.Versions.State." + state;

    /// <summary>The CSS class of a part's state (the word, never the colour, carries the meaning).</summary>
    public static string StateClass(DiffState state) => state switch
    {
        DiffState.Added => "diff-added",
        DiffState.Removed => "diff-removed",
        DiffState.Changed => "diff-changed",
        DiffState.Unchanged => "diff-same",
    };

    /// <summary>The label of a field of the plan file; <paramref name="part"/> tells apart an actor's name from a protocol's.</summary>
    public static string FieldKey(string part, string field) => field switch
    {
        "title" => "Plans.Page.Field.Title",
        "titleIsSensitive" => "Plans.Versions.Field.TitleIsSensitive",
        "context" => "Plans.Page.Context",
        "wellBeing" => "Plans.Page.Field.WellBeing",
        "exhaustionRisks" => "Plans.Page.Field.ExhaustionRisks",
        "nextReviewAt" => "Plans.Page.Field.NextReview",
        "name" => part == "protocol" ? "Plans.Page.Field.ProtocolName" : "Plans.Page.Field.ActorName",
        "stance" => "Plans.Page.Field.Stance",
        "interests" => "Plans.Page.Field.Interests",
        "capacity" => "Plans.Page.Field.ActorCapacity",
        "threat" => "Plans.Page.Field.Threat",
        "byWhom" => "Plans.Page.Field.ByWhom",
        "indicators" => "Plans.Page.Field.Indicators",
        "isDirectThreat" => "Plans.Page.Field.Direct",
        "domains" => "Plans.Page.Domains",
        "threatLevel" => RiskBands.ScaleKey(PlanScale.Threat),
        "vulnerabilityLevel" => RiskBands.ScaleKey(PlanScale.Vulnerability),
        "capacityLevel" => RiskBands.ScaleKey(PlanScale.Capacity),
        "likelihood" => RiskBands.ScaleKey(PlanScale.Likelihood),
        "impact" => RiskBands.ScaleKey(PlanScale.Impact),
        "band" => "Plans.Export.Band",
        "vulnerabilities" => "Plans.Page.Field.Vulnerabilities",
        "capacities" => "Plans.Page.Field.Capacities",
        "what" => "Plans.Page.Field.What",
        "ownerUserId" => "Plans.Page.Field.ActionOwner",
        "dueAt" => "Plans.Page.Field.Due",
        "status" => "Plans.Page.Field.Status",
        "estimatedCost" => "Plans.Page.Field.Cost",
        "currency" => "Plans.Page.Field.Currency",
        "entryIds" => "Plans.Page.Addresses",
        "situation" => "Plans.Page.Field.Situation",
        "steps" => "Plans.Page.Field.Steps",
        "visit" => "Plans.Page.Field.Visit",
        _ => "Plans.Versions.Field.Other",
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A value as the viewer reads it: choices and levels in words, dates in their zone, the entries an action addresses by
    /// their threats (<paramref name="threats"/>, from both versions), a person by name (<paramref name="people"/>).
    /// Null stays null (shown as a dash).
    /// </summary>
    public static string? Words(string field, string? value, IStringLocalizer t, string zone,
        IReadOnlyDictionary<string, string?> threats, IReadOnlyDictionary<Guid, string> people)
    {
        if (value is null) return null;
        return field switch
        {
            "titleIsSensitive" or "isDirectThreat" => t[value == "true" ? "Plans.Versions.Yes" : "Plans.Versions.No"].Value,
            "stance" => PlanWire.TryParse<ActorStance>(value, out var s) ? t[PlanPages.StanceKey(s)].Value : value,
            "status" => PlanWire.TryParse<PlanActionStatus>(value, out var st) ? t[PlanPages.StatusKey(st)].Value : value,
            "situation" => PlanWire.TryParse<ProtocolSituation>(value, out var si) ? t[PlanPages.SituationKey(si)].Value : value,
            "band" => PlanWire.TryParse<RiskBand>(value, out var b) ? t[RiskBands.BandKey(b)].Value : value,
            "domains" => PlanPages.DomainWords(value.Split(", ").Aggregate(SecurityDomains.None,
                (all, w) => PlanWire.TryParse<SecurityDomains>(w, out var d) ? all | d : all), t),
            "threatLevel" => Level(PlanScale.Threat, value, t),
            "vulnerabilityLevel" => Level(PlanScale.Vulnerability, value, t),
            "capacityLevel" => Level(PlanScale.Capacity, value, t),
            "likelihood" => Level(PlanScale.Likelihood, value, t),
            "impact" => Level(PlanScale.Impact, value, t),
            "nextReviewAt" or "dueAt" => DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day)
                ? PlanPages.Day(day.AddHours(12), zone) : value,
            "ownerUserId" => Guid.TryParse(value, out var who) ? people.GetValueOrDefault(who, t["Plans.Page.Someone"].Value) : value,
            "entryIds" => string.Join(", ", value.Split(", ").Select(id => threats.GetValueOrDefault(id) ?? "—")),
            "visit" => JsonSerializer.Deserialize<ReadyVisit>(value, Json) is { } v
                ? t["Plans.Page.ReadyVisit", v.DurationMinutes].Value + (string.IsNullOrEmpty(v.PlaceKind) ? "" : " · " + v.PlaceKind) : value,
            _ => value,
        };
    }

    private static string Level(PlanScale scale, string value, IStringLocalizer t) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && Enum.IsDefined((PlanLevel)n)
            ? $"{n} — {t[RiskBands.WordsKey(scale, (PlanLevel)n)].Value}" : value;
}

/// <summary>The model of <c>_DiffFields</c>: one part's changed fields between versions <paramref name="From"/> and <paramref name="To"/>.</summary>
public sealed record DiffFieldsView(string Part, string? Label, DiffState State, IReadOnlyList<FieldChange> Fields, int From, int To, Func<string, string?, string?> Words);
