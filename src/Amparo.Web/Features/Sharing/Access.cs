using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Sharing;

/// <summary>How a viewer comes to see an owner's category: the one list of paths of the audience rule.</summary>
public enum AccessPath
{
    /// <summary>A person's own data.</summary>
    Self = 0,
    /// <summary>A focal point or admin of an organization the owner belongs to, while the owner's rule opens the category to them.</summary>
    OrgFocalPoints = 1,
    /// <summary>
    /// A coordinator of a network one of the owner's organizations belongs to, while the owner's rule opens the category to
    /// them; or, for an organization's category, a coordinator of a network the organization belongs to while its grant to
    /// that network's coordinators stands.
    /// </summary>
    NetworkCoordinators = 2,
    /// <summary>An admin or focal point of the owning organization (organization categories).</summary>
    OrganizationStaff = 3,
    /// <summary>A person named in a standing grant (a buddy).</summary>
    NamedPerson = 4,
    /// <summary>A member of an organization named in a standing grant (e.g. an organization opening its protocols to its members).</summary>
    OrganizationMembers = 5,
    /// <summary>An admin, or a member assigned to the grant, of the organization named in a standing grant (a grantmaker's staff).</summary>
    AssignedStaff = 6,
}

/// <summary>One viewer who may see one owner's category, and by which path. The audience rule is the set of these.</summary>
public sealed record Reach
{
    public Guid Viewer { get; init; }
    public Guid Owner { get; init; }
    public AccessPath Path { get; init; }
}

/// <summary>
/// The tables the audience rule reads and the instant it is asked at (grants expire). Plain IQueryables: DbSets for SQL,
/// in-memory lists in the property tests.
/// </summary>
public sealed record AccessSources(
    IQueryable<SharingRule> Rules, IQueryable<Membership> Memberships,
    IQueryable<NetworkOrganization> NetworkOrgs, IQueryable<NetworkCoordinator> Coordinators,
    IQueryable<AccessGrant> Grants, IQueryable<AccessGrantAssignee> Assignees, DateTime Now)
{
    public static AccessSources Of(AmparoDbContext db, TimeProvider clock) =>
        new(db.SharingRules, db.Memberships, db.NetworkOrganizations, db.NetworkCoordinators,
            db.AccessGrants, db.AccessGrantAssignees, clock.GetUtcNow().UtcDateTime);
}

/// <summary>
/// The one place that says who may see what. The rule is one relation — (viewer, owner, path) for a category — written
/// once in <see cref="Paths"/>; <see cref="OwnersVisibleTo"/> and <see cref="AudienceOf"/> are its two directions, so
/// "whose data may I read" and "who may read (and so is told about) this" can never disagree. Written over plain IQueryable
/// sources so the same rule runs as SQL through EF Core and, in the property-based tests, over in-memory lists.
/// </summary>
public static class Access
{
    /// <summary>The owners whose <paramref name="category"/> <paramref name="viewer"/> may read (themself included, for person categories).</summary>
    public static IQueryable<Guid> OwnersVisibleTo(Guid viewer, DataCategory category, AccessSources sources) =>
        OwnersVisibleThrough(viewer, category, sources, AllPaths);

    /// <summary>The owners whose <paramref name="category"/> the viewer may read through <paramref name="via"/> only (e.g. the organizations whose staff they are).</summary>
    public static IQueryable<Guid> OwnersVisibleThrough(Guid viewer, DataCategory category, AccessSources sources, params AccessPath[] via) =>
        Union(Paths(category, sources, via).Select(p => p.Where(r => r.Viewer == viewer).Select(r => r.Owner)));

    /// <summary>
    /// The people who may read <paramref name="owner"/>'s <paramref name="category"/> — and hence who may be told about it —
    /// through any of <paramref name="via"/> (every path when empty). For a person category the owner is in it (the
    /// <see cref="AccessPath.Self"/> path): callers that tell others leave the owner out.
    /// </summary>
    public static IQueryable<Guid> AudienceOf(Guid owner, DataCategory category, AccessSources sources, params AccessPath[] via) =>
        Union(Paths(category, sources, via.Length == 0 ? AllPaths : via).Select(p => p.Where(r => r.Owner == owner).Select(r => r.Viewer)));

