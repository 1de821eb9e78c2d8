using System.Globalization;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.HotZones;

/// <summary>Who is looking at a network's hot zones: its coordinators see the figures whole; a grantmaker in the network sees only what is published.</summary>
public enum ZoneAudience { Coordinator = 1, Published = 2 }

/// <summary>One cell as the viewer may see it. <see cref="Count"/> is null for "fewer than k".</summary>
public sealed record ZoneCellView(Hex Cell, int? Count, SpotState State, EmergingClass Class, double? Z, ActBand Band, double Latitude, double Longitude);

/// <summary>One gazetteer area as the viewer may see it: its id, its path in the viewer's language, and the same figures as a cell.</summary>
public sealed record ZoneAreaView(string AreaId, string Name, int? Count, SpotState State, EmergingClass Class, double? Z, ActBand Band);

/// <summary>
/// The scan's most likely cluster as the viewer may see it. For the published audience <see cref="FiguresWithheld"/>:
/// only the cluster's zones that are themselves published are listed, and no count, expectation or duration is given
/// (a cluster's total less the counts shown would give a hidden zone's count away).
/// </summary>
public sealed record ZoneScanView(IReadOnlyList<Hex> Cells, int Periods, int? Observed, double Expected, double P, bool Alarm)
{
    public bool FiguresWithheld { get; init; }
}

/// <summary>
/// A network's hot zones for one period, as the viewer may see them. <see cref="Events"/> is the period's count when every
/// cell is shown whole; otherwise null, and <see cref="AtLeast"/> the sum of the counts shown (a total would give the
/// hidden ones away by difference).
/// </summary>
public sealed record ZonePeriodView(Guid NetworkId, string NetworkName, ZoneAudience Audience, PeriodKind Kind, DateOnly? Period,
    IReadOnlyList<DateOnly> Periods, int? Events, int AtLeast, IReadOnlyList<ZoneCellView> Cells, ZoneScanView? Scan, int MinimumCount)
{
    /// <summary>The period's gazetteer areas (a second layer of zones: the reports that name an area, with or without a cell).</summary>
    public IReadOnlyList<ZoneAreaView> Areas { get; init; } = [];
    /// <summary>The scan over the areas, as <see cref="Scan"/> is over the cells; its cells are empty, its areas named.</summary>
    public ZoneScanView? AreaScan { get; init; }
    public IReadOnlyList<ZoneAreaView> AreaScanAreas { get; init; } = [];
}

/// <summary>
/// One period of a cell's trend: its count (null: fewer than k), or <see cref="Withheld"/> when it is not shown at all
/// (its reports came through one organization), its state and class, and Gi*'s z for coordinators.
/// </summary>
public sealed record ZoneTrendPoint(DateOnly Period, int? Count, bool Withheld, SpotState State, EmergingClass Class, double? Z);

/// <summary>A cell over the last periods, as the viewer may see it.</summary>
public sealed record ZoneTrendView(Guid NetworkId, string NetworkName, ZoneAudience Audience, PeriodKind Kind, Hex Cell, IReadOnlyList<ZoneTrendPoint> Points, int MinimumCount)
{
    /// <summary>The gazetteer area this trend is about (null: the cell) and its path in the viewer's language.</summary>
    public string? AreaId { get; init; }
    public string? AreaName { get; init; }
}

/// <summary>A network the viewer may see hot zones of.</summary>
public sealed record ZoneNetwork(Guid Id, string Name, ZoneAudience Audience);

public static class HotZoneRoutes
{
    public const string List = "/hot-zones";
    public static string Network(Guid id, PeriodKind kind, DateOnly? period) =>
        FormattableString.Invariant($"/hot-zones/{id}?kind={kind.ToString().ToLowerInvariant()}") + (period is { } p ? FormattableString.Invariant($"&period={p:yyyy-MM-dd}") : "");

    public static string Public(Guid id) => FormattableString.Invariant($"/hot-zones/public/{id}");

