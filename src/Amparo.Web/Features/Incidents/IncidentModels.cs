using Amparo.Web.Features.Plans;

namespace Amparo.Web.Features.Incidents;

// What IncidentService takes and gives: inputs as typed (texts in clear, enums checked by the service), and views
// decrypted for one viewer and cut to their rights.

/// <summary>
/// A new report. <see cref="OrganizationId"/> null: a personal record. <see cref="AboutMe"/> false: for someone else
/// (staff of the organization only), named by <see cref="ConcernedName"/> only when <see cref="NamedWithConsent"/>.
/// A place is an area of the gazetteer, or a point (snapped to its coarse cell, never kept), or nothing.
/// </summary>
public sealed record IncidentInput(
    Guid? OrganizationId, bool AboutMe, string? ConcernedName, bool NamedWithConsent,
    DateOnly? OccurredOn, DatePrecision Precision, IncidentActs Acts, IncidentActs PrimaryAct,
    PerpetratorType Perpetrator, TargetedGroups Groups, SecurityDomains Domains,
    string? AreaId, double? Latitude, double? Longitude, string? Narrative, Guid? AlertId = null);

/// <summary>What a closed alert offers a report recorded from it: the organizations to report to, and the day it was raised.</summary>
public sealed record AlertForReport(Guid AlertId, DateOnly RaisedOn, IReadOnlyList<Guid> Organizations);

/// <summary>What a viewer is to a report; it decides what they may do with it.</summary>
public enum IncidentRole
{
    /// <summary>The reporter of a personal record: everything.</summary>
    Owner = 0,
    /// <summary>An admin or focal point of the organization it was reported to: follows it up (status, handler, notes).</summary>
    Staff = 1,
    /// <summary>The reporter of a report to an organization (while a member): reads it and adds notes.</summary>
    Reporter = 2,
    /// <summary>A coordinator of a network the organization shares its reports with: reads them, changes and adds nothing.</summary>
    NetworkCoordinator = 3,
}

/// <summary>A network an organization belongs to, and whether its reports are shared with that network's coordinators.</summary>
public sealed record NetworkShare(Guid NetworkId, string Name, bool Shared);

public sealed record IncidentSummary(
    Guid Id, Guid? OrganizationId, DateOnly OccurredOn, DatePrecision Precision, IncidentActs PrimaryAct, IncidentActs Acts,
    IncidentStatus Status, bool ReportedByViewer, DateTime CreatedAt, bool AwaitingReview);

public sealed record IncidentNoteView(Guid Id, Guid? AuthorId, string? AuthorName, string? Text, DateTime CreatedAt);

/// <summary>An evidence file as listed (its bytes are read one at a time, on download). Name null when its key is gone.</summary>
public sealed record EvidenceView(Guid Id, EvidenceKind Kind, string ContentType, int Size, PhotoMetadata Removed, string? FileName, DateTime CreatedAt);

/// <summary>The outcome of adding a file: the write, what was found in a photo and removed, or why the file was refused.</summary>
public sealed record EvidenceWrite(IncidentWriteStatus Status, Guid? Id = null, PhotoMetadata Removed = PhotoMetadata.None, EvidenceRefusal Refusal = EvidenceRefusal.None);

/// <summary>One report decrypted for one viewer. Texts are null when the owner's key is gone (deleted organization).</summary>
public sealed record IncidentView(
    Incident Incident, IncidentRole Role, string? OrganizationName, string? ReporterName, string? HandlerName,
    string? ConcernedName, string? Narrative, IReadOnlyList<IncidentNoteView> Notes, IReadOnlyList<EvidenceView> Evidence,
    string? Contact = null, string? Point = null, string? ImporterName = null);

public enum IncidentWriteStatus { Done, Invalid, NotFound, NotAllowed, Conflict }

public sealed record IncidentWrite(IncidentWriteStatus Status, Guid? Id = null, IReadOnlyDictionary<string, string>? Errors = null)
{
    public static readonly IncidentWrite NotFound = new(IncidentWriteStatus.NotFound);
    public static readonly IncidentWrite NotAllowed = new(IncidentWriteStatus.NotAllowed);
    public static readonly IncidentWrite Conflict = new(IncidentWriteStatus.Conflict);
    public static IncidentWrite Done(Guid id) => new(IncidentWriteStatus.Done, id);
    public static IncidentWrite Invalid(Dictionary<string, string> errors) => new(IncidentWriteStatus.Invalid, null, errors);
}

/// <summary>
/// A report was written (issue 12), told to other modules through the fact seam: <paramref name="OwnerId"/> is the
/// reporter; <paramref name="AboutReporter"/> says the incident happened to them. Ids only, as every fact.
/// </summary>
public sealed record IncidentReported(Guid OwnerId, DateTime At, Guid IncidentId, Guid? OrganizationId, bool AboutReporter)
    : Infrastructure.Events.Fact(OwnerId, At);
