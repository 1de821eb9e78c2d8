namespace Amparo.Web.Infrastructure.Workers;

/// <summary>
/// The one loop every background worker runs. A worker writes only its round (<see cref="RoundAsync"/>); this class
/// registers and beats its heartbeat, gives each round a fresh DI scope (its own DbContext: nothing leaks from one
/// round to the next), sleeps until the next due time or a wake-up, and keeps going after any failure.
/// </summary>
/// <remarks>
/// The one rule that matters: only the host's own shutdown stops the loop. A timeout inside a round
/// (<see cref="TaskCanceledException"/> from an HTTP client, a cancelled command) is a failure like any other:
/// logged, retried after <see cref="RetryAfterFailure"/>. An unhandled exception would stop the whole host
/// (<c>BackgroundServiceExceptionBehavior.StopHost</c>), and a silently dead alert engine means nobody is told.
/// </remarks>
public abstract class DurableWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger logger) : BackgroundService
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    /// <summary>For a subclass, which must not keep its own copy of what it passes here (CS9107).</summary>
    protected IServiceScopeFactory Scopes => scopes;
    protected TimeProvider Clock => clock;
    protected ILogger Logger => logger;

    /// <summary>Names the worker in the health check and the logs.</summary>
    public abstract string Name { get; }

    /// <summary>The longest sleep between rounds; also how often the heartbeat is expected.</summary>
    protected abstract TimeSpan MaxSleep { get; }

    protected virtual TimeSpan RetryAfterFailure => TimeSpan.FromSeconds(1);

    /// <summary>The shortest sleep: work that is due but not taken (another instance holds it) is looked at again shortly, not in a spin.</summary>
    protected virtual TimeSpan MinSleep => TimeSpan.FromMilliseconds(20);

    /// <summary>A task that completes when nearer work arrives. Taken before each round, so a wake-up during the round is not missed.</summary>
    protected virtual Task NextWake() => Never;

    /// <summary>Once before the first round (e.g. free the leases of a process that died). Retried like a round until it succeeds.</summary>
    protected virtual Task StartingAsync(IServiceProvider services, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Does what is due now, with services from this round's scope; returns when something is next due (null: nothing known).</summary>
    protected abstract Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct);

    /// <summary>One round in its own scope, as the loop runs it. Tests call it after moving the clock.</summary>
    public async Task<DateTime?> RunOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        return await RoundAsync(scope.ServiceProvider, ct);
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, MaxSleep);
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = NextWake();
            var sleep = MaxSleep;
            try
            {
                if (!started)
                {
                    using var scope = scopes.CreateScope();
                    await StartingAsync(scope.ServiceProvider, stoppingToken);
                    started = true;
                }
                var next = await RunOnceAsync(stoppingToken);
                heartbeats.Beat(Name);
                if (next is { } due)
                {
                    var until = due - clock.GetUtcNow().UtcDateTime;
                    if (until < sleep) sleep = until < MinSleep ? MinSleep : until;
                }
            }
            catch (Exception ex) when (!IsShutdown(ex, stoppingToken))
            {
                logger.LogError(ex, "Worker {Worker} failed a round; trying again in {Seconds} s", Name, RetryAfterFailure.TotalSeconds);
                sleep = RetryAfterFailure;
            }
            try { await WaitAsync(wake, sleep, stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
        }
    }

    /// <summary>The only exception that ends the loop: a cancellation while the host is stopping.</summary>
    public static bool IsShutdown(Exception ex, CancellationToken stoppingToken) =>
        ex is OperationCanceledException && stoppingToken.IsCancellationRequested;

    private async Task WaitAsync(Task wake, TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero || wake.IsCompleted) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sleep = Task.Delay(delay, clock, linked.Token);
        await Task.WhenAny(sleep, wake).ConfigureAwait(false);
        await linked.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }
}
