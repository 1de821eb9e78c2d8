using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Operations;

/// <summary>
/// An organization's own data key, as a person has one: made with it (or at start for an older installation),
/// wrapped by the master key, carried through rotation and backups, destroyed with the organization. A field is
/// encrypted with it through the same FieldCipher API a module uses, bound to table, column and row.
/// </summary>
public abstract class OrganizationKeyTests : OperationsTestBase
{
    private const string BackupPassphrase = "seven lanterns over the harbour";
    private const string Note = "Safe house: blue door behind the market";
    private const string Table = "OrganizationTestNotes";
    private const string Column = "NoteCipher";

    /// <summary>A note encrypted under the organization's key, bound to (Table, Column, org id) as a module's field would be.</summary>
    private static Task<byte[]> EncryptNoteAsync(Installation site, Guid org) => site.WithHostAsync(async h =>
    {
        var keyId = await OrganizationKeys.KeyIdAsync(h.Db, org);
        return (await h.Get<FieldCipher>().EncryptAsync(h.Db, keyId, Note, Table, Column, org))!;
    });

    /// <summary>The note as the app decrypts it on this installation (null when the key is destroyed).</summary>
    private static Task<string?> DecryptNoteAsync(Installation site, Guid org, Guid keyId, byte[] ciphertext) => site.WithHostAsync(h =>
        h.Get<FieldCipher>().DecryptAsync(h.Db, keyId, ciphertext, Table, Column, org));

    private static Task<Guid> KeyIdOfAsync(Installation site, Guid org) => site.WithDbAsync(db => OrganizationKeys.KeyIdAsync(db, org));

    private async Task<string> BackupAsync(Installation site)
    {
        var file = TempFile("amparo.backup");
        Assert.Equal(file, await site.MustAsync(["backup", "--to", file, "--passphrase-stdin"], BackupPassphrase));
        return file;
    }

    private static void CopyKeys(Installation from, Installation to)
    {
        Directory.CreateDirectory(to.KeysDirectory);
        File.Copy(from.MasterKeyFile, to.MasterKeyFile);
        if (File.Exists(from.LedgerFile)) File.Copy(from.LedgerFile, to.LedgerFile);
    }

