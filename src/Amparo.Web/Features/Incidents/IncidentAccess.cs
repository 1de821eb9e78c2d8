using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>
/// Who may see an incident report — the one place for it, read by the service, the pages and the API. It asks the
/// audience rule (<see cref="Access"/>) and never re-states it:
/// <list type="bullet">
/// <item>a personal record (no organization): its reporter alone;</item>
/// <item>a report to an organization: whoever the rule lets see <see cref="DataCategory.OrganizationIncidents"/> of that
/// organization — its admins and focal points, who follow it up, and, while the organization shares its reports with a
/// network it belongs to (a grant to the network's coordinators, off by default), that network's coordinators, who only
/// read — and its reporter while they are still a member.</item>
/// </list>
/// A report sent through the organization's link and not yet reviewed is its staff's alone.
/// A grantmaker never sees a report (no path of the rule gives it one). Anything else is not there at all: a 404, as for
/// a report that does not exist.
/// </summary>
public static class IncidentAccess
{
    public static IQueryable<Incident> Visible(IQueryable<Incident> incidents, Guid viewer, AccessSources s)
    {
        var orgs = Access.OwnersVisibleTo(viewer, DataCategory.OrganizationIncidents, s);
        var staffOf = Access.OwnersVisibleThrough(viewer, DataCategory.OrganizationIncidents, s, AccessPath.OrganizationStaff);
        var memberOf = Access.OrganizationsOf(viewer, s.Memberships);
        return incidents.Where(i =>
            (i.OrganizationId == null && i.ReporterId == viewer)
            || (i.OrganizationId != null && !i.AwaitingReview && (orgs.Contains(i.OrganizationId.Value)
                || (i.ReporterId == viewer && memberOf.Contains(i.OrganizationId.Value))))
            || (i.OrganizationId != null && i.AwaitingReview && staffOf.Contains(i.OrganizationId.Value)));
    }

    /// <summary>The report with the viewer's role on it, or null when they may not see it. Asked on every access.</summary>
    public static async Task<(Incident Incident, IncidentRole Role)?> FindAsync(
        AmparoDbContext db, TimeProvider clock, Guid id, Guid viewer, bool tracked = false, CancellationToken ct = default)
    {
        var s = AccessSources.Of(db, clock);
        var incidents = tracked ? db.Incidents : db.Incidents.AsNoTracking();
        var incident = await Visible(incidents, viewer, s).SingleOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null) return null;
        if (incident.OrganizationId is not { } org) return (incident, IncidentRole.Owner);
        if (await Access.AudienceOf(org, DataCategory.OrganizationIncidents, s, AccessPath.OrganizationStaff).AnyAsync(v => v == viewer, ct))
            return (incident, IncidentRole.Staff);
        var reporter = incident.ReporterId == viewer && await Access.OrganizationsOf(viewer, s.Memberships).AnyAsync(o => o == org, ct);
        return (incident, reporter ? IncidentRole.Reporter : IncidentRole.NetworkCoordinator);
    }

    /// <summary>Whether the role may change the report's status and handler: its staff, or the owner of a personal record.</summary>
    public static bool MayFollowUp(IncidentRole role) => role switch
    {
        IncidentRole.Owner or IncidentRole.Staff => true,
        IncidentRole.Reporter or IncidentRole.NetworkCoordinator => false,
    };

    /// <summary>Whether the role may add notes: everyone who follows the report up or wrote it, not a network's coordinators.</summary>
    public static bool MayAddNotes(IncidentRole role) => role switch
    {
        IncidentRole.Owner or IncidentRole.Staff or IncidentRole.Reporter => true,
        IncidentRole.NetworkCoordinator => false,
    };
}
