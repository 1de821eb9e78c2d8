using System.Text.Json;

namespace Amparo.Web.Features.Plans;

// The plan as the API and the plan file write it: enums as camelCase words ("inProgress", "genderIdentity"), domains as a
// list of words, levels as 1–4. Bodies coming in are read into these records with every choice still text, so that an
// unknown word is a field error ("entries[2].stance") rather than an unreadable body.

/// <summary>
/// An actor in a request or a plan file. <paramref name="Id"/>: ignored by the API (the path names the part); in a plan
/// file, the part's id within the file (only entries' ids are used, to match the actions that address them).
/// </summary>
public sealed record ActorBody(string? Name, string? Stance, string? Interests, string? Capacity, string? Id = null);

public sealed record EntryBody(
    string? Threat, string? ByWhom, string? Indicators, bool? IsDirectThreat, string[]? Domains,
    int? ThreatLevel, int? VulnerabilityLevel, int? CapacityLevel, string? Vulnerabilities, string? Capacities,
    int? Likelihood = null, int? Impact = null, string? Id = null);

/// <summary><paramref name="EntryIds"/>: in the API, the ids of this plan's register entries; in a plan file, ids of entries in the same file.</summary>
public sealed record ActionBody(
    string? What, Guid? OwnerUserId, DateTimeOffset? DueAt, string? Status, decimal? EstimatedCost, string? Currency,
    string[]? Domains, string[]? EntryIds, string? Id = null);

public sealed record ProtocolBody(string? Name, string? Situation, string[]? Steps, ReadyVisit? Visit, string? Id = null);

/// <summary>Reads the wire records into the service's inputs, collecting field errors (field path → resource key).</summary>
public static class PlanWire
{
    /// <summary>The camelCase word of an enum value.</summary>
    public static string Word<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static bool TryParse<T>(string? word, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (string.Equals(Word(v), word, StringComparison.Ordinal)) { value = v; return true; }
        value = default;
        return false;
    }

    private static readonly SecurityDomains[] EachDomain = Enum.GetValues<SecurityDomains>().Where(d => d != SecurityDomains.None).ToArray();

    public static string[] Words(SecurityDomains domains) => EachDomain.Where(d => domains.HasFlag(d)).Select(d => Word(d)).ToArray();

    /// <summary>"physical" etc.; <see cref="SecurityDomains.None"/> is written "none" (a budget line of actions with no domain).</summary>
    public static string DomainWord(SecurityDomains domain) => domain == SecurityDomains.None ? "none" : Word(domain);

    private static T Choice<T>(Errors errors, string field, string? word, T fallback) where T : struct, Enum
    {
        if (word is null) return fallback;
        if (TryParse<T>(word, out var value) && Enum.IsDefined(value)) return value;
        errors.Add(field, "Plans.Error.Choice");
        return fallback;
    }

    private static SecurityDomains Domains(Errors errors, string field, string[]? words)
    {
        var domains = SecurityDomains.None;
        foreach (var word in words ?? [])
        {
            if (EachDomain.FirstOrDefault(d => Word(d) == word) is var d && d != SecurityDomains.None) domains |= d;
            else { errors.Add(field, "Plans.Error.Choice"); break; }
        }
        return domains;
    }

    // A missing or out-of-range level becomes an undefined value, which PlanRules names as the field's error.
    private static PlanLevel Level(int? level) => level is >= 1 and <= 4 ? (PlanLevel)level.Value : 0;

    private static PlanLevel? OptionalLevel(int? level) => level is null ? null : Level(level);

    public static ActorInput Actor(ActorBody body, Errors errors, string prefix = "") =>
        new(body.Name, Choice(errors, prefix + "stance", body.Stance, ActorStance.Unknown), body.Interests, body.Capacity);

    public static EntryInput Entry(EntryBody body, Errors errors, string prefix = "") =>
        new(body.Threat, body.ByWhom, body.Indicators, body.IsDirectThreat ?? false, Domains(errors, prefix + "domains", body.Domains),
            Level(body.ThreatLevel), Level(body.VulnerabilityLevel), Level(body.CapacityLevel), body.Vulnerabilities, body.Capacities,
            OptionalLevel(body.Likelihood), OptionalLevel(body.Impact));

    /// <summary><paramref name="entryId"/> turns an id as written in the body into an entry's id (null: not found, a field error).</summary>
    public static ActionInput Action(ActionBody body, Errors errors, Func<string, Guid?> entryId, string prefix = "")
    {
        var ids = new List<Guid>();
        foreach (var written in body.EntryIds ?? [])
        {
            if (entryId(written) is { } id) ids.Add(id);
            else { errors.Add(prefix + "entryIds", "Plans.Error.Entries"); break; }
        }
        // A blank currency is no currency; a code is taken as written (PlanRules wants it upper case, as ISO 4217 writes it).
        var currency = string.IsNullOrWhiteSpace(body.Currency) ? null : body.Currency;
        return new ActionInput(body.What, body.OwnerUserId, body.DueAt?.UtcDateTime, Choice(errors, prefix + "status", body.Status, PlanActionStatus.Planned),
            body.EstimatedCost, currency, Domains(errors, prefix + "domains", body.Domains), ids);
    }

    /// <summary>In the API, entry ids are this plan's ids (the service checks they are the plan's).</summary>
    public static Guid? GuidOf(string written) => Guid.TryParse(written, out var id) ? id : null;

    public static ProtocolInput Protocol(ProtocolBody body, Errors errors, string prefix = "") =>
        new(body.Name, Choice(errors, prefix + "situation", body.Situation, ProtocolSituation.Other), body.Steps, body.Visit);

    /// <summary>Field errors of a body: the first problem of each field (field path, camelCase → resource key).</summary>
    public sealed class Errors
    {
        public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
        public int Count => Fields.Count;
        public void Add(string field, string key) => Fields.TryAdd(field, key);

        /// <summary>Adds PlanRules' or the service's errors (field names as in the inputs: "Title") under a prefix ("entries[0].").</summary>
        public void AddAll(IReadOnlyDictionary<string, string>? errors, string prefix = "")
        {
            foreach (var (field, key) in errors ?? new Dictionary<string, string>())
                Add(prefix + char.ToLowerInvariant(field[0]) + field[1..], key);
        }
    }
}