    /// <summary>
    /// The paths <paramref name="owner"/>'s own choices (enabled rules, standing grants) open their category to, whether or not
    /// anyone stands on them today — for pages that say "not shared" rather than "nobody there".
    /// </summary>
    public static IQueryable<AccessPath> OpenedBy(Guid owner, DataCategory category, AccessSources s)
    {
        var rules = s.Rules.Where(r => r.OwnerId == owner && r.Category == category && r.Enabled)
            .Select(r => r.Audience == Audience.OrgFocalPoints ? AccessPath.OrgFocalPoints : AccessPath.NetworkCoordinators);
        var grants = Standing(s, category).Where(g => g.OwnerId == owner)
            .Select(g => g.GranteeKind == GranteeKind.Person ? AccessPath.NamedPerson
                : g.GranteeKind == GranteeKind.OrganizationMembers ? AccessPath.OrganizationMembers
                : g.GranteeKind == GranteeKind.NetworkCoordinators ? AccessPath.NetworkCoordinators : AccessPath.AssignedStaff);
        return rules.Union(grants);
    }

    private static readonly AccessPath[] AllPaths = Enum.GetValues<AccessPath>();

    private static IQueryable<Guid> Union(IEnumerable<IQueryable<Guid>> parts) => parts.Aggregate((a, b) => a.Union(b)).Distinct();

    /// <summary>
    /// THE RULE. Each path is a query of (viewer, owner) pairs; which paths exist depends on the kind of owner of the
    /// category (decided here, in C#, not in SQL). A path the caller did not ask for is left out of the query altogether.
    /// </summary>
    private static IEnumerable<IQueryable<Reach>> Paths(DataCategory category, AccessSources s, IReadOnlyCollection<AccessPath> via)
    {
        var kind = DataCategories.KindOf(category);
        if (kind == OwnerKind.Person)
        {
            // A person always sees their own data. (Every person has sharing rows from the day they join.)
            if (via.Contains(AccessPath.Self))
                yield return s.Rules.Select(r => new Reach { Viewer = r.OwnerId, Owner = r.OwnerId, Path = AccessPath.Self });

            // A retired category (individual well-being) is its owner's alone: no rule or grant opens it, whatever a row says.
            if (DataCategories.IsRetired(category)) yield break;

            // A grant-only category (learning progress) is opened by no rule, whatever a row says.
            if (!DataCategories.IsGrantOnly(category) && via.Contains(AccessPath.OrgFocalPoints))
                yield return
                    from r in s.Rules
                    where r.Category == category && r.Audience == Audience.OrgFocalPoints && r.Enabled
                    join owner in s.Memberships on r.OwnerId equals owner.UserId
                    join staff in s.Memberships on owner.OrganizationId equals staff.OrganizationId
                    // Roles are stored as text: compare by value, never by order ("Member" >= "FocalPoint" as strings).
                    where staff.Role == OrgRole.FocalPoint || staff.Role == OrgRole.OrgAdmin
                    select new Reach { Viewer = staff.UserId, Owner = r.OwnerId, Path = AccessPath.OrgFocalPoints };

            if (!DataCategories.IsGrantOnly(category) && via.Contains(AccessPath.NetworkCoordinators))
                yield return
                    from r in s.Rules
                    where r.Category == category && r.Audience == Audience.NetworkCoordinators && r.Enabled
                    join owner in s.Memberships on r.OwnerId equals owner.UserId
                    join no in s.NetworkOrgs on owner.OrganizationId equals no.OrganizationId
                    join c in s.Coordinators on no.NetworkId equals c.NetworkId
                    select new Reach { Viewer = c.UserId, Owner = r.OwnerId, Path = AccessPath.NetworkCoordinators };
        }

        // An organization's own admins and focal points see all of its data; its members only what a grant opens to them.
        if (kind == OwnerKind.Organization && via.Contains(AccessPath.OrganizationStaff))
            yield return
                from m in s.Memberships
                where m.Role == OrgRole.FocalPoint || m.Role == OrgRole.OrgAdmin
                select new Reach { Viewer = m.UserId, Owner = m.OrganizationId, Path = AccessPath.OrganizationStaff };

        // Grants, for every kind of owner: only while they stand.
        if (via.Contains(AccessPath.NamedPerson))
            yield return
                from g in Standing(s, category)
                where g.GranteeKind == GranteeKind.Person
                select new Reach { Viewer = g.GranteeId, Owner = g.OwnerId, Path = AccessPath.NamedPerson };

        if (via.Contains(AccessPath.OrganizationMembers))
            yield return
                from g in Standing(s, category)
                where g.GranteeKind == GranteeKind.OrganizationMembers
                join m in s.Memberships on g.GranteeId equals m.OrganizationId
                select new Reach { Viewer = m.UserId, Owner = g.OwnerId, Path = AccessPath.OrganizationMembers };

        // An organization's grant to a network's coordinators: only while the organization is in that network.
        if (via.Contains(AccessPath.NetworkCoordinators))
            yield return
                from g in Standing(s, category)
                where g.GranteeKind == GranteeKind.NetworkCoordinators
                join no in s.NetworkOrgs on new { Network = g.GranteeId, Org = g.OwnerId } equals new { Network = no.NetworkId, Org = no.OrganizationId }
                join c in s.Coordinators on no.NetworkId equals c.NetworkId
                select new Reach { Viewer = c.UserId, Owner = g.OwnerId, Path = AccessPath.NetworkCoordinators };

        if (via.Contains(AccessPath.AssignedStaff))
            yield return
                from g in Standing(s, category)
                where g.GranteeKind == GranteeKind.AssignedStaff
                join m in s.Memberships on g.GranteeId equals m.OrganizationId
                // The grantee organization's admins assign the staff, so they see it; anyone else must be assigned (and still a member).
                where m.Role == OrgRole.OrgAdmin || s.Assignees.Any(a => a.GrantId == g.Id && a.UserId == m.UserId)
                select new Reach { Viewer = m.UserId, Owner = g.OwnerId, Path = AccessPath.AssignedStaff };
    }

