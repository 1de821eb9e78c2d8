using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Incidents;

/// <summary>
/// Removes the precise points organizations chose to keep (<see cref="IncidentSettings.KeepPointDays"/>) when their day
/// comes: the encrypted point is set to null in one statement; the coarse cell stays. A server that was down purges
/// at its first round after starting.
/// </summary>
public sealed class IncidentPointPurge(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<IncidentPointPurge> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "incident-points";
    public override string Name => WorkerName;
    // A point is kept for days: ten minutes past its day is within what the organization chose.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(10);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        await db.Incidents.Where(i => i.PointKeptUntil != null && i.PointKeptUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.PointCipher, (byte[]?)null).SetProperty(i => i.PointKeptUntil, (DateTime?)null), ct);
        return await db.Incidents.Where(i => i.PointKeptUntil != null).MinAsync(i => i.PointKeptUntil, ct);
    }
}
