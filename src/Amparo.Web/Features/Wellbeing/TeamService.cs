using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>An organization the person belongs to, whether they contribute to its team view, and whether they may open it.</summary>
public sealed record TeamMembership(Guid OrganizationId, string Name, bool Contributing, bool MaySeeView);

/// <summary>The team view of one organization: its closed months, newest first, each cut by <see cref="TeamAnonymity"/>.</summary>
public sealed record TeamView(Guid OrganizationId, string Name, IReadOnlyList<TeamMonthView> Months);

/// <summary>One month of the exhaustion page: the team's bands when shown (closed, enough), and counts from the organization's own data.</summary>
public sealed record ExhaustionMonth(DateOnly Month, bool Open, TeamMonthView? Team, int OverdueActions, int Alerts);

public sealed record ExhaustionView(Guid OrganizationId, string Name, IReadOnlyList<ExhaustionMonth> Months);

/// <summary>
/// The team view and the contribution choice. Who may open an organization's team view, its exhaustion page and its
/// assessment: whoever the audience rule lets see <see cref="DataCategory.OrganizationWellbeing"/> — the organization's
/// admins and focal points, and its members only if the organization grants the category to its members. Anyone else:
/// not there (404). The view holds only what <see cref="TeamAnonymity"/> lets out; there is no filter.
/// </summary>
public sealed class TeamService(AmparoDbContext db, TimeProvider clock, TeamMonthCloser monthCloser, TeamCountsCache cache)
{
    /// <summary>How many months the team view and the exhaustion page go back.</summary>
    public const int MonthsShown = 12;

    public IQueryable<Guid> ViewableOrganizations(Guid viewer) =>
        Access.OwnersVisibleTo(viewer, DataCategory.OrganizationWellbeing, AccessSources.Of(db, clock));

    public async Task<IReadOnlyList<TeamMembership>> MembershipsAsync(Guid me, CancellationToken ct = default)
    {
        var viewable = ViewableOrganizations(me);
        return await (
            from m in db.Memberships
            join o in db.Organizations on m.OrganizationId equals o.Id
            where m.UserId == me
            orderby o.Name
            select new TeamMembership(o.Id, o.Name,
                db.TeamContributions.Any(c => c.OrganizationId == o.Id && c.UserId == me), viewable.Contains(o.Id)))
            .ToListAsync(ct);
    }

