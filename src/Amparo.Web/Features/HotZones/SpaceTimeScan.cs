namespace Amparo.Web.Features.HotZones;

/// <summary>A cylinder of the scan: the cells nearest a centre (a circle) over the last periods, with what it holds.</summary>
public sealed record ScanCluster(int Centre, IReadOnlyList<int> Cells, int Periods, double Observed, double Expected, double LogLikelihoodRatio);

/// <summary>The most likely cluster of a period's scan and its Monte Carlo p-value.</summary>
public sealed record ScanResult(ScanCluster? MostLikely, double P, int Replicates);

/// <summary>
/// The prospective space-time permutation scan statistic (Kulldorff, Heffernan, Hartman, Assunção &amp; Mostashari 2005,
/// PLoS Medicine 2(3):e59): the early warning of hot zones. It needs only counts by cell and period — no population —
/// and expects each cell-period to hold its cell's share of its period's count (μ = C_cell · C_period / C), so a place
/// that always reports more is not an alarm by itself; only a change in where and when is.
/// <para>Candidates are cylinders: a centre cell and its nearest cells (the circles: each cell's cells ordered by distance and
/// cut at the maximum radius; no distance matrix), over the last 1..maxPeriods periods (prospective: a cluster must
/// still be alive). Each is scored by the Poisson log-likelihood ratio
/// c·ln(c/μ) + (C − c)·ln((C − c)/(C − μ)) when c &gt; μ. The p-value ranks the best score among the same scan over
/// datasets whose cases keep their cells while their periods are shuffled (the permutation null).</para>
/// </summary>
public static class SpaceTimeScan
{
    /// <summary>The most likely cluster of <paramref name="counts"/>[cell][period] (the last period is now), or null when none has more than expected.</summary>
    public static ScanCluster? MostLikely(int[][] counts, IReadOnlyList<IReadOnlyList<int>> circles, int maxPeriods, int minCases = 1)
    {
        var best = Best(counts, Totals.Of(counts), circles, maxPeriods, minCases, out var centre, out var size, out var periods, out var observed, out var expected);
        return best > 0 ? new ScanCluster(centre, circles[centre].Take(size).ToArray(), periods, observed, expected, best) : null;
    }

    /// <summary>
    /// The most likely cluster and its p-value over <paramref name="replicates"/> permuted datasets (deterministic for a
    /// seed). The p-value is (1 + the number of replicates scoring at least as high) / (replicates + 1).
    /// </summary>
    public static ScanResult Run(int[][] counts, IReadOnlyList<IReadOnlyList<int>> circles, int maxPeriods, int replicates, ulong seed, int minCases = 1)
    {
        var cluster = MostLikely(counts, circles, maxPeriods, minCases);
        if (cluster is null) return new ScanResult(null, 1, replicates);
        var cells = counts.Length;
        var periodCount = counts.Length == 0 ? 0 : counts[0].Length;
        // Each case as its cell and its period: the null shuffles the periods among the cases.
        var caseCells = new List<int>();
        var casePeriods = new List<int>();
        for (var c = 0; c < cells; c++)
            for (var t = 0; t < periodCount; t++)
                for (var k = 0; k < counts[c][t]; k++)
                {
                    caseCells.Add(c);
                    casePeriods.Add(t);
                }
        var periods = casePeriods.ToArray();
        // Shuffling periods among cases keeps every cell's total and every period's total: they are the data's.
        var totals = Totals.Of(counts);
        var random = new ReplayableRandom(seed);
        var permuted = new int[cells][];
        for (var c = 0; c < cells; c++) permuted[c] = new int[periodCount];
        var atLeast = 0;
        for (var r = 0; r < replicates; r++)
        {
            for (var i = periods.Length - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (periods[i], periods[j]) = (periods[j], periods[i]);
            }
            foreach (var row in permuted) Array.Clear(row);
            for (var i = 0; i < periods.Length; i++) permuted[caseCells[i]][periods[i]]++;
            if (Best(permuted, totals, circles, maxPeriods, minCases, out _, out _, out _, out _, out _) >= cluster.LogLikelihoodRatio - 1e-9) atLeast++;
        }
        return new ScanResult(cluster, (atLeast + 1.0) / (replicates + 1.0), replicates);
    }

    /// <summary>The Poisson log-likelihood ratio of a cylinder holding <paramref name="c"/> cases where <paramref name="mu"/> were expected, out of <paramref name="total"/>.</summary>
    public static double LogLikelihoodRatio(double c, double mu, double total)
    {
        if (c <= mu || mu <= 0) return 0;
        var inside = c * Math.Log(c / mu);
        var rest = total - c;
        // Every case inside: the outside term is 0·ln 0 = 0.
        return rest > 0 ? inside + (rest * Math.Log(rest / (total - mu))) : inside;
    }

    /// <summary>Each cell's and each period's count, and all cases: what the expected counts are made of.</summary>
    private sealed record Totals(double[] Cells, double[] Periods, double All)
    {
        public static Totals Of(int[][] counts)
        {
            var cells = new double[counts.Length];
            var periods = new double[counts.Length == 0 ? 0 : counts[0].Length];
            double all = 0;
            for (var c = 0; c < cells.Length; c++)
                for (var t = 0; t < periods.Length; t++)
                {
                    cells[c] += counts[c][t];
                    periods[t] += counts[c][t];
                    all += counts[c][t];
                }
            return new Totals(cells, periods, all);
        }
    }

    private static double Best(int[][] counts, Totals totals, IReadOnlyList<IReadOnlyList<int>> circles, int maxPeriods, int minCases,
        out int bestCentre, out int bestSize, out int bestPeriods, out double bestObserved, out double bestExpected)
    {
        bestCentre = bestSize = bestPeriods = 0;
        bestObserved = bestExpected = 0;
        var cells = counts.Length;
        var (cellTotals, periodTotals, total) = totals;
        if (cells == 0 || total == 0) return 0;
        var periodCount = periodTotals.Length;
        double best = 0;
        var windows = Math.Min(maxPeriods, periodCount);
        for (var centre = 0; centre < cells; centre++)
        {
            // Grow the circle one cell at a time; for each circle, every window ending now.
            var observed = new double[windows];
            double circleTotal = 0;
            for (var size = 1; size <= circles[centre].Count; size++)
            {
                var cell = circles[centre][size - 1];
                circleTotal += cellTotals[cell];
                // observed[w - 1]: the circle's cases over the last w periods.
                double inWindow = 0;
                for (var w = 1; w <= windows; w++)
                {
                    inWindow += counts[cell][periodCount - w];
                    observed[w - 1] += inWindow;
                }
                double runningPeriods = 0;
                for (var w = 1; w <= windows; w++)
                {
                    runningPeriods += periodTotals[periodCount - w];
                    var c = observed[w - 1];
                    if (c < minCases) continue;
                    var mu = circleTotal * runningPeriods / total;
                    var llr = LogLikelihoodRatio(c, mu, total);
                    if (llr > best + 1e-12)
                    {
                        best = llr;
                        bestCentre = centre;
                        bestSize = size;
                        bestPeriods = w;
                        bestObserved = c;
                        bestExpected = mu;
                    }
                }
            }
        }
        return best;
    }
}
