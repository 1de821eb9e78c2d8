using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// The audit trail is tamper-evident: <see cref="AuditLog.VerifyAsync"/> passes an intact chain and finds an edited,
/// an inserted and a removed event. Each tampering happens inside a transaction that is rolled back afterwards.
/// </summary>
public abstract class AuditChainTests(AppFixture app)
{
    [Fact]
    public async Task IntactChain_Verifies()
    {
        await WriteEventsAsync();
        Assert.Empty(await VerifyAsync(_ => Task.CompletedTask));
    }

    /// <summary>PostgreSQL stores microseconds; an instant with 100-ns ticks must still verify after the round trip.</summary>
    [Fact]
    public async Task IntactChain_Verifies_WhenTheClockHasSubMicrosecondTicks()
    {
        app.Clock.Advance(TimeSpan.FromTicks(3));
        await WriteEventsAsync();
        Assert.Empty(await VerifyAsync(_ => Task.CompletedTask));
    }

    [Fact]
    public async Task EditedEvent_IsDetected()
    {
        await WriteEventsAsync();
        var problems = await VerifyAsync(async db =>
        {
            var target = await MiddleEventAsync(db);
            await db.AuditEvents.Where(e => e.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, "Member->OrgAdmin"));
        });
        Assert.Contains(problems, p => p.Contains("altered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditedActor_IsDetected_EvenWhenTheStoredHashIsLeftAsItWas()
    {
        await WriteEventsAsync();
        var problems = await VerifyAsync(async db =>
        {
            var target = await MiddleEventAsync(db);
            await db.AuditEvents.Where(e => e.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorId, Guid.NewGuid()));
        });
        Assert.Contains(problems, p => p.Contains("altered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InsertedEvent_IsDetected()
    {
        await WriteEventsAsync();
        var problems = await VerifyAsync(async db =>
        {
            // A forger without the chain key appends a plausible event after the last one of a chain.
            var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync();
            db.AuditEvents.Add(new AuditEvent
            {
                WriterId = last.WriterId, Sequence = last.Sequence + 1, At = last.At.AddSeconds(1), Type = AuditEvents.RoleChanged,
                ActorId = Guid.NewGuid(), SubjectId = Guid.NewGuid(), Detail = "Member->OrgAdmin", PreviousHash = last.Hash, Hash = new string('a', 64),
            });
            await db.SaveChangesAsync();
        });
        Assert.Contains(problems, p => p.Contains("altered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InsertedEventInTheMiddle_IsDetected()
    {
        await WriteEventsAsync();
        var problems = await VerifyAsync(async db =>
        {
            // Shift the later events up by one and slot a copy of another event in: sequences line up, hashes do not.
            var middle = await MiddleEventAsync(db);
            var later = await db.AuditEvents.Where(e => e.WriterId == middle.WriterId && e.Sequence > middle.Sequence).OrderByDescending(e => e.Sequence).ToListAsync();
            foreach (var e in later) e.Sequence++;
            await db.SaveChangesAsync();
            db.AuditEvents.Add(new AuditEvent
            {
                WriterId = middle.WriterId, Sequence = middle.Sequence + 1, At = middle.At, Type = middle.Type, ActorId = middle.ActorId,
                SubjectId = middle.SubjectId, OrganizationId = middle.OrganizationId, Detail = middle.Detail, PreviousHash = middle.Hash, Hash = middle.Hash,
            });
            await db.SaveChangesAsync();
        });
        Assert.NotEmpty(problems);
    }

    [Fact]
    public async Task RemovedEvent_IsDetected()
    {
        await WriteEventsAsync();
        var problems = await VerifyAsync(async db =>
        {
            var target = await MiddleEventAsync(db);
            await db.AuditEvents.Where(e => e.Id == target.Id).ExecuteDeleteAsync();
        });
        Assert.Contains(problems, p => p.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovedFirstEvents_AreDetected()
    {
        await WriteEventsAsync();
        var problems = await VerifyAsync(async db =>
        {
            var writer = (await MiddleEventAsync(db)).WriterId;
            await db.AuditEvents.Where(e => e.WriterId == writer && e.Sequence < 2).ExecuteDeleteAsync();
        });
        Assert.NotEmpty(problems);
    }

    private async Task WriteEventsAsync()
    {
        var audit = app.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 5; i++)
            await audit.WriteAsync(AuditEvents.RoleChanged, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Member->FocalPoint");
    }

    private static async Task<AuditEvent> MiddleEventAsync(AmparoDbContext db)
    {
        var events = await db.AuditEvents.AsNoTracking().OrderBy(e => e.WriterId).ThenBy(e => e.Sequence).ToListAsync();
        return events[events.Count / 2];
    }

    /// <summary>Tampers inside a transaction, verifies there, and rolls the tampering back.</summary>
    private Task<IReadOnlyList<string>> VerifyAsync(Func<AmparoDbContext, Task> tamper) =>
        app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var cipher = sp.GetRequiredService<FieldCipher>();
            await cipher.SystemKeyAsync(db, AuditLog.KeyPurpose); // outside the transaction
            await using var tx = await db.Database.BeginTransactionAsync();
            await tamper(db);
            db.ChangeTracker.Clear();
            var problems = await AuditLog.VerifyAsync(db, cipher);
            await tx.RollbackAsync();
            return problems;
        });
}

[Collection(nameof(SharedHosts.SecurityOnSqlite))]
public sealed class AuditChainTestsSqlite(SqliteApp app) : AuditChainTests(app);
[Collection(nameof(SharedHosts.SecurityOnPostgres))]
public sealed class AuditChainTestsPostgres(PostgresApp app) : AuditChainTests(app);
