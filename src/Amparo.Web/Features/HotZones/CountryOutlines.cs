using System.Globalization;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// Natural Earth's country outlines (1:50 million, public domain; <c>countries-50m.txt</c> beside the app, made once by
/// <c>tools/countries.py</c> from the npm package world-atlas): what the hot-zone maps draw under the cells. Read on
/// first use and kept; no tile server, no request anywhere.
/// </summary>
public sealed class CountryOutlines
{
    public const string FileName = "countries-50m.txt";

    /// <summary>One closed ring of a country's outline, in degrees, with its bounding box.</summary>
    public sealed record Ring(string Country, double[] Longitudes, double[] Latitudes, double West, double East, double South, double North);

    private readonly Lazy<IReadOnlyList<Ring>> _rings;

    public CountryOutlines() : this(Path.Combine(AppContext.BaseDirectory, FileName)) { }

    public CountryOutlines(string path) => _rings = new(() => Load(path));

    /// <summary>The rings whose bounding box meets the given box (degrees).</summary>
    public IEnumerable<Ring> Within(double south, double north, double west, double east) =>
        _rings.Value.Where(r => r.North >= south && r.South <= north && r.East >= west && r.West <= east);

    private static List<Ring> Load(string path)
    {
        var rings = new List<Ring>();
        if (!File.Exists(path)) return rings; // a map without outlines still shows its cells and table
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split(' ');
            var lon = new double[parts.Length - 1];
            var lat = new double[parts.Length - 1];
            for (var i = 1; i < parts.Length; i++)
            {
                var comma = parts[i].IndexOf(',', StringComparison.Ordinal);
                lon[i - 1] = double.Parse(parts[i].AsSpan(0, comma), CultureInfo.InvariantCulture);
                lat[i - 1] = double.Parse(parts[i].AsSpan(comma + 1), CultureInfo.InvariantCulture);
            }
            rings.Add(new Ring(parts[0], lon, lat, lon.Min(), lon.Max(), lat.Min(), lat.Max()));
        }
        return rings;
    }
}
