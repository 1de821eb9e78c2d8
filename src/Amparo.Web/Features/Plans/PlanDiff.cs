using System.Globalization;
using System.Text.Json;

namespace Amparo.Web.Features.Plans;

/// <summary>What became of one part (or one field) between two versions.</summary>
public enum DiffState { Unchanged = 0, Added = 1, Removed = 2, Changed = 3 }

/// <summary>
/// One field that differs: its name as the plan file writes it (<c>title</c>, <c>capacityLevel</c>, <c>band</c> …) and its
/// value before and after, as the file writes values (levels 1–4, words such as <c>inProgress</c>, domains joined by
/// commas, steps by new lines). Null: empty, or the part is not on that side.
/// </summary>
public sealed record FieldChange(string Field, string? Old, string? New);

/// <summary>One part (actor, entry, action, protocol) matched by its id across the two versions.</summary>
public sealed record PartDiff(string Id, DiffState State, string? OldLabel, string? NewLabel, IReadOnlyList<FieldChange> Fields)
{
    /// <summary>What to call the part: its name (or threat, or what) on the newer side, else on the older.</summary>
    public string? Label => NewLabel ?? OldLabel;
}

/// <summary>The parts of one section in the order of the newer version, then those removed in the order of the older.</summary>
public sealed record SectionDiff(IReadOnlyList<PartDiff> Parts)
{
    public int Count(DiffState state) => Parts.Count(p => p.State == state);
    public IEnumerable<PartDiff> Differing => Parts.Where(p => p.State != DiffState.Unchanged);
}

/// <summary>Two versions compared: the plan's own fields, then each section.</summary>
public sealed record PlanComparison(IReadOnlyList<FieldChange> Plan, SectionDiff Actors, SectionDiff Entries, SectionDiff Actions, SectionDiff Protocols)
{
    public bool Same => Plan.Count == 0 && new[] { Actors, Entries, Actions, Protocols }.All(s => !s.Differing.Any());
}

/// <summary>
/// Compares two plan contents (as <see cref="PlanVersion"/>s keep them): pure, no database, no keys. Parts are matched by
/// id, so a part that only moved is unchanged, and a part is changed when any of its fields is — with the old and new
/// value of each. A register entry also compares its risk band (from its three levels and whether the threat is direct,
/// by <see cref="RiskBands.Assess"/>), so raising a capacity shows the band it brought down.
/// </summary>
public static class PlanDiff
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static PlanComparison Compare(PlanFile from, PlanFile to) => new(
        Changes(PlanFields(from), PlanFields(to)),
        Section(from.Actors, to.Actors, a => a.Id, a => a.Name, ActorFields),
        Section(from.Entries, to.Entries, e => e.Id, e => e.Threat, EntryFields),
        Section(from.Actions, to.Actions, a => a.Id, a => a.What, ActionFields),
        Section(from.Protocols, to.Protocols, p => p.Id, p => p.Name, ProtocolFields));

    private static List<(string, string?)> PlanFields(PlanFile f) =>
    [
        ("title", f.Title), ("titleIsSensitive", Bool(f.TitleIsSensitive)), ("context", f.Context), ("wellBeing", f.WellBeing),
        ("exhaustionRisks", f.ExhaustionRisks), ("nextReviewAt", f.NextReviewAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
    ];

    private static List<(string, string?)> ActorFields(ActorBody a) =>
        [("name", a.Name), ("stance", a.Stance), ("interests", a.Interests), ("capacity", a.Capacity)];

    private static List<(string, string?)> EntryFields(EntryBody e) =>
    [
        ("threat", e.Threat), ("byWhom", e.ByWhom), ("indicators", e.Indicators), ("isDirectThreat", Bool(e.IsDirectThreat)),
        ("domains", Join(e.Domains)), ("threatLevel", Int(e.ThreatLevel)), ("vulnerabilityLevel", Int(e.VulnerabilityLevel)),
        ("capacityLevel", Int(e.CapacityLevel)), ("band", Band(e)), ("vulnerabilities", e.Vulnerabilities), ("capacities", e.Capacities),
        ("likelihood", Int(e.Likelihood)), ("impact", Int(e.Impact)),
    ];

    private static List<(string, string?)> ActionFields(ActionBody a) =>
    [
        ("what", a.What), ("ownerUserId", a.OwnerUserId?.ToString()), ("dueAt", a.DueAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("status", a.Status), ("estimatedCost", a.EstimatedCost?.ToString(CultureInfo.InvariantCulture)), ("currency", a.Currency),
        ("domains", Join(a.Domains)), ("entryIds", Join(a.EntryIds?.Order(StringComparer.Ordinal).ToArray())),
    ];

    private static List<(string, string?)> ProtocolFields(ProtocolBody p) =>
    [
        ("name", p.Name), ("situation", p.Situation), ("steps", p.Steps is { Length: > 0 } s ? string.Join('\n', s) : null),
        ("visit", p.Visit is null ? null : JsonSerializer.Serialize(p.Visit, Json)),
    ];

    private static SectionDiff Section<T>(List<T>? from, List<T>? to, Func<T, string?> id, Func<T, string?> label, Func<T, List<(string, string?)>> fields)
    {
        var before = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var part in from ?? []) before.TryAdd(id(part) ?? "", part);
        var parts = new List<PartDiff>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in to ?? [])
        {
            var key = id(part) ?? "";
            if (!seen.Add(key)) continue;
            if (before.TryGetValue(key, out var old))
            {
                var changes = Changes(fields(old), fields(part));
                parts.Add(new PartDiff(key, changes.Count == 0 ? DiffState.Unchanged : DiffState.Changed, label(old), label(part), changes));
            }
            else
                parts.Add(new PartDiff(key, DiffState.Added, null, label(part), Changes([], fields(part))));
        }
        foreach (var (key, old) in before)
            if (!seen.Contains(key)) parts.Add(new PartDiff(key, DiffState.Removed, label(old), null, Changes(fields(old), [])));
        return new SectionDiff(parts);
    }

    /// <summary>The fields whose values differ (a field missing on one side counts as empty).</summary>
    private static List<FieldChange> Changes(List<(string Field, string? Value)> from, List<(string Field, string? Value)> to)
    {
        var names = to.Count > 0 ? to.Select(f => f.Field) : from.Select(f => f.Field);
        var old = from.ToDictionary(f => f.Field, f => Empty(f.Value), StringComparer.Ordinal);
        var now = to.ToDictionary(f => f.Field, f => Empty(f.Value), StringComparer.Ordinal);
        return names.Select(n => new FieldChange(n, old.GetValueOrDefault(n), now.GetValueOrDefault(n)))
            .Where(c => !string.Equals(c.Old, c.New, StringComparison.Ordinal)).ToList();
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    private static string? Bool(bool? value) => value is { } b ? (b ? "true" : "false") : null;
    private static string? Int(int? value) => value?.ToString(CultureInfo.InvariantCulture);
    private static string? Join(string[]? words) => words is { Length: > 0 } ? string.Join(", ", words) : null;

    /// <summary>The entry's band as a word (<c>high</c> …); null when its levels are not on the 1–4 scale.</summary>
    private static string? Band(EntryBody e)
    {
        if (Level(e.ThreatLevel) is not { } t || Level(e.VulnerabilityLevel) is not { } v || Level(e.CapacityLevel) is not { } c) return null;
        return PlanWire.Word(RiskBands.Assess(t, v, c, e.IsDirectThreat ?? false).Band);
    }

    private static PlanLevel? Level(int? value) => value is { } n && Enum.IsDefined((PlanLevel)n) ? (PlanLevel)n : null;
}
