using System.Threading.Channels;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Amparo.Tests.Foundation;

/// <summary>The loop every worker runs: only the host's shutdown stops it; each round has its own scope.</summary>
public sealed class DurableWorkerTests
{
    private sealed class RoundScoped;

    /// <summary>Runs the rounds it is given, one per round, and reports which scoped object each round saw.</summary>
    private sealed class ScriptedWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, Queue<Func<Task>> script)
        : DurableWorker(scopes, heartbeats, clock, NullLogger.Instance)
    {
        public Channel<RoundScoped> Rounds { get; } = Channel.CreateUnbounded<RoundScoped>();
        public override string Name => "scripted";
        protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(1);

        protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
        {
            await Rounds.Writer.WriteAsync(services.GetRequiredService<RoundScoped>(), ct);
            if (script.TryDequeue(out var step)) await step();
            return null;
        }
    }

    [Fact]
    public async Task AFailingRound_OrATimeoutInsideIt_DoesNotStopTheWorker_AndEachRoundHasItsOwnScope()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddScoped<RoundScoped>().BuildServiceProvider();
        var heartbeats = new Heartbeats(clock);
        var script = new Queue<Func<Task>>([
            () => throw new InvalidOperationException("database went away"),
            () => throw new TaskCanceledException("an HTTP call timed out"),
            () => Task.CompletedTask,
        ]);
        using var worker = new ScriptedWorker(services.GetRequiredService<IServiceScopeFactory>(), heartbeats, clock, script);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await worker.StartAsync(timeout.Token);
        var first = await worker.Rounds.Reader.ReadAsync(timeout.Token);
        await AdvanceUntilNextRoundAsync(clock, worker, timeout.Token); // after the failure: retried after a second
        // Read before the third round can run: its beat comes after it returns, which the fourth round's start guarantees
        // (read after it, the beat could already be there under load, and the fourth round's not yet).
        var beforeBeat = heartbeats.Snapshot().TryGetValue("scripted", out var beat) ? beat.At : DateTimeOffset.MinValue;
        var third = await AdvanceUntilNextRoundAsync(clock, worker, timeout.Token); // after the timeout: retried too
        var fourth = await AdvanceUntilNextRoundAsync(clock, worker, timeout.Token, TimeSpan.FromMinutes(1)); // third round succeeded: sleeps MaxSleep

        Assert.NotSame(first, third);
        Assert.NotSame(third, fourth);
        Assert.True(heartbeats.Snapshot()["scripted"].At > beforeBeat, "a successful round beats the heartbeat");
        Assert.False(worker.ExecuteTask!.IsCompleted, "the worker is still running after two failed rounds");

        await worker.StopAsync(timeout.Token);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully, "shutdown ends the loop quietly");
    }

    private static async Task<RoundScoped> AdvanceUntilNextRoundAsync(FakeTimeProvider clock, ScriptedWorker worker, CancellationToken ct, TimeSpan? step = null)
    {
        var read = worker.Rounds.Reader.ReadAsync(ct).AsTask();
        // The loop may not have reached its sleep yet; advancing again is harmless.
        while (!read.IsCompleted)
        {
            clock.Advance(step ?? TimeSpan.FromSeconds(1));
            await Task.WhenAny(read, Task.Delay(10, ct));
        }
        return await read;
    }
}
