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
    public const string FileName = "countries-50m.txt", NamesFileName = "countries-names.tsv", RegionsFileName = "country-regions.tsv";

    /// <summary>A country the outlines draw: its ISO 3166 alpha-2 code and its name in each of Amparo's languages.</summary>
    public sealed record Country(string Code, IReadOnlyDictionary<string, string> Names)
    {
        public string Name(string language) => Names.TryGetValue(language, out var n) ? n : Names["en"];
    }

    /// <summary>One closed ring of a country's outline, in degrees, with its bounding box.</summary>
    public sealed record Ring(string Country, double[] Longitudes, double[] Latitudes, double West, double East, double South, double North);

    private readonly Lazy<IReadOnlyList<Ring>> _rings;
    private readonly Lazy<IReadOnlyDictionary<string, Country>> _countries;

    /// <summary>
    /// A coarse region: a UN M49 sub-region (e.g. "419", Latin America and the Caribbean), with its name in each of
    /// Amparo's languages. What a purged grant request keeps of where it came from (<c>tools/regions.py</c>).
    /// </summary>
    public sealed record Region(string Code, IReadOnlyDictionary<string, string> Names)
    {
        public string Name(string language) => Names.TryGetValue(language, out var n) ? n : Names["en"];
    }

    private readonly Lazy<(Dictionary<string, Region> Regions, Dictionary<string, string> CountryRegion)> _regions;

    public CountryOutlines() : this(Path.Combine(AppContext.BaseDirectory, FileName), Path.Combine(AppContext.BaseDirectory, NamesFileName),
        Path.Combine(AppContext.BaseDirectory, RegionsFileName)) { }

    public CountryOutlines(string path, string namesPath, string regionsPath)
    {
        _rings = new(() => Load(path));
        _countries = new(() => LoadNames(namesPath));
        _regions = new(() => LoadRegions(regionsPath));
    }

    /// <summary>Every region, by code.</summary>
    public IReadOnlyDictionary<string, Region> Regions => _regions.Value.Regions;

    /// <summary>The region a country is in (its M49 sub-region code), or null for none (Antarctica) or an unknown code.</summary>
    public string? RegionOf(string? country) => country is not null && _regions.Value.CountryRegion.TryGetValue(country, out var r) ? r : null;

    /// <summary>Every named country, by code.</summary>
    public IReadOnlyDictionary<string, Country> Countries => _countries.Value;

    /// <summary>A country's name in <paramref name="language"/> (English where it has none; the code itself if unknown).</summary>
    public string CountryName(string code, string language) => Countries.TryGetValue(code, out var c) ? c.Name(language) : code;

    /// <summary>Every region as a form lists it: by its name in the page's language, sorted as that language sorts.</summary>
    public IEnumerable<(string Code, string Name)> RegionChoices()
    {
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        return Regions.Keys.Select(c => (Code: c, Name: RegionName(c, culture.TwoLetterISOLanguageName))).OrderBy(r => r.Name, StringComparer.Create(culture, true));
    }

    /// <summary>A region's name in <paramref name="language"/> (English where it has none; the code itself if unknown).</summary>
    public string RegionName(string code, string language) => Regions.TryGetValue(code, out var r) ? r.Name(language) : code;

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

    private static (Dictionary<string, Region>, Dictionary<string, string>) LoadRegions(string path)
    {
        var regions = new Dictionary<string, Region>(StringComparer.Ordinal);
        var countryRegion = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return (regions, countryRegion);
        string[] languages = ["en", "es", "fr", "ar", "ru"];
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            // A region's line starts with its three-digit code and has its five names; a country's, with two letters and its region.
            if (f.Length == 2) countryRegion[f[0]] = f[1];
            else regions[f[0]] = new Region(f[0], languages.Select((l, i) => (l, Name: f[i + 1])).ToDictionary(x => x.l, x => x.Name));
        }
        return (regions, countryRegion);
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
