using Amparo.Web.Features.Incidents;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// The gazetteer's areas as zones: each area's centre on the equal-area plane, and its neighbours — the
/// <see cref="NeighbourCount"/> nearest areas of the same level (a district's neighbours are districts), found through
/// buckets of the plane, never a distance matrix. The gazetteer carries centres, not borders, so "adjacent" is "nearest",
/// as the hexagon's ring of six is.
/// </summary>
public sealed class AreaLayout
{
    public const int NeighbourCount = 6;
    private const double BucketKm = 100;
    private readonly Dictionary<string, (double X, double Y, int Depth)> _places = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Depth, int Bx, int By), List<string>> _buckets = [];
    private readonly Dictionary<int, int> _reach = []; // per level, the largest bucket distance any area can be at
    private readonly Dictionary<int, List<string>> _levels = [];
    /// <summary>A level this small is searched whole: cheaper than walking empty buckets between a few far-apart areas.</summary>
    private const int SearchedWhole = 256;

    public AreaLayout(IEnumerable<(string Id, int Depth, double Latitude, double Longitude)> areas)
    {
        foreach (var (id, depth, latitude, longitude) in areas)
        {
            var (x, y) = HexGrid.Project(latitude, longitude);
            _places[id] = (x, y, depth);
            var key = (depth, Bucket(x), Bucket(y));
            if (!_buckets.TryGetValue(key, out var list)) _buckets[key] = list = [];
            list.Add(id);
            if (!_levels.TryGetValue(depth, out var level)) _levels[depth] = level = [];
            level.Add(id);
        }
        foreach (var group in _buckets.Keys.GroupBy(k => k.Depth))
        {
            var xs = group.Select(k => k.Bx).ToList();
            var ys = group.Select(k => k.By).ToList();
            _reach[group.Key] = Math.Max(xs.Max() - xs.Min(), ys.Max() - ys.Min());
        }
    }

    public static AreaLayout Of(Gazetteer gazetteer) =>
        new(gazetteer.Areas.Select(a => (a.Id, gazetteer.DepthOf(a), a.Latitude, a.Longitude)));

    public bool Contains(string id) => _places.ContainsKey(id);

    public (double X, double Y) PlaneCentre(string id) => (_places[id].X, _places[id].Y);

    /// <summary>The <paramref name="k"/> areas of the same level nearest to <paramref name="id"/> (not itself), nearest first, ties by id.</summary>
    public IReadOnlyList<string> Nearest(string id, int k = NeighbourCount) =>
        [.. Search(id, (found, ring) => found.Count >= k && found[k - 1].Distance <= ring * BucketKm).Where(f => f.Id != id).Take(k).Select(f => f.Id)];

    /// <summary>The areas of the same level whose centres are within <paramref name="radiusKm"/> of <paramref name="id"/>'s, itself first, nearest first.</summary>
    public IReadOnlyList<string> Within(string id, double radiusKm) =>
        [.. Search(id, (_, ring) => ring * BucketKm > radiusKm).Where(f => f.Distance <= radiusKm + 1e-9).Select(f => f.Id)];

    /// <summary>
    /// The areas of <paramref name="id"/>'s level ring of buckets by ring, sorted by distance, until <paramref name="enough"/>
    /// says so: an area in ring r + 1 or beyond is at least r buckets away.
    /// </summary>
    private List<(string Id, double Distance)> Search(string id, Func<List<(string Id, double Distance)>, int, bool> enough)
    {
        var (x, y, depth) = _places[id];
        var found = new List<(string Id, double Distance)>();
        void Add(List<string> list)
        {
            foreach (var other in list)
            {
                var (ox, oy, _) = _places[other];
                found.Add((other, Math.Sqrt(((ox - x) * (ox - x)) + ((oy - y) * (oy - y)))));
            }
        }
        void Sort() => found.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : string.CompareOrdinal(a.Id, b.Id));
        if (_levels[depth].Count <= SearchedWhole)
        {
            Add(_levels[depth]);
            Sort();
            return found;
        }
        var (bx, by) = (Bucket(x), Bucket(y));
        for (var ring = 0; ring <= _reach[depth] + 1; ring++)
        {
            // The ring's edge only: the buckets at exactly this many steps.
            foreach (var (dx, dy) in Edge(ring))
                if (_buckets.TryGetValue((depth, bx + dx, by + dy), out var list)) Add(list);
            Sort();
            // Itself is in the list at distance 0: Nearest counts k others.
            if (enough(found.Where(f => f.Id != id).ToList(), ring)) break;
        }
        return found;
    }

    private static IEnumerable<(int Dx, int Dy)> Edge(int ring)
    {
        if (ring == 0)
        {
            yield return (0, 0);
            yield break;
        }
        for (var d = -ring; d <= ring; d++)
        {
            yield return (d, -ring);
            yield return (d, ring);
        }
        for (var d = -ring + 1; d < ring; d++)
        {
            yield return (-ring, d);
            yield return (ring, d);
        }
    }

    private static int Bucket(double km) => (int)Math.Floor(km / BucketKm);
}

