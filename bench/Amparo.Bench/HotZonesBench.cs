using System.Diagnostics;
using System.Globalization;
using Amparo.Tests.HotZones;
using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Hot zones (issue 13), in process (the statistics need no app): one recomputation of the latest week over synthetic
/// incidents spread over 5 years and about 2,000 hexagons — Gi* with 499 Monte Carlo replicates over the 10-week
/// series and the classes, and the prospective scan with 999 replicates — with the memory it adds, beside a
/// straightforward implementation of the same statistics (a dense n×n weight matrix for Gi*, every cylinder summed
/// afresh for the scan) measured in the same run per replicate; how time grows from 10k to 1M incidents; and the
/// month-by-month scan over UCDP's whole Central African Republic history.
/// </summary>
internal static class HotZonesBench
{
    public static async Task<int> RunAsync(Args options)
    {
        var sizes = (options.Get("sizes") ?? "10000,100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var grid = new HexGrid(50);
        var latest = Periods.StartOf(PeriodKind.Week, new DateOnly(2026, 11, 30));
        var spots = new HotSpotParameters(SeriesPeriods: 10, Replicates: 499);
        var scan = new ScanParameters(MaxRadiusKm: 50, MaxPeriods: 3, StudyPeriods: 36, Replicates: 999);
        var rows = new List<BenchRow>();
        var growth = new List<object>();
        Console.WriteLine($"hot zones: {Environment.ProcessorCount} cores; sizes {string.Join(", ", sizes)}; weekly periods, 5 years, ~2,000 cells of 50 km");

        foreach (var size in sizes)
        {
            var events = Synthetic(grid, size, latest, seed: 11);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = Process.GetCurrentProcess().WorkingSet64;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var analysis = HotSpotAnalyses.AsOf(events, PeriodKind.Week, latest, spots);
            var spotsMs = watch.Elapsed.TotalMilliseconds;
            var zoneScan = ZoneScans.AsOf(events, grid, PeriodKind.Week, latest, scan);
            var totalMs = watch.Elapsed.TotalMilliseconds;
            var added = (Process.GetCurrentProcess().WorkingSet64 - before) / 1048576.0;
            var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0;
            var hot = analysis.Cells.Count(c => c.State == SpotState.Hot);
            Console.WriteLine(FormattableString.Invariant(
                $"  {size,9:N0} incidents: {analysis.Cells.Count} cells, Gi* + classes {spotsMs:F0} ms, scan {totalMs - spotsMs:F0} ms, total {totalMs:F0} ms, working set +{added:F0} MB ({allocatedMb:F0} MB allocated); {hot} hot cells, scan p {zoneScan.Result.P:F3} over {zoneScan.Cells.Count} cells"));
            growth.Add(new { incidents = size, cells = analysis.Cells.Count, giStarAndClassesMs = Math.Round(spotsMs), scanMs = Math.Round(totalMs - spotsMs), totalMs = Math.Round(totalMs), workingSetAddedMb = Math.Round(added), allocatedMb = Math.Round(allocatedMb), hotCells = hot, scanP = zoneScan.Result.P });
            if (size == 100_000)
            {
                rows.Add(Row("latest week recomputed, 100,000 incidents: Gi* (499) + classes + scan (999)", totalMs, 10_000, "ms"));
                rows.Add(Row("working set added by that recomputation", added, 100, "MB"));
                var (amparoGi, denseGi, amparoScan, plainScan) = PerReplicate(events, grid, latest);
                rows.Add(Row("Gi* over the 10-week series, per replicate (peer: dense n×n weights)", amparoGi, null, "ms", denseGi, "dense matrix"));
                rows.Add(Row("scan, per replicate (peer: every cylinder summed afresh)", amparoScan, null, "ms", plainScan, "plain scan"));
                rows.Add(Row("the same week by administrative area: each cell's centre an area, six nearest, 100-km circles (peer: the hexagon layer above)",
                    AreaLayer(events, grid, latest, spots, scan), 10_000, "ms", totalMs, "hexagons"));
            }
        }

        // The month-by-month scan over the whole UCDP history (the suite scans 2013 only).
        var ucdp = UcdpEvents.Load(grid);
        var bangui = grid.CellOf(4.366667, 18.583333);
        var ucdpScan = new ScanParameters(MaxRadiusKm: 50, MaxPeriods: 3, StudyPeriods: 36, Replicates: 999);
        var months = new List<object>();
        var all = Stopwatch.StartNew();
        string? firstBangui = null;
        var alarms = 0;
        for (var month = new DateOnly(1994, 1, 1); month <= new DateOnly(2022, 12, 1); month = month.AddMonths(1))
        {
            var watch = Stopwatch.StartNew();
            var result = ZoneScans.AsOf(ucdp.Events, grid, PeriodKind.Month, month, ucdpScan);
            if (!result.Alarm) continue;
            alarms++;
            var places = string.Join(", ", result.Cells.Select(ucdp.AreaOf).Where(a => a.Length > 0).Distinct());
            var line = FormattableString.Invariant($"{month:yyyy-MM}: {result.Result.MostLikely!.Observed} events, {result.Result.MostLikely.Expected:F1} expected, p {result.Result.P:F3}, {watch.Elapsed.TotalMilliseconds:F0} ms — {places}");
            months.Add(line);
            if (firstBangui is null && month.Year is 2013 or 2014 && result.Cells.Contains(bangui)) firstBangui = line;
        }
        var scanSeconds = all.Elapsed.TotalSeconds;
        Console.WriteLine($"UCDP CAR, month by month 1994–2022: {alarms} alarm months in {scanSeconds:F1} s");
        foreach (var m in months) Console.WriteLine("  " + m);
        Console.WriteLine("first alarm for Bangui in 2013–2014: " + (firstBangui ?? "none"));
        rows.Add(Row("UCDP CAR scan, 348 months × 999 replicates", scanSeconds * 1000, null, "ms"));

        Print("Hot zones (in process)", rows);
        await WriteAsync("hot-zones", new { sizes, spots, scan, ucdpScan }, rows, new { growth, ucdpAlarms = months, firstBangui });
        return 0;
    }

    /// <summary>
    /// The administrative-area layer on the same incidents: every cell's centre made an area of one level (about 2,000:
    /// a country's districts), the layout built (buckets) and the latest week classified and scanned, in ms.
    /// </summary>
    private static double AreaLayer(List<ZoneEvent> events, HexGrid grid, DateOnly latest, HotSpotParameters spots, ScanParameters scan)
    {
        var watch = Stopwatch.StartNew();
        var layout = new AreaLayout(events.Select(e => e.Cell).Distinct().Select(c => { var (lat, lon) = grid.Centre(c); return (c.ToString(), 1, lat, lon); }));
        var areaEvents = events.Select(e => new AreaEvent(e.Cell.ToString(), e.OccurredOn, e.KnownAt, e.OrganizationId, e.Act)).ToList();
        var results = AreaAnalyses.AsOf(areaEvents, layout, PeriodKind.Week, latest, spots);
        var areaScan = AreaAnalyses.ScanAsOf(areaEvents, layout, PeriodKind.Week, latest, scan with { MaxRadiusKm = 100 });
        var ms = watch.Elapsed.TotalMilliseconds;
        Console.WriteLine(FormattableString.Invariant($"  by area: {results.Count} areas, {results.Count(r => r.Figures.State == SpotState.Hot)} hot, scan p {areaScan.Result.P:F3} over {areaScan.Areas.Count} areas, {ms:F0} ms"));
        return ms;
    }

    /// <summary>
    /// Incidents over 5 years of weeks on a disc of 1,951 hexagons: most cells quiet, 30 busy ones (twenty times the
    /// reports), and a surge in a cell and its ring over the last three weeks (2 % of all reports).
    /// </summary>
    private static List<ZoneEvent> Synthetic(HexGrid grid, int size, DateOnly latest, int seed)
    {
        var random = new Random(seed);
        var centre = grid.CellOf(4, 20);
        var cells = new List<Hex>();
        for (var q = -25; q <= 25; q++)
            for (var r = Math.Max(-25, -q - 25); r <= Math.Min(25, -q + 25); r++) cells.Add(new Hex(centre.Q + q, centre.R + r));
        var weights = cells.Select(_ => 1.0).ToArray();
        for (var k = 0; k < 30; k++) weights[random.Next(cells.Count)] = 20;
        var cumulative = new double[cells.Count];
        for (double sum = 0, i = 0; i < cells.Count; i++) cumulative[(int)i] = sum += weights[(int)i];
        var first = latest.AddDays(-7 * 259);
        var surge = new[] { new Hex(centre.Q + 7, centre.R - 3) }.Concat(new Hex(centre.Q + 7, centre.R - 3).Neighbours()).ToArray();
        var events = new List<ZoneEvent>(size);
        for (var i = 0; i < size; i++)
        {
            Hex cell;
            DateOnly on;
            if (i % 50 == 0)
            {
                cell = surge[random.Next(surge.Length)];
                on = latest.AddDays(-random.Next(21) + 6);
            }
            else
            {
                var pick = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
                cell = cells[pick < 0 ? ~pick : pick];
                on = first.AddDays(random.Next(7 * 260));
            }
            events.Add(new ZoneEvent(cell, on, on.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), null, IncidentActs.Threat));
        }
        return events;
    }

