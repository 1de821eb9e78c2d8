using System.Collections.Concurrent;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Events;

/// <summary>
/// The durable path of the fact seam: a fact written in an action's transaction reaches the durable handlers of its
/// side after commit, even if nothing was published; never if the transaction rolled back; a failing handler is
/// retried with back-off without holding the others, and one that succeeded is not called again.
/// </summary>
public abstract class DurableFactTests(AppFixture app)
{
    private DurableFactLog Log => app.Services.GetRequiredService<DurableFactLog>();

    private async Task DeliverAsync() => await app.Services.GetRequiredService<FactWorker>().RunOnceAsync(CancellationToken.None);

    /// <summary>An action that changes nothing else: the facts are its whole unit of work.</summary>
    private async Task RecordAsync(Published published, bool commit = true) => await app.WithServicesAsync(async sp =>
    {
        var db = sp.GetRequiredService<AmparoDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        sp.GetRequiredService<FactDispatcher>().Record(db, published);
        await db.SaveChangesAsync();
        if (commit) await tx.CommitAsync();
        else await tx.RollbackAsync();
        return true;
    });

    private VisitCheckedIn CheckedIn(Guid owner) => new(owner, app.Clock.GetUtcNow().UtcDateTime, Guid.NewGuid(), Late: false);

    [Fact]
    public async Task AFactWhoseTransactionRolledBack_IsNeverDelivered()
    {
        var owner = Guid.NewGuid();
        await RecordAsync(Published.Same(CheckedIn(owner)), commit: false);

        await DeliverAsync();
        app.Clock.Advance(TimeSpan.FromHours(2));
        await DeliverAsync();

        Assert.Empty(Log.Calls(owner));
        Assert.False(await app.WithDbAsync(db => db.Set<StoredFact>().AnyAsync(f => f.OwnerId == owner)));
    }

    [Fact]
    public async Task AFactCommittedByAProcessThatDiedBeforePublishing_IsDeliveredByTheWorker_ToEachSideOnce()
    {
        var owner = Guid.NewGuid();
        var fact = CheckedIn(owner);
        await RecordAsync(Published.Same(fact)); // and no PublishAsync: the process "crashed" here

        await DeliverAsync();
        await DeliverAsync();

        Assert.Equal([(nameof(OwnerDurable), fact)], Log.Calls(owner, nameof(OwnerDurable)));
        Assert.Equal([(nameof(ResponderDurable), fact)], Log.Calls(owner, nameof(ResponderDurable)));
        Assert.Equal([(nameof(FlakyDurable), fact)], Log.Calls(owner, nameof(FlakyDurable)));
    }

    [Fact]
    public async Task AFailingHandler_IsRetriedWithBackoff_WithoutHoldingTheOthers_AndIsNotCalledAgainOnceItSucceeded()
    {
        var owner = Guid.NewGuid();
        Log.FailFirst(owner, times: 2);
        var first = CheckedIn(owner);
        await RecordAsync(Published.Same(first));

        await DeliverAsync();
        Assert.Single(Log.Calls(owner, nameof(FlakyDurable)));
        Assert.Single(Log.Calls(owner, nameof(ResponderDurable))); // the same side's other handler was not held

        // A later fact is not queued behind the failing one, and the first one's back-off (2 s) is respected.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = CheckedIn(owner) with { VisitId = Guid.NewGuid() };
        await RecordAsync(Published.Same(second));
        await DeliverAsync();
        Assert.Equal([first, second], Log.Calls(owner, nameof(ResponderDurable)).Select(c => c.Fact));
        Assert.Equal([first, second], Log.Calls(owner, nameof(FlakyDurable)).Select(c => c.Fact)); // the second failed too

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync(); // the first's back-off is over: it succeeds; the second's is not
        Assert.Equal([first, second, first], Log.Calls(owner, nameof(FlakyDurable)).Select(c => c.Fact));
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync();
        Assert.Equal([first, second, first, second], Log.Calls(owner, nameof(FlakyDurable)).Select(c => c.Fact));

        app.Clock.Advance(TimeSpan.FromHours(2));
        await DeliverAsync();
        Assert.Equal(4, Log.Calls(owner, nameof(FlakyDurable)).Count);
        Assert.Equal(2, Log.Calls(owner, nameof(ResponderDurable)).Count);
        Assert.Equal(2, Log.Calls(owner, nameof(OwnerDurable)).Count);
        Assert.True(await app.WithDbAsync(db => db.Set<StoredFact>().Where(f => f.OwnerId == owner).AllAsync(f => f.DeliveredAt != null && f.DueAt == null)));
    }