/// <summary>One report placed by its gazetteer area: which area, when it happened, when Amparo learned of it, who it came through, its act.</summary>
public readonly record struct AreaEvent(string AreaId, DateOnly OccurredOn, DateTime KnownAt, Guid? OrganizationId, IncidentActs Act);

/// <summary>What one area was as of the period just closed.</summary>
public sealed record AreaResult(string AreaId, ZoneFigures Figures);

/// <summary>
/// Hot zones over the gazetteer's areas: the same classification and scan as the hexagon grid
/// (<see cref="HotSpotAnalyses.Classify"/>, <see cref="ZoneScans.Scan"/>), with each area's nearest areas of its level as
/// its neighbourhood and as the scan's circles. The study area is every area with a report in the series and its
/// neighbours; a report counts in the area it names (not in the areas above it).
/// </summary>
public static class AreaAnalyses
{
    public static IReadOnlyList<AreaResult> AsOf(IReadOnlyList<AreaEvent> events, AreaLayout layout, PeriodKind kind, DateOnly period, HotSpotParameters parameters)
    {
        period = Periods.StartOf(kind, period);
        var first = Periods.Add(kind, period, -(parameters.SeriesPeriods - 1));
        var known = Known(events, layout, kind, first, period);
        var study = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in known.Select(e => e.AreaId).Distinct())
        {
            study.Add(id);
            study.UnionWith(layout.Nearest(id));
        }
        var areas = study.ToArray();
        var index = Index(areas);
        IReadOnlyList<int>[] neighbours = [.. areas.Select(a => (IReadOnlyList<int>)[.. layout.Nearest(a).Where(index.ContainsKey).Select(n => index[n])])];
        var figures = HotSpotAnalyses.Classify(Placed(known, index), neighbours, kind, first, period, parameters);
        return [.. areas.Select((a, i) => new AreaResult(a, figures[i]))];
    }

    /// <summary>The prospective scan over the areas with reports in the study period; an area's circle is the areas of its level within the radius.</summary>
    public static (ScanResult Result, IReadOnlyList<string> Areas, int Organizations, IncidentActs TopAct, bool Alarm) ScanAsOf(
        IReadOnlyList<AreaEvent> events, AreaLayout layout, PeriodKind kind, DateOnly period, ScanParameters parameters)
    {
        period = Periods.StartOf(kind, period);
        var first = Periods.Add(kind, period, -(parameters.StudyPeriods - 1));
        var known = Known(events, layout, kind, first, period);
        var areas = known.Select(e => e.AreaId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = Index(areas);
        var circles = areas.Select(a => (IReadOnlyList<int>)[.. layout.Within(a, parameters.MaxRadiusKm).Where(index.ContainsKey).Select(n => index[n])]).ToArray();
        var (result, cluster, organizations, top, alarm) = ZoneScans.Scan(Placed(known, index), circles, kind, first, period, parameters);
        return (result, [.. cluster.Select(i => areas[i])], organizations, top, alarm);
    }

    /// <summary>Reports known when the period closed, in the window, in an area the layout has (an area gone from the gazetteer is not counted).</summary>
    private static List<AreaEvent> Known(IReadOnlyList<AreaEvent> events, AreaLayout layout, PeriodKind kind, DateOnly first, DateOnly period)
    {
        var closes = Periods.ClosesAt(kind, period);
        return [.. events.Where(e => e.KnownAt < closes && e.OccurredOn >= first && Periods.StartOf(kind, e.OccurredOn) <= period && layout.Contains(e.AreaId))];
    }

    private static Dictionary<string, int> Index(string[] areas)
    {
        var index = new Dictionary<string, int>(areas.Length, StringComparer.Ordinal);
        for (var i = 0; i < areas.Length; i++) index[areas[i]] = i;
        return index;
    }

    private static List<PlacedEvent> Placed(List<AreaEvent> known, Dictionary<string, int> index) =>
        [.. known.Select(e => new PlacedEvent(index[e.AreaId], e.OccurredOn, e.OrganizationId, e.Act))];
}
