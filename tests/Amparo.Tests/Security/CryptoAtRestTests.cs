using System.Security.Cryptography;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>Passwords, field encryption and Data Protection keys as they are stored.</summary>
public abstract class CryptoAtRestTests(AppFixture app)
{
    [Fact]
    public async Task StoredPasswordHash_IsArgon2id_WithAtLeast19MiBAndTwoIterations()
    {
        var email = TestData.Email();
        var user = await app.CreateUserAsync(email);
        var stored = await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync());
        Assert.StartsWith("$argon2id$v=19$", stored, StringComparison.Ordinal);
        Assert.True(Argon2PasswordHasher.TryParse(stored!, out var p));
        Assert.True(p.MemoryKib >= 19 * 1024, $"m={p.MemoryKib}");
        Assert.True(p.Iterations >= 2, $"t={p.Iterations}");
        Assert.Equal(16, p.Salt.Length);
        Assert.Equal(32, p.Hash.Length);
        Assert.DoesNotContain(TestData.Passphrase, stored, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultArgon2Settings_AreAtLeast19MiBAndTwoIterations()
    {
        var defaults = new AmparoOptions();
        Assert.True(defaults.Argon2MemoryKib >= 19 * 1024);
        Assert.True(defaults.Argon2Iterations >= 2);
    }

    [Fact]
    public async Task Ciphertext_CopiedToAnotherRowOrColumn_DoesNotDecrypt()
    {
        var a = await app.CreateUserAsync(TestData.Email());
        var b = await app.CreateUserAsync(TestData.Email());
        await SetPhoneAsync(a.Id, "+4915112345678");
        await SetPhoneAsync(b.Id, "+4915187654321");

        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var cipher = sp.GetRequiredService<FieldCipher>();
            var rowA = await db.Users.AsNoTracking().SingleAsync(u => u.Id == a.Id);
            var rowB = await db.Users.AsNoTracking().SingleAsync(u => u.Id == b.Id);
            Assert.Equal("+4915112345678", await cipher.DecryptAsync(db, rowA.DataKeyId, rowA.PhoneCipher, AccountService.UsersTable, nameof(User.PhoneCipher), rowA.Id));
            // Another column of the same row, the same column of another row (with either key), another owner's key.
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(db, rowA.DataKeyId, rowA.PhoneCipher, AccountService.UsersTable, nameof(User.SignalCipher), rowA.Id));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(db, rowA.DataKeyId, rowA.PhoneCipher, AccountService.UsersTable, nameof(User.PhoneCipher), rowB.Id));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(db, rowB.DataKeyId, rowA.PhoneCipher, AccountService.UsersTable, nameof(User.PhoneCipher), rowB.Id));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.DecryptAsync(db, rowB.DataKeyId, rowA.PhoneCipher, AccountService.UsersTable, nameof(User.PhoneCipher), rowA.Id));

            // The same through the service: A's ciphertext pasted into B's row never shows A's number as B's.
            await db.Users.Where(u => u.Id == b.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneCipher, rowA.PhoneCipher));
            var pastedInto = await db.Users.AsNoTracking().SingleAsync(u => u.Id == b.Id);
            await Assert.ThrowsAnyAsync<CryptographicException>(() => sp.GetRequiredService<AccountService>().ContactDetailsAsync(pastedInto));
            return 0;
        });
    }

    [Fact]
    public async Task DestroyedDataKey_MakesTheFieldUnreadable_AlsoForAFreshProcess_AndIsRecordedInTheLedger()
    {
        var user = await app.CreateUserAsync(TestData.Email());
        await SetPhoneAsync(user.Id, "+33612345678");
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var cipher = sp.GetRequiredService<FieldCipher>();
            var row = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
            await cipher.DestroyAsync(db, row.DataKeyId);
            await db.SaveChangesAsync();

            Assert.Null(await cipher.DecryptAsync(db, row.DataKeyId, row.PhoneCipher, AccountService.UsersTable, nameof(User.PhoneCipher), row.Id));
            // A new process has no cached key: what is stored must be enough to make the value unreadable.
            var fresh = new FieldCipher(sp.GetRequiredService<MasterKey>(), TimeProvider.System);
            Assert.Null(await fresh.DecryptAsync(db, row.DataKeyId, row.PhoneCipher, AccountService.UsersTable, nameof(User.PhoneCipher), row.Id));
            var key = await db.DataKeys.AsNoTracking().SingleAsync(k => k.Id == row.DataKeyId);
            Assert.Null(key.Wrapped);
            Assert.NotNull(key.DestroyedAt);
            Assert.Contains(row.DataKeyId, sp.GetRequiredService<MasterKey>().DestroyedKeyIds());
            return 0;
        });
    }

    [Fact]
    public async Task DeletingAnAccount_ShredsItsDataKey()
    {
        var user = await app.CreateUserAsync(TestData.Email());
        await SetPhoneAsync(user.Id, "+34600111222");
        await app.WithServicesAsync(async sp =>
        {
            var entity = (await sp.GetRequiredService<UserManager<User>>().FindByIdAsync(user.Id.ToString()))!;
            Assert.True(await sp.GetRequiredService<AccountDeletion>().DeleteAsync(entity));
            return 0;
        });
        var key = await app.WithDbAsync(db => db.DataKeys.AsNoTracking().SingleAsync(k => k.Id == user.DataKeyId));
        Assert.Null(key.Wrapped);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == user.Id)));
        Assert.Contains(user.DataKeyId, app.Services.GetRequiredService<MasterKey>().DestroyedKeyIds());
    }

    [Fact]
    public async Task DataProtectionKeys_AreStoredSealedByTheMasterKey()
    {
        // Signing in protects a cookie, so the key ring exists.
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        await client.SignInAsync(email);
        var rows = await app.WithDbAsync(db => db.ProtectionKeys.AsNoTracking().ToListAsync());
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.Contains("<sealed", row.Xml, StringComparison.Ordinal);
            Assert.Contains("MasterKeyXmlDecryptor", row.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", row.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", row.Xml, StringComparison.Ordinal);
        }
    }

    private Task<int> SetPhoneAsync(Guid userId, string phone) =>
        app.WithServicesAsync(async sp =>
        {
            var user = (await sp.GetRequiredService<UserManager<User>>().FindByIdAsync(userId.ToString()))!;
            await sp.GetRequiredService<AccountService>().SetContactDetailsAsync(user, phone, null);
            return await sp.GetRequiredService<AmparoDbContext>().SaveChangesAsync();
        });
}

// Production Argon2id settings: the first test checks what a stored hash looks like (other test hosts hash cheaply).
public sealed class CryptoAtRestTestsSqlite(SqliteAppWithProductionHashing app) : CryptoAtRestTests(app), IClassFixture<SqliteAppWithProductionHashing>;
public sealed class CryptoAtRestTestsPostgres(PostgresAppWithProductionHashing app) : CryptoAtRestTests(app), IClassFixture<PostgresAppWithProductionHashing>;
