namespace Amparo.Web.Features.Plans;

// The words of a security plan (issue 10), shared by the plan's entities, its risk-band rule and its templates.
// Stored as numbers: never renumber a value.

/// <summary>
/// A 1–4 step used for threat, vulnerability and capacity (and, optionally, likelihood and impact). Each step has words
/// of its own for each scale (see RiskBand); the number alone is never shown.
/// </summary>
public enum PlanLevel
{
    One = 1,
    Two = 2,
    Three = 3,
    Four = 4,
}

/// <summary>What a register entry's threat, vulnerabilities and capacities add up to; shown with its reasons, never as a number.</summary>
public enum RiskBand
{
    Low = 0,
    Moderate = 1,
    High = 2,
    Severe = 3,
}

/// <summary>The areas of security a threat or an action touches; several may apply.</summary>
[Flags]
public enum SecurityDomains
{
    None = 0,
    Physical = 1,
    Digital = 2,
    Psychosocial = 4,
    Economic = 8,
    Legal = 16,
    Political = 32,
    Environmental = 64,
    Health = 128,
    GenderIdentity = 256,
}

/// <summary>Where an actor stands towards the people in the plan.</summary>
public enum ActorStance
{
    Unknown = 0,
    Ally = 1,
    Adversary = 2,
    Neutral = 3,
}

public enum PlanActionStatus
{
    Planned = 0,
    InProgress = 1,
    Done = 2,
    Dropped = 3,
}

/// <summary>The situations a protocol is written for.</summary>
public enum ProtocolSituation
{
    Other = 0,
    DetentionOrArrest = 1,
    Travel = 2,
    BreakIn = 3,
    DigitalCompromise = 4,
    ColleagueMissing = 5,
    AfterAnIncident = 6,
}

/// <summary>Why a plan's review is due: its date came, or something happened that may have changed the risks.</summary>
public enum ReviewReason
{
    Scheduled = 0,
    ContextChanged = 1,
    AfterAlert = 2,
    AfterIncident = 3,
}
