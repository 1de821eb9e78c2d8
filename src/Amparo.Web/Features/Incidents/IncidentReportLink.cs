namespace Amparo.Web.Features.Incidents;

/// <summary>
/// An organization's link for reports from people without an account (a community, a hotline's callers). The link is a
/// random 256-bit secret shown once; only its hash is kept, so a database copy cannot be used to send reports. Revoking it
/// makes it answer 404 at once. A report sent through it waits for the organization's review (<see cref="Incident.AwaitingReview"/>).
/// </summary>
public sealed class IncidentReportLink
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string TokenHash { get; set; } = "";
    /// <summary>What the staff call it ("community radio", "hotline"), encrypted with the organization's key.</summary>
    public byte[]? LabelCipher { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public const string Table = "IncidentReportLinks";
    /// <summary>Reports one link accepts per hour, whoever sends them: a leaked link cannot flood the review queue.</summary>
    public const int MaxReportsPerHour = 20;
    public const int MaxLabel = 80;
}

/// <summary>
/// One import of a file into an organization, written in the same transaction as its reports: its id travels with the
/// file between the import's two steps, so sending the second step twice (a double click, the back button) imports once.
/// </summary>
public sealed class IncidentImportBatch
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? ImportedById { get; set; }
    public int Reports { get; set; }
    public DateTime At { get; set; }

    public const string Table = "IncidentImports";
}

/// <summary>An organization's choices about its incident reports; a missing row is the defaults.</summary>
public sealed class IncidentSettings
{
    public Guid OrganizationId { get; set; }
    /// <summary>
    /// Days a report's precise point is kept, encrypted, beside its coarse cell: 0 (the default) keeps none; at most
    /// <see cref="MaxKeepPointDays"/>.
    /// </summary>
    public int KeepPointDays { get; set; }

    public const string Table = "IncidentSettings";
    public const int MaxKeepPointDays = 30, SuggestedKeepPointDays = 7;
}
