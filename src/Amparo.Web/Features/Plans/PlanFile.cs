namespace Amparo.Web.Features.Plans;

/// <summary>
/// A plan as a file (format <see cref="Format"/>, documented in docs/security-plans.md): what <c>export.json</c> writes
/// and <c>import</c> reads. It holds what the viewer may see, in clear: keep it as carefully as the plan itself.
/// Ids in a file are the file's own: an import makes new ones, and uses entries' ids only to match the actions that
/// address them.
/// </summary>
public sealed record PlanFile(
    string? Format, string? Title, bool? TitleIsSensitive, string? Context, string? WellBeing, string? ExhaustionRisks,
    DateTimeOffset? NextReviewAt, DateTimeOffset? ExportedAt,
    List<ActorBody>? Actors, List<EntryBody>? Entries, List<ActionBody>? Actions, List<ProtocolBody>? Protocols)
{
    /// <summary>The version of the format. A later version that changes meaning gets a new number; an importer refuses what it does not know.</summary>
    public const string Format1 = "amparo-plan/1";

    /// <summary>At most this many parts of each kind in one file (the API's body limit is usually met first).</summary>
    public const int MaxParts = 500;

    public static PlanFile Of(PlanView plan, DateTime now) => new(Format1, plan.Title, plan.TitleIsSensitive, plan.Context, plan.WellBeing, plan.ExhaustionRisks,
        new DateTimeOffset(DateTime.SpecifyKind(plan.NextReviewAt, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)),
        plan.Actors.Select(a => new ActorBody(a.Name, PlanWire.Word(a.Stance), a.Interests, a.Capacity, a.Id.ToString())).ToList(),
        plan.Entries.Select(e => new EntryBody(e.Threat, e.ByWhom, e.Indicators, e.IsDirectThreat, PlanWire.Words(e.Domains),
            (int)e.ThreatLevel, (int)e.VulnerabilityLevel, (int)e.CapacityLevel, e.Vulnerabilities, e.Capacities,
            (int?)e.Likelihood, (int?)e.Impact, e.Id.ToString())).ToList(),
        plan.Actions.Select(a => new ActionBody(a.What, a.OwnerUserId, a.DueAt is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null,
            PlanWire.Word(a.Status), a.EstimatedCost, a.Currency, PlanWire.Words(a.Domains), a.EntryIds.Select(i => i.ToString()).ToArray(), a.Id.ToString())).ToList(),
        plan.Protocols.Select(p => new ProtocolBody(p.Name, PlanWire.Word(p.Situation), p.Steps.ToArray(), p.Visit, p.Id.ToString())).ToList());

    /// <summary>
    /// Everything an import will write, checked before anything is written: the format, every part by the same rules as the
    /// API (field paths such as <c>actions[3].entryIds</c>), entries' ids unique and every action's entries found in the file.
    /// An action's person is kept only when it is the importer (ids of other people are not trusted from a file).
    /// A review date already past becomes the default (three months on).
    /// </summary>
    public ImportPlan? Check(Guid importer, DateTime now, PlanWire.Errors errors)
    {
        if (!string.Equals(Format, Format1, StringComparison.Ordinal))
        {
            errors.Add("format", "Plans.Error.FileFormat");
            return null;
        }
        var review = NextReviewAt?.UtcDateTime is { } at && at > now ? at : (DateTime?)null;
        var plan = new PlanInput(Title, TitleIsSensitive ?? true, Context, WellBeing, ExhaustionRisks, review);
        errors.AddAll(PlanRules.Check(plan, now));
        Count(errors, "actors", Actors);
        Count(errors, "entries", Entries);
        Count(errors, "actions", Actions);
        Count(errors, "protocols", Protocols);
        if (errors.Count > 0) return null;

        var actors = (Actors ?? []).Select((a, i) => Checked(errors, $"actors[{i}].", p => PlanWire.Actor(a, errors, p), PlanRules.Check)).ToList();
        var entryIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var entries = new List<EntryInput>();
        for (var i = 0; i < (Entries ?? []).Count; i++)
        {
            var e = Entries![i];
            var prefix = $"entries[{i}].";
            if (e.Id is { } id && (id.Length is 0 or > 100 || !entryIds.TryAdd(id, i))) errors.Add(prefix + "id", "Plans.Error.Entries");
            entries.Add(Checked(errors, prefix, p => PlanWire.Entry(e, errors, p), PlanRules.Check));
        }
        // Inside the file an entry is named by its position until the import gives it a real id: Guid(position + 1) stands for it.
        var actions = (Actions ?? []).Select((a, i) => Checked(errors, $"actions[{i}].",
            p => PlanWire.Action(a with { OwnerUserId = a.OwnerUserId == importer ? importer : null }, errors,
                written => entryIds.TryGetValue(written, out var at) ? Stand(at) : null, p),
            input => PlanRules.Check(input, now))).ToList();
        var protocols = (Protocols ?? []).Select((p, i) => Checked(errors, $"protocols[{i}].", x => PlanWire.Protocol(p, errors, x), PlanRules.Check)).ToList();
        return errors.Count > 0 ? null : new ImportPlan(plan, actors, entries, actions, protocols);
    }

    /// <summary>The stand-in id of the file's entry at <paramref name="position"/>, replaced by the new entry's id on import.</summary>
    public static Guid Stand(int position)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(12), position + 1);
        return new Guid(bytes);
    }

    private static T Checked<T>(PlanWire.Errors errors, string prefix, Func<string, T> read, Func<T, Dictionary<string, string>> rules)
    {
        var input = read(prefix);
        errors.AddAll(rules(input), prefix);
        return input;
    }

    private static void Count<T>(PlanWire.Errors errors, string field, List<T>? parts)
    {
        if (parts is { Count: > MaxParts }) errors.Add(field, "Plans.Error.TooMany");
        else if (parts is not null && parts.Any(p => p is null)) errors.Add(field, "Plans.Error.Required");
    }
}

/// <summary>A plan file read and checked, ready to write: its actions' entry ids are <see cref="PlanFile.Stand"/>-ins.</summary>
public sealed record ImportPlan(PlanInput Plan, List<ActorInput> Actors, List<EntryInput> Entries, List<ActionInput> Actions, List<ProtocolInput> Protocols);