    /// <summary>
    /// Milliseconds per replicate of Amparo's Gi* series and scan, and of the straightforward implementations: Gi* with a
    /// dense n×n matrix of binary weights from every pair's distance, and a scan that sorts every cell by distance from
    /// every centre and sums each cylinder's counts afresh.
    /// </summary>
    private static (double AmparoGi, double DenseGi, double AmparoScan, double PlainScan) PerReplicate(List<ZoneEvent> events, HexGrid grid, DateOnly latest)
    {
        const int few = 9;
        var watch = Stopwatch.StartNew();
        HotSpotAnalyses.AsOf(events, PeriodKind.Week, latest, new HotSpotParameters(10, few));
        var amparoGi = watch.Elapsed.TotalMilliseconds / few;

        // The same area and series as Amparo's, by brute force.
        var first = Periods.Add(PeriodKind.Week, latest, -9);
        var known = events.Where(e => e.OccurredOn >= first && e.OccurredOn < latest.AddDays(7)).ToList();
        var area = known.Select(e => e.Cell).SelectMany(c => c.Neighbours().Append(c)).Distinct().ToArray();
        var n = area.Length;
        var centres = area.Select(grid.PlaneCentre).ToArray();
        watch.Restart();
        var weights = new bool[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                weights[i, j] = Math.Sqrt(Math.Pow(centres[i].X - centres[j].X, 2) + Math.Pow(centres[i].Y - centres[j].Y, 2)) <= grid.Across * 1.01;
        var index = area.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var random = new Random(3);
        for (var t = 0; t < 10; t++)
        {
            var start = Periods.Add(PeriodKind.Week, first, t);
            var total = known.Count(e => Periods.StartOf(PeriodKind.Week, e.OccurredOn) == start);
            for (var r = 0; r < few; r++)
            {
                var values = new double[n];
                for (var e = 0; e < total; e++) values[random.Next(n)]++;
                var sums = new double[n];
                for (var i = 0; i < n; i++)
                    for (var j = 0; j < n; j++)
                        if (weights[i, j]) sums[i] += values[j];
            }
        }
        var denseGi = watch.Elapsed.TotalMilliseconds / few;

        watch.Restart();
        ZoneScans.AsOf(events, grid, PeriodKind.Week, latest, new ScanParameters(50, 3, 36, few));
        var amparoScan = watch.Elapsed.TotalMilliseconds / few;

        // Plain scan: every centre sorts every cell by distance and sums each cylinder over its cells and weeks afresh.
        var studyFirst = Periods.Add(PeriodKind.Week, latest, -35);
        var study = events.Where(e => e.OccurredOn >= studyFirst && e.OccurredOn < latest.AddDays(7)).ToList();
        var cells = study.Select(e => e.Cell).Distinct().ToArray();
        var counts = cells.ToDictionary(c => c, _ => new int[36]);
        foreach (var e in study) counts[e.Cell][(e.OccurredOn.DayNumber - studyFirst.DayNumber) / 7]++;
        watch.Restart();
        for (var r = 0; r < few; r++)
            foreach (var centre in cells)
            {
                var (cx, cy) = grid.PlaneCentre(centre);
                var circle = cells.Select(c => (c, d: Math.Sqrt(Math.Pow(grid.PlaneCentre(c).X - cx, 2) + Math.Pow(grid.PlaneCentre(c).Y - cy, 2))))
                    .Where(x => x.d <= 50).OrderBy(x => x.d).Select(x => x.c).ToList();
                for (var size = 1; size <= circle.Count; size++)
                    for (var w = 1; w <= 3; w++)
                    {
                        double c = 0;
                        foreach (var cell in circle.Take(size))
                            for (var t = 36 - w; t < 36; t++) c += counts[cell][t];
                        _ = c;
                    }
            }
        var plainScan = watch.Elapsed.TotalMilliseconds / few;
        return (amparoGi, denseGi, amparoScan, plainScan);
    }
}
