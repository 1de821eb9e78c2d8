using Amparo.Web.Features.HotZones;

namespace Amparo.Tests.HotZones;

/// <summary>
/// The acceptance run of issue 13 on real data: UCDP GED 23.1's events in the Central African Republic (Sundberg &amp;
/// Melander 2013; Davies, Pettersson &amp; Öberg 2023; republished CC0 by optgeo/ucdp-23.1-482), read from
/// <c>../shared/data</c> beside the repository, never copied into it. The parameters were fixed before the run:
/// events placed to at least the district (<c>where_prec</c> ≤ 3), hexagons 50 km across, neighbourhood the ring and the
/// cell, yearly periods classified as of each year over a series of 10 years, Gi* with 999 Monte Carlo replicates,
/// Benjamini–Hochberg at q = 0.05; the scan month by month with circles up to 50 km, clusters up to 3 months, a study
/// period of 36 months, 999 replicates, an alarm at p &lt; 0.05 with at least 5 events. The suite scans 2013 only; the
/// whole history is in bench/.
/// </summary>
public sealed class UcdpAcceptanceTests
{
    private static readonly HexGrid Grid = new(50);
    private static readonly Lazy<UcdpEvents> Data = new(() => UcdpEvents.Load(Grid));

    [Fact]
    public void YearlyClassification_LabelsTheKnownSurges_Bangui2013And2014_Ouham2013_BasseAndHauteKotto2017()
    {
        var data = Data.Value;
        var parameters = new HotSpotParameters(SeriesPeriods: 10, Replicates: 999, FalseDiscoveryRate: 0.05);
        var y2013 = HotSpotAnalyses.AsOf(data.Events, PeriodKind.Year, new DateOnly(2013, 1, 1), parameters);
        var y2014 = HotSpotAnalyses.AsOf(data.Events, PeriodKind.Year, new DateOnly(2014, 1, 1), parameters);
        var y2017 = HotSpotAnalyses.AsOf(data.Events, PeriodKind.Year, new DateOnly(2017, 1, 1), parameters);

        foreach (var (year, analysis) in new[] { (2013, y2013), (2014, y2014), (2017, y2017) })
            foreach (var c in analysis.Cells.Where(c => c.State == SpotState.Hot || c.Class != EmergingClass.NoPattern).Where(c => c.Count > 0))
                TestContext.Current.TestOutputHelper?.WriteLine(FormattableString.Invariant($"{year} {c.Cell} {data.AreaOf(c.Cell)}: {c.Count} events, Gi* z {c.Z:F2}, p {c.P:G3}, {c.State}, {c.Class}"));
        EmergingClass[] emerging = [EmergingClass.New, EmergingClass.Consecutive];
        Assert.Contains(Describe(y2013, data, "Bangui"), c => emerging.Contains(c.Class));
        Assert.Contains(Describe(y2014, data, "Bangui"), c => emerging.Contains(c.Class));
        Assert.Contains(Describe(y2013, data, "Ouham province"), c => c.State == SpotState.Hot);
        EmergingClass[] rising = [EmergingClass.New, EmergingClass.Consecutive, EmergingClass.Intensifying];
        Assert.Contains(Describe(y2017, data, "Basse-Kotto"), c => rising.Contains(c.Class));
        Assert.Contains(Describe(y2017, data, "Haute-Kotto"), c => rising.Contains(c.Class));

        // And not everywhere: a quiet year labels no cell hot (a detector that always fires would pass the above).
        var y2009 = HotSpotAnalyses.AsOf(data.Events, PeriodKind.Year, new DateOnly(2009, 1, 1), parameters);
        Assert.True(y2013.Cells.Count(c => c.State == SpotState.Hot) < y2013.Cells.Count / 10, "a hot spot is the exception");
        Assert.DoesNotContain(Describe(y2009, data, "Basse-Kotto"), c => c.State == SpotState.Hot);

        // Replayable: the same period gives the same answer.
        Assert.Equal(y2013.Cells.Select(c => (c.Cell, c.State, c.Class, c.P)),
            HotSpotAnalyses.AsOf(data.Events, PeriodKind.Year, new DateOnly(2013, 1, 1), parameters).Cells.Select(c => (c.Cell, c.State, c.Class, c.P)));
    }

