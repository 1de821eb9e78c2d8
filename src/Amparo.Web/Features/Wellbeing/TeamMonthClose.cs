using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// Closes each organization's team-view month when the calendar month (UTC) ends: for every member who still chooses
/// to contribute, their latest self-check of that month is decrypted with their own key and only its three bands are
/// written, with every other contributor's, in ONE batch, in random order, with random ids and no time — nothing that
/// links a row to a person. Before that moment nothing about the month exists outside people's own encrypted data.
/// </summary>
/// <remarks>
/// Once per organization and month: a <see cref="TeamMonthClosed"/> row (key: organization, month) is inserted in the
/// same transaction as the rows, so after a crash the month is closed again from scratch, and of two instances only one
/// commits. Only the month that has just ended is closed: a choice carries no date, so closing older months late would
/// count people who chose to contribute after them (a server that was down for a whole month skips it).
/// </remarks>
public sealed class TeamMonthClose(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<TeamMonthClose> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "wellbeing-team-months";

    public override string Name => WorkerName;
    // Months are long: an hour late is fine, and a round with nothing to close is two small queries.
    protected override TimeSpan MaxSleep => TimeSpan.FromHours(1);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    /// <summary>The first day of the UTC month holding <paramref name="utc"/>.</summary>
    public static DateOnly MonthOf(DateTime utc) => new(utc.Year, utc.Month, 1);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var closer = services.GetRequiredService<TeamMonthCloser>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var current = MonthOf(now);
        var month = current.AddMonths(-1);

        var organizations = await db.TeamContributions.Select(c => c.OrganizationId).Distinct()
            .Where(o => !db.TeamMonthsClosed.Any(m => m.OrganizationId == o && m.Month == month))
            .ToListAsync(ct);
        foreach (var org in organizations)
            await closer.CloseAsync(org, month, ct);
        return current.AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    }
}
