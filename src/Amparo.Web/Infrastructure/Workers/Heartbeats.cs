using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Amparo.Web.Infrastructure.Workers;

/// <summary>Each background worker beats here after every loop; /healthz reports a worker that has gone quiet.</summary>
public sealed class Heartbeats(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, TimeSpan Expected)> _beats = new();

    public void Register(string worker, TimeSpan expectedEvery) => _beats[worker] = (clock.GetUtcNow(), expectedEvery);

    public void Beat(string worker) => _beats.AddOrUpdate(worker, _ => (clock.GetUtcNow(), TimeSpan.FromMinutes(5)), (_, old) => (clock.GetUtcNow(), old.Expected));

    public IReadOnlyDictionary<string, (DateTimeOffset At, TimeSpan Expected)> Snapshot() => _beats;

    public sealed class Check(Heartbeats beats, TimeProvider clock) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var now = clock.GetUtcNow();
            var data = new Dictionary<string, object>();
            var stale = new List<string>();
            foreach (var (name, beat) in beats.Snapshot())
            {
                var age = now - beat.At;
                data[name] = $"{(int)age.TotalSeconds}s ago";
                if (age > beat.Expected * 3) stale.Add(name);
            }
            return Task.FromResult(stale.Count == 0
                ? HealthCheckResult.Healthy("workers alive", data)
                : HealthCheckResult.Unhealthy("stale: " + string.Join(", ", stale), data: data));
        }
    }
}
