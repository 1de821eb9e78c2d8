namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// A member's choice to contribute their self-check bands to an organization's team view (off by default: no row).
/// The row is the choice only; while a month is open nothing else about the contribution exists outside the person's
/// own encrypted self-checks. Withdrawing deletes the row and stops future months; closed months keep their counts.
/// Leaving the organization removes it (a foreign key to the membership).
/// </summary>
public sealed class TeamContribution
{
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }

    public const string Table = "WellbeingTeamContributions";
}

/// <summary>
/// One anonymous contribution of a closed month: the bands, the organization and the month, nothing else. Written by
/// <see cref="TeamMonthClose"/> in one batch, in random order, with a random id: no timestamp, no person, no order
/// that could link a row to anyone. These rows belong to nobody and stay when a person deletes their account.
/// </summary>
public sealed class TeamMonthBands
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>The first day of the calendar month (UTC).</summary>
    public DateOnly Month { get; set; }
    public WellbeingBand Satisfaction { get; set; }
    public WellbeingBand Burnout { get; set; }
    public WellbeingBand SecondaryStress { get; set; }

    public const string Table = "WellbeingTeamMonthBands";
}

/// <summary>
/// An organization's month is closed: its rows were written, in the same transaction as this row. Its key
/// (organization, month) makes closing happen once, whatever crashes or second instances do.
/// </summary>
public sealed class TeamMonthClosed
{
    public Guid OrganizationId { get; set; }
    /// <summary>The first day of the calendar month (UTC).</summary>
    public DateOnly Month { get; set; }

    public const string Table = "WellbeingTeamMonthsClosed";
}
