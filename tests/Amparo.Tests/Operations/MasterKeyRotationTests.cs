using System.Security.Cryptography;
using System.Xml.Linq;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Operations;

/// <summary>The web app on an installation's data directory and database (to see its Data Protection keys survive a rotation).</summary>
public sealed class InstallationApp(Installation site) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var arg in site.ConfigArgs)
        {
            var (key, value) = (arg[2..arg.IndexOf('=', StringComparison.Ordinal)], arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Smtp:From", "amparo@test.invalid");
    }
}

public abstract class MasterKeyRotationTests : OperationsTestBase
{
    private const string Phone = "+50688887777";

    private static byte[] KeyIn(string file) => Convert.FromBase64String(File.ReadAllText(file).Trim());

    [Fact]
    public async Task Rotate_KeepsEverythingReadable_AndTheOldKeyOpensNothing()
    {
        var site = NewInstallation();
        var (_, user) = await site.SeedAsync(TestData.Email());
        await site.SetPhoneAsync(user, Phone);

        // The running app protects something (as it does its cookies) with a Data Protection key sealed by the master key.
        string protectedText;
        await using (var app = new InstallationApp(site))
        {
            protectedText = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rotation-test").Protect("still here");
        }
        Assert.True(await site.CountAsync("ProtectionKeys") > 0);
        var oldKey = KeyIn(site.MasterKeyFile);

        var result = await site.RunAsync("rotate-master-key");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains("make a new backup", result.Err, StringComparison.Ordinal);
        var newKey = KeyIn(site.MasterKeyFile);
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(site.MasterKeyFile));
        Assert.False(File.Exists(site.MasterKeyFile + ".new"));
        Assert.False(File.Exists(site.MasterKeyFile + ".old"));

        // The app's data still opens: an encrypted field, the audit chain, and what Data Protection protected.
        Assert.Equal(Phone, await site.PhoneOfAsync(user));
        Assert.StartsWith("ok:", await site.MustAsync(["audit", "verify"]), StringComparison.Ordinal);
        await using (var app = new InstallationApp(site))
        {
            Assert.Equal("still here", app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rotation-test").Unprotect(protectedText));
        }

        // ...and nothing opens with the old key any more.
        var dir = site.KeysDirectory;
        var (dataKeys, sealedSecrets) = await site.WithDbAsync(async db => (
            await db.DataKeys.Where(k => k.Wrapped != null).ToListAsync(),
            (await db.ProtectionKeys.ToListAsync()).SelectMany(p => XElement.Parse(p.Xml).Descendants().Where(e => e.Name.LocalName == "sealed")).ToList()));
        Assert.NotEmpty(dataKeys);
        Assert.NotEmpty(sealedSecrets);
        var old = MasterKey.FromBytes(oldKey, dir);
        var current = MasterKey.FromBytes(newKey, dir);
        foreach (var k in dataKeys)
        {
            Assert.ThrowsAny<CryptographicException>(() => old.Unwrap(k.Id, k.Wrapped!));
            Assert.Equal(32, current.Unwrap(k.Id, k.Wrapped!).Length);
        }
        foreach (var s in sealedSecrets)
        {
            Assert.ThrowsAny<CryptographicException>(() => old.Open(Convert.FromBase64String(s.Value), MasterKeyXmlEncryptor.Context));
            current.Open(Convert.FromBase64String(s.Value), MasterKeyXmlEncryptor.Context);
        }
        var types = await site.WithDbAsync(db => db.AuditEvents.Select(e => e.Type).ToListAsync());
        Assert.Contains("keys.master-rotated", types);
    }

