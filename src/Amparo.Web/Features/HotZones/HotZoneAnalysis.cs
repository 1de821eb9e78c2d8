using Amparo.Web.Features.Incidents;

namespace Amparo.Web.Features.HotZones;

/// <summary>The calendar periods hot zones are counted in: ISO weeks (Monday to Sunday), months, and years (for long histories).</summary>
public enum PeriodKind { Week = 1, Month = 2, Year = 3 }

public static class Periods
{
    /// <summary>The first day of the period a date falls in.</summary>
    public static DateOnly StartOf(PeriodKind kind, DateOnly date) => kind switch
    {
        PeriodKind.Week => IncidentRules.StartOf(date, DatePrecision.Week),
        PeriodKind.Month => IncidentRules.StartOf(date, DatePrecision.Month),
        PeriodKind.Year => new DateOnly(date.Year, 1, 1),
    };

    /// <summary>The first day of the period <paramref name="steps"/> after the one starting at <paramref name="start"/>.</summary>
    public static DateOnly Add(PeriodKind kind, DateOnly start, int steps) => kind switch
    {
        PeriodKind.Week => start.AddDays(7 * steps),
        PeriodKind.Month => start.AddMonths(steps),
        PeriodKind.Year => start.AddYears(steps),
    };

    /// <summary>When the period starting at <paramref name="start"/> closes: midnight UTC at the start of the next one.</summary>
    public static DateTime ClosesAt(PeriodKind kind, DateOnly start) => Add(kind, start, 1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The last period that closed at or before <paramref name="now"/>.</summary>
    public static DateOnly LastClosed(PeriodKind kind, DateTime now) => Add(kind, StartOf(kind, DateOnly.FromDateTime(now)), -1);
}

/// <summary>One report as hot zones see it: its cell, when it happened, when Amparo learned of it, who it came through, its act.</summary>
public readonly record struct ZoneEvent(Hex Cell, DateOnly OccurredOn, DateTime KnownAt, Guid? OrganizationId, IncidentActs Act)
{
    /// <summary>The primary act most of these reports named (the smaller value on a tie), or None when there are none.</summary>
    public static IncidentActs TopAct(IEnumerable<ZoneEvent> events) => TopAct(events.Select(e => e.Act));

    /// <summary>The act named most often (the smaller value on a tie), or None when there are none.</summary>
    public static IncidentActs TopAct(IEnumerable<IncidentActs> acts) =>
        acts.GroupBy(a => a).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault();
}

/// <summary>A report counted in one zone of a layout (a hexagon or a gazetteer area), by the zone's index: what the statistics need of it.</summary>
public readonly record struct PlacedEvent(int Zone, DateOnly OccurredOn, Guid? OrganizationId, IncidentActs Act);

/// <summary>What one zone was as of the period just closed, whatever the zones are.</summary>
public readonly record struct ZoneFigures(int Count, int Organizations, double Z, double P, SpotState State, EmergingClass Class, IncidentActs TopAct);

/// <summary>
/// The fixed parameters of a classification (set by the operator, not tuned per run): how many periods the series of
/// each cell holds, the Monte Carlo replicates of Gi*, the false-discovery rate, and the trend test's level.
/// </summary>
public sealed record HotSpotParameters(int SeriesPeriods = 10, int Replicates = 999, double FalseDiscoveryRate = 0.05, double TrendAlpha = 0.05);

/// <summary>What one cell was as of the period just closed: its count, how many organizations reported there, Gi* and its p-value, whether it was a significant hot or cold spot, and its emerging class over the series.</summary>
public sealed record CellResult(Hex Cell, int Count, int Organizations, double Z, double P, SpotState State, EmergingClass Class, IncidentActs TopAct);

/// <summary>Every cell of the study area as of one period.</summary>
public sealed record HotSpotAnalysis(PeriodKind Kind, DateOnly Period, IReadOnlyList<CellResult> Cells);

/// <summary>
/// The emerging hot-spot analysis of one period, as of its close: only reports Amparo knew of when the period closed,
/// over the series of the last <see cref="HotSpotParameters.SeriesPeriods"/> periods. The study area is every cell where
/// something was reported in the series, and the ring around each (the zeros around a surge are what make it stand out).
/// Each period of the series: Gi* with the cell and its ring of six as its neighbourhood, Monte Carlo p-values by
/// relocation read with Gi*'s normal p (<see cref="HotSpotStatistics.Combined"/>), Benjamini–Hochberg over the area's cells; then each cell's class from its states and the Mann–Kendall
/// trend of its Gi* series. Seeded by the period, so a replay gives the same answer.
/// </summary>
public static class HotSpotAnalyses
{
    public static HotSpotAnalysis AsOf(IReadOnlyList<ZoneEvent> events, PeriodKind kind, DateOnly period, HotSpotParameters parameters)
    {
        period = Periods.StartOf(kind, period);
        var closes = Periods.ClosesAt(kind, period);
        var first = Periods.Add(kind, period, -(parameters.SeriesPeriods - 1));
        var known = events.Where(e => e.KnownAt < closes && e.OccurredOn >= first && Periods.StartOf(kind, e.OccurredOn) <= period).ToList();

        var area = new HashSet<Hex>();
        foreach (var e in known)
        {
            area.Add(e.Cell);
            area.UnionWith(e.Cell.Neighbours());
        }
        var cells = area.OrderBy(c => c.Q).ThenBy(c => c.R).ToArray();
        var index = new Dictionary<Hex, int>(cells.Length);
        for (var i = 0; i < cells.Length; i++) index[cells[i]] = i;
        IReadOnlyList<int>[] neighbours = [.. cells.Select(c => (IReadOnlyList<int>)[.. c.Neighbours().Where(index.ContainsKey).Select(h => index[h])])];

        var placed = known.Select(e => new PlacedEvent(index[e.Cell], e.OccurredOn, e.OrganizationId, e.Act)).ToList();
        var figures = Classify(placed, neighbours, kind, first, period, parameters);
        return new HotSpotAnalysis(kind, period, [.. cells.Select((c, i) => new CellResult(c, figures[i].Count, figures[i].Organizations,
            figures[i].Z, figures[i].P, figures[i].State, figures[i].Class, figures[i].TopAct))]);
    }

