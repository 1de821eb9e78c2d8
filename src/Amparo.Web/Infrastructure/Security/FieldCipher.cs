using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>
/// Encrypts sensitive fields with per-owner data keys. The associated data binds each ciphertext to
/// its table, column and row, so a value copied to another row or column does not decrypt.
/// </summary>
public sealed class FieldCipher(MasterKey masterKey, TimeProvider clock)
{
    // Unwrapped keys are cached for speed; destroying a key removes it here too.
    private readonly ConcurrentDictionary<Guid, byte[]> _keys = new();

    public DataKey NewDataKey(string purpose)
    {
        var id = Guid.NewGuid();
        var key = RandomNumberGenerator.GetBytes(32);
        _keys[id] = key;
        return new DataKey { Id = id, Purpose = purpose, Wrapped = masterKey.Wrap(id, key), CreatedAt = clock.GetUtcNow().UtcDateTime };
    }

    public async Task<byte[]?> EncryptAsync(AmparoDbContext db, Guid keyId, string? plaintext, string table, string column, Guid rowId, CancellationToken ct = default)
    {
        if (plaintext is null) return null;
        var key = await KeyAsync(db, keyId, ct) ?? throw new InvalidOperationException("data key destroyed");
        return Aead.Seal(key, Encoding.UTF8.GetBytes(plaintext), Context(table, column, rowId));
    }

    /// <summary>Null when the value is absent or its key has been destroyed.</summary>
    public async Task<string?> DecryptAsync(AmparoDbContext db, Guid keyId, byte[]? ciphertext, string table, string column, Guid rowId, CancellationToken ct = default)
    {
        if (ciphertext is null) return null;
        var key = await KeyAsync(db, keyId, ct);
        if (key is null) return null;
        return Encoding.UTF8.GetString(Aead.Open(key, ciphertext, Context(table, column, rowId)));
    }

    /// <summary>Bytes (a file) encrypted as a field is: with the owner's key, bound to table, column and row.</summary>
    public async Task<byte[]> EncryptBytesAsync(AmparoDbContext db, Guid keyId, byte[] plaintext, string table, string column, Guid rowId, CancellationToken ct = default)
    {
        var key = await KeyAsync(db, keyId, ct) ?? throw new InvalidOperationException("data key destroyed");
        return Aead.Seal(key, plaintext, Context(table, column, rowId));
    }

    /// <summary>Null when its key has been destroyed.</summary>
    public async Task<byte[]?> DecryptBytesAsync(AmparoDbContext db, Guid keyId, byte[] ciphertext, string table, string column, Guid rowId, CancellationToken ct = default)
    {
        var key = await KeyAsync(db, keyId, ct);
        return key is null ? null : Aead.Open(key, ciphertext, Context(table, column, rowId));
    }

    /// <summary>Crypto-shredding: the wrapped key is erased and its id recorded in the ledger beside the master key.</summary>
    public async Task DestroyAsync(AmparoDbContext db, Guid keyId, CancellationToken ct = default)
    {
        var row = await db.DataKeys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (row is not null)
        {
            row.Wrapped = null;
            row.DestroyedAt = clock.GetUtcNow().UtcDateTime;
        }
        _keys.TryRemove(keyId, out _);
        masterKey.RecordDestroyed(keyId);
    }

    public void Forget(Guid keyId) => _keys.TryRemove(keyId, out _);

    /// <summary>
    /// A system key (audit chain, lookup hashes, signed links): shared by every instance. It is created at start
    /// (<see cref="StartupKeys"/>, declared with <c>services.AddSystemKey(purpose)</c>), never here: created inside
    /// a caller's unit of work, a rollback would lose a key this process had already used, and two first requests
    /// would race to make two.
    /// </summary>
    public async Task<byte[]> SystemKeyAsync(AmparoDbContext db, string purpose, CancellationToken ct = default) =>
        await KeyAsync(db, SystemKeyId(purpose), ct)
        ?? throw new InvalidOperationException($"The system key '{purpose}' does not exist. Declare it with services.AddSystemKey(\"{purpose}\") so that it is created at start.");

    /// <summary>
    /// Creates the system keys that do not exist yet, each in its own short transaction (never a caller's). Two
    /// instances starting together: the key id is fixed by the purpose, so the second insert fails on the primary
    /// key and that instance reads the first one's key; nothing is cached before its row is committed.
    /// </summary>
    public async Task<int> CreateSystemKeysAsync(AmparoDbContext db, IEnumerable<string> purposes, CancellationToken ct = default)
    {
        var created = 0;
        foreach (var purpose in purposes.Distinct(StringComparer.Ordinal))
        {
            var id = SystemKeyId(purpose);
            if (await db.DataKeys.AnyAsync(k => k.Id == id, ct)) continue;
            var fresh = RandomNumberGenerator.GetBytes(32);
            db.DataKeys.Add(new DataKey { Id = id, Purpose = purpose, Wrapped = masterKey.Wrap(id, fresh), CreatedAt = clock.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(ct);
                created++;
            }
            catch (DbUpdateException)
            {
                // Another instance created it first: theirs is the key (read back on first use).
                if (!await db.DataKeys.AsNoTracking().AnyAsync(k => k.Id == id, ct)) throw;
            }
            finally
            {
                db.ChangeTracker.Clear();
                CryptographicOperations.ZeroMemory(fresh);
            }
        }
        return created;
    }

    private static Guid SystemKeyId(string purpose) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes("amparo:system-key:" + purpose)).AsSpan(0, 16));

    private async Task<byte[]?> KeyAsync(AmparoDbContext db, Guid keyId, CancellationToken ct)
    {
        if (_keys.TryGetValue(keyId, out var cached)) return cached;
        var wrapped = await db.DataKeys.Where(k => k.Id == keyId).Select(k => k.Wrapped).SingleOrDefaultAsync(ct);
        if (wrapped is null) return null;
        var key = masterKey.Unwrap(keyId, wrapped);
        _keys[keyId] = key;
        return key;
    }

    /// <summary>After a master key rotation the cache still holds plaintext keys, which stay valid.</summary>
    private static byte[] Context(string table, string column, Guid rowId) =>
        Encoding.UTF8.GetBytes($"amparo:field:{table}:{column}:{rowId:D}");
}
