using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Networks;

/// <summary>The networks the person coordinates. Their coordinator rows go with the account row.</summary>
public sealed class NetworksPersonalData(AmparoDbContext db) : IPersonalData
{
    public sealed record NetworkData(Guid NetworkId, string NetworkName);

    public string Section => "networksCoordinated";

    public async Task<object?> ExportAsync(User person, CancellationToken ct) =>
        await (
            from c in db.NetworkCoordinators.AsNoTracking()
            where c.UserId == person.Id
            join n in db.Networks on c.NetworkId equals n.Id
            orderby n.Name
            select new NetworkData(n.Id, n.Name)).ToListAsync(ct);

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
