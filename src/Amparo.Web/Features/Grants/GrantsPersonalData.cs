using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// The person's roles on grantmakers' programs (which program, which role, since when). Programs are their
/// organization's, not the person's; the assignments go with the account (a foreign key to the user).
/// </summary>
public sealed class GrantsPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record Assignment(Guid ProgramId, string Program, string Role, DateTime AssignedAt);

    public string Section => "grantAssignments";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var rows = await (
            from a in db.ProgramAssignments.AsNoTracking()
            where a.UserId == person.Id
            join p in db.GrantPrograms on a.ProgramId equals p.Id
            orderby a.AssignedAt
            select new { a.ProgramId, p.Name, a.Role, a.AssignedAt }).ToListAsync(ct);
        return rows.Count == 0 ? null : rows.Select(r => new Assignment(r.ProgramId, r.Name, r.Role.ToString(), r.AssignedAt)).ToList();
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
