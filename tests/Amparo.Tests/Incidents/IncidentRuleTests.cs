using Amparo.Web.Features.Incidents;
using Microsoft.Extensions.Options;

namespace Amparo.Tests.Incidents;

/// <summary>The pure parts of incident reports: the coarse cell, the HURIDOCS mapping, the gazetteer file, dates by precision.</summary>
public sealed class IncidentRuleTests
{
    [Fact]
    public void CoarseCell_GivesOneCellPerArea_OfAbout28Km_TheSameForNearbyPoints_AndNothingForNonPlaces()
    {
        var a = CoarseCell.Snap(4.6101, -74.0801)!.Value;
        Assert.Equal(a, CoarseCell.Snap(4.6202, -74.0702));
        Assert.NotEqual(a, CoarseCell.Snap(4.9, -74.08));
        // The centre is within half a cell of the point, and never the point itself.
        Assert.InRange(Math.Abs(a.Latitude - 4.6101), 0.0001, CoarseCell.RowDegrees / 2);
        // Towards the poles, columns widen so cells stay about as wide as high (km).
        var north = CoarseCell.Snap(70.1, 20.1)!.Value;
        var step = 0.0;
        while (CoarseCell.Snap(70.1, north.Longitude + step) == north) step += 0.01;
        var east = CoarseCell.Snap(70.1, north.Longitude + step)!.Value;
        var widthKm = Math.Abs(east.Longitude - north.Longitude) * 111.32 * Math.Cos(70.125 * Math.PI / 180);
        Assert.InRange(widthKm, 25, 40);
        foreach (var (lat, lon) in new[] { (91.0, 0.0), (0.0, 181.0), (double.NaN, 0.0), (0.0, double.PositiveInfinity) })
            Assert.Null(CoarseCell.Snap(lat, lon));
        Assert.NotNull(CoarseCell.Snap(90, 180));
        Assert.NotNull(CoarseCell.Snap(-90, -180));
    }

    [Fact]
    public void EveryActAndPerpetrator_HasHuridocsCodes_OfTwelveDigits()
    {
        foreach (var act in Enum.GetValues<IncidentActs>().Where(a => a != IncidentActs.None))
            Assert.All(Assert.IsAssignableFrom<IReadOnlyList<string>>(Huridocs.ActCodes(act)).DefaultIfEmpty("missing"), c => Assert.Matches("^[0-9]{12}$", c));
        foreach (var p in Enum.GetValues<PerpetratorType>())
            Assert.Matches("^[0-9]{12}$", Huridocs.PerpetratorCode(p));
        Assert.Equal(["020103010000", "020103020000"], Huridocs.ActCodes(IncidentActs.Threat));
        Assert.Equal("990000000000", Huridocs.PerpetratorCode(PerpetratorType.Unknown));
    }

    [Fact]
    public void TheGazetteerSample_Loads_WithPathsInEveryLanguage_AndABadFileStopsTheStart()
    {
        var gazetteer = new Gazetteer(Options.Create(new IncidentsOptions { GazetteerPath = "gazetteer-sample.geojson" }));
        var pop = gazetteer.Find("CO-CAU-POP")!;
        Assert.Equal("Colombia › Cauca › Popayán", gazetteer.PathOf(pop, "es"));
        Assert.Equal("كولومبيا › كاوكا › بوبايان", gazetteer.PathOf(pop, "ar"));
        Assert.Equal("Popayán", pop.Name("xx")); // an unknown language falls back to English
        Assert.True(new Gazetteer(Options.Create(new IncidentsOptions())).IsEmpty);

        var dir = Directory.CreateTempSubdirectory("amparo-gaz");
        try
        {
            var bad = Path.Combine(dir.FullName, "bad.geojson");
            File.WriteAllText(bad, """{"type":"FeatureCollection","features":[{"properties":{"id":"A","parent":"Z","names":{"en":"A"},"centroid":[1,2]}}]}""");
            var refused = Assert.Throws<Amparo.Web.Infrastructure.StartupRefusedException>(() => new Gazetteer(Options.Create(new IncidentsOptions { GazetteerPath = bad })));
            Assert.Contains("parent", refused.Message, StringComparison.Ordinal);
        }
        finally { dir.Delete(true); }
    }

    [Theory]
    [InlineData("2026-11-12", DatePrecision.Day, "2026-11-12")]
    [InlineData("2026-11-12", DatePrecision.Week, "2026-11-09")] // a Thursday: its Monday
    [InlineData("2026-11-09", DatePrecision.Week, "2026-11-09")]
    [InlineData("2026-11-15", DatePrecision.Week, "2026-11-09")] // a Sunday belongs to the week that began on Monday
    [InlineData("2026-11-12", DatePrecision.Month, "2026-11-01")]
    public void ADate_IsKeptAsTheFirstDayOfItsPeriod(string given, DatePrecision precision, string kept) =>
        Assert.Equal(DateOnly.Parse(kept, System.Globalization.CultureInfo.InvariantCulture),
            IncidentRules.StartOf(DateOnly.Parse(given, System.Globalization.CultureInfo.InvariantCulture), precision));
}