    [Fact]
    public async Task NewOrganization_HasItsOwnKey_StoredOnlyWrapped_AndItsFieldsAreBoundToRowAndColumn()
    {
        var site = NewInstallation();
        var (org, user) = await site.SeedAsync(TestData.Email());
        var other = Guid.Parse(await site.MustAsync(["org", "create", "--name", "Fondo Solidario", "--kind", "grantmaker"]));

        var (orgKey, otherKey, userKey) = await site.WithDbAsync(async db => (
            await db.DataKeys.SingleAsync(k => k.Id == db.Organizations.Single(o => o.Id == org).DataKeyId),
            await db.DataKeys.SingleAsync(k => k.Id == db.Organizations.Single(o => o.Id == other).DataKeyId),
            await db.Users.Where(u => u.Id == user).Select(u => u.DataKeyId).SingleAsync()));
        Assert.Equal(OrganizationKeys.Purpose, orgKey.Purpose);
        Assert.Equal(OrganizationKeys.Purpose, otherKey.Purpose);
        Assert.NotEqual(orgKey.Id, otherKey.Id);
        Assert.NotEqual(orgKey.Id, userKey);
        Assert.Null(orgKey.DestroyedAt);

        // What is stored is not the key: it opens only with the master key, and the key's bytes are nowhere in it.
        var master = MasterKey.FromBytes(MasterKey.ReadKeyFile(site.MasterKeyFile), site.KeysDirectory);
        var plain = master.Unwrap(orgKey.Id, orgKey.Wrapped!);
        Assert.Equal(32, plain.Length);
        Assert.Equal(-1, orgKey.Wrapped!.AsSpan().IndexOf(plain));
        var stranger = MasterKey.FromBytes(RandomNumberGenerator.GetBytes(32), site.KeysDirectory);
        Assert.ThrowsAny<CryptographicException>(() => stranger.Unwrap(orgKey.Id, orgKey.Wrapped!));

        var ciphertext = await EncryptNoteAsync(site, org);
        Assert.Equal(Note, await DecryptNoteAsync(site, org, orgKey.Id, ciphertext));
        await site.WithHostAsync(async h =>
        {
            var cipher = h.Get<FieldCipher>();
            // Copied to another row, another column, or opened with another organization's or a person's key: it does not decrypt.
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(h.Db, orgKey.Id, ciphertext, Table, Column, other));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(h.Db, orgKey.Id, ciphertext, Table, "OtherCipher", org));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(h.Db, otherKey.Id, ciphertext, Table, Column, org));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(h.Db, userKey, ciphertext, Table, Column, org));
            return 0;
        });
    }

    [Fact]
    public async Task RotatingTheMasterKey_KeepsOrganizationFieldsReadable()
    {
        var site = NewInstallation();
        var (org, _) = await site.SeedAsync(TestData.Email());
        var keyId = await KeyIdOfAsync(site, org);
        var ciphertext = await EncryptNoteAsync(site, org);
        var wrappedBefore = await site.WithDbAsync(db => db.DataKeys.Where(k => k.Id == keyId).Select(k => k.Wrapped).SingleAsync());
        var oldMaster = MasterKey.FromBytes(MasterKey.ReadKeyFile(site.MasterKeyFile), site.KeysDirectory);

        var result = await site.RunAsync("rotate-master-key");
        Assert.True(result.ExitCode == 0, result.ToString());

        var wrappedAfter = await site.WithDbAsync(db => db.DataKeys.Where(k => k.Id == keyId).Select(k => k.Wrapped).SingleAsync());
        Assert.NotEqual(wrappedBefore, wrappedAfter);
        Assert.ThrowsAny<CryptographicException>(() => oldMaster.Unwrap(keyId, wrappedAfter!));
        Assert.Equal(Note, await DecryptNoteAsync(site, org, keyId, ciphertext));
    }

    [Fact]
    public async Task BackupAndRestore_KeepOrganizationFieldsReadable()
    {
        var source = NewInstallation();
        var (org, _) = await source.SeedAsync(TestData.Email());
        var keyId = await KeyIdOfAsync(source, org);
        var ciphertext = await EncryptNoteAsync(source, org);
        var backup = await BackupAsync(source);

        var target = NewEmptyInstallation();
        CopyKeys(source, target);
        var restore = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(keyId, await KeyIdOfAsync(target, org));
        Assert.Equal(Note, await DecryptNoteAsync(target, org, keyId, ciphertext));
    }

    [Fact]
    public async Task DeletingTheOrganization_DestroysItsKey_RecordsItInTheLedger_AndARestoreDeletesItAgain()
    {
        var site = NewInstallation();
        var (org, user) = await site.SeedAsync(TestData.Email());
        var keyId = await KeyIdOfAsync(site, org);
        var ciphertext = await EncryptNoteAsync(site, org);
        var backup = await BackupAsync(site);

        // The name must match: a mistyped id deletes nothing.
        var wrongName = await site.RunAsync("org", "delete", "--org", org.ToString(), "--name", "Some Other Organization");
        Assert.Equal(1, wrongName.ExitCode);
        Assert.Equal(1, await site.CountOrganizationsAsync());
        Assert.Equal(Note, await DecryptNoteAsync(site, org, keyId, ciphertext));

        var deleted = await site.RunAsync("org", "delete", "--org", org.ToString(), "--name", "Defenders of the River");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());

        var key = await site.WithDbAsync(db => db.DataKeys.SingleAsync(k => k.Id == keyId));
        Assert.Null(key.Wrapped);
        Assert.NotNull(key.DestroyedAt);
        Assert.Contains(keyId.ToString("D"), await File.ReadAllTextAsync(site.LedgerFile), StringComparison.Ordinal);
        Assert.Null(await DecryptNoteAsync(site, org, keyId, ciphertext));
        Assert.Equal(0, await site.CountOrganizationsAsync());
        Assert.Equal(0, await site.CountAsync("Memberships"));
        // The person stays: they may belong elsewhere, and their own key is untouched.
        Assert.Equal(1, await site.CountUsersAsync());
        Assert.Equal(user, await site.WithDbAsync(db => db.Users.Select(u => u.Id).SingleAsync()));
        var types = await site.WithDbAsync(db => db.AuditEvents.Where(e => e.OrganizationId == org).Select(e => e.Type).ToListAsync());
        Assert.Contains("org.deleted", types);

        // An older backup restored on a machine with this ledger: the organization is deleted again, its key destroyed.
        var target = NewEmptyInstallation();
        CopyKeys(site, target);
        var restore = await target.RunAsync(["restore", "--from", backup, "--passphrase-stdin"], BackupPassphrase);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("1 organizations, 0 purged records.", restore.Err, StringComparison.Ordinal);
        Assert.Equal(0, await target.CountOrganizationsAsync());
        Assert.Null(await target.WithDbAsync(db => db.DataKeys.Where(k => k.Id == keyId).Select(k => k.Wrapped).SingleAsync()));
        Assert.Null(await DecryptNoteAsync(target, org, keyId, ciphertext));
    }

    [Fact]
    public async Task AnOrganizationFromBeforeOrganizationKeys_GetsOneAtStart_WithNoManualStep()
    {
        var site = NewInstallation();
        var (org, _) = await site.SeedAsync(TestData.Email());
        var original = await KeyIdOfAsync(site, org);
        // As the migration leaves an organization of an older installation: no key.
        await site.ExecuteSqlAsync($"UPDATE \"Organizations\" SET \"DataKeyId\" = '{Guid.Empty:D}'");
        await site.ExecuteSqlAsync($"DELETE FROM \"DataKeys\" WHERE \"Id\" = '{original.ToString("D").ToUpperInvariant()}' OR \"Id\" = '{original:D}'");
        Assert.Equal(Guid.Empty, await KeyIdOfAsync(site, org));

        // Any start (here an admin command; the server's StartupTasks runs the same step) gives it one.
        await site.MustAsync(["org", "list"]);
        var keyId = await KeyIdOfAsync(site, org);
        Assert.NotEqual(Guid.Empty, keyId);
        var key = await site.WithDbAsync(db => db.DataKeys.SingleAsync(k => k.Id == keyId));
        Assert.Equal(OrganizationKeys.Purpose, key.Purpose);
        Assert.NotNull(key.Wrapped);
        var ciphertext = await EncryptNoteAsync(site, org);
        Assert.Equal(Note, await DecryptNoteAsync(site, org, keyId, ciphertext));
    }

    [Fact]
    public async Task OrgExport_NamesTheOrganizationsKey_AndCarriesNoKeyMaterial()
    {
        var site = NewInstallation();
        var (org, _) = await site.SeedAsync(TestData.Email());
        var keyId = await KeyIdOfAsync(site, org);
        var wrapped = await site.WithDbAsync(db => db.DataKeys.Where(k => k.Id == keyId).Select(k => k.Wrapped!).SingleAsync());
        var master = MasterKey.FromBytes(MasterKey.ReadKeyFile(site.MasterKeyFile), site.KeysDirectory);
        var plain = master.Unwrap(keyId, wrapped);

        var file = TempFile("org.zip");
        await site.MustAsync(["org", "export", "--org", org.ToString(), "--to", file]);
        using var zip = ZipFile.OpenRead(file);
        var texts = zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());
        using var organization = JsonDocument.Parse(texts["organization.json"]);
        Assert.Equal(keyId, organization.RootElement.GetProperty("dataKeyId").GetGuid());
        Assert.Contains("decrypted", texts["README.txt"], StringComparison.Ordinal);
        var everything = string.Join("\n", texts.Values);
        foreach (var secret in new[] { Convert.ToBase64String(plain), Convert.ToBase64String(wrapped), Convert.ToHexString(plain), Convert.ToHexStringLower(plain) })
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
    }
}

public sealed class OrganizationKeyTestsSqlite : OrganizationKeyTests
{
    protected override string Provider => "Sqlite";
}

public sealed class OrganizationKeyTestsPostgres : OrganizationKeyTests
{
    protected override string Provider => "Postgres";
}
