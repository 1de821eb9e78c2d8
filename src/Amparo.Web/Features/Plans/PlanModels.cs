namespace Amparo.Web.Features.Plans;

// What PlanService takes and gives: inputs as typed by a person (texts in clear, enums checked by the service), and views
// decrypted for one viewer and cut to their rights.

public sealed record PlanInput(string? Title, bool TitleIsSensitive, string? Context, string? WellBeing, string? ExhaustionRisks, DateTime? NextReviewAt = null);

public sealed record ActorInput(string? Name, ActorStance Stance, string? Interests, string? Capacity);

public sealed record EntryInput(
    string? Threat, string? ByWhom, string? Indicators, bool IsDirectThreat, SecurityDomains Domains,
    PlanLevel ThreatLevel, PlanLevel VulnerabilityLevel, PlanLevel CapacityLevel, string? Vulnerabilities, string? Capacities,
    PlanLevel? Likelihood = null, PlanLevel? Impact = null);

public sealed record ActionInput(
    string? What, Guid? OwnerUserId, DateTime? DueAt, PlanActionStatus Status, decimal? EstimatedCost, string? Currency,
    SecurityDomains Domains, IReadOnlyList<Guid>? EntryIds = null, string? LessonId = null);

public sealed record ProtocolInput(string? Name, ProtocolSituation Situation, IReadOnlyList<string>? Steps, ReadyVisit? Visit = null);

/// <summary>A plan in a list: its title (null when its key is gone) and what the viewer is to it.</summary>
public sealed record PlanSummary(
    Guid Id, Guid? OwnerUserId, Guid? OwnerOrganizationId, string? Title, PlanRole Role, bool SharedWithAudience,
    DateTime NextReviewAt, ReviewReason ReviewReason, DateTime UpdatedAt);

/// <summary>
/// A plan as one viewer may see it. For <see cref="PlanRole.Member"/> the context, well-being, actors and register are
/// null or empty, the actions are only theirs (without the entries they address), and the protocols are there only while
/// the organization opens them to its members.
/// </summary>
public sealed record PlanView(
    Guid Id, Guid? OwnerUserId, Guid? OwnerOrganizationId, PlanRole Role, string? Title, bool TitleIsSensitive, bool SharedWithAudience,
    string? Context, string? WellBeing, string? ExhaustionRisks, DateTime NextReviewAt, ReviewReason ReviewReason,
    DateTime CreatedAt, DateTime UpdatedAt, int Version,
    IReadOnlyList<ActorView> Actors, IReadOnlyList<EntryView> Entries, IReadOnlyList<ActionView> Actions, IReadOnlyList<ProtocolView> Protocols);

public sealed record ActorView(Guid Id, string? Name, ActorStance Stance, string? Interests, string? Capacity);

public sealed record EntryView(
    Guid Id, string? Threat, string? ByWhom, string? Indicators, bool IsDirectThreat, SecurityDomains Domains,
    PlanLevel ThreatLevel, PlanLevel VulnerabilityLevel, PlanLevel CapacityLevel, string? Vulnerabilities, string? Capacities,
    PlanLevel? Likelihood, PlanLevel? Impact);

public sealed record ActionView(
    Guid Id, string? What, Guid? OwnerUserId, DateTime? DueAt, PlanActionStatus Status, decimal? EstimatedCost, string? Currency,
    SecurityDomains Domains, IReadOnlyList<Guid> EntryIds, string? LessonId = null);

public sealed record ProtocolView(Guid Id, string? Name, ProtocolSituation Situation, IReadOnlyList<string> Steps, ReadyVisit? Visit);

/// <summary>An action past its due date and not done, for the home page of the person who is to do it.</summary>
public sealed record OverdueAction(Guid PlanId, Guid ActionId, string? PlanTitle, string? What, DateTime DueAt);

/// <summary>
/// How a change ended. <see cref="NotFound"/>: not there, or not the viewer's to see (the same answer);
/// <see cref="NotAllowed"/>: the viewer may read it but not change it; <see cref="Conflict"/>: someone saved the plan
/// in between. Anything but <see cref="Done"/> changed nothing.
/// </summary>
public enum PlanWriteStatus { Done, NotFound, NotAllowed, Invalid, Conflict }

/// <summary>The outcome of a change: the id of what was made or changed, or the problems (field → resource key <c>Plans.Error.*</c>).</summary>
public sealed record PlanWrite(PlanWriteStatus Status, Guid? Id = null, IReadOnlyDictionary<string, string>? Errors = null)
{
    public static readonly PlanWrite NotFound = new(PlanWriteStatus.NotFound);
    public static readonly PlanWrite NotAllowed = new(PlanWriteStatus.NotAllowed);
    public static readonly PlanWrite Conflict = new(PlanWriteStatus.Conflict);
    public static PlanWrite Done(Guid id) => new(PlanWriteStatus.Done, id);
    public static PlanWrite Invalid(Dictionary<string, string> errors) => new(PlanWriteStatus.Invalid, null, errors);
}
