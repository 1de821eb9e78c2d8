namespace Amparo.Web.Features.Sharing;

/// <summary>
/// What kind of data an audience question is about. Each category belongs to one kind of owner
/// (<see cref="DataCategories.KindOf"/>): a new module adds its value here and one line there.
/// </summary>
public enum DataCategory
{
    // A person's data: the person always sees it; others through the person's sharing rules and grants.
    VisitsAndAlerts = 0,
    ContactDetails = 1,
    /// <summary>Obsolete since issue 11 (kept so no value is renumbered): individual well-being is never shared. No page,
    /// API or path opens it (<see cref="DataCategories.IsRetired"/>); migration Issue11NoWellbeingSharing turned it off for everyone.</summary>
    WellBeing = 2,
    SecurityPlan = 3,
    /// <summary>A person's learning progress (issue 18): opened only by the person's grant to one named person (a buddy),
    /// never by a sharing rule (<see cref="DataCategories.IsGrantOnly"/>).</summary>
    LearningProgress = 4,

    // An organization's data: its admins and focal points always see it; members only through a grant to members.
    OrganizationSecurityPlan = 10,
    OrganizationProtocols = 11,
    OrganizationIncidents = 12,
    /// <summary>The organization's team well-being view and its well-being assessment (issue 11): anonymous aggregates only.</summary>
    OrganizationWellbeing = 13,

    // One shared item (the "owner" is the item itself): seen only through grants on it, e.g. a plan snapshot shared with a grantmaker.
    PlanSnapshot = 20,
}

/// <summary>Whose data a category is: a person's, an organization's, or one shared item's (its own audience).</summary>
public enum OwnerKind { Person = 0, Organization = 1, Item = 2 }

public static class DataCategories
{
    /// <summary>The kind of owner of a category. No default arm: a new category does not compile until it is declared here.</summary>
    public static OwnerKind KindOf(DataCategory category)
    {
        switch (category)
        {
            case DataCategory.VisitsAndAlerts:
            case DataCategory.ContactDetails:
            case DataCategory.WellBeing:
            case DataCategory.SecurityPlan:
            case DataCategory.LearningProgress:
                return OwnerKind.Person;
            case DataCategory.OrganizationSecurityPlan:
            case DataCategory.OrganizationProtocols:
            case DataCategory.OrganizationIncidents:
            case DataCategory.OrganizationWellbeing:
                return OwnerKind.Organization;
            case DataCategory.PlanSnapshot:
                return OwnerKind.Item;
        }
        throw new ArgumentOutOfRangeException(nameof(category), category, "Not a declared category.");
    }

    /// <summary>
    /// A category that can no longer be opened to anyone but its owner: no box on the sharing page, no rule or grant
    /// counts for it. Individual well-being (issue 11) is never shared; only the anonymous team view exists.
    /// </summary>
    public static bool IsRetired(DataCategory category) => category == DataCategory.WellBeing;

    /// <summary>
    /// A category its owner opens only by a grant to one named person, from its own module's page: no box on the sharing
    /// page and no rule (what someone is learning goes to a buddy they choose, never to every focal point).
    /// </summary>
    public static bool IsGrantOnly(DataCategory category) => category == DataCategory.LearningProgress;

    /// <summary>Every category of one kind of owner that a sharing rule may still open, in declaration order.</summary>
    public static IReadOnlyList<DataCategory> OfKind(OwnerKind kind) =>
        Enum.GetValues<DataCategory>().Where(c => KindOf(c) == kind && !IsRetired(c) && !IsGrantOnly(c)).ToList();
}

/// <summary>Who a person's sharing rule opens the data to.</summary>
public enum Audience { OrgFocalPoints = 0, NetworkCoordinators = 1 }

/// <summary>
/// One person's explicit choice: "my <see cref="Category"/> is visible to <see cref="Audience"/>".
/// No rule, no access. The person sees and changes these on the "who can see what" page. Person categories only;
/// choices about one named person, an organization's members or a grantmaker's staff are <see cref="AccessGrant"/>s.
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
        from category in DataCategories.OfKind(OwnerKind.Person)
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
