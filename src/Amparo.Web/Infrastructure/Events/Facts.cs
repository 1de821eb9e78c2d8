using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;

namespace Amparo.Web.Infrastructure.Events;

/// <summary>
/// Something that happened to a person's visits or alerts, told to other modules after it was committed.
/// Facts carry ids and kinds only: a handler that needs more reads it, scoped to its own side.
/// </summary>
public abstract record Fact(Guid OwnerId, DateTime At);

/// <summary>The person checked in on a visit (<paramref name="Late"/>: after its alert had gone out).</summary>
public sealed record VisitCheckedIn(Guid OwnerId, DateTime At, Guid VisitId, bool Late) : Fact(OwnerId, At);

public sealed record AlertRaised(Guid OwnerId, DateTime At, Guid AlertId, AlertKind Kind, Guid? VisitId) : Fact(OwnerId, At);

/// <summary>An alert ended. <paramref name="AllClear"/>: everyone told was told the person is safe.</summary>
public sealed record AlertResolved(Guid OwnerId, DateTime At, Guid AlertId, AlertKind Kind, AlertOutcome Outcome, bool AllClear) : Fact(OwnerId, At);

/// <summary>The person cancelled a panic raised by mistake ("I'm safe — cancel").</summary>
public sealed record PanicCancelled(Guid OwnerId, DateTime At, Guid AlertId) : Fact(OwnerId, At);

/// <summary>Whose side of an alert a handler serves; see docs/adr/0002-duress-rule.md.</summary>
public enum Side
{
    /// <summary>Anything the person (or whoever holds their phone) can reach: their pages, lists, counts, exports, messages, prompts.</summary>
    Owner = 0,
    /// <summary>Only the people told about an alert, and the operators.</summary>
    Responders = 1,
}

/// <summary>
/// A module's immediate listener, registered in DI by the listening feature (<c>services.AddScoped&lt;IFactHandler, MyHandler&gt;()</c>).
/// Called once, right after the commit, in the acting request; a crash in between loses it. Use it only for what
/// may be lost (refreshing a cache, a live page); anything that must happen is an <see cref="IDurableFactHandler"/>.
/// </summary>
public interface IFactHandler
{
    Side Side { get; }

    /// <summary>Called after the fact was committed, in a fresh scope. Handlers ignore the facts they do not care about.</summary>
    Task HandleAsync(Fact fact, CancellationToken ct);
}

/// <summary>
/// A module's durable listener (<c>services.AddScoped&lt;IDurableFactHandler, MyHandler&gt;()</c>): for what must
/// happen even if the process dies right after the action's commit (a plan review prompted by an alert, a debrief
/// offer). The fact was written in the action's own transaction (<see cref="FactDispatcher.Record"/>) and
/// <see cref="FactWorker"/> hands it over after commit: at least once, in a fresh scope, retried with back-off while
/// it throws, never again once it returned. So a handler must be idempotent (a second call after a crash between its
/// own commit and the record of its success changes nothing) and must not rely on the order of facts.
/// Its identity is its class's full name: one registration per class, and renaming the class re-delivers what is
/// still pending.
/// </summary>
public interface IDurableFactHandler
{
    Side Side { get; }

    Task HandleAsync(Fact fact, CancellationToken ct);
}

/// <summary>
/// What an action tells each side. For a normal action both lists are the same. For a duress action
/// <see cref="ToOwner"/> is exactly what the normal action it imitates tells, and the truth (the duress alert, an
/// all-clear that was not sent) goes to <see cref="ToResponders"/> only.
/// </summary>
public sealed record Published(IReadOnlyList<Fact> ToOwner, IReadOnlyList<Fact> ToResponders)
{
    public static readonly Published Nothing = new([], []);

    public static Published Same(params Fact[] facts) => new(facts, facts);

    public bool IsEmpty => ToOwner.Count == 0 && ToResponders.Count == 0;
}

/// <summary>
/// Tells the facts of an action to the handlers of each side. Durable handlers hear what the action
/// <see cref="Record"/>ed inside its transaction (delivered by <see cref="FactWorker"/>); immediate handlers hear what
/// it <see cref="PublishAsync"/>es after commit. An action does both, with the same <see cref="Published"/>.
/// </summary>
/// <remarks>
/// Immediate handlers are never called inside a transaction: a handler cannot undo or slow the action's commit, and a
/// failing handler is logged without stopping the others.
/// </remarks>
public sealed class FactDispatcher(IServiceScopeFactory scopes, TimeProvider clock, ILogger<FactDispatcher> logger)
{
    private TaskCompletionSource _durableWake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlySet<Side>? _durableSides;

    /// <summary>
    /// Adds the facts to the action's unit of work, one row per side and fact, for the durable handlers. Call it
    /// before the action's own <c>SaveChangesAsync</c>: the facts commit with the change or not at all. Writes nothing
    /// for a side no durable handler listens to, so an action nobody listens to durably costs nothing more.
    /// </summary>
    public void Record(AmparoDbContext db, Published published)
    {
        if (published.IsEmpty) return;
        var sides = DurableSides();
        if (sides.Count == 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        if (sides.Contains(Side.Owner)) foreach (var fact in published.ToOwner) db.Add(StoredFact.Of(fact, Side.Owner, now));
        if (sides.Contains(Side.Responders)) foreach (var fact in published.ToResponders) db.Add(StoredFact.Of(fact, Side.Responders, now));
    }

    /// <summary>After the commit: tells the immediate handlers, and wakes the durable worker for what was recorded.</summary>
    public async Task PublishAsync(Published published, CancellationToken ct = default)
    {
        if (published.IsEmpty) return;
        if (DurableSides().Count > 0) WakeDurable();
        using var scope = scopes.CreateScope();
        var handlers = scope.ServiceProvider.GetServices<IFactHandler>().ToList();
        foreach (var handler in handlers)
        {
            var facts = handler.Side == Side.Owner ? published.ToOwner : published.ToResponders;
            foreach (var fact in facts)
            {
                try { await handler.HandleAsync(fact, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Handler {Handler} failed on {Fact}", handler.GetType().Name, fact.GetType().Name);
                }
            }
        }
    }

    /// <summary>Completes when recorded facts may be waiting (taken by <see cref="FactWorker"/> before each round).</summary>
    public Task DurableWake => Volatile.Read(ref _durableWake).Task;

    public void WakeDurable() =>
        Interlocked.Exchange(ref _durableWake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The sides some durable handler listens to. Registrations are fixed once the host is built, so this is asked once.</summary>
    private IReadOnlySet<Side> DurableSides()
    {
        if (_durableSides is { } known) return known;
        using var scope = scopes.CreateScope();
        var sides = scope.ServiceProvider.GetServices<IDurableFactHandler>().Select(h => h.Side).ToHashSet();
        _durableSides = sides;
        return sides;
    }
}
