using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// Computes each network's hot zones when a week or a month closes (<see cref="HotSpotAnalyses"/>, <see cref="ZoneScans"/>), over the reports its
/// member organizations share with it (a grant of <see cref="DataCategory.OrganizationIncidents"/> to the network's
/// coordinators), reviewed and placed on a coarse cell; as of the period's close (only reports Amparo knew of then).
/// Stores the period and its cells, and tells the network's coordinators, in their language, when a cell becomes
/// emerging or intensifying or the scan alarms — only the cell, the period, the act-type band and a count band.
/// </summary>
/// <remarks>
/// A period is stored once: its row's key (network, kind, period) is inserted in the same transaction as its cells and
/// its notifications, so a second instance, or a round repeated after a crash, commits nothing twice. A server that was
/// down computes the periods it missed, up to <see cref="CatchUp"/> back, oldest first.
/// </remarks>
public sealed class HotZoneWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<HotZoneWorker> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "hot-zones";
    /// <summary>How many closed periods back a round looks for one not computed yet.</summary>
    public const int CatchUp = 4;
    public static readonly PeriodKind[] Kinds = [PeriodKind.Week, PeriodKind.Month];

    public override string Name => WorkerName;
    // Periods close at midnight UTC once a week or month: ten minutes late is fine.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(10);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(5);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var networks = await SharingNetworks(db, now).ToListAsync(ct);
        var sent = false;
        foreach (var network in networks)
            foreach (var kind in Kinds)
                for (var back = CatchUp - 1; back >= 0; back--)
                {
                    var period = Periods.Add(kind, Periods.LastClosed(kind, now), -back);
                    if (await db.HotZonePeriods.AnyAsync(p => p.NetworkId == network && p.Kind == kind && p.PeriodStart == period, ct)) continue;
                    sent |= await ComputeAsync(services, db, network, kind, period, now, ct);
                }
        foreach (var network in networks) sent |= await TellGrantmakersAsync(services, db, network, now, ct);
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        return Kinds.Select(k => Periods.ClosesAt(k, Periods.StartOf(k, DateOnly.FromDateTime(now)))).Min();
    }

    /// <summary>Networks at least one member organization shares its reports with today.</summary>
    private static IQueryable<Guid> SharingNetworks(AmparoDbContext db, DateTime now) => SharingGrants(db, now).Select(g => g.GranteeId).Distinct();

    /// <summary>Live grants of an organization's reports to the coordinators of a network it is still a member of.</summary>
    private static IQueryable<AccessGrant> SharingGrants(AmparoDbContext db, DateTime now) =>
        db.AccessGrants.Where(g => g.Category == DataCategory.OrganizationIncidents && g.GranteeKind == GranteeKind.NetworkCoordinators
            && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now)
            && db.NetworkOrganizations.Any(n => n.NetworkId == g.GranteeId && n.OrganizationId == g.OwnerId));

    /// <summary>
    /// The reports a network's hot zones count: those of organizations that share them with it today, reviewed, placed on
    /// a coarse cell, that happened since <paramref name="since"/> (a report known only by its area has no cell here).
    /// </summary>
    public static async Task<List<ZoneEvent>> EventsAsync(AmparoDbContext db, HexGrid grid, Guid networkId, DateOnly since, DateTime now, CancellationToken ct)
    {
        var sharing = SharingGrants(db, now).Where(g => g.GranteeId == networkId).Select(g => g.OwnerId);
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.OrganizationId != null && sharing.Contains(i.OrganizationId.Value) && !i.AwaitingReview
                && i.CellLatitude != null && i.CellLongitude != null && i.OccurredOn >= since)
            .Select(i => new { i.CellLatitude, i.CellLongitude, i.OccurredOn, i.CreatedAt, i.OrganizationId, i.PrimaryAct })
            .ToListAsync(ct);
        return [.. rows.Select(r => new ZoneEvent(grid.CellOf(r.CellLatitude!.Value, r.CellLongitude!.Value), r.OccurredOn, r.CreatedAt, r.OrganizationId, r.PrimaryAct))];
    }

    /// <summary>The reports a network's hot zones count by gazetteer area: the same reports as <see cref="EventsAsync"/>, those that name an area (with or without a cell).</summary>
    public static async Task<List<AreaEvent>> AreaEventsAsync(AmparoDbContext db, Guid networkId, DateOnly since, DateTime now, CancellationToken ct)
    {
        var sharing = SharingGrants(db, now).Where(g => g.GranteeId == networkId).Select(g => g.OwnerId);
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.OrganizationId != null && sharing.Contains(i.OrganizationId.Value) && !i.AwaitingReview && i.AreaId != null && i.OccurredOn >= since)
            .Select(i => new { i.AreaId, i.OccurredOn, i.CreatedAt, i.OrganizationId, i.PrimaryAct })
            .ToListAsync(ct);
        return [.. rows.Select(r => new AreaEvent(r.AreaId!, r.OccurredOn, r.CreatedAt, r.OrganizationId, r.PrimaryAct))];
    }

    /// <returns>True when this round stored the period and queued its alerts (false: another instance did first).</returns>
    private async Task<bool> ComputeAsync(IServiceProvider services, AmparoDbContext db, Guid networkId, PeriodKind kind, DateOnly period, DateTime now, CancellationToken ct)
    {
        var grid = services.GetRequiredService<HexGrid>();
        var options = services.GetRequiredService<IOptions<HotZonesOptions>>().Value;
        var (spots, scan) = (options.Spots, options.Scan);
        var since = Periods.Add(kind, period, -Math.Max(spots.SeriesPeriods, scan.StudyPeriods));
        var events = await EventsAsync(db, grid, networkId, since, now, ct);
        var analysis = HotSpotAnalyses.AsOf(events, kind, period, spots);
        var zoneScan = ZoneScans.AsOf(events, grid, kind, period, scan);
        var layout = services.GetRequiredService<AreaLayout>();
        var areaEvents = await AreaEventsAsync(db, networkId, since, now, ct);
        var areas = AreaAnalyses.AsOf(areaEvents, layout, kind, period, spots);
        var areaScan = AreaAnalyses.ScanAsOf(areaEvents, layout, kind, period, options.AreaScan);
        var previous = Periods.Add(kind, period, -1);
        var wasEmergingRows = await db.HotZoneCells.AsNoTracking()
            .Where(c => c.NetworkId == networkId && c.Kind == kind && c.PeriodStart == previous && Emerging.Contains(c.Class))
            .Select(c => new { c.AreaId, c.Q, c.R }).ToListAsync(ct);
        var wasEmerging = wasEmergingRows.Where(c => c.AreaId.Length == 0).Select(c => new Hex(c.Q, c.R)).ToHashSet();
        var areaWasEmerging = wasEmergingRows.Where(c => c.AreaId.Length > 0).Select(c => c.AreaId).ToHashSet(StringComparer.Ordinal);

        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var cluster = zoneScan.Result.MostLikely;
            db.HotZonePeriods.Add(new HotZonePeriod
            {
                NetworkId = networkId, Kind = kind, PeriodStart = period, ComputedAt = now,
                Events = analysis.Cells.Sum(c => c.Count),
                ScanCells = JoinCapped(zoneScan.Cells.Select(c => c.ToString()), 4000), ScanPeriods = cluster?.Periods ?? 0, ScanObserved = (int)(cluster?.Observed ?? 0),
                ScanExpected = cluster?.Expected ?? 0, ScanP = zoneScan.Result.P, ScanOrganizations = zoneScan.Organizations, ScanAlarm = zoneScan.Alarm,
                AreaScanAreas = JoinCapped(areaScan.Areas, 8000), AreaScanPeriods = areaScan.Result.MostLikely?.Periods ?? 0,
                AreaScanObserved = (int)(areaScan.Result.MostLikely?.Observed ?? 0), AreaScanExpected = areaScan.Result.MostLikely?.Expected ?? 0,
                AreaScanP = areaScan.Result.P, AreaScanOrganizations = areaScan.Organizations, AreaScanAlarm = areaScan.Alarm,
            });
            foreach (var (id, f) in areas.Where(a => a.Figures.Count > 0 || a.Figures.State != SpotState.None || a.Figures.Class != EmergingClass.NoPattern))
                db.HotZoneCells.Add(new HotZoneCell
                {
                    NetworkId = networkId, Kind = kind, PeriodStart = period, AreaId = id, Count = f.Count, Organizations = f.Organizations,
                    Z = double.IsNaN(f.Z) ? null : f.Z, P = double.IsNaN(f.P) ? null : f.P, State = f.State, Class = f.Class, TopAct = f.TopAct,
                });
            foreach (var c in analysis.Cells.Where(c => c.Count > 0 || c.State != SpotState.None || c.Class != EmergingClass.NoPattern))
                db.HotZoneCells.Add(new HotZoneCell
                {
                    NetworkId = networkId, Kind = kind, PeriodStart = period, Q = c.Cell.Q, R = c.Cell.R, Count = c.Count, Organizations = c.Organizations,
                    Z = double.IsNaN(c.Z) ? null : c.Z, P = double.IsNaN(c.P) ? null : c.P, State = c.State, Class = c.Class, TopAct = c.TopAct,
                });

            // A cell told about is one with reports of its own in the period: its empty neighbours share its Gi* but are not news.
            var alerts = analysis.Cells.Where(c => Emerging.Contains(c.Class) && !wasEmerging.Contains(c.Cell) && c.Count > 0)
                .OrderByDescending(c => c.Count)
                .Select(c => new ZoneAlert(c.Cell, c.Class, c.Count, c.TopAct)).ToList();
            if (zoneScan.Alarm) alerts.Add(new ZoneAlert(zoneScan.Cells[0], null, (int)cluster!.Observed, zoneScan.TopAct));
            alerts.AddRange(areas.Where(a => Emerging.Contains(a.Figures.Class) && !areaWasEmerging.Contains(a.AreaId) && a.Figures.Count > 0)
                .OrderByDescending(a => a.Figures.Count)
                .Select(a => new ZoneAlert(default, a.Figures.Class, a.Figures.Count, a.Figures.TopAct, a.AreaId)));
            if (areaScan.Alarm) alerts.Add(new ZoneAlert(default, null, (int)areaScan.Result.MostLikely!.Observed, areaScan.TopAct, areaScan.Areas[0]));
            if (alerts.Count > 0)
            {
                var notifier = services.GetRequiredService<Notifier>();
                var texts = services.GetRequiredService<MessageTexts>();
                var coordinators = await db.Users.AsNoTracking()
                    .Where(u => db.NetworkCoordinators.Any(n => n.NetworkId == networkId && n.UserId == u.Id) && u.Email != null)
                    .ToListAsync(ct);
                foreach (var user in coordinators)
                    await notifier.EnqueueAsync(db, Message(texts, user, networkId, kind, period, alerts), ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            Logger.LogInformation("Hot zones of network {NetworkId}, {Kind} {Period}: {Cells} cells, {Areas} areas, {Alerts} alerts", networkId, kind, period, analysis.Cells.Count, areas.Count, alerts.Count);
            return alerts.Count > 0;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            // Only the period's key can collide; anything else is a fault the worker's loop reports and retries.
            if (!await db.HotZonePeriods.AnyAsync(p => p.NetworkId == networkId && p.Kind == kind && p.PeriodStart == period, ct)) throw;
            Logger.LogInformation("Hot zones of network {NetworkId}, {Kind} {Period} were computed by another worker", networkId, kind, period);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A cluster's zones, nearest its centre first, as many as fit the column (a huge circle of small areas is cut, never refused).</summary>
    private static string JoinCapped(IEnumerable<string> ids, int max)
    {
        var joined = new System.Text.StringBuilder();
        foreach (var id in ids)
        {
            if (joined.Length + id.Length + 1 > max) break;
            if (joined.Length > 0) joined.Append(' ');
            joined.Append(id);
        }
        return joined.ToString();
    }

    /// <summary>
    /// Once a month is published (closed at least <see cref="HotZonesOptions.PublishAfterDays"/> ago), tells the admins of
    /// each grantmaker organization in the network of its published new, consecutive or intensifying cells, and of a scan
    /// alarm that passes the same rules, in the countries the organization funds in (<see cref="GrantmakerRegion"/>):
    /// exactly what the grantmaker's page shows (<see cref="HotZoneViews.Published"/>), nothing of one organization's
    /// reports, no count below the minimum. Once per month, claimed in the same transaction as the messages; only the
    /// month just published (a first start does not send old news).
    /// </summary>
    private async Task<bool> TellGrantmakersAsync(IServiceProvider services, AmparoDbContext db, Guid networkId, DateTime now, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<HotZonesOptions>>().Value;
        var latest = DateOnly.FromDateTime(now.AddDays(-options.PublishAfterDays)).AddMonths(-1);
        var due = await db.HotZonePeriods.AsNoTracking()
            .Where(p => p.NetworkId == networkId && p.Kind == PeriodKind.Month && p.GrantmakersToldAt == null && p.PeriodStart <= latest && p.PeriodStart > latest.AddMonths(-1))
            .ToListAsync(ct);
        if (due.Count == 0) return false;
        var grid = services.GetRequiredService<HexGrid>();
        var outlines = services.GetRequiredService<CountryOutlines>();
        var followers = await (
            from no in db.NetworkOrganizations
            where no.NetworkId == networkId
            join o in db.Organizations on no.OrganizationId equals o.Id
            where o.Kind == Organizations.OrganizationKind.Grantmaker
            join r in db.GrantmakerRegions on o.Id equals r.OrganizationId
            select new { r.OrganizationId, r.Country }).ToListAsync(ct);
        var sent = false;
        foreach (var period in due)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var claimed = await db.HotZonePeriods
                .Where(p => p.NetworkId == networkId && p.Kind == PeriodKind.Month && p.PeriodStart == period.PeriodStart && p.GrantmakersToldAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.GrantmakersToldAt, now), ct);
            if (claimed == 0) continue; // another instance told them
            var rows = await db.HotZoneCells.AsNoTracking()
                .Where(c => c.NetworkId == networkId && c.Kind == PeriodKind.Month && c.PeriodStart == period.PeriodStart).ToListAsync(ct);
            var publishedRows = HotZoneViews.PublishedRows(rows.Where(c => !c.IsArea), options.MinimumCount).Rows
                .Concat(HotZoneViews.PublishedRows(rows.Where(c => c.IsArea), options.MinimumCount).Rows).ToList();
            var alerts = publishedRows.Where(c => Emerging.Contains(c.Row.Class) && c.Count > 0).OrderByDescending(c => c.Count)
                .Select(c => new ZoneAlert(c.Row.Cell, c.Row.Class, c.Count!.Value, c.Row.TopAct, c.Row.IsArea ? c.Row.AreaId : null)).ToList();
            // A scan alarm is told by the nearest of its zones that is itself published with a count, and by that zone's
            // count: the cluster's total, less the counts shown, would give a hidden zone's count away.
            if (period.ScanAlarm && period.ScanOrganizations >= 2 && period.ScanCells.Length > 0
                && period.ScanCells.Split(' ').Select(Hex.Parse).Select(h => publishedRows.FirstOrDefault(r => !r.Row.IsArea && r.Row.Cell == h && r.Count > 0)).FirstOrDefault(r => r.Row is not null) is { Row: { } cellRow } cell)
                alerts.Add(new ZoneAlert(cellRow.Cell, null, cell.Count!.Value, IncidentActs.None));
            if (period.AreaScanAlarm && period.AreaScanOrganizations >= 2 && period.AreaScanAreas.Length > 0
                && period.AreaScanAreas.Split(' ').Select(id => publishedRows.FirstOrDefault(r => r.Row.IsArea && r.Row.AreaId == id && r.Count > 0)).FirstOrDefault(r => r.Row is not null) is { Row: { } areaRow } area)
                alerts.Add(new ZoneAlert(default, null, area.Count!.Value, IncidentActs.None, areaRow.AreaId));
            var gazetteer = services.GetRequiredService<Gazetteer>();
            var countryOf = alerts.Distinct().ToDictionary(a => a, a =>
            {
                var (lat, lon) = a.AreaId is null ? grid.Centre(a.Cell) : gazetteer.Find(a.AreaId) is { } area ? (area.Latitude, area.Longitude) : (double.NaN, double.NaN);
                return double.IsNaN(lat) ? null : outlines.CountryOf(lat, lon);
            });
            var notifier = services.GetRequiredService<Notifier>();
            var texts = services.GetRequiredService<MessageTexts>();
            foreach (var organization in followers.GroupBy(f => f.OrganizationId))
            {
                var countries = organization.Select(f => f.Country).ToHashSet();
                var theirs = alerts.Where(a => countryOf[a] is { } c && countries.Contains(c)).ToList();
                if (theirs.Count == 0) continue;
                var admins = await db.Users.AsNoTracking()
                    .Where(u => db.Memberships.Any(m => m.OrganizationId == organization.Key && m.UserId == u.Id && m.Role == Organizations.OrgRole.OrgAdmin) && u.Email != null)
                    .ToListAsync(ct);
                foreach (var admin in admins)
                    await notifier.EnqueueAsync(db, Message(texts, admin, networkId, PeriodKind.Month, period.PeriodStart, theirs, "grantmaker:" + organization.Key.ToString("N")), ct);
                sent |= admins.Count > 0;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            Logger.LogInformation("Hot zones of network {NetworkId}, month {Period}: published, {Alerts} alerts for grantmakers", networkId, period.PeriodStart, alerts.Count);
        }
        return sent;
    }

    /// <summary>The classes that are news to a coordinator: a hot zone that appeared or grows.</summary>
    public static readonly EmergingClass[] Emerging = [EmergingClass.New, EmergingClass.Consecutive, EmergingClass.Intensifying];

    /// <summary>
    /// One thing to tell: a cell, or a gazetteer area (<see cref="AreaId"/>), that became emerging or intensifying
    /// (<see cref="Class"/>), or a scan's alarm (no class).
    /// </summary>
    public sealed record ZoneAlert(Hex Cell, EmergingClass? Class, int Count, IncidentActs Act, string? AreaId = null);

    /// <summary>At most this many cells are named in one message; the map behind sign-in has them all.</summary>
    public const int CellsPerMessage = 10;

    /// <summary>
    /// One period's alert to one coordinator, in their language: for each cell (its grid name, which says nothing without
    /// the map behind sign-in; an area of the gazetteer is not named at all) what it became, the act-type band and a count band; the period; a link — no organization,
    /// no report, no place name.
    /// </summary>
    public static Notification Message(MessageTexts texts, User user, Guid networkId, PeriodKind kind, DateOnly period, IReadOnlyList<ZoneAlert> alerts, string audience = "coordinator")
    {
        var language = user.Language;
        var lines = alerts.Take(CellsPerMessage).Select(a => texts.Text(language, false, "HotZones.Msg.Cell",
            a.Class is { } c ? texts.Text(language, false, "HotZones.Class." + c) : texts.Text(language, false, "HotZones.Msg.Scan"),
            a.AreaId is null ? a.Cell.ToString() : texts.Text(language, false, "HotZones.Msg.AnArea"),
            texts.Text(language, false, "HotZones.Band." + ActBands.Of(a.Act)), texts.Text(language, false, CountBands.KeyOf(a.Count))));
        if (alerts.Count > CellsPerMessage) lines = lines.Append(texts.Text(language, false, "HotZones.Msg.More", alerts.Count - CellsPerMessage));
        var text = string.Join("\n", [texts.Text(language, false, "HotZones.Msg.Intro", PeriodLabel(texts, language, kind, period)), .. lines,
            texts.Text(language, false, "HotZones.Msg.Link", texts.Url(HotZoneRoutes.Network(networkId, kind, period)))]);
        return new Notification($"hot-zone:{networkId:N}:{(int)kind}:{period.DayNumber}:{audience}:{user.Id:N}",
            new(NotificationSourceKind.Account, user.Id), NotificationPriority.Normal, language,
            [new Destination(ChannelKind.Email, user.Email!)], texts.Text(language, false, "HotZones.Mail.Subject"), text);
    }

    public static string PeriodLabel(MessageTexts texts, string language, PeriodKind kind, DateOnly period)
    {
        var culture = CultureInfo.GetCultureInfo(Cultures.IsSupported(language) ? language : "en");
        return kind switch
        {
            PeriodKind.Week => texts.Text(language, false, "HotZones.Period.Week", period.ToString("d", culture)),
            PeriodKind.Month => period.ToString("MMMM yyyy", culture),
            PeriodKind.Year => period.ToString("yyyy", culture),
        };
    }

}

/// <summary>The act-type bands alerts and published figures use: a kind of harm, never the exact act of a report.</summary>
public enum ActBand { LifeAndBody = 1, Liberty = 2, Intimidation = 3, Digital = 4, Other = 5 }

public static class ActBands
{
    private const IncidentActs LifeAndBody = IncidentActs.KillingOrAttempt | IncidentActs.DisappearanceOrAbduction
        | IncidentActs.PhysicalAttackOrTorture | IncidentActs.SexualOrGenderBasedViolence;
    private const IncidentActs Liberty = IncidentActs.ArrestOrDetention | IncidentActs.JudicialHarassment | IncidentActs.TravelRestriction;
    private const IncidentActs Intimidation = IncidentActs.Threat | IncidentActs.Surveillance | IncidentActs.SmearCampaign | IncidentActs.RaidOrPropertyDamage;

    /// <summary>The band of a report's primary act (the gravest band when several acts are given).</summary>
    public static ActBand Of(IncidentActs act) =>
        (act & LifeAndBody) != 0 ? ActBand.LifeAndBody
        : (act & Liberty) != 0 ? ActBand.Liberty
        : (act & Intimidation) != 0 ? ActBand.Intimidation
        : (act & IncidentActs.DigitalAttack) != 0 ? ActBand.Digital
        : ActBand.Other;
}

/// <summary>Counts told in bands (an alert and a published figure never give an exact small number).</summary>
public static class CountBands
{
    public static string KeyOf(int count) => count switch
    {
        < 5 => "HotZones.Count.Under5",
        < 10 => "HotZones.Count.From5",
        < 20 => "HotZones.Count.From10",
        _ => "HotZones.Count.From20",
    };
}