    [Fact]
    public void ProspectiveScan_MonthByMonthThrough2013_AlarmsForTheBanguiArea()
    {
        var data = Data.Value;
        var parameters = new ScanParameters(MaxRadiusKm: 50, MaxPeriods: 3, StudyPeriods: 36, Replicates: 999, Alpha: 0.05, MinCases: 5);
        var bangui = Grid.CellOf(4.366667, 18.583333);
        var alarms = new List<string>();
        ZoneScan? first = null;
        for (var month = 1; month <= 12; month++)
        {
            var scan = ZoneScans.AsOf(data.Events, Grid, PeriodKind.Month, new DateOnly(2013, month, 1), parameters);
            if (!scan.Alarm) continue;
            alarms.Add(FormattableString.Invariant($"{scan.Period:yyyy-MM}: {scan.Result.MostLikely!.Observed} events, {scan.Result.MostLikely.Expected:F1} expected, p {scan.Result.P:F3}, {string.Join(' ', scan.Cells.Select(c => data.AreaOf(c)))}"));
            if (first is null && scan.Cells.Contains(bangui)) first = scan;
        }
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', alarms));
        Assert.True(first is not null, "no alarm for Bangui in 2013; alarms: " + string.Join("; ", alarms));
        Assert.True(first.Result.P < 0.05 && first.Result.MostLikely!.Observed >= 5);
    }

    /// <summary>
    /// The same run over the second-level areas (sub-prefectures) as zones, each compared with its six nearest: fixed
    /// before the run as above, and the scan's circles up to 100 km between area centres (the areas' default).
    /// </summary>
    [Fact]
    public void ByArea_Bangui_IsNewOrConsecutiveIn2013Or2014_AndTheAreaScanAlarmsForItIn2013()
    {
        var data = Data.Value;
        var parameters = new HotSpotParameters(SeriesPeriods: 10, Replicates: 999, FalseDiscoveryRate: 0.05);
        var lines = new List<string>();
        var emergingYears = new List<int>();
        foreach (var year in new[] { 2013, 2014 })
        {
            var results = AreaAnalyses.AsOf(data.AreaEvents, data.Layout, PeriodKind.Year, new DateOnly(year, 1, 1), parameters);
            lines.AddRange(results.Where(r => r.Figures.Count > 0 && (r.Figures.State == SpotState.Hot || r.Figures.Class != EmergingClass.NoPattern))
                .Select(r => FormattableString.Invariant($"{year} {r.AreaId}: {r.Figures.Count} events, Gi* z {r.Figures.Z:F2}, {r.Figures.State}, {r.Figures.Class}")));
            if (results.Any(r => r.AreaId.StartsWith("Bangui", StringComparison.Ordinal) && r.Figures.Class is EmergingClass.New or EmergingClass.Consecutive)) emergingYears.Add(year);
        }
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', lines));
        Assert.True(emergingYears.Count > 0, "Bangui not new or consecutive by area in 2013–2014:\n" + string.Join('\n', lines));

        var scanParameters = new ScanParameters(MaxRadiusKm: 100, MaxPeriods: 3, StudyPeriods: 36, Replicates: 999, Alpha: 0.05, MinCases: 5);
        var alarms = new List<string>();
        for (var month = 1; month <= 12; month++)
        {
            var scan = AreaAnalyses.ScanAsOf(data.AreaEvents, data.Layout, PeriodKind.Month, new DateOnly(2013, month, 1), scanParameters);
            if (scan.Alarm) alarms.Add(FormattableString.Invariant($"2013-{month:00}: {scan.Result.MostLikely!.Observed} events, {scan.Result.MostLikely.Expected:F1} expected, p {scan.Result.P:F3}, {string.Join(" + ", scan.Areas)}"));
        }
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', alarms));
        Assert.Contains(alarms, a => a.Contains("Bangui", StringComparison.Ordinal));
    }

    private static List<CellResult> Describe(HotSpotAnalysis analysis, UcdpEvents data, string area) =>
        [.. analysis.Cells.Where(c => data.AreaOf(c.Cell).Contains(area, StringComparison.Ordinal))];
}
