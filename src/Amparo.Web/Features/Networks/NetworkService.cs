using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Networks;

public sealed class NetworkService(AmparoDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Network?> CreateAsync(string name, Guid? actorId, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200 || name.Any(char.IsControl)) return null;
        var network = new Network { Id = Guid.NewGuid(), Name = name, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Networks.Add(network);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.NetworkChanged, actorId, network.Id, detail: "created", ct: ct);
        return network;
    }

    /// <summary>Networks a person has a link to: they coordinate it, or belong to one of its organizations.</summary>
    public IQueryable<Network> VisibleTo(Guid userId)
    {
        var viaMembership =
            from m in db.Memberships
            where m.UserId == userId
            join no in db.NetworkOrganizations on m.OrganizationId equals no.OrganizationId
            select no.NetworkId;
        var viaCoordination = db.NetworkCoordinators.Where(c => c.UserId == userId).Select(c => c.NetworkId);
        return db.Networks.Where(n => viaMembership.Contains(n.Id) || viaCoordination.Contains(n.Id));
    }

    public async Task<bool> AddOrganizationAsync(Guid networkId, Guid orgId, Guid? actorId, CancellationToken ct = default)
    {
        if (!await db.Networks.AnyAsync(n => n.Id == networkId, ct) || !await db.Organizations.AnyAsync(o => o.Id == orgId, ct)) return false;
        if (!await db.NetworkOrganizations.AnyAsync(x => x.NetworkId == networkId && x.OrganizationId == orgId, ct))
        {
            db.NetworkOrganizations.Add(new NetworkOrganization { NetworkId = networkId, OrganizationId = orgId });
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(AuditEvents.NetworkChanged, actorId, networkId, orgId, "org-added", ct);
        }
        return true;
    }

    /// <summary>Coordinators are people of the network's member organizations.</summary>
    public async Task<bool> AddCoordinatorAsync(Guid networkId, Guid userId, Guid? actorId, CancellationToken ct = default)
    {
        var memberOfNetwork = await db.Memberships
            .Where(m => m.UserId == userId)
            .Join(db.NetworkOrganizations.Where(n => n.NetworkId == networkId), m => m.OrganizationId, n => n.OrganizationId, (m, n) => m)
            .AnyAsync(ct);
        if (!memberOfNetwork) return false;
        if (!await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == userId, ct))
        {
            db.NetworkCoordinators.Add(new NetworkCoordinator { NetworkId = networkId, UserId = userId });
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(AuditEvents.NetworkChanged, actorId, userId, detail: "coordinator-added", ct: ct);
        }
        return true;
    }
}
