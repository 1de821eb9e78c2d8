using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Operations;

/// <summary>audit verify finds what someone with access to the database changed, and passes an untouched log.</summary>
public abstract class AuditVerifyTests : OperationsTestBase
{
    /// <summary>Some history: several commands (one chain each) and one longer chain written by one process.</summary>
    private static async Task<Installation> WithHistoryAsync(Installation site)
    {
        await site.SeedAsync(TestData.Email());
        await site.MustAsync(["network", "create", "--name", "Red"]);
        await site.WithHostAsync(async h =>
        {
            var audit = h.Get<AuditLog>();
            for (var i = 0; i < 4; i++) await audit.WriteAsync(AuditEvents.SessionEnded, Guid.NewGuid(), detail: "test-" + i);
            return 0;
        });
        return site;
    }

    [Fact]
    public async Task IntactLog_Passes_WithItsCounts()
    {
        var site = await WithHistoryAsync(NewInstallation());
        var (events, chains) = await site.WithDbAsync(async db => (await db.AuditEvents.CountAsync(), await db.AuditEvents.Select(e => e.WriterId).Distinct().CountAsync()));
        var result = await site.RunAsync("audit", "verify");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"ok: {events} events in {chains} chains", result.Line);
        Assert.True(chains >= 4);
    }

    [Fact]
    public async Task EditedEvent_IsFound()
    {
        var site = await WithHistoryAsync(NewInstallation());
        var changed = await site.ExecuteSqlAsync("UPDATE \"AuditEvents\" SET \"Detail\" = 'test-9' WHERE \"Detail\" = 'test-2'");
        Assert.Equal(1, changed);
        var result = await site.RunAsync("audit", "verify");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("was altered", result.Out, StringComparison.Ordinal);
        Assert.Contains("NOT intact", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditedActorOrTime_IsFound()
    {
        var site = await WithHistoryAsync(NewInstallation());
        await site.ExecuteSqlAsync("UPDATE \"AuditEvents\" SET \"ActorId\" = NULL WHERE \"Detail\" = 'test-1'");
        var result = await site.RunAsync("audit", "verify");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("was altered", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedEvent_IsFound()
    {
        var site = await WithHistoryAsync(NewInstallation());
        Assert.Equal(1, await site.ExecuteSqlAsync("DELETE FROM \"AuditEvents\" WHERE \"Detail\" = 'test-1'"));
        var result = await site.RunAsync("audit", "verify");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is missing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedStartOfAChain_IsFound()
    {
        var site = await WithHistoryAsync(NewInstallation());
        await site.ExecuteSqlAsync("DELETE FROM \"AuditEvents\" WHERE \"Sequence\" = 0 AND \"WriterId\" = (SELECT \"WriterId\" FROM \"AuditEvents\" WHERE \"Detail\" = 'test-3')");
        var result = await site.RunAsync("audit", "verify");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("first events are missing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OfAMissingDatabase_FailsWithoutCreatingOne()
    {
        var site = NewEmptyInstallation();
        var result = await site.RunAsync("audit", "verify");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.False(File.Exists(site.SqliteFile));
    }
}

public sealed class AuditVerifyTestsSqlite : AuditVerifyTests
{
    protected override string Provider => "Sqlite";
}

public sealed class AuditVerifyTestsPostgres : AuditVerifyTests
{
    protected override string Provider => "Postgres";
}