    public static string Cell(Guid id, PeriodKind kind, Hex cell) =>
        FormattableString.Invariant($"/hot-zones/{id}/cell?kind={kind.ToString().ToLowerInvariant()}&q={cell.Q}&r={cell.R}");

    public static string Area(Guid id, PeriodKind kind, string areaId) =>
        FormattableString.Invariant($"/hot-zones/{id}/cell?kind={kind.ToString().ToLowerInvariant()}&area={Uri.EscapeDataString(areaId)}");
}

/// <summary>
/// What a viewer may see of a network's hot zones — the one place for it, read by the pages and the API.
/// <list type="bullet">
/// <item>The network's coordinators: every computed period, exact counts, every class and the scan (they may read the
/// shared reports themselves).</item>
/// <item>Members of a grantmaker organization in the network: months only, closed at least
/// <see cref="HotZonesOptions.PublishAfterDays"/> ago; a count under <see cref="HotZonesOptions.MinimumCount"/> is "fewer
/// than k" and the period's total is then withheld (complementary suppression: no total, no difference); a cell whose
/// reports all came through one organization is not shown at all, nor a scan cluster of one organization's reports (it
/// would tell who reported).</item>
/// <item>Anyone, on the network's public page while its coordinators keep it on (off by default): the same as grantmakers.</item>
/// <item>Anyone else: nothing (404), as for a network that does not exist.</item>
/// </list>
/// </summary>
public sealed class HotZoneViews(AmparoDbContext db, HexGrid grid, Gazetteer gazetteer, IOptions<HotZonesOptions> options, TimeProvider clock, Audit.AuditLog audit)
{
    private HotZonesOptions Options => options.Value;

    public async Task<List<ZoneNetwork>> NetworksAsync(Guid viewer, CancellationToken ct = default)
    {
        var coordinated = await db.Networks.AsNoTracking().Where(n => db.NetworkCoordinators.Any(c => c.NetworkId == n.Id && c.UserId == viewer))
            .Select(n => new { n.Id, n.Name }).ToListAsync(ct);
        var funded = await db.Networks.AsNoTracking().Where(n => GrantmakerNetworks(viewer).Contains(n.Id))
            .Select(n => new { n.Id, n.Name }).ToListAsync(ct);
        return [.. coordinated.Select(n => new ZoneNetwork(n.Id, n.Name, ZoneAudience.Coordinator))
            .Concat(funded.Where(f => coordinated.All(c => c.Id != f.Id)).Select(n => new ZoneNetwork(n.Id, n.Name, ZoneAudience.Published)))
            .OrderBy(n => n.Name, StringComparer.CurrentCulture)];
    }

    private IQueryable<Guid> GrantmakerNetworks(Guid viewer) =>
        from m in db.Memberships
        where m.UserId == viewer
        join o in db.Organizations on m.OrganizationId equals o.Id
        where o.Kind == OrganizationKind.Grantmaker
        join no in db.NetworkOrganizations on o.Id equals no.OrganizationId
        select no.NetworkId;

