using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The person's contribution choices (which organizations' team views they contribute to). The anonymous rows of
/// closed months are not theirs — nothing links them to anyone — so they are neither exported nor deleted. The
/// choices go with the account through the membership's cascade; the assessments they saved belong to the organization.
/// </summary>
public sealed class WellbeingTeamPersonalData(AmparoDbContext db) : IPersonalData
{
    public string Section => "wellbeingTeamContributions";

    public async Task<object?> ExportAsync(User person, CancellationToken ct) =>
        await db.TeamContributions.Where(c => c.UserId == person.Id).Select(c => new { c.OrganizationId }).ToListAsync(ct);

    public Task DeleteAsync(User person, CancellationToken ct) =>
        db.TeamContributions.Where(c => c.UserId == person.Id).ExecuteDeleteAsync(ct);
}
