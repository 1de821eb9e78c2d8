using System.Security.Cryptography;
using System.Xml.Linq;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>rotate-master-key: a new master key; every data key re-wrapped and every Data Protection key re-sealed in one transaction.</summary>
public static partial class AdminCommands
{
    private const string RotateHelp = """
        Makes a new random master key and re-wraps every data key and re-seals every Data Protection key under it,
        in one database transaction. STOP AMPARO FIRST (every instance) and start it again afterwards.
        Order, so that a crash loses nothing: the new key is written to keys/master.key.new, the database is
        committed, then master.key is kept as master.key.old while master.key.new replaces it, and master.key.old is
        deleted once the new key has been checked. If the command is interrupted, run it again: it finishes or
        undoes the interrupted rotation first.
        With AMPARO_MASTER_KEY the new key is printed on standard output (and left in keys/master.key.new): store it
        in your secrets file, restart Amparo with it, then delete keys/master.key.new.
        Backups made earlier without --include-master-key need the OLD key to restore: make a new backup now.
        """;

    private static async Task<int> RotateMasterKeyAsync(CommandContext c)
    {
        await using var host = c.Host();
        var current = host.RequireMasterKey();
        await host.RequireDatabaseAsync();
        var db = host.Db;
        // Migrations only: the keys step would refuse a database that an interrupted rotation left under the next key.
        await DatabaseSetup.MigrateAsync(db);

        if (await RecoverInterruptedRotationAsync(c, db, current) is { } finished) return finished;

        var newKey = RandomNumberGenerator.GetBytes(32);
        var next = MasterKey.FromBytes(newKey, current.KeysDirectory);
        // 1. The new key is on disk before the database depends on it.
        current.WriteNewKeyFile(newKey);
        int dataKeys, protectionKeys;
        try
        {
            // 2. Everything under the new key, all at once.
            await using var tx = await db.Database.BeginTransactionAsync();
            var keys = await db.DataKeys.Where(k => k.Wrapped != null).ToListAsync();
            foreach (var k in keys)
            {
                var plain = current.Unwrap(k.Id, k.Wrapped!);
                k.Wrapped = next.Wrap(k.Id, plain);
                CryptographicOperations.ZeroMemory(plain);
            }
            var elements = await db.ProtectionKeys.ToListAsync();
            protectionKeys = 0;
            foreach (var e in elements)
            {
                var (xml, resealed) = Reseal(e.Xml, current, next);
                if (resealed == 0) continue;
                e.Xml = xml;
                protectionKeys++;
            }
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            dataKeys = keys.Count;
        }
        catch
        {
            // Nothing was committed: the old key still opens everything, the new one is not needed.
            File.Delete(current.NewKeyFile);
            throw;
        }

        // 3. The key file follows the database.
        if (!current.FromEnvironment)
        {
            current.PromoteNewKeyFile();
            var reread = MasterKey.TryLoad(host.DataDirectory, null);
            if (reread is null || reread.Fingerprint != next.Fingerprint)
                throw new CommandException($"The new master key could not be read back from {current.KeyFile}. The previous key is in {current.OldKeyFile}; the new one was in {current.NewKeyFile}.");
            current.ForgetOldKeyFile();
        }
        current.Use(newKey);
        await host.Get<AuditLog>().WriteAsync(AuditEvents.MasterKeyRotated, null, detail: $"data-keys={dataKeys};protection-keys={protectionKeys}");

        if (current.FromEnvironment)
        {
            c.Out.WriteLine(Convert.ToBase64String(newKey));
            c.Err.WriteLine($"Master key rotated ({dataKeys} data keys, {protectionKeys} Data Protection keys). The key comes from {MasterKey.EnvironmentVariable}, " +
                $"so the NEW key is printed above and is also in {current.NewKeyFile}. Store it in your secrets file now and restart Amparo with it; " +
                $"then delete {current.NewKeyFile}. Until then Amparo cannot read its data with the old key.");
        }
        else
        {
            c.Err.WriteLine($"Master key rotated ({dataKeys} data keys, {protectionKeys} Data Protection keys); {current.KeyFile} holds the new key. " +
                "Backups made earlier without --include-master-key need the old key: make a new backup now.");
        }
        return 0;
    }

