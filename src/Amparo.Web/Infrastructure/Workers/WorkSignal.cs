namespace Amparo.Web.Infrastructure.Workers;

/// <summary>
/// Wakes the sleeping workers when nearer work arrives, so latency is not bounded by a poll interval. In-process;
/// on PostgreSQL a NOTIFY carries the same wake-up to the other instances (see <see cref="Features.CheckIns.PostgresWakeListener"/>).
/// </summary>
public sealed class WorkSignal
{
    private TaskCompletionSource _engine = New(), _dispatcher = New();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public const string Both = "both";

    /// <summary>Set on PostgreSQL: tells the other instances too.</summary>
    public Action? Broadcast { get; set; }

    public void WakeEngine()
    {
        Interlocked.Exchange(ref _engine, New()).TrySetResult();
        Broadcast?.Invoke();
    }

    public void WakeDispatcher()
    {
        Interlocked.Exchange(ref _dispatcher, New()).TrySetResult();
        Broadcast?.Invoke();
    }

    /// <summary>A wake-up that came from another instance: wake ours, do not echo it.</summary>
    public void WakeLocal(string? _)
    {
        Interlocked.Exchange(ref _engine, New()).TrySetResult();
        Interlocked.Exchange(ref _dispatcher, New()).TrySetResult();
    }

    /// <summary>Taken BEFORE a worker looks for due work, so a wake-up during the look is not missed.</summary>
    public Task EngineWake => Volatile.Read(ref _engine).Task;
    public Task DispatcherWake => Volatile.Read(ref _dispatcher).Task;

    /// <summary>Waits until the delay passes on <paramref name="clock"/> or <paramref name="wake"/> completes.</summary>
    public static async Task WaitAsync(Task wake, TimeSpan delay, TimeProvider clock, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero || wake.IsCompleted) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sleep = Task.Delay(delay, clock, linked.Token);
        await Task.WhenAny(sleep, wake).ConfigureAwait(false);
        await linked.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }
}
