using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Organizations;

/// <summary>
/// The person's memberships. Deleting the account is refused while they are the last admin of an organization
/// (someone must be left to run it); otherwise their memberships go with the account row, and open invitations to
/// their address go too.
/// </summary>
public sealed class OrganizationsPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record MembershipData(Guid OrganizationId, string OrganizationName, string Role, DateTime JoinedAt);

    public string Section => "memberships";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var memberships = await (
            from m in db.Memberships.AsNoTracking()
            where m.UserId == person.Id
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new { o.Id, o.Name, m.Role, m.JoinedAt }).ToListAsync(ct);
        return memberships.Select(m => new MembershipData(m.Id, m.Name, m.Role.ToString(), m.JoinedAt)).ToList();
    }

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        if ((await LastAdminOfAsync(db, person.Id, ct)).Count > 0)
            throw new DeletionRefusedException("The person is the last admin of an organization.");
        // Open invitations still carry the address; they go too. Accepted ones keep no address worth keeping either.
        // Compared in memory: case rules differ between SQLite and PostgreSQL, and invitations are few.
        var invitations = await db.Invitations.Select(i => new { i.Id, i.Email }).ToListAsync(ct);
        var theirs = invitations.Where(i => string.Equals(i.Email, person.Email, StringComparison.OrdinalIgnoreCase)).Select(i => i.Id).ToList();
        await db.Invitations.Where(i => theirs.Contains(i.Id)).ExecuteDeleteAsync(ct);
    }

    /// <summary>The organizations (id, name; by name) the person is the only admin of: their account cannot be deleted yet.</summary>
    public static async Task<List<(Guid Id, string Name)>> LastAdminOfAsync(AmparoDbContext db, Guid userId, CancellationToken ct)
    {
        var adminOf = db.Memberships.Where(m => m.UserId == userId && m.Role == OrgRole.OrgAdmin).Select(m => m.OrganizationId);
        var ids = db.Memberships
            .Where(m => m.Role == OrgRole.OrgAdmin && adminOf.Contains(m.OrganizationId))
            .GroupBy(m => m.OrganizationId)
            .Where(g => g.Count() == 1)
            .Select(g => g.Key);
        var rows = await db.Organizations.Where(o => ids.Contains(o.Id)).OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct);
        return rows.Select(o => (o.Id, o.Name)).ToList();
    }
}