    /// <summary>
    /// master.key.new left behind means a rotation stopped part way. Which key opens the database tells where:
    /// the old one — it never committed, the leftover is dropped and a fresh rotation follows; the new one — it
    /// committed, so the key file is brought up to date and the command ends.
    /// </summary>
    private static async Task<int?> RecoverInterruptedRotationAsync(CommandContext c, AmparoDbContext db, MasterKey current)
    {
        if (!File.Exists(current.NewKeyFile))
        {
            // Stopped after the rename, before the clean-up: master.key is already the new key.
            if (File.Exists(current.OldKeyFile) && await OpensAsync(db, current)) current.ForgetOldKeyFile();
            return null;
        }
        var pending = MasterKey.FromBytes(MasterKey.ReadKeyFile(current.NewKeyFile), current.KeysDirectory);
        if (pending.Fingerprint == current.Fingerprint)
        {
            File.Delete(current.NewKeyFile);
            c.Err.WriteLine($"Removed {current.NewKeyFile}: it held the key already in use.");
            return null;
        }
        if (await OpensAsync(db, current))
        {
            File.Delete(current.NewKeyFile);
            c.Err.WriteLine("An interrupted rotation had not changed the database; its unused key was removed. Rotating now.");
            return null;
        }
        if (!await OpensAsync(db, pending))
            throw new CommandException($"Neither the master key in use nor {current.NewKeyFile} opens the data keys. Do not delete either file; look for the right key (master.key.old, a secrets file, an offline backup).");
        if (current.FromEnvironment)
        {
            c.Out.WriteLine(Convert.ToBase64String(MasterKey.ReadKeyFile(current.NewKeyFile)));
            c.Err.WriteLine($"An earlier rotation finished in the database, but {MasterKey.EnvironmentVariable} still holds the old key. The key now in use is printed above " +
                $"(and is in {current.NewKeyFile}): put it in your secrets file, restart Amparo, then delete {current.NewKeyFile}.");
            return 1;
        }
        current.PromoteNewKeyFile();
        current.ForgetOldKeyFile();
        c.Err.WriteLine($"Finished an interrupted rotation: {current.KeyFile} now holds the key the database uses. Run the command again for another new key.");
        return 0;
    }

    /// <summary>True when this key opens a data key of the database (or there is none to open).</summary>
    private static async Task<bool> OpensAsync(AmparoDbContext db, MasterKey key)
    {
        var sample = await db.DataKeys.AsNoTracking().Where(k => k.Wrapped != null).OrderBy(k => k.CreatedAt).FirstOrDefaultAsync();
        if (sample is null) return true;
        try
        {
            CryptographicOperations.ZeroMemory(key.Unwrap(sample.Id, sample.Wrapped!));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>A Data Protection key element with its &lt;sealed&gt; secret (see MasterKeyXmlEncryptor) opened and sealed again under the next key.</summary>
    internal static (string Xml, int Resealed) Reseal(string xml, MasterKey current, MasterKey next)
    {
        var root = XElement.Parse(xml);
        var sealedElements = root.DescendantsAndSelf()
            .Where(e => e.Name.LocalName == "sealed" && e.Parent?.Name.LocalName == "encryptedSecret")
            .ToList();
        foreach (var element in sealedElements)
        {
            var plain = current.Open(Convert.FromBase64String(element.Value), MasterKeyXmlEncryptor.Context);
            element.Value = Convert.ToBase64String(next.Seal(plain, MasterKeyXmlEncryptor.Context));
            CryptographicOperations.ZeroMemory(plain);
        }
        return (root.ToString(SaveOptions.DisableFormatting), sealedElements.Count);
    }
}
