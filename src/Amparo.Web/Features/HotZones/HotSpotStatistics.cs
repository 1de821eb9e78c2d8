namespace Amparo.Web.Features.HotZones;

/// <summary>
/// The statistics of hot zones (issue 13), each small and exact, over cells that know only their neighbours (adjacency
/// lists with binary weights: no n×n distance matrix anywhere).
/// <list type="bullet">
/// <item>Getis–Ord local Gi and Gi* z-scores and the global G (Getis &amp; Ord 1992; Ord &amp; Getis 1995);</item>
/// <item>Monte Carlo p-values for Gi* by relocating the period's events among the cells;</item>
/// <item>the Benjamini–Hochberg false-discovery-rate correction;</item>
/// <item>the Mann–Kendall trend test with the tie correction.</item>
/// </list>
/// Checked against published references in <c>tests/Amparo.Tests/HotZones/HotSpotStatisticsTests.cs</c>.
/// </summary>
public static class HotSpotStatistics
{
    /// <summary>
    /// Local G z-scores. <paramref name="neighbours"/>[i] lists the cells within reach of i (never i itself); with
    /// <paramref name="star"/> (Gi*) the cell counts as its own neighbour. NaN where the statistic is undefined (no
    /// variation among the values it compares, or a cell whose neighbourhood is everyone or no one).
    /// </summary>
    public static double[] LocalZ(IReadOnlyList<double> values, IReadOnlyList<IReadOnlyList<int>> neighbours, bool star)
    {
        var n = values.Count;
        double sum = 0, squares = 0;
        for (var i = 0; i < n; i++)
        {
            sum += values[i];
            squares += values[i] * values[i];
        }
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            double lag = 0;
            foreach (var j in neighbours[i]) lag += values[j];
            double w = neighbours[i].Count, m, mean, sd;
            if (star)
            {
                lag += values[i];
                w += 1;
                m = n;
                mean = sum / n;
                sd = Math.Sqrt(Math.Max(0, (squares / n) - (mean * mean)));
            }
            else
            {
                // Gi compares the cell's neighbours with every cell but itself.
                m = n - 1;
                mean = (sum - values[i]) / m;
                sd = Math.Sqrt(Math.Max(0, ((squares - (values[i] * values[i])) / m) - (mean * mean)));
            }
            // Binary weights: the sum of squared weights equals their sum.
            var spread = ((m * w) - (w * w)) / (m - 1);
            z[i] = sd > 0 && spread > 0 ? (lag - (mean * w)) / (sd * Math.Sqrt(spread)) : double.NaN;
        }
        return z;
    }

    /// <summary>The global G: the share of all products of two different cells' values that neighbours make.</summary>
    public static double GlobalG(IReadOnlyList<double> values, IReadOnlyList<IReadOnlyList<int>> neighbours)
    {
        double sum = 0, squares = 0, near = 0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
            squares += values[i] * values[i];
            foreach (var j in neighbours[i]) near += values[i] * values[j];
        }
        var all = (sum * sum) - squares;
        return all > 0 ? near / all : double.NaN;
    }

    /// <summary>
    /// Monte Carlo p-values of Gi* by relocation: the period's events (<paramref name="counts"/>, whole numbers) are
    /// placed again at random, each in any of the cells with equal chance, <paramref name="replicates"/> times; a cell's
    /// p-value is the share of relocated maps whose count over the cell and its neighbours is at least as extreme as the
    /// observed one, on the observed side of its expectation, (k + 1) / (replicates + 1). The total is the same in every
    /// map, so this sum orders the maps as Gi* would with the spread held; comparing Gi* itself would let a surge shrink
    /// its own z (its one full cell inflates the spread it is divided by). Deterministic for a given seed (a history can be
    /// replayed). NaN where nothing was reported.
    /// <para>Why not the conditional permutation of values (PySAL's, where the cell keeps its value and its neighbours'
    /// are drawn from the others): a surge reported at one place — every event of a city geocoded to its centre — fills
    /// one cell and leaves its neighbours empty; drawing that cell's neighbours from the others finds nothing unusual,
    /// and its neighbours' p-values cannot go below the chance of drawing the one full cell (7 in 250 cells: about 0.03),
    /// which no false-discovery correction over hundreds of cells lets through. Relocating the events asks the question
    /// a coordinator asks: would this many reports fall here if they fell anywhere in the area?</para>
    /// </summary>
    public static double[] RelocationP(IReadOnlyList<double> counts, IReadOnlyList<IReadOnlyList<int>> neighbours, int replicates, ulong seed)
    {
        var n = counts.Count;
        var p = new double[n];
        var events = (int)Math.Round(counts.Sum());
        if (n == 0 || events == 0)
        {
            Array.Fill(p, double.NaN);
            return p;
        }
        var observed = NeighbourhoodSums(counts, neighbours);
        var high = new bool[n];
        for (var i = 0; i < n; i++) high[i] = observed[i] >= (double)events * (neighbours[i].Count + 1) / n;
        var random = new ReplayableRandom(seed);
        var relocated = new double[n];
        var extreme = new int[n];
        for (var r = 0; r < replicates; r++)
        {
            Array.Clear(relocated);
            for (var e = 0; e < events; e++) relocated[random.Next(n)]++;
            var sums = NeighbourhoodSums(relocated, neighbours);
            for (var i = 0; i < n; i++)
                if (high[i] ? sums[i] >= observed[i] : sums[i] <= observed[i]) extreme[i]++;
        }
        for (var i = 0; i < n; i++) p[i] = (extreme[i] + 1.0) / (replicates + 1.0);
        return p;
    }

    /// <summary>
    /// The p-values the false-discovery correction reads, from Gi*'s z and its Monte Carlo p:
    /// <list type="bullet">
    /// <item>where Gi*'s z does not pass the 0.10 level (two-sided normal p above 0.10), that normal p: a cell whose
    /// neighbourhood stands out only against the scattered reports of random placements, not against the map as it
    /// is, is not a hot spot (under relocation every place with a few reports beats a map where reports fall evenly);</item>
    /// <item>where no replicate was as extreme as the observation, the smaller of the Monte Carlo floor and the one-sided
    /// normal p: the Monte Carlo p only says "below 1 / (replicates + 1)", and without a finer value the correction over
    /// many cells could never let a small surge through (with 499 replicates the smallest p is 0.002, and
    /// Benjamini–Hochberg at q = 0.05 over 2,000 cells lets it through only when 80 cells reach it at once);</item>
    /// <item>elsewhere, the Monte Carlo p.</item>
    /// </list>
    /// </summary>
    public static double[] Combined(double[] monteCarlo, IReadOnlyList<double> z, int replicates)
    {
        var floor = 1.0 / (replicates + 1.0);
        var combined = new double[monteCarlo.Length];
        for (var i = 0; i < combined.Length; i++)
        {
            var tail = double.IsNaN(z[i]) ? double.NaN : NormalUpperTail(Math.Abs(z[i]));
            combined[i] = double.IsNaN(tail) || double.IsNaN(monteCarlo[i]) ? monteCarlo[i]
                : 2 * tail > 0.10 ? 2 * tail
                : monteCarlo[i] <= floor + 1e-12 ? Math.Min(monteCarlo[i], tail)
                : monteCarlo[i];
        }
        return combined;
    }

    /// <summary>Each cell's value plus its neighbours': the numerator of Gi*.</summary>
    private static double[] NeighbourhoodSums(IReadOnlyList<double> values, IReadOnlyList<IReadOnlyList<int>> neighbours)
    {
        var sums = new double[values.Count];
        for (var i = 0; i < sums.Length; i++)
        {
            var sum = values[i];
            foreach (var j in neighbours[i]) sum += values[j];
            sums[i] = sum;
        }
        return sums;
    }

    /// <summary>
    /// Benjamini–Hochberg at false-discovery rate <paramref name="q"/>: which of the tests are discoveries. NaN p-values
    /// are never discoveries but count among the tests.
    /// </summary>
    public static bool[] BenjaminiHochberg(IReadOnlyList<double> p, double q)
    {
        var m = p.Count;
        var order = Enumerable.Range(0, m).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ToArray();
        var largest = -1;
        for (var rank = 0; rank < order.Length; rank++)
            if (p[order[rank]] <= (rank + 1.0) / m * q) largest = rank;
        var discovered = new bool[m];
        for (var rank = 0; rank <= largest; rank++) discovered[order[rank]] = true;
        return discovered;
    }

    /// <summary>The Mann–Kendall trend test of a series in time order: S, its variance (ties corrected), Z and the two-sided p.</summary>
    public static MannKendall Trend(IReadOnlyList<double> series)
    {
        var n = series.Count;
        long s = 0;
        for (var k = 0; k < n - 1; k++)
            for (var j = k + 1; j < n; j++)
                s += Math.Sign(series[j] - series[k]);
        var variance = n * (n - 1.0) * ((2.0 * n) + 5);
        foreach (var tie in series.GroupBy(x => x).Select(g => g.Count()).Where(t => t > 1))
            variance -= tie * (tie - 1.0) * ((2.0 * tie) + 5);
        variance /= 18;
        var z = variance <= 0 || s == 0 ? 0 : (s - Math.Sign(s)) / Math.Sqrt(variance);
        return new MannKendall(s, variance, z, 2 * NormalUpperTail(Math.Abs(z)));
    }

    /// <summary>P(Z &gt; z) for a standard normal Z: erfc(z/√2)/2, with erfc by its Chebyshev-fitted exponential form (relative error below 1.2e-7).</summary>
    public static double NormalUpperTail(double z) => Erfc(z / Math.Sqrt(2)) / 2;

    private static double Erfc(double x)
    {
        var t = 1 / (1 + (0.5 * Math.Abs(x)));
        var poly = -(x * x) - 1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806
            + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        var value = t * Math.Exp(poly);
        return x >= 0 ? value : 2 - value;
    }
}

/// <summary>A Mann–Kendall test: S (concordant minus discordant pairs), its variance, the continuity-corrected Z, the two-sided p.</summary>
public sealed record MannKendall(long S, double Variance, double Z, double P);
