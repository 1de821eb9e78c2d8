using Amparo.Web.Features.HotZones;

namespace Amparo.Tests.HotZones;

/// <summary>The hot-zone statistics against published references and brute force (issue 13).</summary>
public sealed class HotSpotStatisticsTests
{
    // The six-point example of PySAL's esda tests: binary distance band of 15.
    private static readonly (double X, double Y)[] Points = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)];
    private static readonly double[] Values = [2, 3, 3.2, 5, 8, 7];

    private static IReadOnlyList<int>[] Band((double X, double Y)[] points, double band) =>
        [.. points.Select((p, i) => (IReadOnlyList<int>)[.. points.Select((q, j) => (q, j))
            .Where(o => o.j != i && Math.Sqrt(((p.X - o.q.X) * (p.X - o.q.X)) + ((p.Y - o.q.Y) * (p.Y - o.q.Y))) <= band).Select(o => o.j)])];

    [Fact]
    public void GetisOrd_MatchesPySalsPublishedExample_ToSixDecimals()
    {
        var neighbours = Band(Points, 15);
        Assert.Equal(-1.0136729, HotSpotStatistics.LocalZ(Values, neighbours, star: false)[0], 6);
        Assert.Equal(-1.3972763, HotSpotStatistics.LocalZ(Values, neighbours, star: true)[0], 6);
        Assert.Equal(0.55709779, HotSpotStatistics.GlobalG(Values, neighbours), 6);
    }

    [Fact]
    public void GetisOrd_IsUndefined_WhereNothingVaries_OrTheNeighbourhoodIsEveryone()
    {
        var flat = HotSpotStatistics.LocalZ([1, 1, 1, 1], [[1], [0, 2], [1, 3], [2]], star: true);
        Assert.All(flat, z => Assert.True(double.IsNaN(z)));
        var everyone = HotSpotStatistics.LocalZ([1, 2, 3], [[1, 2], [0], [0]], star: true);
        Assert.True(double.IsNaN(everyone[0])); // cell 0 and its neighbours are all the cells: nothing to compare with
        Assert.False(double.IsNaN(everyone[1]));
    }

    [Fact]
    public void RelocationP_AgreesWithTheExactShareOverEveryPlacement_AndIsReplayable()
    {
        // Five cells in a row, four events, three of them in cell 1: the exact p of each cell is the share of all 5⁴
        // equally likely placements of the four events whose count over the cell and its neighbours is at least as
        // extreme, on the side of its expectation the observed count is on.
        double[] counts = [1, 3, 0, 0, 0];
        IReadOnlyList<int>[] neighbours = [[1], [0, 2], [1, 3], [2, 4], [3]];
        static double Sum(double[] v, IReadOnlyList<int>[] nb, int i) => v[i] + nb[i].Sum(j => v[j]);
        var atLeast = new int[5];
        var placements = 0;
        for (var code = 0; code < 625; code++, placements++)
        {
            var placed = new double[5];
            for (int e = 0, c = code; e < 4; e++, c /= 5) placed[c % 5]++;
            for (var i = 0; i < 5; i++)
            {
                var observed = Sum(counts, neighbours, i);
                var high = observed >= 4.0 * (neighbours[i].Count + 1) / 5;
                if (high ? Sum(placed, neighbours, i) >= observed : Sum(placed, neighbours, i) <= observed) atLeast[i]++;
            }
        }

        var p = HotSpotStatistics.RelocationP(counts, neighbours, 19_999, seed: 7);
        for (var i = 0; i < 5; i++) Assert.InRange(p[i], ((double)atLeast[i] / placements) - 0.01, ((double)atLeast[i] / placements) + 0.01);
        Assert.True(p[0] < 0.1 && p[4] < 0.2, "the pile's end is hot, the far end is cold");
        Assert.Equal(p, HotSpotStatistics.RelocationP(counts, neighbours, 19_999, seed: 7));
        Assert.All(HotSpotStatistics.RelocationP([0, 0, 0], [[1], [0, 2], [1]], 99, seed: 7), v => Assert.True(double.IsNaN(v))); // nothing reported: no test
    }

    [Fact]
    public void Combined_TakesGiStarsNormalP_BelowThe010Level_AndItsTail_WhereNoReplicateWasAsExtreme()
    {
        // 99 replicates: the floor is 0.01.
        var combined = HotSpotStatistics.Combined([0.01, 0.01, 0.03, 0.2, double.NaN], [4, 1, 2, 4, double.NaN], replicates: 99);
        Assert.Equal(HotSpotStatistics.NormalUpperTail(4), combined[0], 12); // beyond every replicate, z = 4: the normal tail
        Assert.Equal(2 * HotSpotStatistics.NormalUpperTail(1), combined[1], 12); // z = 1 does not pass 0.10: its normal p, whatever the draws
        Assert.Equal(0.03, combined[2]); // z = 2 passes, not at the floor: the Monte Carlo p
        Assert.Equal(0.2, combined[3]);
        Assert.True(double.IsNaN(combined[4]));
    }

    /// <summary>
    /// References computed once, independently, with SciPy 1.10.1 (Debian's python3-scipy): S from
    /// <c>kendalltau(range(n), y, method="asymptotic")</c> (τ-b · √(n₀(n₀ − n₂))), the variance from its p-value
    /// ((S / z)², z = <c>norm.isf(p / 2)</c>), and the continuity-corrected two-sided p as
    /// <c>2 · norm.sf((|S| − 1) / √var)</c>. Only the numbers are kept here.
    /// </summary>
    public static TheoryData<double[], long, double, double> MannKendallReferences => new()
    {
        { [1, 3, 2, 5, 4, 6, 8, 7, 9, 10], 39, 125.0, 0.0006767641801210443 },
        { [2, 2, 3, 1, 4, 4, 4, 6, 5, 7, 7, 3], 38, 206.0, 0.009939926404788172 },
        { [5, 5, 4, 4, 3, 3.5, 2, 1, 1, 0], -40, 122.0, 0.0004141575354032633 },
        { [0, 1.2, 0, 0.4, 2.5, 0, 1.1, 3.0, 2.2, 0.8, 3.1, 2.9, 4.0, 0.0, 3.3], 45, 399.6666666666668, 0.027741883222976476 },
    };

    [Theory]
    [MemberData(nameof(MannKendallReferences))]
    public void MannKendall_MatchesSciPy_SVarianceAndP(double[] series, long s, double variance, double p)
    {
        var trend = HotSpotStatistics.Trend(series);
        Assert.Equal(s, trend.S);
        Assert.Equal(variance, trend.Variance, 6);
        Assert.Equal(p, trend.P, 6);
        Assert.Equal(Math.Sign(s), Math.Sign(trend.Z));
    }

    [Fact]
    public void BenjaminiHochberg_StepsUp_AndLeavesTheRest()
    {
        Assert.Equal([true, true, true, true, false], HotSpotStatistics.BenjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5], 0.05));
        // Step-up: 0.02 fails its own bound (0.0167) but is kept because a larger p (0.03) passes its bound (0.0333).
        Assert.Equal([true, true, false], HotSpotStatistics.BenjaminiHochberg([0.02, 0.03, 0.5], 0.05));
        Assert.Equal([false, false], HotSpotStatistics.BenjaminiHochberg([double.NaN, 0.04], 0.05));
    }
}

