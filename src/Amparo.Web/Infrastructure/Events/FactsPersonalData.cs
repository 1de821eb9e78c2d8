using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Events;

/// <summary>
/// Facts waiting for durable handlers go with the person's account (their deliveries cascade). Never exported: the
/// responders' side of a duress alert is stored here too, and the export must look like a normal one (ADR 0002).
/// </summary>
public sealed class FactsPersonalData(AmparoDbContext db) : IPersonalData
{
    public string Section => "pendingFacts";

    public Task<object?> ExportAsync(User person, CancellationToken ct) => Task.FromResult<object?>(null);

    public Task DeleteAsync(User person, CancellationToken ct) =>
        db.Set<StoredFact>().Where(f => f.OwnerId == person.Id).ExecuteDeleteAsync(ct);
}