    /// <summary>
    /// The core of every layout: each period of the series, Gi* over the zones' neighbourhoods, Monte Carlo p-values by
    /// relocation read with Gi*'s normal p, Benjamini–Hochberg; then each zone's class from its states and the
    /// Mann–Kendall trend of its Gi* series. <paramref name="known"/> are the series' reports known at the close.
    /// </summary>
    public static ZoneFigures[] Classify(IReadOnlyList<PlacedEvent> known, IReadOnlyList<IReadOnlyList<int>> neighbours,
        PeriodKind kind, DateOnly first, DateOnly period, HotSpotParameters parameters)
    {
        var zones = neighbours.Count;
        var series = parameters.SeriesPeriods;
        var states = new SpotState[zones][];
        var zs = new double[zones][];
        for (var i = 0; i < zones; i++)
        {
            states[i] = new SpotState[series];
            zs[i] = new double[series];
        }
        double[] lastZ = [], lastP = [];
        var counts = new double[zones];
        for (var t = 0; t < series; t++)
        {
            var start = Periods.Add(kind, first, t);
            Array.Clear(counts);
            foreach (var e in known)
                if (Periods.StartOf(kind, e.OccurredOn) == start) counts[e.Zone]++;
            var z = HotSpotStatistics.LocalZ(counts, neighbours, star: true);
            var p = HotSpotStatistics.Combined(HotSpotStatistics.RelocationP(counts, neighbours, parameters.Replicates, SeedOf(kind, start)), z, parameters.Replicates);
            var significant = HotSpotStatistics.BenjaminiHochberg(p, parameters.FalseDiscoveryRate);
            for (var i = 0; i < zones; i++)
            {
                states[i][t] = !significant[i] ? SpotState.None : z[i] > 0 ? SpotState.Hot : SpotState.Cold;
                zs[i][t] = double.IsNaN(z[i]) ? 0 : z[i];
            }
            if (t == series - 1) (lastZ, lastP) = (z, p);
        }

        var inPeriod = known.Where(e => Periods.StartOf(kind, e.OccurredOn) == period).ToLookup(e => e.Zone);
        var results = new ZoneFigures[zones];
        for (var i = 0; i < zones; i++)
        {
            var here = inPeriod[i].ToList();
            results[i] = new ZoneFigures(here.Count, here.Select(e => e.OrganizationId).Distinct().Count(), lastZ[i], lastP[i], states[i][series - 1],
                EmergingHotSpots.Classify(states[i], HotSpotStatistics.Trend(zs[i]), parameters.TrendAlpha), ZoneEvent.TopAct(here.Select(e => e.Act)));
        }
        return results;
    }

