namespace Amparo.Web.Features.Sharing;

/// <summary>What kind of a person's data a rule is about.</summary>
public enum DataCategory { VisitsAndAlerts = 0, ContactDetails = 1, WellBeing = 2, SecurityPlan = 3 }

/// <summary>Who a rule opens the data to.</summary>
public enum Audience { OrgFocalPoints = 0, NetworkCoordinators = 1 }

/// <summary>
/// One person's explicit choice: "my <see cref="Category"/> is visible to <see cref="Audience"/>".
/// No rule, no access. The person sees and changes these on the "who can see what" page.
/// </summary>
public sealed class SharingRule
{
    public Guid OwnerId { get; set; }
    public DataCategory Category { get; set; }
    public Audience Audience { get; set; }
    public bool Enabled { get; set; }
    public DateTime ChangedAt { get; set; }

    /// <summary>What a person has when they join: visits and alerts open to their organization's focal points; nothing else.</summary>
    public static IEnumerable<SharingRule> Defaults(Guid ownerId, DateTime now) =>
        from category in Enum.GetValues<DataCategory>()
        from audience in Enum.GetValues<Audience>()
        select new SharingRule
        {
            OwnerId = ownerId,
            Category = category,
            Audience = audience,
            Enabled = category == DataCategory.VisitsAndAlerts && audience == Audience.OrgFocalPoints,
            ChangedAt = now,
        };
}
