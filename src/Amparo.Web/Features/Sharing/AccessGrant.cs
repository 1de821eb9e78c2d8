namespace Amparo.Web.Features.Sharing;

/// <summary>Who an <see cref="AccessGrant"/> opens the data to.</summary>
public enum GranteeKind
{
    /// <summary>One named person (a buddy): <see cref="AccessGrant.GranteeId"/> is their user id.</summary>
    Person = 0,
    /// <summary>Every member of an organization, whatever their role: <see cref="AccessGrant.GranteeId"/> is the organization.</summary>
    OrganizationMembers = 1,
    /// <summary>
    /// An organization's admins and the members assigned to this grant (<see cref="AccessGrantAssignee"/>), e.g. a grantmaker's
    /// staff assigned to a shared plan snapshot. An assignee who leaves the organization loses access.
    /// </summary>
    AssignedStaff = 2,
    /// <summary>
    /// The coordinators of a network the owning organization belongs to (<see cref="AccessGrant.GranteeId"/> is the network),
    /// e.g. an organization sharing its incident reports with its network. It opens nothing once the organization leaves it.
    /// </summary>
    NetworkCoordinators = 3,
}

/// <summary>
/// An explicit, withdrawable opening of one category of an owner's data beyond the built-in paths: to a named person, to an
/// organization's members, or to an organization's assigned staff — optionally until a date. It counts only while it stands:
/// not withdrawn and not expired (checked against the clock on every read, never remembered).
/// </summary>
public sealed class AccessGrant
{
    public Guid Id { get; set; }
    /// <summary>Whose data, in the audience rule's sense: a person, an organization, or (for item categories) the item itself.</summary>
    public Guid OwnerId { get; set; }
    public DataCategory Category { get; set; }
    /// <summary>The person or organization that gave the grant and may withdraw it (the owner, for person and organization categories).</summary>
    public Guid GrantedById { get; set; }
    public GranteeKind GranteeKind { get; set; }
    /// <summary>A user id for <see cref="GranteeKind.Person"/>, a network id for <see cref="GranteeKind.NetworkCoordinators"/>, an organization id otherwise.</summary>
    public Guid GranteeId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>After this instant the grant opens nothing. Null: until withdrawn.</summary>
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>A person's (or organization's) category opened to one named person, e.g. a buddy.</summary>
    public static AccessGrant ToPerson(Guid ownerId, DataCategory category, Guid personId, DateTime now, DateTime? until = null) =>
        New(ownerId, category, ownerId, GranteeKind.Person, personId, now, until);

    /// <summary>An organization's category opened to all of its own members (or another organization's).</summary>
    public static AccessGrant ToMembers(Guid ownerId, DataCategory category, Guid organizationId, DateTime now) =>
        New(ownerId, category, ownerId, GranteeKind.OrganizationMembers, organizationId, now, null);

    /// <summary>One item (e.g. a plan snapshot) given by a person or organization to another organization's assigned staff, until a date.</summary>
    public static AccessGrant ToAssignedStaff(Guid itemId, DataCategory category, Guid grantedById, Guid organizationId, DateTime now, DateTime until) =>
        New(itemId, category, grantedById, GranteeKind.AssignedStaff, organizationId, now, until);

    /// <summary>An organization's category opened to the coordinators of a network it belongs to (while it belongs to it).</summary>
    public static AccessGrant ToNetworkCoordinators(Guid organizationId, DataCategory category, Guid networkId, DateTime now) =>
        DataCategories.KindOf(category) == OwnerKind.Organization
            ? New(organizationId, category, organizationId, GranteeKind.NetworkCoordinators, networkId, now, null)
            : throw new ArgumentException($"{category} is not an organization's category.", nameof(category));

    private static AccessGrant New(Guid ownerId, DataCategory category, Guid grantedBy, GranteeKind kind, Guid grantee, DateTime now, DateTime? until)
    {
        // An item grant names its giver separately; a person's or organization's grant is given by the owner.
        if ((DataCategories.KindOf(category) == OwnerKind.Item) == (ownerId == grantedBy) || DataCategories.IsRetired(category))
            throw new ArgumentException($"{category} is not a category this grant can open.", nameof(category));
        return new AccessGrant
        {
            Id = Guid.NewGuid(), OwnerId = ownerId, Category = category, GrantedById = grantedBy,
            GranteeKind = kind, GranteeId = grantee, CreatedAt = now, ExpiresAt = until,
        };
    }
}

/// <summary>A member of the grantee organization assigned to an <see cref="GranteeKind.AssignedStaff"/> grant.</summary>
public sealed class AccessGrantAssignee
{
    public Guid GrantId { get; set; }
    public Guid UserId { get; set; }
    public DateTime AssignedAt { get; set; }
}