/// <summary>The emerging hot-spot classes from hand-made histories, one per class and each boundary.</summary>
public sealed class EmergingHotSpotsTests
{
    private const SpotState H = SpotState.Hot, C = SpotState.Cold, N = SpotState.None;
    private static readonly MannKendall Flat = new(0, 1, 0, 1), Rising = new(40, 100, 3.9, 0.0001), Falling = new(-40, 100, -3.9, 0.0001);

    public static TheoryData<SpotState[], string, EmergingClass> Histories => new()
    {
        { [N, N, N, N, N, N, N, N, N, H], "flat", EmergingClass.New },
        { [N, N, N, N, N, N, N, H, H, H], "flat", EmergingClass.Consecutive },
        { [N, H, N, N, N, N, N, N, H, H], "flat", EmergingClass.Sporadic }, // hot before the last run: not consecutive
        { [H, H, H, H, H, H, H, H, H, H], "rising", EmergingClass.Intensifying },
        { [H, H, H, H, H, H, H, H, H, H], "flat", EmergingClass.Persistent },
        { [H, H, H, H, H, N, H, H, H, H], "falling", EmergingClass.Diminishing }, // 9 of 10 is "mostly"
        { [N, H, N, H, N, N, H, N, N, H], "flat", EmergingClass.Sporadic },
        { [C, N, N, H, N, N, N, N, N, H], "flat", EmergingClass.Oscillating },
        { [H, H, H, H, H, H, H, H, H, N], "flat", EmergingClass.Historical },
        { [N, N, H, N, N, N, N, N, N, N], "flat", EmergingClass.NoPattern },
        { [H, H, H, H, H, H, H, H, N, H], "rising", EmergingClass.Intensifying },
        { [H, H, H, H, H, H, H, N, N, H], "rising", EmergingClass.Sporadic }, // 8 of 10: not mostly
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void AHistory_GetsItsClass(SpotState[] states, string trend, EmergingClass expected) =>
        Assert.Equal(expected, EmergingHotSpots.Classify(states, trend switch { "rising" => Rising, "falling" => Falling, _ => Flat }));
}

/// <summary>The fixed hexagon grid: cells of equal area on the globe, stable, never finer than 25 km.</summary>
public sealed class HexGridTests
{
    [Fact]
    public void EveryCell_HasTheSameAreaOnTheGlobe_NearTheEquatorAndFarFromIt()
    {
        var grid = new HexGrid(50);
        foreach (var (lat, lon) in new[] { (4.36, 18.56), (-33.9, 18.4), (59.9, 30.3) })
        {
            var corners = grid.Corners(grid.CellOf(lat, lon));
            Assert.Equal(grid.AreaKm2, SphericalAreaKm2(corners), grid.AreaKm2 * 0.002);
        }
        Assert.InRange(grid.AreaKm2, 2165, 2166); // 50 km across: (√3/2)·50² ≈ 2,165 km²
    }

