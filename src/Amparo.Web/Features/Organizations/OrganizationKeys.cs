using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Organizations;

/// <summary>
/// An organization's data key, as a person has one. A module encrypts a field the organization owns with it,
/// bound to its table, column and row exactly as a person's field is:
/// <code>
/// var keyId = await OrganizationKeys.KeyIdAsync(db, plan.OrganizationId, ct);
/// plan.SummaryCipher = await cipher.EncryptAsync(db, keyId, summary, Plan.Table, nameof(Plan.SummaryCipher), plan.Id, ct);
/// </code>
/// The key is wrapped by the master key (re-wrapped by rotate-master-key), travels in backups with the database, and
/// is destroyed, and put in the ledger, when the organization is deleted: its fields then decrypt to null.
/// </summary>
public static class OrganizationKeys
{
    public const string Purpose = "org";

    /// <summary>The id of the organization's data key (for FieldCipher.EncryptAsync/DecryptAsync).</summary>
    public static Task<Guid> KeyIdAsync(AmparoDbContext db, Guid organizationId, CancellationToken ct = default) =>
        db.Organizations.Where(o => o.Id == organizationId).Select(o => o.DataKeyId).SingleAsync(ct);

    /// <summary>
    /// Gives a data key to every organization without one (those created before organization keys existed). Run at
    /// start. Two instances doing it at once: the organization is claimed with a conditional update in the same
    /// transaction as the key row, so only one key is kept.
    /// </summary>
    public static async Task<int> CreateMissingAsync(AmparoDbContext db, FieldCipher cipher, CancellationToken ct = default)
    {
        var missing = await db.Organizations.Where(o => o.DataKeyId == Guid.Empty).Select(o => o.Id).ToListAsync(ct);
        var created = 0;
        foreach (var orgId in missing)
        {
            var key = cipher.NewDataKey(Purpose);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.DataKeys.Add(key);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            var claimed = await db.Organizations.Where(o => o.Id == orgId && o.DataKeyId == Guid.Empty)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.DataKeyId, key.Id), ct);
            if (claimed == 1)
            {
                await tx.CommitAsync(ct);
                created++;
            }
            else
            {
                await tx.RollbackAsync(ct);
                cipher.Forget(key.Id);
            }
        }
        return created;
    }
}
