namespace Amparo.Web.Features.Plans;

/// <summary>
/// A security plan of one person or one organization (exactly one of <see cref="OwnerUserId"/> and
/// <see cref="OwnerOrganizationId"/>). Everything it says is encrypted with its owner's data key (the person's or the
/// organization's), each field bound to its table, column and row; only a title its owner marked non-sensitive is kept
/// in clear. Who may see it is <see cref="PlanAccess"/>'s to say.
/// </summary>
public sealed class SecurityPlan
{
    public Guid Id { get; set; }
    public Guid? OwnerUserId { get; set; }
    public Guid? OwnerOrganizationId { get; set; }

    /// <summary>True (the default): the title is in <see cref="TitleCipher"/>; false: in <see cref="PlainTitle"/>, e.g. for lists and reminders.</summary>
    public bool TitleIsSensitive { get; set; } = true;
    public byte[]? TitleCipher { get; set; }
    public string? PlainTitle { get; set; }

    /// <summary>A person's plan: seen by others only while this is on AND their "security plan" sharing category opens it to them.</summary>
    public bool SharedWithAudience { get; set; }

    /// <summary>The work and what it touches.</summary>
    public byte[]? ContextCipher { get; set; }
    /// <summary>What keeps the people in the plan well (rest, support, boundaries).</summary>
    public byte[]? WellBeingCipher { get; set; }
    /// <summary>The risks of exhaustion.</summary>
    public byte[]? ExhaustionRisksCipher { get; set; }

    public DateTime NextReviewAt { get; set; }
    public ReviewReason ReviewReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Raised by every saved change: two editors saving the same plan at once, the second is told, not silently overwritten.</summary>
    public int Version { get; set; }

    /// <summary>The audience rule's owner: the person or the organization.</summary>
    public Guid OwnerId => OwnerUserId ?? OwnerOrganizationId ?? Guid.Empty;

    public const string Table = "SecurityPlans";
}

/// <summary>Someone who matters to the plan: an ally, an adversary, a neutral or unknown party.</summary>
public sealed class PlanActor
{
    public Guid Id { get; set; }
    public Guid PlanId { get; set; }
    public ActorStance Stance { get; set; }
    public byte[]? NameCipher { get; set; }
    public byte[]? InterestsCipher { get; set; }
    /// <summary>Their capacity to harm or to help.</summary>
    public byte[]? CapacityCipher { get; set; }
    public int Position { get; set; }

    public const string Table = "PlanActors";
}

/// <summary>One threat in the risk register, with the vulnerabilities and capacities that meet it.</summary>
public sealed class RiskEntry
{
    public Guid Id { get; set; }
    public Guid PlanId { get; set; }
    /// <summary>What the threat is.</summary>
    public byte[]? ThreatCipher { get; set; }
    public byte[]? ByWhomCipher { get; set; }
    public byte[]? IndicatorsCipher { get; set; }
    /// <summary>A clear and present threat: the plan points first to actions on the threat itself.</summary>
    public bool IsDirectThreat { get; set; }
    public SecurityDomains Domains { get; set; }
    public PlanLevel ThreatLevel { get; set; } = PlanLevel.One;
    public PlanLevel VulnerabilityLevel { get; set; } = PlanLevel.One;
    public PlanLevel CapacityLevel { get; set; } = PlanLevel.One;
    public byte[]? VulnerabilitiesCipher { get; set; }
    public byte[]? CapacitiesCipher { get; set; }
    /// <summary>Shown beside the band to help discussion, never folded into it.</summary>
    public PlanLevel? Likelihood { get; set; }
    public PlanLevel? Impact { get; set; }
    public int Position { get; set; }

    public const string Table = "RiskEntries";
}

/// <summary>Something to do, by someone, by a date; it may address register entries and cost money.</summary>
public sealed class PlanAction
{
    public Guid Id { get; set; }
    public Guid PlanId { get; set; }
    public byte[]? WhatCipher { get; set; }
    /// <summary>Who does it: an Amparo account of the plan's organization (or the plan's person, or their audience); null when nobody yet.</summary>
    public Guid? OwnerUserId { get; set; }
    public DateTime? DueAt { get; set; }
    public PlanActionStatus Status { get; set; }
    public decimal? EstimatedCost { get; set; }
    /// <summary>ISO 4217 code of <see cref="EstimatedCost"/>; sums are per currency, never converted.</summary>
    public string? Currency { get; set; }
    public SecurityDomains Domains { get; set; }
    public int Position { get; set; }
    /// <summary>The library lesson this action came from or points to (issue 18): its page links it. Null when none.</summary>
    public string? LessonId { get; set; }

    public const string Table = "PlanActions";
}

/// <summary>An action addresses a register entry (many to many).</summary>
public sealed class PlanActionEntry
{
    public Guid ActionId { get; set; }
    public Guid EntryId { get; set; }
}

/// <summary>A named list of steps for a situation, optionally with a visit ready to start.</summary>
public sealed class PlanProtocol
{
    public Guid Id { get; set; }
    public Guid PlanId { get; set; }
    public ProtocolSituation Situation { get; set; }
    public byte[]? NameCipher { get; set; }
    /// <summary>The ordered steps, one encrypted JSON array of strings.</summary>
    public byte[]? StepsCipher { get; set; }
    /// <summary>A <see cref="ReadyVisit"/> as encrypted JSON; null when the protocol has none.</summary>
    public byte[]? VisitCipher { get; set; }
    public int Position { get; set; }

    public const string Table = "PlanProtocols";
}
