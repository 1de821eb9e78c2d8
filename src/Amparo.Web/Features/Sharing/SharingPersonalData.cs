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