    [Fact]
    public void APoint_FallsInTheCellWhoseCentreIsNearest_OnThePlane_AndACentreInItsOwnCell()
    {
        var grid = new HexGrid(50);
        var random = new Random(13);
        for (var i = 0; i < 2_000; i++)
        {
            double lat = (random.NextDouble() * 140) - 70, lon = (random.NextDouble() * 360) - 180;
            var cell = grid.CellOf(lat, lon);
            var (x, y) = HexGrid.Project(lat, lon);
            double Distance(Hex h) { var c = grid.PlaneCentre(h); return Math.Sqrt(((c.X - x) * (c.X - x)) + ((c.Y - y) * (c.Y - y))); }
            Assert.All(cell.Neighbours(), n => Assert.True(Distance(cell) <= Distance(n) + 1e-9, $"{lat},{lon}: {cell} is not the nearest"));
            var (clat, clon) = grid.Centre(cell);
            Assert.Equal(cell, grid.CellOf(clat, clon));
        }
    }

    [Fact]
    public void NeighbouringCentres_AreOneCellAcrossApart_AndTheGridIsNeverFinerThan25Km()
    {
        var grid = new HexGrid(50);
        var cell = grid.CellOf(4.36, 18.56);
        var c = grid.PlaneCentre(cell);
        Assert.All(cell.Neighbours(), n =>
        {
            var d = grid.PlaneCentre(n);
            Assert.Equal(50, Math.Sqrt(((c.X - d.X) * (c.X - d.X)) + ((c.Y - d.Y) * (c.Y - d.Y))), 9);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HexGrid(24.9));
    }

    /// <summary>A polygon's area on the sphere, R² ∮ sin φ dλ (Green's theorem), its edges followed in small steps of latitude and longitude.</summary>
    private static double SphericalAreaKm2((double Latitude, double Longitude)[] corners)
    {
        // The area between each edge and the equator: ∫ sin φ dλ, summed around the polygon, densified.
        double area = 0;
        for (var k = 0; k < corners.Length; k++)
        {
            var (a, b) = (corners[k], corners[(k + 1) % corners.Length]);
            const int steps = 200;
            for (var s = 0; s < steps; s++)
            {
                double t0 = (double)s / steps, t1 = (double)(s + 1) / steps;
                var lat0 = (a.Latitude + ((b.Latitude - a.Latitude) * t0)) * Math.PI / 180;
                var lat1 = (a.Latitude + ((b.Latitude - a.Latitude) * t1)) * Math.PI / 180;
                var lon0 = (a.Longitude + ((b.Longitude - a.Longitude) * t0)) * Math.PI / 180;
                var lon1 = (a.Longitude + ((b.Longitude - a.Longitude) * t1)) * Math.PI / 180;
                area += (lon1 - lon0) * (Math.Sin(lat0) + Math.Sin(lat1)) / 2;
            }
        }
        return Math.Abs(area) * HexGrid.EarthRadiusKm * HexGrid.EarthRadiusKm;
    }
}

/// <summary>The prospective space-time permutation scan against a brute-force enumeration of every cylinder.</summary>
public sealed class SpaceTimeScanTests
{
    [Fact]
    public void TheMostLikelyCluster_AndItsRatio_AreThoseOfEveryCylinderEnumeratedFromScratch_OverRandomInputs()
    {
        var random = new Random(2005);
        for (var run = 0; run < 200; run++)
        {
            int cells = 3 + random.Next(8), periods = 2 + random.Next(8), maxPeriods = 1 + random.Next(periods);
            var counts = Enumerable.Range(0, cells).Select(_ => Enumerable.Range(0, periods).Select(_ => random.Next(4) == 0 ? random.Next(6) : random.Next(2)).ToArray()).ToArray();
            // Circles: cells on a line, each centre's cells ordered by distance, cut at a random radius.
            var radius = 1 + random.Next(3);
            IReadOnlyList<int>[] circles = [.. Enumerable.Range(0, cells).Select(c => (IReadOnlyList<int>)[.. Enumerable.Range(0, cells)
                .Where(o => Math.Abs(o - c) <= radius).OrderBy(o => Math.Abs(o - c)).ThenBy(o => o)])];

            var found = SpaceTimeScan.MostLikely(counts, circles, maxPeriods);
            var (best, cylinder) = BruteForce(counts, circles, maxPeriods);
            if (best <= 0) { Assert.Null(found); continue; }
            Assert.NotNull(found);
            Assert.Equal(best, found.LogLikelihoodRatio, 9);
            // The same cylinder, or one that scores exactly the same (ties between cylinders are possible).
            var (cells2, window) = cylinder;
            Assert.True(found.Cells.Order().SequenceEqual(cells2.Order()) && found.Periods == window
                        || Math.Abs(Score(counts, found.Cells, found.Periods) - best) < 1e-9, $"run {run}");
        }
    }