    [Fact]
    public async Task DuressFacts_OnTheDurablePath_ReachOwnerHandlersOnlyAsTheOwnerListSays()
    {
        var owner = Guid.NewGuid();
        var checkedIn = CheckedIn(owner);
        var duress = new AlertRaised(owner, checkedIn.At, Guid.NewGuid(), AlertKind.Duress, checkedIn.VisitId);
        await RecordAsync(new Published([checkedIn], [checkedIn, duress]));

        await DeliverAsync();

        Assert.Equal([checkedIn], Log.Calls(owner, nameof(OwnerDurable)).Select(c => c.Fact));
        Assert.Equal([checkedIn, duress], Log.Calls(owner, nameof(ResponderDurable)).Select(c => c.Fact).OrderBy(f => f is AlertRaised));
        // Not even stored for the owner's side.
        Assert.False(await app.WithDbAsync(db => db.Set<StoredFact>().AnyAsync(f => f.OwnerId == owner && f.Side == Side.Owner && f.Type.EndsWith(nameof(AlertRaised)))));
    }

    [Fact]
    public async Task OldDeliveredFacts_AreDeleted()
    {
        var owner = Guid.NewGuid();
        await RecordAsync(Published.Same(CheckedIn(owner)));
        await DeliverAsync();
        Assert.True(await app.WithDbAsync(db => db.Set<StoredFact>().AnyAsync(f => f.OwnerId == owner)));

        app.Clock.Advance(FactWorker.KeepDelivered + TimeSpan.FromHours(1));
        await DeliverAsync();

        Assert.False(await app.WithDbAsync(db => db.Set<StoredFact>().AnyAsync(f => f.OwnerId == owner)));
    }
}

/// <summary>Every call the durable test handlers got, and which owners' facts the flaky one refuses at first.</summary>
public sealed class DurableFactLog
{
    private readonly ConcurrentQueue<(string Handler, Fact Fact)> _calls = new();
    private readonly ConcurrentDictionary<Guid, int> _failuresLeft = new();

    public void FailFirst(Guid owner, int times) => _failuresLeft[owner] = times;

    public void Called(string handler, Fact fact, bool flaky = false)
    {
        _calls.Enqueue((handler, fact));
        if (flaky && _failuresLeft.TryGetValue(fact.OwnerId, out var left) && left > 0)
        {
            _failuresLeft[fact.OwnerId] = left - 1;
            throw new InvalidOperationException("a module that is down for now");
        }
    }

    public List<(string Handler, Fact Fact)> Calls(Guid owner, string? handler = null) =>
        _calls.Where(c => c.Fact.OwnerId == owner && (handler is null || c.Handler == handler)).ToList();
}

public sealed class OwnerDurable(DurableFactLog log) : IDurableFactHandler
{
    public Side Side => Side.Owner;
    public Task HandleAsync(Fact fact, CancellationToken ct) { log.Called(nameof(OwnerDurable), fact); return Task.CompletedTask; }
}

public sealed class ResponderDurable(DurableFactLog log) : IDurableFactHandler
{
    public Side Side => Side.Responders;
    public Task HandleAsync(Fact fact, CancellationToken ct) { log.Called(nameof(ResponderDurable), fact); return Task.CompletedTask; }
}

public sealed class FlakyDurable(DurableFactLog log) : IDurableFactHandler
{
    public Side Side => Side.Responders;
    public Task HandleAsync(Fact fact, CancellationToken ct) { log.Called(nameof(FlakyDurable), fact, flaky: true); return Task.CompletedTask; }
}

public static class DurableHandlers
{
    /// <summary>The three test handlers, and no worker in the background: the tests run its rounds.</summary>
    public static void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Events:RunWorker", "false");
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<DurableFactLog>();
            services.AddScoped<IDurableFactHandler, OwnerDurable>();
            services.AddScoped<IDurableFactHandler, ResponderDurable>();
            services.AddScoped<IDurableFactHandler, FlakyDurable>();
        });
    }
}

public sealed class DurableFactSqliteApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder) => DurableHandlers.Configure(builder);
}

public sealed class DurableFactPostgresApp : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
    protected override void ConfigureMore(IWebHostBuilder builder) => DurableHandlers.Configure(builder);
}

public sealed class DurableFactTestsSqlite(DurableFactSqliteApp app) : DurableFactTests(app), IClassFixture<DurableFactSqliteApp>;
public sealed class DurableFactTestsPostgres(DurableFactPostgresApp app) : DurableFactTests(app), IClassFixture<DurableFactPostgresApp>;