    /// <summary>The viewer's audience for a network, or null when they may see nothing of it.</summary>
    public async Task<ZoneAudience?> AudienceAsync(Guid viewer, Guid networkId, CancellationToken ct = default)
    {
        if (await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == viewer, ct)) return ZoneAudience.Coordinator;
        if (await GrantmakerNetworks(viewer).AnyAsync(n => n == networkId, ct)) return ZoneAudience.Published;
        return null;
    }

    /// <summary>One period of a network's hot zones (the latest the viewer may see when <paramref name="period"/> is null), or null: 404.</summary>
    public async Task<ZonePeriodView?> PeriodAsync(Guid viewer, Guid networkId, PeriodKind kind, DateOnly? period, CancellationToken ct = default) =>
        await AudienceAsync(viewer, networkId, ct) is { } audience ? await PeriodForAsync(audience, networkId, kind, period, ct) : null;

    /// <summary>A month of the network's public page (the published rule, for anyone), or null while the page is off: 404.</summary>
    public async Task<ZonePeriodView?> PublicPeriodAsync(Guid networkId, DateOnly? period, CancellationToken ct = default) =>
        await IsPublicAsync(networkId, ct) ? await PeriodForAsync(ZoneAudience.Published, networkId, PeriodKind.Month, period, ct) : null;

    /// <summary>Whether the network's coordinators keep its public page on (off by default).</summary>
    public Task<bool> IsPublicAsync(Guid networkId, CancellationToken ct = default) => db.HotZonePublicPages.AnyAsync(p => p.NetworkId == networkId, ct);

    /// <summary>A coordinator turns the public page on or off, audited; false for anyone else (404).</summary>
    public async Task<bool> SetPublicAsync(Guid viewer, Guid networkId, bool on, CancellationToken ct = default)
    {
        if (!await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == viewer, ct)) return false;
        var existing = await db.HotZonePublicPages.SingleOrDefaultAsync(p => p.NetworkId == networkId, ct);
        if (on == existing is not null) return true;
        if (on) db.HotZonePublicPages.Add(new HotZonePublicPage { NetworkId = networkId, Since = clock.GetUtcNow().UtcDateTime });
        else db.HotZonePublicPages.Remove(existing!);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // two coordinators at once: the page is as asked
        }
        await audit.WriteAsync(Audit.AuditEvents.SharingChanged, viewer, networkId, null, $"hot-zones:public:{(on ? "on" : "off")}", ct);
        return true;
    }

    private async Task<ZonePeriodView?> PeriodForAsync(ZoneAudience audience, Guid networkId, PeriodKind kind, DateOnly? period, CancellationToken ct)
    {
        var name = await db.Networks.Where(n => n.Id == networkId).Select(n => n.Name).SingleAsync(ct);
        var k = Options.MinimumCount;
        var published = audience == ZoneAudience.Published;
        if (published && kind != PeriodKind.Month) return new(networkId, name, audience, kind, null, [], null, 0, [], null, k);

        var periods = VisiblePeriods(networkId, kind, published);
        var starts = await periods.OrderByDescending(p => p.PeriodStart).Select(p => p.PeriodStart).Take(60).ToListAsync(ct);
        var chosen = period is { } wanted ? starts.Contains(Periods.StartOf(kind, wanted)) ? Periods.StartOf(kind, wanted) : (DateOnly?)null : starts.FirstOrDefault();
        if (starts.Count == 0 || chosen is null) return new(networkId, name, audience, kind, null, starts, null, 0, [], null, k);

        var row = await periods.SingleAsync(p => p.PeriodStart == chosen, ct);
        var rows = await db.HotZoneCells.AsNoTracking().Where(c => c.NetworkId == networkId && c.Kind == kind && c.PeriodStart == chosen)
            .ToListAsync(ct);
        var cells = rows.Where(c => !c.IsArea).ToList();
        var (shown, whole) = published ? Published(grid, cells, k)
            : ([.. cells.OrderBy(c => c.Q).ThenBy(c => c.R).Select(c => View(grid, c, c.Count, c.Z, ActBands.Of(c.TopAct)))], true);
        var areaRows = rows.Where(c => c.IsArea).ToList();
        var areas = published
            ? [.. PublishedRows(areaRows, k).Rows.Select(r => AreaView(r.Row, r.Count, null, r.Count is null ? ActBand.Other : ActBands.Of(r.Row.TopAct)))]
            : areaRows.Select(c => AreaView(c, c.Count, c.Z, ActBands.Of(c.TopAct))).ToList();
        areas = [.. areas.OrderByDescending(a => a.Count ?? 0).ThenBy(a => a.Name, StringComparer.CurrentCulture)];
        var areaScanIds = row.AreaScanAreas.Length == 0 ? [] : row.AreaScanAreas.Split(' ');
        if (published) areaScanIds = row.AreaScanAlarm && row.AreaScanOrganizations >= 2 ? [.. areaScanIds.Where(id => areas.Any(a => a.AreaId == id))] : [];
        ZoneScanView? areaScan = areaScanIds.Length == 0 ? null
            : !published ? new([], row.AreaScanPeriods, row.AreaScanObserved, row.AreaScanExpected, row.AreaScanP, row.AreaScanAlarm)
            : new([], 0, null, 0, row.AreaScanP, true) { FiguresWithheld = true };
        IReadOnlyList<ZoneAreaView> areaScanAreas = areaScan is null ? [] : [.. areaScanIds.Select(id => new ZoneAreaView(id, AreaName(id), null, SpotState.None, EmergingClass.NoPattern, null, ActBand.Other))];
        var scanCells = row.ScanCells.Length == 0 ? [] : row.ScanCells.Split(' ').Select(Hex.Parse).ToList();
        if (published) scanCells = row.ScanAlarm && row.ScanOrganizations >= 2 ? [.. scanCells.Where(c => shown.Any(v => v.Cell == c))] : [];
        ZoneScanView? scan = scanCells.Count == 0 ? null
            : !published ? new(scanCells, row.ScanPeriods, row.ScanObserved, row.ScanExpected, row.ScanP, row.ScanAlarm)
            : new(scanCells, 0, null, 0, row.ScanP, true) { FiguresWithheld = true };
        var atLeast = shown.Sum(c => c.Count ?? 0);
        // Complementary suppression: the total only when every count behind it is shown.
        return new(networkId, name, audience, kind, chosen, starts, whole ? row.Events : null, atLeast, shown, scan, k)
        {
            Areas = areas, AreaScan = areaScan, AreaScanAreas = areaScanAreas,
        };
    }

    /// <summary>The computed periods the audience may see: all for coordinators; for the published audience, months closed at least the delay ago.</summary>
    private IQueryable<HotZonePeriod> VisiblePeriods(Guid networkId, PeriodKind kind, bool published)
    {
        var periods = db.HotZonePeriods.AsNoTracking().Where(p => p.NetworkId == networkId && p.Kind == kind);
        if (!published) return periods;
        // A month closes when the next begins: it is published once (start + 1 month) ≤ now − delay.
        var latestStart = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddDays(-Options.PublishAfterDays)).AddMonths(-1);
        return periods.Where(p => p.PeriodStart <= latestStart);
    }

    /// <summary>
    /// One cell over the last <see cref="TrendPeriods"/> computed periods the viewer may see, oldest first (a period with
    /// nothing stored for the cell had no report there), with the same rules as a period's view; null: 404.
    /// </summary>
    public async Task<ZoneTrendView?> TrendAsync(Guid viewer, Guid networkId, PeriodKind kind, Hex cell, CancellationToken ct = default) =>
        await TrendAsync(viewer, networkId, kind, cell, "", ct);

    /// <summary>A gazetteer area's trend, with the same rules as a cell's; null: 404 (an area the gazetteer does not have too).</summary>
    public async Task<ZoneTrendView?> AreaTrendAsync(Guid viewer, Guid networkId, PeriodKind kind, string areaId, CancellationToken ct = default) =>
        gazetteer.Find(areaId) is null ? null : await TrendAsync(viewer, networkId, kind, default, areaId, ct) is { } view ? view with { AreaId = areaId, AreaName = AreaName(areaId) } : null;

    private async Task<ZoneTrendView?> TrendAsync(Guid viewer, Guid networkId, PeriodKind kind, Hex cell, string areaId, CancellationToken ct)
    {
        if (await AudienceAsync(viewer, networkId, ct) is not { } audience) return null;
        var name = await db.Networks.Where(n => n.Id == networkId).Select(n => n.Name).SingleAsync(ct);
        var k = Options.MinimumCount;
        var published = audience == ZoneAudience.Published;
        if (published && kind != PeriodKind.Month) return new(networkId, name, audience, kind, cell, [], k);
        var starts = await VisiblePeriods(networkId, kind, published).OrderByDescending(p => p.PeriodStart).Select(p => p.PeriodStart).Take(TrendPeriods).ToListAsync(ct);
        var first = starts.Count == 0 ? DateOnly.MaxValue : starts.Min();
        var rows = (await db.HotZoneCells.AsNoTracking()
            .Where(c => c.NetworkId == networkId && c.Kind == kind && c.AreaId == areaId && c.Q == cell.Q && c.R == cell.R && c.PeriodStart >= first)
            .ToListAsync(ct)).ToDictionary(c => c.PeriodStart);
        var points = new List<ZoneTrendPoint>();
        foreach (var start in starts.Order())
        {
            if (!rows.TryGetValue(start, out var row))
            {
                points.Add(published ? new(start, null, true, SpotState.None, EmergingClass.NoPattern, null) : new(start, 0, false, SpotState.None, EmergingClass.NoPattern, null));
                continue;
            }
            if (!published)
            {
                points.Add(new(start, row.Count, false, row.State, row.Class, row.Z));
                continue;
            }
            // Nothing published and "withheld" read alike: which zones had one organization's reports is not told either.
            var (shown, _) = PublishedRows([row], k);
            points.Add(shown.Count == 1
                ? new(start, shown[0].Count, false, row.State, row.Class, null)
                : new(start, null, true, SpotState.None, EmergingClass.NoPattern, null));
        }
        return new(networkId, name, audience, kind, cell, points, k);
    }

    /// <summary>How many periods a cell's trend shows.</summary>
    public const int TrendPeriods = 24;

    /// <summary>
    /// A period's cells as a grantmaker may see them, and whether every count is shown (only then may the total be): a
    /// count below <paramref name="k"/> is "fewer than k" (null); a cell whose reports all came through one
    /// organization is left out; no z-scores; the harm band only with a count shown.
    /// </summary>
    public static (List<ZoneCellView> Cells, bool Whole) Published(HexGrid grid, IEnumerable<HotZoneCell> cells, int k)
    {
        var (rows, whole) = PublishedRows(cells.OrderBy(c => c.Q).ThenBy(c => c.R), k);
        return ([.. rows.Select(r => View(grid, r.Row, r.Count, null, r.Count is null ? ActBand.Other : ActBands.Of(r.Row.TopAct)))], whole);
    }

    /// <summary>
    /// The published rule over rows of one layer (cells, or areas): the rows shown with their count (null: fewer than
    /// <paramref name="k"/>), and whether every count is shown. A row of one organization's reports is left out.
    /// </summary>
    public static (List<(HotZoneCell Row, int? Count)> Rows, bool Whole) PublishedRows(IEnumerable<HotZoneCell> cells, int k)
    {
        var shown = new List<(HotZoneCell, int?)>();
        var whole = true;
        foreach (var c in cells)
        {
            if (c.Count == 0 && c.Class == EmergingClass.NoPattern && c.State == SpotState.None) continue;
            if (c.Organizations < 2)
            {
                whole &= c.Count == 0;
                continue;
            }
            var count = c.Count == 0 || c.Count >= k ? c.Count : (int?)null;
            whole &= count is not null;
            shown.Add((c, count));
        }
        return (shown, whole);
    }

    private ZoneAreaView AreaView(HotZoneCell c, int? count, double? z, ActBand band) => new(c.AreaId, AreaName(c.AreaId), count, c.State, c.Class, z, band);

    /// <summary>An area's path in the viewer's language ("Country › Region › District"), or its id when the gazetteer no longer has it.</summary>
    private string AreaName(string areaId) =>
        gazetteer.Find(areaId) is { } area ? gazetteer.PathOf(area, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) : areaId;

    private static ZoneCellView View(HexGrid grid, HotZoneCell c, int? count, double? z, ActBand band)
    {
        var (lat, lon) = grid.Centre(c.Cell);
        return new(c.Cell, count, c.State, c.Class, z, band, lat, lon);
    }

}
