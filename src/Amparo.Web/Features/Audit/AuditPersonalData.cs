using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Audit;

/// <summary>
/// Audit events the person must never see in their own export although they are its subject: the duress rule
/// (docs/adr/0002-duress-rule.md). The feature that writes such events registers one; its answer is the start of the
/// events' detail (e.g. "alert:{id:N}").
/// </summary>
public interface IWithheldFromOwner
{
    Task<IReadOnlyCollection<string>> AuditDetailPrefixesAsync(Guid ownerId, CancellationToken ct);
}

/// <summary>
/// The audit events where the person acted or was acted upon, for their export. Who else acted is left out.
/// On deletion nothing goes: the trail keeps only internal ids, and its hash chain must stay whole.
/// </summary>
public sealed class AuditPersonalData(AmparoDbContext db, IEnumerable<IWithheldFromOwner> withheld) : IPersonalData
{
    public sealed record AuditData(DateTime At, string Type, bool ByMe, Guid? OrganizationId, string Detail);

    public string Section => "auditEvents";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var me = person.Id;
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.ActorId == me || e.SubjectId == me)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new AuditData(e.At, e.Type, e.ActorId == me, e.OrganizationId, e.Detail)).ToListAsync(ct);
        var hidden = new List<string>();
        foreach (var part in withheld) hidden.AddRange(await part.AuditDetailPrefixesAsync(me, ct));
        return events.Where(e => !hidden.Any(h => e.Detail.StartsWith(h, StringComparison.Ordinal))).ToList();
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