    /// <summary>The seed of a period's Monte Carlo draws: fixed by the period, so every replay draws the same.</summary>
    public static ulong SeedOf(PeriodKind kind, DateOnly start) => ((ulong)kind << 32) | (uint)start.DayNumber;
}

/// <summary>
/// The fixed parameters of the prospective scan: the largest circle (km between cell centres), the longest cluster (in
/// periods, ending with the period just closed), the study period it is compared with (at least twelve times the longest
/// cluster), the Monte Carlo replicates, and the alarm: p below <see cref="Alpha"/> with at least <see cref="MinCases"/> reports.
/// </summary>
public sealed record ScanParameters(double MaxRadiusKm = 50, int MaxPeriods = 3, int StudyPeriods = 36, int Replicates = 999, double Alpha = 0.05, int MinCases = 5);

/// <summary>A period's scan, as of its close: the most likely cluster's cells, how many organizations and which act its reports came with, and whether it is an alarm.</summary>
public sealed record ZoneScan(PeriodKind Kind, DateOnly Period, ScanResult Result, IReadOnlyList<Hex> Cells, int Organizations, IncidentActs TopAct, bool Alarm);

public static class ZoneScans
{
    /// <summary>
    /// The prospective space-time permutation scan of one period as of its close (<see cref="SpaceTimeScan"/>) over the
    /// cells where something was reported in the study period; circles are each cell's cells within the radius, found by
    /// walking the hexagon rings around it.
    /// </summary>
    public static ZoneScan AsOf(IReadOnlyList<ZoneEvent> events, HexGrid grid, PeriodKind kind, DateOnly period, ScanParameters parameters)
    {
        period = Periods.StartOf(kind, period);
        var closes = Periods.ClosesAt(kind, period);
        var first = Periods.Add(kind, period, -(parameters.StudyPeriods - 1));
        var known = events.Where(e => e.KnownAt < closes && e.OccurredOn >= first && Periods.StartOf(kind, e.OccurredOn) <= period).ToList();
        var cells = known.Select(e => e.Cell).Distinct().OrderBy(c => c.Q).ThenBy(c => c.R).ToArray();
        var index = new Dictionary<Hex, int>(cells.Length);
        for (var i = 0; i < cells.Length; i++) index[cells[i]] = i;

        var placed = known.Select(e => new PlacedEvent(index[e.Cell], e.OccurredOn, e.OrganizationId, e.Act)).ToList();
        var circles = cells.Select(c => (IReadOnlyList<int>)Circle(grid, c, parameters.MaxRadiusKm, index)).ToArray();
        var (result, cluster, organizations, top, alarm) = Scan(placed, circles, kind, first, period, parameters);
        return new ZoneScan(kind, period, result, [.. cluster.Select(i => cells[i])], organizations, top, alarm);
    }

    /// <summary>
    /// The core of every layout: the scan over each zone's counts by period of the study period, its most likely
    /// cluster's zones, how many organizations and which act its reports came with, and whether it is an alarm.
    /// </summary>
    public static (ScanResult Result, IReadOnlyList<int> Cluster, int Organizations, IncidentActs TopAct, bool Alarm) Scan(
        IReadOnlyList<PlacedEvent> known, IReadOnlyList<IReadOnlyList<int>> circles, PeriodKind kind, DateOnly first, DateOnly period, ScanParameters parameters)
    {
        var counts = new int[circles.Count][];
        for (var i = 0; i < counts.Length; i++) counts[i] = new int[parameters.StudyPeriods];
        var periodOf = new Dictionary<DateOnly, int>();
        for (var t = 0; t < parameters.StudyPeriods; t++) periodOf[Periods.Add(kind, first, t)] = t;
        foreach (var e in known) counts[e.Zone][periodOf[Periods.StartOf(kind, e.OccurredOn)]]++;

        var result = SpaceTimeScan.Run(counts, circles, parameters.MaxPeriods, parameters.Replicates, HotSpotAnalyses.SeedOf(kind, period), parameters.MinCases);
        if (result.MostLikely is not { } cluster) return (result, [], 0, IncidentActs.None, false);
        var since = Periods.Add(kind, period, -(cluster.Periods - 1));
        var inside = cluster.Cells.ToHashSet();
        var inCluster = known.Where(e => inside.Contains(e.Zone) && e.OccurredOn >= since).ToList();
        var alarm = result.P < parameters.Alpha && cluster.Observed >= parameters.MinCases;
        return (result, cluster.Cells, inCluster.Select(e => e.OrganizationId).Distinct().Count(), ZoneEvent.TopAct(inCluster.Select(e => e.Act)), alarm);
    }

    /// <summary>The cells of the area within <paramref name="radiusKm"/> of a cell's centre, nearest first (the cell itself first).</summary>
    private static List<int> Circle(HexGrid grid, Hex centre, double radiusKm, Dictionary<Hex, int> index)
    {
        // Centres of cells k rings apart are at least k · across · √3/2 apart on the plane.
        var rings = (int)Math.Ceiling(radiusKm / (grid.Across * Math.Sqrt(3) / 2));
        var (cx, cy) = grid.PlaneCentre(centre);
        var near = new List<(int Index, double Distance)>();
        for (var dq = -rings; dq <= rings; dq++)
            for (var dr = Math.Max(-rings, -dq - rings); dr <= Math.Min(rings, -dq + rings); dr++)
            {
                var cell = new Hex(centre.Q + dq, centre.R + dr);
                if (!index.TryGetValue(cell, out var i)) continue;
                var (x, y) = grid.PlaneCentre(cell);
                var distance = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                if (distance <= radiusKm + 1e-9) near.Add((i, distance));
            }
        return [.. near.OrderBy(n => n.Distance).ThenBy(n => n.Index).Select(n => n.Index)];
    }
}
