using System.Collections.Concurrent;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The counts of closed months, kept in memory once read. A closed month never changes (its rows are written once, in
/// the transaction that closes it, and only an organization's deletion removes them — after which its view is a 404),
/// so a cached count is never stale and every instance may keep its own. The team view then reads the database only
/// for which months are closed. One small entry per organization and month shown.
/// </summary>
public sealed class TeamCountsCache
{
    private readonly ConcurrentDictionary<(Guid Organization, DateOnly Month), TeamMonthCounts> _counts = new();

    public bool TryGet(Guid organizationId, DateOnly month, out TeamMonthCounts counts) =>
        _counts.TryGetValue((organizationId, month), out counts!);

    public void Set(Guid organizationId, DateOnly month, TeamMonthCounts counts) => _counts[(organizationId, month)] = counts;
}
