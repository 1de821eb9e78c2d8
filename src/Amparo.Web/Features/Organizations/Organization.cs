using Amparo.Web.Infrastructure.Data;

namespace Amparo.Web.Features.Organizations;

public enum OrganizationKind { CivilSociety, Grantmaker, Practitioner }

public enum OrgRole { Member = 0, FocalPoint = 1, OrgAdmin = 2 }

public sealed class Organization
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public OrganizationKind Kind { get; set; }
    /// <summary>Focal points and admins must have two-factor on to act in this organization.</summary>
    public bool RequireTwoFactorForStaff { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// The organization's own data key (a row of DataKeys, wrapped by the master key), as a person has one: fields the
    /// organization owns (plans, incidents, grant records) are encrypted with it, and deleting the organization destroys it.
    /// </summary>
    public Guid DataKeyId { get; set; }
}

public sealed class Membership
{
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public OrgRole Role { get; set; }
    public DateTime JoinedAt { get; set; }
}

/// <summary>An invitation to join an organization. The link carries a random token; only its hash is stored, and it works once.</summary>
public sealed class Invitation
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Email { get; set; } = "";
    public OrgRole Role { get; set; }
    public string TokenHash { get; set; } = "";
    public Guid InvitedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public static class Grantmakers
{
    /// <summary>The grantmaker organizations whose admins the viewer is one of: where they run programs and choose regions.</summary>
    public static IQueryable<Organization> AdministeredBy(AmparoDbContext db, Guid viewer) =>
        db.Organizations.Where(o => o.Kind == OrganizationKind.Grantmaker
            && db.Memberships.Any(m => m.OrganizationId == o.Id && m.UserId == viewer && m.Role == OrgRole.OrgAdmin));
}
