using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Operations;

/// <summary>
/// System keys (audit chain, lookup hashes, PIN hashes, signed links, outbox, inbound SMS, reply codes) exist as soon
/// as the server has started, before any request: never created inside a request's unit of work, where a rollback
/// would lose a key already used and two first requests would race to make two.
/// </summary>
public abstract class StartupKeysTests : OperationsTestBase
{
    [Fact]
    public async Task EveryDeclaredSystemKey_AndTheDataProtectionKey_ExistRightAfterStart_BeforeAnyRequest()
    {
        var site = NewInstallation();
        await using var app = new InstallationApp(site);
        // Resolving the services starts the host (StartupTasks) and serves nothing.
        var services = app.Services;
        var declared = services.GetServices<SystemKeyPurpose>().Select(p => p.Name).Distinct().ToList();
        Assert.Contains("audit", declared);
        Assert.Contains("lookup", declared);
        Assert.Contains("pin", declared);
        Assert.Contains("links", declared);

        var stored = await site.WithDbAsync(db => db.DataKeys.Where(k => k.Wrapped != null).Select(k => k.Purpose).ToListAsync());
        foreach (var purpose in declared) Assert.Contains(purpose, stored);
        Assert.True(await site.CountAsync("ProtectionKeys") > 0);

        // A caller that reads a key inside its own transaction and rolls back loses nothing.
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var cipher = scope.ServiceProvider.GetRequiredService<FieldCipher>();
        byte[] inside;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            inside = await cipher.SystemKeyAsync(db, "audit");
            await tx.RollbackAsync();
        }
        var fresh = new FieldCipher(services.GetRequiredService<MasterKey>(), TimeProvider.System);
        Assert.Equal(inside, await fresh.SystemKeyAsync(db, "audit"));
    }

    [Fact]
    public async Task AKeyNobodyDeclared_IsNeverCreatedOnFirstUse()
    {
        var site = NewInstallation();
        await site.SeedAsync(TestData.Email());
        var before = await site.CountAsync("DataKeys");
        var error = await site.WithHostAsync(async h =>
            await Assert.ThrowsAsync<InvalidOperationException>(() => h.Get<FieldCipher>().SystemKeyAsync(h.Db, "undeclared")));
        Assert.Contains("AddSystemKey", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await site.CountAsync("DataKeys"));
    }

    [Fact]
    public async Task TwoInstancesStartingTogether_AgreeOnOneKeyPerPurpose_AndOneKeyPerOrganization()
    {
        var site = NewInstallation();
        var (org, _) = await site.SeedAsync(TestData.Email());
        // As a fresh (or upgraded) database looks before its first start: no system keys, an organization without its key.
        await site.ExecuteSqlAsync($"DELETE FROM \"DataKeys\" WHERE \"Purpose\" <> 'user'");
        await site.ExecuteSqlAsync($"UPDATE \"Organizations\" SET \"DataKeyId\" = '{Guid.Empty:D}'");

        for (var round = 0; round < 3; round++)
        {
            // Two processes: separate service providers, so separate key caches.
            await using var first = site.Host();
            await using var second = site.Host();
            using var start = new SemaphoreSlim(0, 2);
            async Task StartAsync(CommandHost host)
            {
                await start.WaitAsync();
                await StartupKeys.EnsureAsync(host.Get<IServiceProvider>());
            }
            var both = Task.WhenAll(Task.Run(() => StartAsync(first)), Task.Run(() => StartAsync(second)));
            start.Release(2);
            await both;

            foreach (var purpose in new[] { "audit", "lookup", "reply-code" })
                Assert.Equal(await first.Get<FieldCipher>().SystemKeyAsync(first.Db, purpose), await second.Get<FieldCipher>().SystemKeyAsync(second.Db, purpose));
            var keys = await site.WithDbAsync(db => db.DataKeys.Where(k => k.Wrapped != null).Select(k => k.Purpose).ToListAsync());
            var notPersonal = keys.Where(p => p != "user").ToList();
            Assert.Equal(notPersonal.Distinct().Count(), notPersonal.Count);
            Assert.Single(notPersonal, p => p == OrganizationKeys.Purpose);
            var keyId = await site.WithDbAsync(db => OrganizationKeys.KeyIdAsync(db, org));
            Assert.Contains(keyId, await site.WithDbAsync(db => db.DataKeys.Where(k => k.Wrapped != null).Select(k => k.Id).ToListAsync()));

            // Next round starts from nothing again.
            await site.ExecuteSqlAsync($"DELETE FROM \"DataKeys\" WHERE \"Purpose\" <> 'user'");
            await site.ExecuteSqlAsync($"UPDATE \"Organizations\" SET \"DataKeyId\" = '{Guid.Empty:D}'");
        }
    }

    [Fact]
    public async Task AWrongMasterKey_IsRefusedAtStart_BeforeItWrapsAnyNewKey()
    {
        var site = NewInstallation();
        await site.SeedAsync(TestData.Email());
        var before = await site.CountAsync("DataKeys");
        site.Environment[MasterKey.EnvironmentVariable] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await site.ExecuteSqlAsync($"UPDATE \"Organizations\" SET \"DataKeyId\" = '{Guid.Empty:D}'");

        var result = await site.RunAsync("org", "list");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not open the data keys", result.Err, StringComparison.Ordinal);
        Assert.Equal(before, await site.CountAsync("DataKeys"));
    }
}

public sealed class StartupKeysTestsSqlite : StartupKeysTests
{
    protected override string Provider => "Sqlite";
}

public sealed class StartupKeysTestsPostgres : StartupKeysTests
{
    protected override string Provider => "Postgres";
}
