using Amparo.Web.Features.CheckIns;

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

/// <summary>A module's listener, registered in DI by the listening feature (<c>services.AddScoped&lt;IFactHandler, MyHandler&gt;()</c>).</summary>
public interface IFactHandler
{
    Side Side { get; }

    /// <summary>Called after the fact was committed, in a fresh scope. Handlers ignore the facts they do not care about.</summary>
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
/// Hands committed facts to the registered handlers of each side. Never inside a transaction: a handler cannot
/// undo or slow the action's commit, and a failing handler is logged without stopping the others.
/// </summary>
public sealed class FactDispatcher(IServiceScopeFactory scopes, ILogger<FactDispatcher> logger)
{
    public async Task PublishAsync(Published published, CancellationToken ct = default)
    {
        if (published.IsEmpty) return;
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
}
