using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// The regions (countries) a grantmaker organization funds in, for the hot-zone alerts its admins get: set by its
/// admins only, audited. Anyone else, or an organization that is not a grantmaker: null (the page answers 404).
/// </summary>
public sealed class GrantmakerRegions(AmparoDbContext db, CountryOutlines outlines, AuditLog audit)
{
    /// <summary>The organization's name and the countries it follows, for one of its admins; null for anyone else.</summary>
    public async Task<(string Organization, List<string> Countries)?> ListAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (await AdminOfGrantmakerAsync(viewer, organizationId, ct) is not { } name) return null;
        var countries = await db.GrantmakerRegions.Where(r => r.OrganizationId == organizationId).Select(r => r.Country).ToListAsync(ct);
        return (name, countries);
    }

    /// <summary>Follows or stops following a country. False: not allowed (404); an unknown country is not allowed either.</summary>
    public async Task<bool> SetAsync(Guid viewer, Guid organizationId, string? country, bool follow, CancellationToken ct = default)
    {
        if (await AdminOfGrantmakerAsync(viewer, organizationId, ct) is null || country is null || !outlines.Countries.ContainsKey(country)) return false;
        var existing = await db.GrantmakerRegions.SingleOrDefaultAsync(r => r.OrganizationId == organizationId && r.Country == country, ct);
        if (follow == existing is not null) return true;
        if (follow) db.GrantmakerRegions.Add(new GrantmakerRegion { OrganizationId = organizationId, Country = country });
        else db.GrantmakerRegions.Remove(existing!);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same country added twice at once: it is followed, as asked.
            db.ChangeTracker.Clear();
        }
        await audit.WriteAsync(AuditEvents.SharingChanged, viewer, null, organizationId, $"hot-zones:region:{country}:{(follow ? "on" : "off")}", ct);
        return true;
    }

    /// <summary>The grantmaker organizations whose admins the viewer is one of (for the hot-zones page's link).</summary>
    public Task<List<(Guid Id, string Name)>> OrganizationsAsync(Guid viewer, CancellationToken ct = default) =>
        (from o in Grantmakers.AdministeredBy(db, viewer) orderby o.Name select new ValueTuple<Guid, string>(o.Id, o.Name)).ToListAsync(ct);

    private Task<string?> AdminOfGrantmakerAsync(Guid viewer, Guid organizationId, CancellationToken ct) =>
        Grantmakers.AdministeredBy(db, viewer).Where(o => o.Id == organizationId).Select(o => o.Name).SingleOrDefaultAsync(ct);
}