    [Fact]
    public async Task Rotate_WithTheKeyFromTheEnvironment_PrintsTheNewKeyForTheOperator()
    {
        var site = NewInstallation();
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        site.Environment[MasterKey.EnvironmentVariable] = oldKey;
        var (_, user) = await site.SeedAsync(TestData.Email());
        await site.SetPhoneAsync(user, Phone);

        var result = await site.RunAsync("rotate-master-key");
        Assert.True(result.ExitCode == 0, result.ToString());
        var printed = result.Line;
        Assert.Equal(32, Convert.FromBase64String(printed).Length);
        Assert.NotEqual(oldKey, printed);
        Assert.Contains("AMPARO_MASTER_KEY", result.Err, StringComparison.Ordinal);
        Assert.Contains("Store it", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(site.MasterKeyFile));
        Assert.Equal(printed, File.ReadAllText(site.MasterKeyFile + ".new").Trim());

        // With the old key in the environment the data no longer opens; with the printed one it does.
        var stale = await site.RunAsync("audit", "verify");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("master key", stale.Err, StringComparison.Ordinal);
        site.Environment[MasterKey.EnvironmentVariable] = printed;
        Assert.Equal(Phone, await site.PhoneOfAsync(user));

        // Running it again once the operator has switched: the leftover file is recognised and removed.
        var again = await site.RunAsync("rotate-master-key");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("held the key already in use", again.Err, StringComparison.Ordinal);
        site.Environment[MasterKey.EnvironmentVariable] = again.Line;
        Assert.Equal(Phone, await site.PhoneOfAsync(user));
    }

    [Fact]
    public async Task Rotate_AfterACrashBeforeTheCommit_DropsTheUnusedKeyAndRotates()
    {
        var site = NewInstallation();
        var (_, user) = await site.SeedAsync(TestData.Email());
        await site.SetPhoneAsync(user, Phone);
        var before = KeyIn(site.MasterKeyFile);
        var unused = RandomNumberGenerator.GetBytes(32);
        await File.WriteAllTextAsync(site.MasterKeyFile + ".new", Convert.ToBase64String(unused));

        var result = await site.RunAsync("rotate-master-key");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("had not changed the database", result.Err, StringComparison.Ordinal);
        var after = KeyIn(site.MasterKeyFile);
        Assert.NotEqual(before, after);
        Assert.NotEqual(unused, after);
        Assert.Equal(Phone, await site.PhoneOfAsync(user));
    }

    [Fact]
    public async Task Rotate_AfterACrashBetweenCommitAndRename_FinishesWithTheKeyTheDatabaseUses()
    {
        var site = NewInstallation();
        var (_, user) = await site.SeedAsync(TestData.Email());
        await site.SetPhoneAsync(user, Phone);
        var oldKey = await File.ReadAllTextAsync(site.MasterKeyFile);
        await site.MustAsync(["rotate-master-key"]);
        var newKey = await File.ReadAllTextAsync(site.MasterKeyFile);
        // The state a crash right after the commit leaves: the database under the new key, master.key still old.
        await File.WriteAllTextAsync(site.MasterKeyFile + ".new", newKey);
        await File.WriteAllTextAsync(site.MasterKeyFile, oldKey);
        Assert.Equal(1, (await site.RunAsync("audit", "verify")).ExitCode);

        var result = await site.RunAsync("rotate-master-key");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Finished an interrupted rotation", result.Err, StringComparison.Ordinal);
        Assert.Equal(newKey, await File.ReadAllTextAsync(site.MasterKeyFile));
        Assert.False(File.Exists(site.MasterKeyFile + ".new"));
        Assert.False(File.Exists(site.MasterKeyFile + ".old"));
        Assert.Equal(Phone, await site.PhoneOfAsync(user));
    }

    [Fact]
    public async Task Rotate_WithoutAMasterKey_FailsAndCreatesNone()
    {
        var site = NewEmptyInstallation();
        var result = await site.RunAsync("rotate-master-key");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No master key here", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(site.MasterKeyFile));
        Assert.False(File.Exists(site.SqliteFile));
    }

    [Fact]
    public async Task Rotate_WithAWrongKeyHere_FailsAndChangesNothing()
    {
        var site = NewInstallation();
        var (_, user) = await site.SeedAsync(TestData.Email());
        await site.SetPhoneAsync(user, Phone);
        var right = await File.ReadAllTextAsync(site.MasterKeyFile);
        await File.WriteAllTextAsync(site.MasterKeyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var result = await site.RunAsync("rotate-master-key");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("master key", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(site.MasterKeyFile + ".new"));
        await File.WriteAllTextAsync(site.MasterKeyFile, right);
        Assert.Equal(Phone, await site.PhoneOfAsync(user));
    }
}

public sealed class MasterKeyRotationTestsSqlite : MasterKeyRotationTests
{
    protected override string Provider => "Sqlite";
}

public sealed class MasterKeyRotationTestsPostgres : MasterKeyRotationTests
{
    protected override string Provider => "Postgres";
}