    [Fact]
    public void ASurgeInOnePlace_Alarms_WhileAPlaceThatAlwaysReportsMore_DoesNot()
    {
        // Twelve cells in a line, 24 months. Cell 0 always reports a lot; cells 6–7 surge in the last two months.
        var counts = Enumerable.Range(0, 12).Select(c => Enumerable.Range(0, 24).Select(t => c == 0 ? 6 : 1).ToArray()).ToArray();
        IReadOnlyList<int>[] circles = [.. Enumerable.Range(0, 12).Select(c => (IReadOnlyList<int>)[.. Enumerable.Range(0, 12).Where(o => Math.Abs(o - c) <= 1).OrderBy(o => Math.Abs(o - c)).ThenBy(o => o)])];
        var quiet = SpaceTimeScan.Run(counts, circles, maxPeriods: 3, replicates: 199, seed: 1);
        Assert.True(quiet.MostLikely is null || quiet.P > 0.05, $"no surge, p = {quiet.P}");

        counts[6][22] = counts[6][23] = 7;
        counts[7][23] = 6;
        var surge = SpaceTimeScan.Run(counts, circles, maxPeriods: 3, replicates: 199, seed: 1);
        Assert.True(surge.P <= 0.01, $"p = {surge.P}");
        Assert.Contains(6, surge.MostLikely!.Cells);
        Assert.InRange(surge.MostLikely.Periods, 1, 2);
        Assert.Equal(surge.P, SpaceTimeScan.Run(counts, circles, maxPeriods: 3, replicates: 199, seed: 1).P); // replayable
    }

    private static (double Best, (int[] Cells, int Periods) Cylinder) BruteForce(int[][] counts, IReadOnlyList<int>[] circles, int maxPeriods)
    {
        var best = 0.0;
        (int[], int) cylinder = ([], 0);
        foreach (var circle in circles)
            for (var size = 1; size <= circle.Count; size++)
                for (var w = 1; w <= Math.Min(maxPeriods, counts[0].Length); w++)
                {
                    var members = circle.Take(size).ToArray();
                    var score = Score(counts, members, w);
                    if (score > best + 1e-12) (best, cylinder) = (score, (members, w));
                }
        return (best, cylinder);
    }

    /// <summary>A cylinder's ratio computed from scratch: its cases, and the expected count Σ C_cell·C_period / C.</summary>
    private static double Score(int[][] counts, IReadOnlyList<int> members, int window)
    {
        var periods = counts[0].Length;
        double total = counts.Sum(r => r.Sum()), c = 0, mu = 0;
        foreach (var cell in members)
            for (var t = periods - window; t < periods; t++)
            {
                c += counts[cell][t];
                mu += counts[cell].Sum() * counts.Sum(r => r[t]) / total;
            }
        if (total == 0 || c <= mu) return 0;
        return (c * Math.Log(c / mu)) + (total - c > 0 ? (total - c) * Math.Log((total - c) / (total - mu)) : 0);
    }
}
