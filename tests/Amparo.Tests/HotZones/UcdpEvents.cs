using System.Globalization;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;

namespace Amparo.Tests.HotZones;

/// <summary>
/// UCDP GED 23.1's events in the Central African Republic (Sundberg &amp; Melander 2013; Davies, Pettersson &amp; Öberg 2023;
/// republished CC0 by optgeo/ucdp-23.1-482), read from <c>../shared/data</c> beside the repository — never copied into it —
/// as hot zones see them: events placed to at least the district (<c>where_prec</c> ≤ 3), each known on the day it began.
/// Used by the acceptance tests and the bench.
/// With each cell, the first-level area most of its events name (to find a place by name). The same events by their
/// second-level area (<c>adm_2</c>) too, as reports that name a gazetteer area, with a gazetteer of those areas whose
/// centres are the mean of their events' coordinates (UCDP gives names, not centres).
/// </summary>
public sealed record UcdpEvents(List<ZoneEvent> Events, Dictionary<Hex, string> Areas, List<AreaEvent> AreaEvents, AreaLayout Layout)
{
    public string AreaOf(Hex cell) => Areas.GetValueOrDefault(cell, "");

    public static UcdpEvents Load(HexGrid grid)
    {
        var path = Path.GetFullPath(Path.Combine(ChildApp.RepositoryRoot(), "..", "shared", "data", "ucdp-ged-23.1-central-african-republic.csv"));
        if (!File.Exists(path)) throw new FileNotFoundException($"the acceptance data is read from {path} (beside the repository; see ../shared/data/README.md)", path);
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',').Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        var events = new List<ZoneEvent>();
        var names = new Dictionary<Hex, Dictionary<string, int>>();
        var areaEvents = new List<AreaEvent>();
        var centres = new Dictionary<string, (double Latitude, double Longitude, int Count)>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            if (int.Parse(f[header["where_prec"]], CultureInfo.InvariantCulture) > 3) continue;
            var (latitude, longitude) = (double.Parse(f[header["latitude"]], CultureInfo.InvariantCulture), double.Parse(f[header["longitude"]], CultureInfo.InvariantCulture));
            var cell = grid.CellOf(latitude, longitude);
            var day = DateOnly.ParseExact(f[header["date_start"]], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            events.Add(new ZoneEvent(cell, day, day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), null, IncidentActs.KillingOrAttempt));
            var area = f[header["adm_2"]];
            areaEvents.Add(new AreaEvent(area, day, day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), null, IncidentActs.KillingOrAttempt));
            var (sumLat, sumLon, n) = centres.GetValueOrDefault(area);
            centres[area] = (sumLat + latitude, sumLon + longitude, n + 1);
            var counts = names.TryGetValue(cell, out var c) ? c : names[cell] = [];
            counts[f[header["adm_1"]]] = counts.GetValueOrDefault(f[header["adm_1"]]) + 1;
        }
        if (events.Count != 1737) throw new InvalidDataException($"expected 1,737 events placed to the district or better, read {events.Count}");
        var layout = new AreaLayout(centres.Select(c => (c.Key, 1, c.Value.Latitude / c.Value.Count, c.Value.Longitude / c.Value.Count)));
        return new UcdpEvents(events, names.ToDictionary(n => n.Key, n => n.Value.MaxBy(v => v.Value).Key), areaEvents, layout);
    }
}
