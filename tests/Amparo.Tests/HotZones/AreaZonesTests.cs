using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;

namespace Amparo.Tests.HotZones;

/// <summary>The gazetteer's areas as zones (issue 13): nearest areas found through buckets agree with a full search, and a surge in one area among quiet neighbours is found by the classification and the scan.</summary>
public sealed class AreaZonesTests
{
    private static (string Id, int Depth, double Latitude, double Longitude)[] RandomAreas(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => ($"A{i:0000}", i % 2, -10 + (random.NextDouble() * 30), -80 + (random.NextDouble() * 40)))];
    }

    private static List<string> Brute((string Id, int Depth, double Latitude, double Longitude)[] areas, string id, Func<double, bool> keep, bool withSelf)
    {
        var me = areas.Single(a => a.Id == id);
        var (x, y) = HexGrid.Project(me.Latitude, me.Longitude);
        return [.. areas.Where(a => a.Depth == me.Depth && (withSelf || a.Id != id))
            .Select(a => { var (ax, ay) = HexGrid.Project(a.Latitude, a.Longitude); return (a.Id, Distance: Math.Sqrt(((ax - x) * (ax - x)) + ((ay - y) * (ay - y)))); })
            .Where(a => keep(a.Distance)).OrderBy(a => a.Distance).ThenBy(a => a.Id, StringComparer.Ordinal).Select(a => a.Id)];
    }

    [Fact]
    public void NearestAndWithin_AgreeWithAFullSearch_AndStayWithinALevel()
    {
        var areas = RandomAreas(600, 7);
        var layout = new AreaLayout(areas);
        foreach (var (id, depth, _, _) in areas.Where((_, i) => i % 12 == 0))
        {
            var nearest = layout.Nearest(id);
            Assert.Equal(Brute(areas, id, _ => true, withSelf: false).Take(AreaLayout.NeighbourCount), nearest);
            Assert.All(nearest, n => Assert.Equal(depth, areas.Single(a => a.Id == n).Depth));
            Assert.Equal(Brute(areas, id, d => d <= 250, withSelf: true), layout.Within(id, 250));
        }
        // A level with fewer areas than neighbours: all the others.
        var few = new AreaLayout([("X", 0, 0, 0), ("Y", 0, 1, 1), ("Z", 1, 0, 0)]);
        Assert.Equal(["Y"], few.Nearest("X"));
        Assert.Empty(few.Nearest("Z"));
    }

    [Fact]
    public void ASurgeInOneArea_AmongQuietNeighbours_IsANewHotSpot_AndTheScanAlarmsThere()
    {
        // Districts on a 9 × 9 lattice about 60 km apart; the same quiet background each month for a year, then 15
        // reports in the middle district in the last month.
        var areas = new List<(string Id, int Depth, double Latitude, double Longitude)>();
        for (var i = 0; i < 9; i++)
            for (var j = 0; j < 9; j++) areas.Add(($"D{i}{j}", 2, 2 + (i * 0.55), -76 + (j * 0.55)));
        var layout = new AreaLayout(areas);
        var last = new DateOnly(2026, 10, 1);
        var events = new List<AreaEvent>();
        AreaEvent At(string id, DateOnly on, int org) => new(id, on, on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc), Guid.Parse($"00000000-0000-0000-0000-00000000000{org}"), IncidentActs.Threat);
        for (var m = 0; m < 12; m++)
            for (var k = 0; k < 14; k++)
                events.Add(At($"D{(k * 5) % 9}{(k * 2 + m) % 9}", last.AddMonths(-m).AddDays(k), k % 2));
        for (var k = 0; k < 15; k++) events.Add(At("D44", last.AddDays(k), k % 3));

        var results = AreaAnalyses.AsOf(events, layout, PeriodKind.Month, last, new HotSpotParameters());
        var middle = results.Single(r => r.AreaId == "D44").Figures;
        Assert.True(middle.Count >= 15, $"count {middle.Count}");
        Assert.Equal((SpotState.Hot, EmergingClass.New), (middle.State, middle.Class));
        Assert.Equal(3, middle.Organizations);
        // The same as of the month before: not yet.
        var before = AreaAnalyses.AsOf(events, layout, PeriodKind.Month, last.AddMonths(-1), new HotSpotParameters());
        Assert.NotEqual(SpotState.Hot, before.SingleOrDefault(r => r.AreaId == "D44")?.Figures.State ?? SpotState.None);

        var scan = AreaAnalyses.ScanAsOf(events, layout, PeriodKind.Month, last, new ScanParameters(MaxRadiusKm: 100));
        Assert.True(scan.Alarm, $"p = {scan.Result.P}");
        Assert.Contains("D44", scan.Areas);
        Assert.Equal(1, scan.Result.MostLikely!.Periods);
        // Replayed: the same answer (the draws are seeded by the period).
        Assert.Equal(scan.Result.P, AreaAnalyses.ScanAsOf(events, layout, PeriodKind.Month, last, new ScanParameters(MaxRadiusKm: 100)).Result.P);
    }
}