    /// <summary>Grants of a category that stand now: not withdrawn, not expired.</summary>
    private static IQueryable<AccessGrant> Standing(AccessSources s, DataCategory category)
    {
        var now = s.Now;
        return s.Grants.Where(g => g.Category == category && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now));
    }

    /// <summary>Organizations whose member list the viewer may see: their own.</summary>
    public static IQueryable<Guid> OrganizationsOf(Guid viewer, IQueryable<Membership> memberships) =>
        memberships.Where(m => m.UserId == viewer).Select(m => m.OrganizationId);

    /// <summary>Organizations the viewer administers (or all, for a server admin; callers pass that separately).</summary>
    public static IQueryable<Guid> OrganizationsAdministeredBy(Guid viewer, IQueryable<Membership> memberships) =>
        memberships.Where(m => m.UserId == viewer && m.Role == OrgRole.OrgAdmin).Select(m => m.OrganizationId);

    /// <summary>
    /// Whether someone told about an alert of <paramref name="ownerId"/> may still respond to it: see it (with the live
    /// location), take it on, close it, ask for the next level. The one rule for every path — the pages, the signed
    /// link, the API, the SMS reply, the engine's repeats — and asked on every access, never remembered from the moment
    /// they were told: anyone in the audience of the owner's visits and alerts (<see cref="AudienceOf"/>: the same rule as
    /// the whereabouts board and escalation), a trusted contact while their consent stands, the duty contact (the
    /// operator's own line) always.
    /// </summary>
    public static async Task<bool> MayRespondAsync(AmparoDbContext db, TimeProvider clock, Guid ownerId, AlertRecipient recipient, CancellationToken ct = default)
    {
        if (recipient.IsDutyContact) return true;
        if (recipient.ContactId is { } contactId
            && await db.TrustedContacts.AnyAsync(c => c.Id == contactId && c.OwnerId == ownerId && c.Consent == ConsentState.Confirmed, ct))
            return true;
        return recipient.UserId is { } userId && userId != ownerId
            && await OwnersVisibleTo(userId, DataCategory.VisitsAndAlerts, AccessSources.Of(db, clock)).AnyAsync(o => o == ownerId, ct);
    }
}
