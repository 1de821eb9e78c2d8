using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// "Delete my account". Every feature's <see cref="IPersonalData"/> part removes what it holds, then the person's data
/// key is destroyed (so the encrypted fields are unreadable even in backups) and the account row goes, taking the
/// rows with cascading keys with it. All of it is one transaction on one <see cref="AmparoDbContext"/>: a part that
/// refuses or fails leaves the account and all its data in place. The key is destroyed last, just before the commit,
/// and goes into the destroyed-key ledger then: only a failing commit can leave a key in the ledger for an account
/// still there, and a later restore then errs toward deletion, never toward bringing a deleted person back.
/// The audit trail keeps only the internal id.
/// </summary>
public sealed class AccountDeletion(AmparoDbContext db, IEnumerable<IPersonalData> parts, FieldCipher cipher, AuditLog audit)
{
    /// <summary>False when a part refused (e.g. the person is the last admin of an organization): nothing was deleted.</summary>
    public async Task<bool> DeleteAsync(User user, CancellationToken ct = default)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                foreach (var part in parts) await part.DeleteAsync(user, ct);
            }
            catch (DeletionRefusedException)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return false;
            }
            await db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync(ct);
            await cipher.DestroyAsync(db, user.DataKeyId, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        await audit.WriteAsync(AuditEvents.AccountDeleted, user.Id, user.Id, ct: ct);
        return true;
    }
}