    /// <summary>Starts or stops contributing to an organization's team view. False when the person is not its member (404).</summary>
    public async Task<bool> SetContributingAsync(Guid me, Guid organizationId, bool contribute, CancellationToken ct = default)
    {
        if (!await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == me, ct)) return false;
        var existing = await db.TeamContributions.SingleOrDefaultAsync(c => c.OrganizationId == organizationId && c.UserId == me, ct);
        if (contribute && existing is null)
        {
            // A choice counts from the month in progress on. The month just ended is closed first (if the worker has not
            // yet), without this person: a check of a month they had not chosen to share never counts.
            var previous = TeamMonthClose.MonthOf(clock.GetUtcNow().UtcDateTime).AddMonths(-1);
            await monthCloser.CloseAsync(organizationId, previous, ct);
            db.TeamContributions.Add(new TeamContribution { OrganizationId = organizationId, UserId = me });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); } // chosen twice at once: once is the same
        }
        else if (!contribute && existing is not null)
        {
            await db.TeamContributions.Where(c => c.OrganizationId == organizationId && c.UserId == me).ExecuteDeleteAsync(ct);
        }
        // No audit event: a record of who contributes would be one more place that names them. (The choice is theirs alone.)
        return true;
    }

    /// <summary>The organization's name when the viewer may open its well-being pages, else null (404).</summary>
    public Task<string?> ViewableNameAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        var viewable = ViewableOrganizations(viewer);
        return db.Organizations.Where(o => o.Id == organizationId && viewable.Contains(o.Id)).Select(o => o.Name).SingleOrDefaultAsync(ct);
    }

    public async Task<TeamView?> ViewAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (await ViewableNameAsync(viewer, organizationId, ct) is not { } name) return null;
        return new TeamView(organizationId, name, await ClosedMonthsAsync(organizationId, ct));
    }

    /// <summary>The closed months of the last <see cref="MonthsShown"/>, newest first, as the rules let them be shown.</summary>
    public async Task<IReadOnlyList<TeamMonthView>> ClosedMonthsAsync(Guid organizationId, CancellationToken ct = default)
    {
        var since = TeamMonthClose.MonthOf(clock.GetUtcNow().UtcDateTime).AddMonths(-MonthsShown);
        var closed = await db.TeamMonthsClosed.Where(m => m.OrganizationId == organizationId && m.Month >= since)
            .Select(m => m.Month).ToListAsync(ct);
        // Counted by the database once per month (a closed month never changes: see TeamCountsCache), at most 27 small groups.
        var missing = closed.Where(m => !cache.TryGet(organizationId, m, out _)).ToList();
        if (missing.Count > 0)
        {
            var groups = await db.TeamMonthBands.Where(b => b.OrganizationId == organizationId && missing.Contains(b.Month))
                .GroupBy(b => new { b.Month, b.Satisfaction, b.Burnout, b.SecondaryStress })
                .Select(g => new { g.Key.Month, g.Key.Satisfaction, g.Key.Burnout, g.Key.SecondaryStress, Count = g.Count() })
                .ToListAsync(ct);
            foreach (var month in missing)
                cache.Set(organizationId, month, TeamAnonymity.Count(month,
                    groups.Where(g => g.Month == month).SelectMany(g => Enumerable.Repeat((g.Satisfaction, g.Burnout, g.SecondaryStress), g.Count))));
        }
        // A month closed with nobody in it (the worker records it so that it is never closed again) is not a month to show.
        return [.. closed.OrderByDescending(m => m)
            .Select(month => TeamAnonymity.View(cache.TryGet(organizationId, month, out var counts) ? counts : TeamAnonymity.Count(month, [])))
            .Where(v => v.Responses > 0)];
    }

    /// <summary>
    /// Making exhaustion visible: per month (the open one first), the team's bands where the view shows them, the
    /// organization's security-plan actions due that month and still not done once their date passed, and the
    /// check-in alerts of its members raised that month (drills not counted). Counts only. Incidents join when that
    /// module exists (<see cref="ExhaustionMonth"/> gets a column; the page keeps a place for it).
    /// </summary>
    public async Task<ExhaustionView?> ExhaustionAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (await ViewableNameAsync(viewer, organizationId, ct) is not { } name) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var current = TeamMonthClose.MonthOf(now);
        var since = current.AddMonths(-(MonthsShown - 1));
        var start = since.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var team = (await ClosedMonthsAsync(organizationId, ct)).ToDictionary(m => m.Month);

        var overdue = await (
            from a in db.PlanActions
            join p in db.SecurityPlans on a.PlanId equals p.Id
            where p.OwnerOrganizationId == organizationId && a.DueAt != null && a.DueAt >= start && a.DueAt < now
                && (a.Status == PlanActionStatus.Planned || a.Status == PlanActionStatus.InProgress)
            select a.DueAt!.Value).ToListAsync(ct);
        var members = db.Memberships.Where(m => m.OrganizationId == organizationId).Select(m => m.UserId);
        var alerts = await db.Alerts.Where(a => members.Contains(a.OwnerId) && !a.IsDrill && a.CreatedAt >= start)
            .Select(a => a.CreatedAt).ToListAsync(ct);

        var months = Enumerable.Range(0, MonthsShown).Select(i => current.AddMonths(-i)).Select(month => new ExhaustionMonth(
            month, month == current, team.GetValueOrDefault(month),
            overdue.Count(d => TeamMonthClose.MonthOf(d) == month), alerts.Count(d => TeamMonthClose.MonthOf(d) == month)));
        return new ExhaustionView(organizationId, name, [.. months]);
    }
}
