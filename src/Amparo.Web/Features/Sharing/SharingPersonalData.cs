using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Sharing;

/// <summary>The person's sharing rules. They go with the account row.</summary>
public sealed class SharingPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record SharingData(string Category, string Audience, bool Enabled, DateTime ChangedAt);

    public string Section => "sharingRules";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var rules = await db.SharingRules.AsNoTracking().Where(r => r.OwnerId == person.Id).ToListAsync(ct);
        return rules.OrderBy(r => r.Category).ThenBy(r => r.Audience)
            .Select(r => new SharingData(r.Category.ToString(), r.Audience.ToString(), r.Enabled, r.ChangedAt)).ToList();
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Grants the person gave (of their own data, or items they shared) and grants naming them. Grants have no foreign key
/// to their owner, giver or grantee (an owner may be a person, an organization or an item), so they are deleted here.
/// </summary>
public sealed class AccessGrantsPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record GrantData(string Direction, string Category, string Grantee, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? RevokedAt);

    public string Section => "accessGrants";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var me = person.Id;
        var assignedTo = db.AccessGrantAssignees.Where(a => a.UserId == me).Select(a => a.GrantId);
        var grants = await db.AccessGrants.AsNoTracking()
            .Where(g => g.OwnerId == me || g.GrantedById == me || (g.GranteeKind == GranteeKind.Person && g.GranteeId == me) || assignedTo.Contains(g.Id))
            .OrderBy(g => g.CreatedAt).ToListAsync(ct);
        // Other people appear at most as what kind of grantee they are; never who.
        return grants.Select(g => new GrantData(
            g.OwnerId == me || g.GrantedById == me ? "given" : "received",
            g.Category.ToString(), g.GranteeKind.ToString(), g.CreatedAt, g.ExpiresAt, g.RevokedAt)).ToList();
    }

    public Task DeleteAsync(User person, CancellationToken ct) =>
        db.AccessGrants.Where(g => g.OwnerId == person.Id || g.GrantedById == person.Id || (g.GranteeKind == GranteeKind.Person && g.GranteeId == person.Id))
            .ExecuteDeleteAsync(ct); // assignments go with the grant or with the user row (ON DELETE CASCADE)
}
