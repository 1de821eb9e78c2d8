using System.Globalization;
using System.Text.Json;
using Amparo.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Incidents;

/// <summary>One administrative area: its names by language, its parent (country → region → district) and its centroid.</summary>
public sealed record GazetteerArea(string Id, string? ParentId, IReadOnlyDictionary<string, string> Names, double Latitude, double Longitude)
{
    /// <summary>The name in the language asked, else English, else any.</summary>
    public string Name(string language) =>
        Names.TryGetValue(language, out var name) ? name : Names.TryGetValue("en", out var en) ? en : Names.Values.First();
}

/// <summary>
/// The installation's administrative areas, read once at start from the operator's GeoJSON file
/// (<see cref="IncidentsOptions.GazetteerPath"/>): a FeatureCollection whose features have <c>properties.id</c>,
/// <c>properties.parent</c> (optional), <c>properties.names</c> (language → name) and <c>properties.centroid</c>
/// ([longitude, latitude], GeoJSON's order); a polygon geometry may be there and is not needed. A file that cannot be read
/// stops the start with the reason (an operator would rather know than lose every area silently).
/// </summary>
public sealed class Gazetteer
{
    public const int MaxIdLength = 64;
    private readonly Dictionary<string, GazetteerArea> _areas;

    public Gazetteer(IOptions<IncidentsOptions> options)
    {
        var path = options.Value.GazetteerPath;
        _areas = string.IsNullOrWhiteSpace(path) ? [] : Load(Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path));
    }

    public bool IsEmpty => _areas.Count == 0;

    public GazetteerArea? Find(string? id) => id is not null && _areas.TryGetValue(id, out var area) ? area : null;

    /// <summary>Every area, in no order.</summary>
    public IReadOnlyCollection<GazetteerArea> Areas => _areas.Values;

    /// <summary>How far down the hierarchy an area is: 0 for an area without a parent (a country), 1 for its regions, and so on.</summary>
    public int DepthOf(GazetteerArea area)
    {
        var depth = 0;
        for (var a = Find(area.ParentId); a is not null && depth < 8; a = Find(a.ParentId)) depth++;
        return depth;
    }

    /// <summary>"Country › Region › District" in the language asked.</summary>
    public string PathOf(GazetteerArea area, string language)
    {
        var names = new List<string>();
        for (var a = area; a is not null && names.Count < 8; a = Find(a.ParentId)) names.Insert(0, a.Name(language));
        return string.Join(" › ", names);
    }

    /// <summary>Every area with its path in the language asked, ordered by path.</summary>
    public IReadOnlyList<(GazetteerArea Area, string Path)> All(string language)
    {
        var compare = StringComparer.Create(CultureInfo.GetCultureInfo(language), CompareOptions.IgnoreCase);
        return _areas.Values.Select(a => (a, PathOf(a, language))).OrderBy(x => x.Item2, compare).ToList();
    }

    private static Dictionary<string, GazetteerArea> Load(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var areas = new Dictionary<string, GazetteerArea>(StringComparer.Ordinal);
            foreach (var feature in json.RootElement.GetProperty("features").EnumerateArray())
            {
                var p = feature.GetProperty("properties");
                var id = p.GetProperty("id").GetString() ?? "";
                if (id.Length is 0 or > MaxIdLength) throw new FormatException($"an area id is empty or longer than {MaxIdLength} characters");
                var names = p.GetProperty("names").EnumerateObject().ToDictionary(n => n.Name, n => n.Value.GetString() ?? "", StringComparer.Ordinal);
                if (names.Count == 0 || names.Values.Any(string.IsNullOrWhiteSpace)) throw new FormatException($"area {id} has no name");
                var centroid = p.GetProperty("centroid");
                var parent = p.TryGetProperty("parent", out var pa) && pa.ValueKind == JsonValueKind.String ? pa.GetString() : null;
                if (!areas.TryAdd(id, new GazetteerArea(id, parent, names, centroid[1].GetDouble(), centroid[0].GetDouble())))
                    throw new FormatException($"area {id} is there twice");
            }
            foreach (var area in areas.Values)
                if (area.ParentId is not null && !areas.ContainsKey(area.ParentId))
                    throw new FormatException($"area {area.Id} names a parent that is not in the file");
            return areas;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException
            or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new StartupRefusedException($"the gazetteer {path} cannot be read ({ex.Message}). Fix the file or empty Incidents:GazetteerPath.");
        }
    }
}
