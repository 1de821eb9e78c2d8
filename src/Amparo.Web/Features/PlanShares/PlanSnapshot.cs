using Amparo.Web.Features.Plans;

namespace Amparo.Web.Features.PlanShares;

/// <summary>
/// The frozen copy a grantmaker sees: a plan file (<see cref="PlanFile"/>, format amparo-plan/1) cut to the share's scope,
/// and read back into a <see cref="PlanView"/> for the pages (bands and budget computed by the plan module's own rules).
/// Pure: no I/O.
/// </summary>
public static class PlanSnapshot
{
    /// <summary>
    /// What is frozen for <paramref name="scope"/>. Other people's account ids never leave (who is to do an action, the
    /// companions of a ready visit). The summary keeps the title, the review date and the costed actions (what, domains,
    /// cost, currency, status, due) without the register entries they address; the budget is rolled up from them.
    /// </summary>
    public static PlanFile Of(PlanView plan, ShareScope scope, DateTime now)
    {
        var file = PlanFile.Of(plan, now);
        var actions = (file.Actions ?? []).Select(a => a with { OwnerUserId = null }).ToList();
        return scope switch
        {
            ShareScope.WholePlan => file with
            {
                Actions = actions,
                Protocols = (file.Protocols ?? []).Select(p => p with { Visit = p.Visit is { } v ? v with { Companions = null } : null }).ToList(),
            },
            ShareScope.SummaryAndCostedActions => file with
            {
                Context = null, WellBeing = null, ExhaustionRisks = null, Actors = null, Entries = null, Protocols = null,
                Actions = actions.Where(a => a.EstimatedCost is not null && a.Currency is not null).Select(a => a with { EntryIds = [], Id = null }).ToList(),
            },
        };
    }

    /// <summary>The frozen file as a read-only view (role <see cref="PlanRole.Reader"/>), for the pages and the budget roll-up.</summary>
    public static PlanView ViewOf(Guid shareId, PlanFile f)
    {
        var actors = (f.Actors ?? []).Select(a => new ActorView(Guid.Empty, a.Name, Word<ActorStance>(a.Stance), a.Interests, a.Capacity)).ToList();
        var entries = (f.Entries ?? []).Select(e => new EntryView(IdOf(e.Id), e.Threat, e.ByWhom, e.Indicators, e.IsDirectThreat ?? false, Domains(e.Domains),
            Level(e.ThreatLevel), Level(e.VulnerabilityLevel), Level(e.CapacityLevel), e.Vulnerabilities, e.Capacities,
            e.Likelihood is null ? null : Level(e.Likelihood), e.Impact is null ? null : Level(e.Impact))).ToList();
        var actions = (f.Actions ?? []).Select(a => new ActionView(IdOf(a.Id), a.What, null, a.DueAt?.UtcDateTime, Word<PlanActionStatus>(a.Status),
            a.EstimatedCost, a.Currency, Domains(a.Domains), (a.EntryIds ?? []).Select(IdOf).Where(g => g != Guid.Empty).ToList())).ToList();
        var protocols = (f.Protocols ?? []).Select(p => new ProtocolView(Guid.Empty, p.Name, Word<ProtocolSituation>(p.Situation), p.Steps ?? [], p.Visit)).ToList();
        var at = f.ExportedAt?.UtcDateTime ?? default;
        return new PlanView(shareId, null, null, PlanRole.Reader, f.Title, f.TitleIsSensitive ?? true, false, f.Context, f.WellBeing, f.ExhaustionRisks,
            f.NextReviewAt?.UtcDateTime ?? at, ReviewReason.Scheduled, at, at, 0, actors, entries, actions, protocols);
    }

    private static Guid IdOf(string? id) => Guid.TryParse(id, out var g) ? g : Guid.Empty;

    private static PlanLevel Level(int? value) => value is >= 1 and <= 4 ? (PlanLevel)value.Value : PlanLevel.One;

    private static T Word<T>(string? word) where T : struct, Enum => PlanWire.TryParse<T>(word, out var v) ? v : default;

    private static SecurityDomains Domains(string[]? words) =>
        (words ?? []).Aggregate(SecurityDomains.None, (d, w) => PlanWire.TryParse<SecurityDomains>(w, out var x) ? d | x : d);
}
