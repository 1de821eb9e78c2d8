using Amparo.Web.Features.Plans;

namespace Amparo.Web.Features.Incidents;

/// <summary>
/// One report of something that happened to a defender. It belongs to the organization it was reported to (its admins and
/// focal points follow it up), or — with no organization — it is the reporter's own record, seen by them alone.
/// What aggregation needs stays in clear: the acts, the date to its precision, the area or coarse cell, the targeted
/// groups, the perpetrator type, the domains and the status. The narrative and the name of the person concerned are
/// encrypted with the owner's data key (the organization's, or the reporter's for a personal record), each bound to its
/// table, column and row. A precise point is never kept: a point is snapped to its coarse cell when the report is written.
/// Who may see it is <see cref="IncidentAccess"/>'s to say.
/// </summary>
public sealed class Incident
{
    public Guid Id { get; set; }
    /// <summary>The organization the report went to; null for a personal record.</summary>
    public Guid? OrganizationId { get; set; }
    /// <summary>Who wrote it; null once their account is deleted (the organization keeps the report).</summary>
    public Guid? ReporterId { get; set; }
    /// <summary>True when the reporter wrote about themself; false when a focal point or coordinator reported for someone else.</summary>
    public bool AboutReporter { get; set; }
    /// <summary>The person concerned, named only when they agreed (someone else's report); encrypted.</summary>
    public byte[]? ConcernedNameCipher { get; set; }

    /// <summary>The day, or the Monday of the week, or the first of the month (<see cref="Precision"/>).</summary>
    public DateOnly OccurredOn { get; set; }
    public DatePrecision Precision { get; set; }
    public IncidentActs Acts { get; set; }
    /// <summary>One of <see cref="Acts"/>.</summary>
    public IncidentActs PrimaryAct { get; set; }
    public PerpetratorType Perpetrator { get; set; }
    public TargetedGroups Groups { get; set; }
    public SecurityDomains Domains { get; set; }

    /// <summary>An area of the installation's gazetteer (<see cref="Gazetteer"/>), when the reporter named one.</summary>
    public string? AreaId { get; set; }
    /// <summary>The coarse cell a point was snapped to (<see cref="CoarseCell"/>), as its centre; never the point itself.</summary>
    public double? CellLatitude { get; set; }
    public double? CellLongitude { get; set; }

    public byte[]? NarrativeCipher { get; set; }

    /// <summary>
    /// The precise point, encrypted with the organization's key, kept only when the organization chose to
    /// (<see cref="IncidentSettings.KeepPointDays"/>) and only until <see cref="PointKeptUntil"/>: <see cref="IncidentPointPurge"/>
    /// then removes it. Null otherwise — the default.
    /// </summary>
    public byte[]? PointCipher { get; set; }
    public DateTime? PointKeptUntil { get; set; }

    /// <summary>The alert it was recorded from (closed as "needs help" or "missing"), when a responder recorded it from there.</summary>
    public Guid? AlertId { get; set; }

    /// <summary>The organization's report link it came through, sent by someone without an account (no reporter).</summary>
    public Guid? LinkId { get; set; }
    /// <summary>
    /// A report sent through a link waits for the organization's staff: until one of them accepts it, only they see it, and
    /// it is left out of exports, network sharing and aggregates. Discarding it deletes it.
    /// </summary>
    public bool AwaitingReview { get; set; }
    /// <summary>How to reach the person who sent a report through a link, if they gave a way; encrypted.</summary>
    public byte[]? ContactCipher { get; set; }
    /// <summary>Who imported it from a file (an imported report has no reporter: the importer did not write it).</summary>
    public Guid? ImportedById { get; set; }

    public IncidentStatus Status { get; set; }
    /// <summary>The admin or focal point following it up, if someone took it on.</summary>
    public Guid? HandlerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Raised by every saved change: two people changing the status at once, the second is told.</summary>
    public int Version { get; set; }

    public const string Table = "Incidents";
}

/// <summary>A follow-up note on a report, by its reporter or the organization's staff; encrypted with the report's key.</summary>
public sealed class IncidentNote
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    /// <summary>Null once the author's account is deleted.</summary>
    public Guid? AuthorId { get; set; }
    public byte[]? TextCipher { get; set; }
    public DateTime CreatedAt { get; set; }

    public const string Table = "IncidentNotes";
}

/// <summary>
/// A file added to a report as evidence: encrypted with the report's key (its bytes and its name), a photo already
/// cleaned of its metadata (<see cref="Removed"/> says what was found and removed, to show the reporter).
/// </summary>
public sealed class IncidentAttachment
{
    public Guid Id { get; set; }
    public Guid IncidentId { get; set; }
    /// <summary>Null once the author's account is deleted.</summary>
    public Guid? AuthorId { get; set; }
    public EvidenceKind Kind { get; set; }
    public string ContentType { get; set; } = "";
    public int Size { get; set; }
    public PhotoMetadata Removed { get; set; }
    public byte[]? FileNameCipher { get; set; }
    public byte[] DataCipher { get; set; } = [];
    public DateTime CreatedAt { get; set; }

    public const string Table = "IncidentAttachments";
}
