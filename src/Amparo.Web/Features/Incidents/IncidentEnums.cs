namespace Amparo.Web.Features.Incidents;

// The words of an incident report (issue 12). Stored as numbers: never renumber a value. The HURIDOCS codes each one
// maps to are in Huridocs.cs and docs/incidents.md.

/// <summary>What was done to the defender; several may apply, one is marked primary.</summary>
[Flags]
public enum IncidentActs
{
    None = 0,
    KillingOrAttempt = 1 << 0,
    DisappearanceOrAbduction = 1 << 1,
    ArrestOrDetention = 1 << 2,
    JudicialHarassment = 1 << 3,
    PhysicalAttackOrTorture = 1 << 4,
    SexualOrGenderBasedViolence = 1 << 5,
    Threat = 1 << 6,
    Surveillance = 1 << 7,
    SmearCampaign = 1 << 8,
    RaidOrPropertyDamage = 1 << 9,
    DigitalAttack = 1 << 10,
    TravelRestriction = 1 << 11,
    Other = 1 << 12,
}

/// <summary>Who did it, as far as the reporter knows.</summary>
public enum PerpetratorType
{
    Unknown = 0,
    StateSecurityForces = 1,
    Legislature = 2,
    JudiciaryOrProsecutors = 3,
    ProGovernmentArmedGroup = 4,
    OtherArmedGroup = 5,
    PowerfulPrivateActor = 6,
    Corporation = 7,
    Landowner = 8,
}

/// <summary>Which groups of defenders the person belongs to, as far as it matters to the attack; several may apply.</summary>
[Flags]
public enum TargetedGroups
{
    None = 0,
    WomanDefender = 1 << 0,
    LgbtiDefender = 1 << 1,
    LandOrEnvironmentalDefender = 1 << 2,
    Journalist = 1 << 3,
    Lawyer = 1 << 4,
    HealthWorker = 1 << 5,
    IndigenousOrCommunityLeader = 1 << 6,
    Other = 1 << 7,
}

/// <summary>How exactly the date is known: the stored date is the day, the Monday of the week, or the first of the month.</summary>
public enum DatePrecision
{
    Day = 0,
    Week = 1,
    Month = 2,
}

/// <summary>Where a report stands in its organization's follow-up.</summary>
public enum IncidentStatus
{
    New = 0,
    Verified = 1,
    NeedsFollowUp = 2,
    Closed = 3,
}
