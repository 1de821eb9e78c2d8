namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// A person's own care plan: what drains them, what restores them, their warning signs, their boundaries, the people
/// they can call, their rest days. One per person, theirs alone: nobody else sees it (not a focal point, not an org
/// admin, not a buddy, not through a shared security plan). Every text is encrypted with the person's data key, bound
/// to this table, its column and the row's id.
/// </summary>
public sealed class CarePlan
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public byte[]? DrainsCipher { get; set; }
    public byte[]? RestoresCipher { get; set; }
    public byte[]? WarningSignsCipher { get; set; }
    public byte[]? BoundariesCipher { get; set; }
    public byte[]? PeopleCipher { get; set; }
    public byte[]? RestDaysCipher { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>UTC: when the person last said "I reviewed it" (with the self-check, or on its own).</summary>
    public DateTime? ReviewedAt { get; set; }

    public const string Table = "WellbeingCarePlans";
    /// <summary>Each text's longest length, in characters.</summary>
    public const int MaxText = 4000;
}

/// <summary>The six parts of a care plan, in the order the page shows them. Stored nowhere as a number.</summary>
public enum CarePart
{
    Drains = 0,
    Restores = 1,
    WarningSigns = 2,
    Boundaries = 3,
    People = 4,
    RestDays = 5,
}

/// <summary>A care plan as its person reads it (decrypted). A part never written is null.</summary>
public sealed record CarePlanView(IReadOnlyDictionary<CarePart, string?> Parts, DateTime UpdatedAt, DateTime? ReviewedAt)
{
    public string? this[CarePart part] => Parts.GetValueOrDefault(part);
}
