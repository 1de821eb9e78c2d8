using System.Net;
using Amparo.Tests.CheckIns;
using System.Text.Json.Nodes;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Tests.HotZones;

/// <summary>
/// Hot zones on both databases (issue 13): the worker computes a network's closed periods over the reports its
/// organizations share with it — not reports awaiting review, not an organization that does not share — tells its
/// coordinators once, with only the cell, the period, the act-type band and a count band; the coordinator sees every
/// figure; a grantmaker in the network sees only published months with the privacy rules; anyone else nothing.
/// </summary>
public abstract class HotZoneTests(AppFixture app)
{
    private sealed record Setup(Guid Network, Guid OrgA, Guid OrgB, Guid Silent, OrgKit.Person Coordinator, OrgKit.Person Funder,
        OrgKit.Person Stranger, OrgKit.Person OtherCoordinator, OrgKit.Person AdminA, string NameA,
        Guid FunderOrg, OrgKit.Person FunderAdmin, Guid OtherFunderOrg, OrgKit.Person OtherFunderAdmin);

    private async Task<Setup> NetworkAsync()
    {
        var adminA = await app.PersonAsync("hzadmina");
        var nameA = "Colectivo " + Guid.NewGuid().ToString("N")[..6];
        var orgA = await app.OrganizationAsync(adminA, nameA);
        var adminB = await app.PersonAsync("hzadminb");
        var orgB = await app.OrganizationAsync(adminB);
        var adminD = await app.PersonAsync("hzadmind");
        var silent = await app.OrganizationAsync(adminD);
        var funderAdmin = await app.PersonAsync("hzfunderadmin");
        var funderOrg = await app.OrganizationAsync(funderAdmin);
        var funder = await app.PersonAsync("hzfunder");
        var otherFunderAdmin = await app.PersonAsync("hzotherfunder");
        var otherFunderOrg = await app.OrganizationAsync(otherFunderAdmin);
        await app.AddMemberAsync(funderOrg, funder);
        var coordinator = await app.PersonAsync("hzcoord");
        await app.AddMemberAsync(orgB, coordinator); // coordinators belong to a member organization
        var otherCoordinator = await app.PersonAsync("hzothercoord");
        var otherOrg = await app.OrganizationAsync(otherCoordinator);
        var stranger = await app.PersonAsync("hzstranger");
        var network = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            await db.Organizations.Where(o => o.Id == funderOrg || o.Id == otherFunderOrg).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker));
            var n = (await networks.CreateAsync("Red " + Guid.NewGuid().ToString("N")[..6], null))!.Id;
            var other = (await networks.CreateAsync("Otra " + Guid.NewGuid().ToString("N")[..6], null))!.Id;
            foreach (var o in new[] { orgA, orgB, silent, funderOrg, otherFunderOrg }) Assert.True(await networks.AddOrganizationAsync(n, o, null));
            Assert.True(await networks.AddOrganizationAsync(other, otherOrg, null));
            Assert.True(await networks.AddCoordinatorAsync(n, coordinator.Id, null));
            Assert.True(await networks.AddCoordinatorAsync(other, otherCoordinator.Id, null));
            var incidents = sp.GetRequiredService<IncidentService>();
            Assert.Equal(IncidentWriteStatus.Done, (await incidents.SetNetworkShareAsync(adminA.Id, orgA, n, true)).Status);
            Assert.Equal(IncidentWriteStatus.Done, (await incidents.SetNetworkShareAsync(adminB.Id, orgB, n, true)).Status);
            return n;
        });
        return new Setup(network, orgA, orgB, silent, coordinator, funder, stranger, otherCoordinator, adminA, nameA, funderOrg, funderAdmin, otherFunderOrg, otherFunderAdmin);
    }

    /// <summary>A report placed at a cell of the grid, as a report with a point is stored (its coarse cell only).</summary>
    private static Incident Report(HexGrid grid, Hex cell, Guid org, DateOnly on, IncidentActs act = IncidentActs.PhysicalAttackOrTorture, bool awaiting = false)
    {
        var (lat, lon) = grid.Centre(cell);
        var (cellLat, cellLon) = CoarseCell.Snap(lat, lon)!.Value;
        var at = on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        return new Incident
        {
            Id = Guid.NewGuid(), OrganizationId = org, OccurredOn = on, Precision = DatePrecision.Day, Acts = act, PrimaryAct = act,
            CellLatitude = cellLat, CellLongitude = cellLon, AwaitingReview = awaiting, Status = IncidentStatus.New, CreatedAt = at, UpdatedAt = at,
        };
    }

    private static async Task<JsonObject> JsonAsync(TestClient client, string url, string token)
    {
        using var response = await client.SendAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task AClosedMonth_WithASurge_IsComputedOnce_TellsTheCoordinatorOnly_AndEachViewerSeesWhatTheRulesAllow()
    {
        var s = await NetworkAsync();
        var grid = app.Services.GetRequiredService<HexGrid>();
        var now = app.Now();
        var lastMonth = Periods.LastClosed(PeriodKind.Month, now);
        var published = lastMonth.AddMonths(-1); // closed at least 14 days ago, whatever today's date
        // Each network's figures are its own: other tests' reports elsewhere in the host do not count here.
        var origin = grid.CellOf(2.44, -76.6);
        Hex At(int q, int r) => new(origin.Q + q, origin.R + r);
        var surge = At(0, 0);
        var oneOrganization = At(9, 0);
        var few = At(0, 9);
        var awaiting = At(-9, 0);
        var silentCell = At(0, -9);

        var rows = new List<Incident>();
        // A quiet background: each month of the series, one report in each of twelve cells far apart, A and B in turn.
        for (var m = 0; m < 10; m++)
            for (var k = 0; k < 12; k++)
                rows.Add(Report(grid, At(3 * (k % 4) - 4, 3 * (k / 4) + 3), k % 2 == 0 ? s.OrgA : s.OrgB, lastMonth.AddMonths(-m).AddDays(k % 20)));
        // Last month: twelve reports in one cell, from both organizations.
        for (var k = 0; k < 12; k++) rows.Add(Report(grid, surge, k % 2 == 0 ? s.OrgA : s.OrgB, lastMonth.AddDays(k)));
        // The month before: six reports of one organization only, and three from both.
        for (var k = 0; k < 6; k++) rows.Add(Report(grid, oneOrganization, s.OrgA, published.AddDays(k)));
        for (var k = 0; k < 3; k++) rows.Add(Report(grid, few, k == 0 ? s.OrgA : s.OrgB, published.AddDays(k), IncidentActs.Threat));
        // And eight from both in a cell of their own: published, and news to a grantmaker that funds in the country.
        var both = At(5, -6);
        for (var k = 0; k < 8; k++) rows.Add(Report(grid, both, k % 2 == 0 ? s.OrgA : s.OrgB, published.AddDays(k)));
        // Not counted: reports awaiting review, and an organization that does not share.
        for (var k = 0; k < 30; k++) rows.Add(Report(grid, awaiting, s.OrgA, lastMonth.AddDays(k % 25), awaiting: true));
        for (var k = 0; k < 30; k++) rows.Add(Report(grid, silentCell, s.Silent, lastMonth.AddDays(k % 25)));
        await app.WithDbAsync(async db =>
        {
            db.Incidents.AddRange(rows);
            return await db.SaveChangesAsync();
        });

        // The grantmakers' admins choose the countries they fund in; no one else may.
        var (bothLat, bothLon) = grid.Centre(both);
        Assert.Equal("EC", app.Services.GetRequiredService<CountryOutlines>().CountryOf(bothLat, bothLon));
        await app.WithServicesAsync(async sp =>
        {
            var regions = sp.GetRequiredService<GrantmakerRegions>();
            Assert.True(await regions.SetAsync(s.FunderAdmin.Id, s.FunderOrg, "EC", true));
            Assert.True(await regions.SetAsync(s.OtherFunderAdmin.Id, s.OtherFunderOrg, "PE", true));
            Assert.False(await regions.SetAsync(s.Funder.Id, s.FunderOrg, "PE", true)); // a member, not an admin
            Assert.False(await regions.SetAsync(s.AdminA.Id, s.OrgA, "CO", true)); // not a grantmaker
            Assert.False(await regions.SetAsync(s.FunderAdmin.Id, s.FunderOrg, "ZZ", true)); // no such country
            Assert.Equal(["EC"], (await regions.ListAsync(s.FunderAdmin.Id, s.FunderOrg))!.Value.Countries);
            return 0;
        });

        var worker = app.Services.GetRequiredService<HotZoneWorker>();
        await worker.RunOnceAsync(CancellationToken.None);
        await worker.RunOnceAsync(CancellationToken.None); // a second round (or a second instance) adds nothing
        await app.Services.GetRequiredService<Amparo.Web.Features.Notifications.OutboxDispatcher>().RunOnceAsync(CancellationToken.None);

        var stored = await app.WithDbAsync(db => db.HotZoneCells.AsNoTracking().Where(c => c.NetworkId == s.Network && c.Kind == PeriodKind.Month && c.PeriodStart == lastMonth).ToListAsync());
        var surgeRow = Assert.Single(stored, c => c.Cell == surge);
        Assert.Equal((12, 2, SpotState.Hot, EmergingClass.New), (surgeRow.Count, surgeRow.Organizations, surgeRow.State, surgeRow.Class));
        Assert.DoesNotContain(stored, c => c.Cell == awaiting && c.Count > 0);
        Assert.DoesNotContain(stored, c => c.Cell == silentCell && c.Count > 0);
        Assert.Equal(HotZoneWorker.Kinds.Length * HotZoneWorker.CatchUp,
            await app.WithDbAsync(db => db.HotZonePeriods.CountAsync(p => p.NetworkId == s.Network)));

        // The coordinator is told once for the month, in a message with the cell, the period, the band and the count band only.
        var monthMail = Assert.Single(app.MailTo(s.Coordinator.Email), m => (m.TextBody ?? "").Contains(lastMonth.ToString("MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en")), StringComparison.Ordinal));
        Assert.Equal("Amparo: a hot zone in your network", monthMail.Subject);
        Assert.Contains($"new hot zone — cell {surge}. Most reported harm: life and physical integrity. Reports: 10 to 19.", monthMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(s.NameA, monthMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(awaiting.ToString(), monthMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.Empty(app.MailTo(s.Funder.Email));
        // The grantmaker's admin, who funds in Ecuador (the cell lies there), is told of the published month once: the cell of both
        // organizations' reports, never the cell of one organization's reports; the one who funds in Peru hears nothing.
        var funderMail = Assert.Single(app.MailTo(s.FunderAdmin.Email));
        Assert.Contains(published.ToString("MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en")), funderMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.Contains($"cell {both}. Most reported harm: life and physical integrity. Reports: 5 to 9.", funderMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(oneOrganization.ToString(), funderMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.Empty(app.MailTo(s.OtherFunderAdmin.Email));
        Assert.Empty(app.MailTo(s.OtherCoordinator.Email));
        Assert.Empty(app.MailTo(s.AdminA.Email));

        // The coordinator's page, without JavaScript: the map, the table, the class, exact counts.
        using var coordinator = await app.SignedInAsync(s.Coordinator);
        var page = await coordinator.GetAsync(HotZoneRoutes.Network(s.Network, PeriodKind.Month, lastMonth));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<svg", page.Html, StringComparison.Ordinal);
        Assert.Contains($">{surge}</a>", page.Html, StringComparison.Ordinal);
        Assert.Contains("new hot zone", page.Html, StringComparison.Ordinal);
        var coordinatorToken = await app.ApiTokenAsync(s.Coordinator);
        var api = await JsonAsync(coordinator, $"/api/v1/hot-zones/{s.Network}?kind=month&period={lastMonth:yyyy-MM-dd}", coordinatorToken);
        var surgeJson = api!["cells"]!.AsArray().Single(c => (string)c!["cell"]! == surge.ToString())!;
        Assert.Equal((12, "new", "hot"), ((int)surgeJson["count"]!, (string)surgeJson["class"]!, (string)surgeJson["state"]!));
        Assert.Equal("coordinator", (string)api["audience"]!);

        // The grantmaker: last month is too recent; the month before shows "fewer than 5" and not the one-organization cell.
        using var funder = await app.SignedInAsync(s.Funder);
        var funderToken = await app.ApiTokenAsync(s.Funder);
        var tooSoon = await JsonAsync(funder, $"/api/v1/hot-zones/{s.Network}?kind=month&period={lastMonth:yyyy-MM-dd}", funderToken);
        Assert.Null(tooSoon!["period"]);
        Assert.DoesNotContain(tooSoon["periods"]!.AsArray(), d => (string)d! == lastMonth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var view = await JsonAsync(funder, $"/api/v1/hot-zones/{s.Network}?kind=month&period={published:yyyy-MM-dd}", funderToken);
        Assert.Equal("published", (string)view!["audience"]!);
        var cells = view["cells"]!.AsArray();
        Assert.DoesNotContain(cells, c => (string)c!["cell"]! == oneOrganization.ToString());
        var fewJson = cells.Single(c => (string)c!["cell"]! == few.ToString())!;
        Assert.True((bool)fewJson["fewerThanMinimum"]!);
        Assert.Null(fewJson["count"]);
        Assert.Null(view["events"]); // a total would give the hidden counts away
        Assert.All(cells, c => Assert.Null(c!["giStarZ"]));
        Assert.Empty((await JsonAsync(funder, $"/api/v1/hot-zones/{s.Network}?kind=week", funderToken))["cells"]!.AsArray()); // weeks are not published
        var funderPage = await funder.GetAsync(HotZoneRoutes.Network(s.Network, PeriodKind.Month, published));
        Assert.Contains("fewer than 5", funderPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain($">{oneOrganization}<", funderPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Expected:", funderPage.Html, StringComparison.Ordinal); // a published warning gives no cluster figures

        // A cell's trend, period by period: the coordinator sees the count; the grantmaker "fewer than 5", and nothing of
        // the cell whose reports came through one organization.
        var trend = await coordinator.GetAsync(HotZoneRoutes.Cell(s.Network, PeriodKind.Month, surge));
        Assert.Equal(HttpStatusCode.OK, trend.Status);
        Assert.Contains("<svg", trend.Html, StringComparison.Ordinal);
        Assert.Matches($"<td>{lastMonth.ToString("Y", System.Globalization.CultureInfo.GetCultureInfo("en"))}</td>\\s*<td>12</td>", trend.Html);
        var fewTrend = await funder.GetAsync(HotZoneRoutes.Cell(s.Network, PeriodKind.Month, few));
        Assert.Matches($"<td>{published.ToString("Y", System.Globalization.CultureInfo.GetCultureInfo("en"))}</td>\\s*<td>fewer than 5</td>", fewTrend.Html);
        var oneTrend = await funder.GetAsync(HotZoneRoutes.Cell(s.Network, PeriodKind.Month, oneOrganization));
        Assert.Contains("<td>not shown</td>", oneTrend.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>6</td>", oneTrend.Html, StringComparison.Ordinal);

        // The regions page: the grantmaker's admin sees the country followed; its member and anyone else, nothing.
        using (var funderAdmin = await app.SignedInAsync(s.FunderAdmin))
        {
            var regionsPage = await funderAdmin.GetAsync(Amparo.Web.Pages.HotZones.RegionsModel.Route + s.FunderOrg);
            Assert.Equal(HttpStatusCode.OK, regionsPage.Status);
            Assert.Contains("Ecuador", regionsPage.Html, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await funder.GetAsync(Amparo.Web.Pages.HotZones.RegionsModel.Route + s.FunderOrg)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync(Amparo.Web.Pages.HotZones.RegionsModel.Route + s.FunderOrg)).Status);

        // The public page: off by default (404 for anyone); a coordinator turns it on, and anyone sees the published month
        // as the grantmaker does; no one else may turn it on; off again, 404 again.
        using var anonymous = app.NewClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(HotZoneRoutes.Public(s.Network))).Status);
        Assert.False(await app.WithServicesAsync(sp => sp.GetRequiredService<HotZoneViews>().SetPublicAsync(s.FunderAdmin.Id, s.Network, true)));
        Assert.False(await app.WithServicesAsync(sp => sp.GetRequiredService<HotZoneViews>().SetPublicAsync(s.OtherCoordinator.Id, s.Network, true)));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(HotZoneRoutes.Public(s.Network))).Status);
        Assert.True(await app.WithServicesAsync(sp => sp.GetRequiredService<HotZoneViews>().SetPublicAsync(s.Coordinator.Id, s.Network, true)));
        var publicPage = await anonymous.GetAsync(HotZoneRoutes.Public(s.Network));
        Assert.Equal(HttpStatusCode.OK, publicPage.Status);
        Assert.Contains("fewer than 5", publicPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain($">{oneOrganization}<", publicPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain($">{surge}<", publicPage.Html, StringComparison.Ordinal); // last month: not published yet
        Assert.DoesNotContain("/cell?", publicPage.Html, StringComparison.Ordinal);
        Assert.True(await app.WithServicesAsync(sp => sp.GetRequiredService<HotZoneViews>().SetPublicAsync(s.Coordinator.Id, s.Network, false)));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(HotZoneRoutes.Public(s.Network))).Status);

        // Anyone else: nothing, as for a network that does not exist.
        foreach (var outsider in new[] { s.Stranger, s.OtherCoordinator, s.AdminA })
        {
            using var client = await app.SignedInAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(HotZoneRoutes.Network(s.Network, PeriodKind.Month, null))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(HotZoneRoutes.Cell(s.Network, PeriodKind.Month, surge))).Status);
            using var api404 = await client.SendAsync(HttpMethod.Get, $"/api/v1/hot-zones/{s.Network}", await app.ApiTokenAsync(outsider));
            Assert.Equal(HttpStatusCode.NotFound, api404.StatusCode);
            Assert.DoesNotContain(s.Network.ToString(), (await client.GetAsync(HotZoneRoutes.List)).Html, StringComparison.Ordinal);
        }
        using var badKind = await coordinator.SendAsync(HttpMethod.Get, $"/api/v1/hot-zones/{s.Network}?kind=decade", coordinatorToken);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
    }

    /// <summary>A report that names only a gazetteer area (no point, so no cell), as a report placed by its area is stored.</summary>
    private static Incident AreaReport(string areaId, Guid org, DateOnly on)
    {
        var at = on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        return new Incident
        {
            Id = Guid.NewGuid(), OrganizationId = org, OccurredOn = on, Precision = DatePrecision.Day, Acts = IncidentActs.Threat, PrimaryAct = IncidentActs.Threat,
            AreaId = areaId, Status = IncidentStatus.New, CreatedAt = at, UpdatedAt = at,
        };
    }

    [Fact]
    public async Task ReportsPlacedOnlyByAnArea_AreCountedInIt_TheCoordinatorSeesTheAreaByName_AGrantmakerOnlyWhatIsPublished()
    {
        var s = await NetworkAsync();
        var now = app.Now();
        var lastMonth = Periods.LastClosed(PeriodKind.Month, now);
        var published = lastMonth.AddMonths(-1);
        var rows = new List<Incident>();
        // The sample gazetteer's regions (Cauca and Antioquia in Colombia, Atlántida and Francisco Morazán in Honduras).
        for (var k = 0; k < 8; k++) rows.Add(AreaReport("CO-CAU", k % 2 == 0 ? s.OrgA : s.OrgB, lastMonth.AddDays(k)));
        for (var k = 0; k < 6; k++) rows.Add(AreaReport("CO-ANT", s.OrgA, published.AddDays(k))); // one organization's
        for (var k = 0; k < 3; k++) rows.Add(AreaReport("HN-AT", k == 0 ? s.OrgA : s.OrgB, published.AddDays(k))); // fewer than 5
        for (var k = 0; k < 7; k++) rows.Add(AreaReport("HN-FM", k % 2 == 0 ? s.OrgA : s.OrgB, published.AddDays(k)));
        for (var k = 0; k < 9; k++) rows.Add(AreaReport("HN-FM", s.Silent, lastMonth.AddDays(k))); // does not share
        await app.WithDbAsync(async db =>
        {
            db.Incidents.AddRange(rows);
            return await db.SaveChangesAsync();
        });
        await app.Services.GetRequiredService<HotZoneWorker>().RunOnceAsync(CancellationToken.None);

        var stored = await app.WithDbAsync(db => db.HotZoneCells.AsNoTracking().Where(c => c.NetworkId == s.Network && c.Kind == PeriodKind.Month && c.AreaId != "").ToListAsync());
        Assert.Equal((8, 2), stored.Where(c => c.AreaId == "CO-CAU" && c.PeriodStart == lastMonth).Select(c => (c.Count, c.Organizations)).Single());
        Assert.Equal(7, stored.Single(c => c.AreaId == "HN-FM" && c.PeriodStart == published).Count);
        Assert.DoesNotContain(stored, c => c.AreaId == "HN-FM" && c.PeriodStart == lastMonth && c.Count > 0);
        // None of these reports has a cell: the hexagon layer has nothing of them.
        Assert.Equal(0, await app.WithDbAsync(db => db.HotZoneCells.CountAsync(c => c.NetworkId == s.Network && c.AreaId == "" && c.Count > 0)));

        // The coordinator: the area by its path, its count, and its trend.
        using var coordinator = await app.SignedInAsync(s.Coordinator);
        var page = await coordinator.GetAsync(HotZoneRoutes.Network(s.Network, PeriodKind.Month, lastMonth));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("By administrative area", page.Html, StringComparison.Ordinal);
        Assert.Matches("Colombia › Cauca</a></td>\\s*<td>8</td>", page.Html);
        Assert.Contains("<title id=\"area-map-title\">", page.Html, StringComparison.Ordinal); // the areas' map, drawn on the server
        // Eight reports where under three were expected: the scan over the areas warns, naming the area.
        Assert.Contains("more reports than usual in and around <bdi>Colombia › Cauca</bdi>", page.Html, StringComparison.Ordinal);
        var trend = await coordinator.GetAsync(HotZoneRoutes.Area(s.Network, PeriodKind.Month, "CO-CAU"));
        Assert.Equal(HttpStatusCode.OK, trend.Status);
        Assert.Contains("Colombia › Cauca", trend.Html, StringComparison.Ordinal);
        Assert.Matches($"<td>{lastMonth.ToString("Y", System.Globalization.CultureInfo.GetCultureInfo("en"))}</td>\\s*<td>8</td>", trend.Html);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync(HotZoneRoutes.Area(s.Network, PeriodKind.Month, "XX-NOPE"))).Status);
        var token = await app.ApiTokenAsync(s.Coordinator);
        var api = await JsonAsync(coordinator, $"/api/v1/hot-zones/{s.Network}?kind=month&period={lastMonth:yyyy-MM-dd}", token);
        var cauca = api["areas"]!.AsArray().Single(a => (string)a!["area"]! == "CO-CAU")!;
        Assert.Equal((8, "Colombia › Cauca"), ((int)cauca["count"]!, (string)cauca["name"]!));

        // A grantmaker in the network: the published month, without the one-organization area, "fewer than 5" for Atlántida.
        using var funder = await app.SignedInAsync(s.Funder);
        var funderPage = await funder.GetAsync(HotZoneRoutes.Network(s.Network, PeriodKind.Month, published));
        Assert.Equal(HttpStatusCode.OK, funderPage.Status);
        Assert.DoesNotContain("Antioquia", funderPage.Html, StringComparison.Ordinal); // in no table, map or early warning
        Assert.DoesNotContain("Expected:", funderPage.Html, StringComparison.Ordinal); // a published warning gives no cluster figures
        Assert.Matches("Honduras › Atlántida</a></td>\\s*<td>fewer than 5</td>", funderPage.Html);
        Assert.Matches("Honduras › Francisco Morazán</a></td>\\s*<td>7</td>", funderPage.Html);
        var funderApi = await JsonAsync(funder, $"/api/v1/hot-zones/{s.Network}?kind=month&period={published:yyyy-MM-dd}", await app.ApiTokenAsync(s.Funder));
        Assert.DoesNotContain(funderApi["areas"]!.AsArray(), a => (string)a!["area"]! == "CO-ANT");
        Assert.All(funderApi["areas"]!.AsArray(), a => Assert.Null(a!["giStarZ"]));
        var oneTrend = await funder.GetAsync(HotZoneRoutes.Area(s.Network, PeriodKind.Month, "CO-ANT"));
        Assert.Contains("<td>not shown</td>", oneTrend.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>6</td>", oneTrend.Html, StringComparison.Ordinal);

        // Anyone else: 404 for the area's trend too.
        using var stranger = await app.SignedInAsync(s.Stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(HotZoneRoutes.Area(s.Network, PeriodKind.Month, "CO-CAU"))).Status);

        // An alert about an area does not name it: the e-mail is read outside Amparo.
        var texts = app.Services.GetRequiredService<Amparo.Web.Features.Notifications.MessageTexts>();
        var user = new Amparo.Web.Features.Accounts.User { Id = Guid.NewGuid(), Email = "a@example.org", Language = "es" };
        var message = HotZoneWorker.Message(texts, user, s.Network, PeriodKind.Month, lastMonth,
            [new HotZoneWorker.ZoneAlert(default, EmergingClass.New, 8, IncidentActs.Threat, "CO-CAU")]);
        Assert.Contains("una división administrativa (nombrada en la página)", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Cauca", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("CO-CAU", message.Text, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.IncidentsOnSqlite))]
public sealed class HotZoneTestsSqlite(SqliteApp app) : HotZoneTests(app);

[Collection(nameof(SharedHosts.IncidentsOnPostgres))]
public sealed class HotZoneTestsPostgres(PostgresApp app) : HotZoneTests(app);
