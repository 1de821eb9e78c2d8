using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.PlanShares;

/// <summary>
/// The shares the person gave (of their own plans, and of their organizations' plans they shared): with which grantmaker,
/// what, until when, and when it was looked at — not who at the grantmaker looked (that is the grantmaker's); and the times
/// they themself opened a snapshot shared with their grantmaker. Deleting the account ends the shares of their own plans and
/// deletes the frozen copies; a share they gave for an organization stays the organization's.
/// </summary>
public sealed class PlanSharesPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record GivenShare(Guid Id, Guid PlanId, string Grantmaker, string Scope, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? RevokedAt, DateTime SnapshotAt, List<DateTime> LookedAt);
    public sealed record Look(Guid ShareId, DateTime At);
    public sealed record SharesData(List<GivenShare> Given, List<Look> Opened);

    public string Section => "planShares";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var me = person.Id;
        var given = await (
            from s in db.PlanShares.AsNoTracking()
            where s.CreatedById == me || db.SecurityPlans.Any(p => p.Id == s.PlanId && p.OwnerUserId == me)
            join g in db.AccessGrants on s.Id equals g.Id
            join o in db.Organizations on s.GrantmakerId equals o.Id
            orderby s.CreatedAt
            select new { s.Id, s.PlanId, o.Name, s.Scope, s.CreatedAt, g.ExpiresAt, g.RevokedAt, s.SnapshotAt }).ToListAsync(ct);
        var ids = given.Select(s => s.Id).ToList();
        var looks = (await db.PlanShareViews.AsNoTracking().Where(v => ids.Contains(v.ShareId)).Select(v => new { v.ShareId, v.ViewedAt }).ToListAsync(ct))
            .ToLookup(v => v.ShareId, v => v.ViewedAt);
        var opened = await db.PlanShareViews.AsNoTracking().Where(v => v.ViewerId == me).OrderBy(v => v.ViewedAt)
            .Select(v => new Look(v.ShareId, v.ViewedAt)).ToListAsync(ct);
        if (given.Count == 0 && opened.Count == 0) return null;
        return new SharesData(
            given.Select(s => new GivenShare(s.Id, s.PlanId, s.Name, s.Scope.ToString(), s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.SnapshotAt, [.. looks[s.Id].Order()])).ToList(),
            opened);
    }

    /// <summary>The grants of their own plans' shares go, and the shares and frozen copies with them (foreign key on the grant).</summary>
    public Task DeleteAsync(User person, CancellationToken ct)
    {
        var shares = db.PlanShares.Where(s => db.SecurityPlans.Any(p => p.Id == s.PlanId && p.OwnerUserId == person.Id)).Select(s => s.Id);
        return db.AccessGrants.Where(g => g.Category == DataCategory.PlanSnapshot && shares.Contains(g.Id)).ExecuteDeleteAsync(ct);
    }
}
