using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// The person's own security plans, decrypted whole, in "export my data"; deleted with the account. Organizations'
/// plans are the organization's, not the person's: an action assigned to them there loses its owner (the key sets it null).
/// </summary>
public sealed class PlansPersonalData(AmparoDbContext db, PlanService plans) : IPersonalData
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string Section => "securityPlans";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var own = await db.SecurityPlans.AsNoTracking().Where(p => p.OwnerUserId == person.Id).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var views = new List<PlanView>(own.Count);
        foreach (var plan in own) views.Add(await plans.OwnViewAsync(plan, ct));
        return JsonSerializer.SerializeToElement(views, Json);
    }

    // The account row's cascade would take them too; said here so the rule does not hang on a foreign key alone.
    public Task DeleteAsync(User person, CancellationToken ct) =>
        db.SecurityPlans.Where(p => p.OwnerUserId == person.Id).ExecuteDeleteAsync(ct);
}
