using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>What a viewer is to a plan, which decides what they see of it and whether they may change it.</summary>
public enum PlanRole
{
    /// <summary>The person whose plan it is: sees and changes everything.</summary>
    Owner = 0,
    /// <summary>An admin or focal point of the organization whose plan it is: sees and changes everything.</summary>
    Editor = 1,
    /// <summary>Reads everything, changes nothing: a person's plan they shared, or an organization's plan opened by a grant.</summary>
    Reader = 2,
    /// <summary>A member of the organization: its protocols (while opened to members) and the actions assigned to them, nothing else.</summary>
    Member = 3,
}

/// <summary>
/// Who may see and change a security plan — the one place for it, read by the service, the pages and the API. It asks the
/// audience rule (<see cref="Access"/>) and never re-states it:
/// <list type="bullet">
/// <item>a person's plan: its owner; others read it only while <see cref="Access.OwnersVisibleTo"/> for
/// <see cref="DataCategory.SecurityPlan"/> holds the owner (their sharing category) AND the plan is marked shared;</item>
/// <item>an organization's plan: whoever the rule lets see <see cref="DataCategory.OrganizationSecurityPlan"/> reads all of it,
/// and those it reaches by <see cref="AccessPath.OrganizationStaff"/> (admins, focal points) edit it; a member sees its protocols
/// while the rule lets them see <see cref="DataCategory.OrganizationProtocols"/> (the organization's grant to its members), and
/// the actions assigned to them while they are a member — never the register, the actors or the context.</item>
/// </list>
/// Anything else is not there at all (a 404, as for what does not exist).
/// </summary>
public static class PlanAccess
{
    /// <summary>Plans the viewer may read whole.</summary>
    public static IQueryable<SecurityPlan> ReadableWhole(IQueryable<SecurityPlan> plans, Guid viewer, AccessSources s)
    {
        var people = Access.OwnersVisibleTo(viewer, DataCategory.SecurityPlan, s);
        var orgs = Access.OwnersVisibleTo(viewer, DataCategory.OrganizationSecurityPlan, s);
        return plans.Where(p => p.OwnerUserId == viewer
            || (p.OwnerUserId != null && p.SharedWithAudience && people.Contains(p.OwnerUserId.Value))
            || (p.OwnerOrganizationId != null && orgs.Contains(p.OwnerOrganizationId.Value)));
    }

    /// <summary>Organization plans whose protocols the viewer may read (members, through the organization's grant; staff).</summary>
    public static IQueryable<SecurityPlan> ProtocolsReadable(IQueryable<SecurityPlan> plans, Guid viewer, AccessSources s)
    {
        var orgs = Access.OwnersVisibleTo(viewer, DataCategory.OrganizationProtocols, s);
        return plans.Where(p => p.OwnerOrganizationId != null && orgs.Contains(p.OwnerOrganizationId.Value));
    }

    /// <summary>Actions assigned to the viewer on plans of organizations they still belong to.</summary>
    public static IQueryable<PlanAction> AssignedActions(IQueryable<PlanAction> actions, IQueryable<SecurityPlan> plans, Guid viewer, AccessSources s)
    {
        var mine = Access.OrganizationsOf(viewer, s.Memberships);
        var orgPlans = plans.Where(p => p.OwnerOrganizationId != null && mine.Contains(p.OwnerOrganizationId.Value)).Select(p => p.Id);
        return actions.Where(a => a.OwnerUserId == viewer && orgPlans.Contains(a.PlanId));
    }

    /// <summary>Plans the viewer may see any part of: whole, their protocols, or an action assigned to them.</summary>
    public static IQueryable<SecurityPlan> Visible(IQueryable<SecurityPlan> plans, IQueryable<PlanAction> actions, Guid viewer, AccessSources s)
    {
        var whole = ReadableWhole(plans, viewer, s).Select(p => p.Id);
        var protocols = ProtocolsReadable(plans, viewer, s).Select(p => p.Id);
        var assigned = AssignedActions(actions, plans, viewer, s).Select(a => a.PlanId);
        return plans.Where(p => whole.Contains(p.Id) || protocols.Contains(p.Id) || assigned.Contains(p.Id));
    }

    /// <summary>
    /// The plan with the viewer's role on it, or null when they may see nothing of it (a 404, as for a plan that does not
    /// exist). Asked on every access, never remembered. <paramref name="tracked"/>: for a change of the plan's own row.
    /// </summary>
    public static async Task<(SecurityPlan Plan, PlanRole Role)?> FindAsync(
        AmparoDbContext db, TimeProvider clock, Guid planId, Guid viewer, bool tracked = false, CancellationToken ct = default)
    {
        var s = AccessSources.Of(db, clock);
        var plans = tracked ? db.SecurityPlans : db.SecurityPlans.AsNoTracking();
        var plan = await Visible(plans, db.PlanActions, viewer, s).SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null) return null;
        return (plan, await RoleAsync(db, s, plan, viewer, ct));
    }

    /// <summary>The role of a viewer on a plan already found <see cref="Visible"/> to them.</summary>
    public static async Task<PlanRole> RoleAsync(AmparoDbContext db, AccessSources s, SecurityPlan plan, Guid viewer, CancellationToken ct = default)
    {
        if (plan.OwnerUserId == viewer) return PlanRole.Owner;
        if (plan.OwnerOrganizationId is { } org
            && await Access.AudienceOf(org, DataCategory.OrganizationSecurityPlan, s, AccessPath.OrganizationStaff).AnyAsync(v => v == viewer, ct))
            return PlanRole.Editor;
        return await ReadableWhole(db.SecurityPlans, viewer, s).AnyAsync(p => p.Id == plan.Id, ct) ? PlanRole.Reader : PlanRole.Member;
    }

    /// <summary>Whether the role may change the plan: its owner, or its organization's admins and focal points. Nobody else.</summary>
    public static bool MayEdit(PlanRole role) => role switch
    {
        PlanRole.Owner or PlanRole.Editor => true,
        PlanRole.Reader or PlanRole.Member => false,
    };
}
