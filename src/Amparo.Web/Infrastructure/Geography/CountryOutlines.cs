using System.Globalization;

namespace Amparo.Web.Infrastructure.Geography;

/// <summary>
/// Natural Earth's country outlines (1:50 million, public domain; <c>countries-50m.txt</c> beside the app, made once by
/// <c>tools/countries.py</c> from the npm package world-atlas) and the countries' names in Amparo's languages: what the
/// hot-zone maps draw under the cells, the country a point lies in, and the list of countries a field may name (grant
/// programs' regions). Read on first use and kept; no tile server, no request anywhere. Features that use it register it
/// with <c>TryAddSingleton</c>.
/// </summary>
public sealed class CountryOutlines
{
    public const string FileName = "countries-50m.txt", NamesFileName = "countries-names.tsv";

    /// <summary>A country the outlines draw: its ISO 3166 alpha-2 code and its name in each of Amparo's languages.</summary>
    public sealed record Country(string Code, IReadOnlyDictionary<string, string> Names)
    {
        public string Name(string language) => Names.TryGetValue(language, out var n) ? n : Names["en"];
    }

    /// <summary>One closed ring of a country's outline, in degrees, with its bounding box.</summary>
    public sealed record Ring(string Country, double[] Longitudes, double[] Latitudes, double West, double East, double South, double North);

    private readonly Lazy<IReadOnlyList<Ring>> _rings;
    private readonly Lazy<IReadOnlyDictionary<string, Country>> _countries;

    public CountryOutlines() : this(Path.Combine(AppContext.BaseDirectory, FileName), Path.Combine(AppContext.BaseDirectory, NamesFileName)) { }

    public CountryOutlines(string path, string namesPath)
    {
        _rings = new(() => Load(path));
        _countries = new(() => LoadNames(namesPath));
    }

    /// <summary>Every named country, by code.</summary>
    public IReadOnlyDictionary<string, Country> Countries => _countries.Value;

    /// <summary>The country whose outline holds the point (alpha-2 code), or null at sea or where no outline is.</summary>
    public string? CountryOf(double latitude, double longitude)
    {
        foreach (var ring in Within(latitude, latitude, longitude, longitude))
            if (ring.Country != "--" && Contains(ring, latitude, longitude)) return ring.Country;
        return null;
    }

    /// <summary>Ray casting: a point is inside a ring when a ray from it crosses the ring's edges an odd number of times.</summary>
    private static bool Contains(Ring ring, double latitude, double longitude)
    {
        var inside = false;
        for (int i = 0, j = ring.Longitudes.Length - 1; i < ring.Longitudes.Length; j = i++)
        {
            double yi = ring.Latitudes[i], yj = ring.Latitudes[j], xi = ring.Longitudes[i], xj = ring.Longitudes[j];
            if ((yi > latitude) != (yj > latitude) && longitude < ((xj - xi) * (latitude - yi) / (yj - yi)) + xi) inside = !inside;
        }
        return inside;
    }

    private static Dictionary<string, Country> LoadNames(string path)
    {
        var countries = new Dictionary<string, Country>(StringComparer.Ordinal);
        if (!File.Exists(path)) return countries;
        string[] languages = ["en", "es", "fr", "ar", "ru"];
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            countries[f[0]] = new Country(f[0], languages.Select((l, i) => (l, Name: f[i + 1])).ToDictionary(x => x.l, x => x.Name));
        }
        return countries;
    }

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
