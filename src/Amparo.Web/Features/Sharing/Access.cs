using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Sharing;

/// <summary>
/// The one place that says whose data a person may read. Written over plain IQueryable sources so the
/// same rules run as SQL through EF Core and, in the property-based test, over in-memory lists.
/// </summary>
public static class Access
{
    /// <summary>The people whose <paramref name="category"/> data <paramref name="viewer"/> may read: themself, plus every owner whose enabled rule opens it to a group the viewer is in.</summary>
    public static IQueryable<Guid> OwnersVisibleTo(
        Guid viewer, DataCategory category,
        IQueryable<SharingRule> rules, IQueryable<Membership> memberships,
        IQueryable<NetworkOrganization> networkOrgs, IQueryable<NetworkCoordinator> coordinators)
    {
        var viaFocalPoint =
            from r in rules
            where r.Category == category && r.Audience == Audience.OrgFocalPoints && r.Enabled
            join owner in memberships on r.OwnerId equals owner.UserId
            join staff in memberships on owner.OrganizationId equals staff.OrganizationId
            // Roles are stored as text: compare by value, never by order ("Member" >= "FocalPoint" as strings).
            where staff.UserId == viewer && (staff.Role == OrgRole.FocalPoint || staff.Role == OrgRole.OrgAdmin)
            select r.OwnerId;

        var viaNetwork =
            from r in rules
            where r.Category == category && r.Audience == Audience.NetworkCoordinators && r.Enabled
            join owner in memberships on r.OwnerId equals owner.UserId
            join no in networkOrgs on owner.OrganizationId equals no.OrganizationId
            join c in coordinators on no.NetworkId equals c.NetworkId
            where c.UserId == viewer
            select r.OwnerId;

        return viaFocalPoint.Union(viaNetwork).Union(rules.Where(r => r.OwnerId == viewer).Select(r => r.OwnerId)).Distinct();
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
    /// they were told: a focal point or coordinator while the owner's enabled rule opens visits and alerts to them (the
    /// same rule as the whereabouts board: membership, role, network, sharing), a trusted contact while their consent
    /// stands, the duty contact (the operator's own line) always.
    /// </summary>
    public static async Task<bool> MayRespondAsync(AmparoDbContext db, Guid ownerId, AlertRecipient recipient, CancellationToken ct = default)
    {
        if (recipient.IsDutyContact) return true;
        if (recipient.ContactId is { } contactId
            && await db.TrustedContacts.AnyAsync(c => c.Id == contactId && c.OwnerId == ownerId && c.Consent == ConsentState.Confirmed, ct))
            return true;
        return recipient.UserId is { } userId && userId != ownerId
            && await OwnersVisibleTo(userId, DataCategory.VisitsAndAlerts, db.SharingRules, db.Memberships, db.NetworkOrganizations, db.NetworkCoordinators)
                .AnyAsync(o => o == ownerId, ct);
    }
}
