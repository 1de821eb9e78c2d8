using System.Text.RegularExpressions;
using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Amparo.BrowserTests;

public abstract partial class PlanFlowTests
{
    /// <summary>
    /// Hot zones (issue 13): the organization's admin coordinates a network of her two organizations and a grantmaker;
    /// before any report is shared she sees that nothing is computed yet; once a month's surge is loaded and shared and the
    /// worker has run, the map shows the new hot zone and the table names it. The grantmaker sees the published month
    /// before it, where a cell with three reports reads "fewer than 5". Without JavaScript, on a phone, in Spanish and Arabic too.
    /// </summary>
    private async Task HotZonesAsync(PageReport report, bool javaScript, IPage coordinator, PageChecks checks, Guid collective, Guid archive, string fundEmail, Guid fundOrg)
    {
        var tag = javaScript ? "js" : "nojs";
        Guid network;
        Guid martaId;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            martaId = db.Memberships.First(m => m.OrganizationId == collective && m.Role == OrgRole.OrgAdmin).UserId;
            var networks = scope.ServiceProvider.GetRequiredService<NetworkService>();
            network = (await networks.CreateAsync("Red del río " + tag, null))!.Id;
            foreach (var o in new[] { collective, archive, fundOrg }) Assert.True(await networks.AddOrganizationAsync(network, o, null));
            Assert.True(await networks.AddCoordinatorAsync(network, martaId, null));
        }
        // JavaScript on: these pages have no script of their own, and the run without JavaScript checks them (axe with scripts on, in
        // the axe page); here only their weight is counted, so that each page's weight stays its own.
        Task Check() => javaScript ? checks.TakeWeightAsync() : checks.CheckAsync(coordinator, report, who: "network coordinator");

        // Nothing shared yet: the network is listed, and its page says nothing has been computed.
        await coordinator.GotoAsync(BaseUrl + HotZoneRoutes.List);
        await Check();
        await coordinator.GetByRole(AriaRole.Link, new() { Name = "Red del río " + tag }).ClickAsync();
        await Flows.WaitForPageAsync(coordinator, new Regex("/hot-zones/[0-9a-f-]{36}"));
        await Check();
        await Expect(coordinator.Locator("main")).ToContainTextAsync(T("HotZones.NoPeriods"));
        Assert.Equal(0, await coordinator.Locator("svg path.hz-emerging").CountAsync());

        // A month's surge near one town, a quiet background before it, and three reports the month before; then both
        // organizations share their reports with the network and the worker closes the months.
        var grid = fixture.App.Services.GetRequiredService<HexGrid>();
        var now = fixture.App.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var lastMonth = Periods.LastClosed(PeriodKind.Month, now);
        var published = lastMonth.AddMonths(-1);
        var origin = grid.CellOf(javaScript ? 4.6 : 7.1, javaScript ? -74.1 : -73.1);
        Hex At(int q, int r) => new(origin.Q + q, origin.R + r);
        var rows = new List<Incident>();
        for (var m = 0; m < 10; m++)
            for (var k = 0; k < 12; k++)
                rows.Add(Placed(grid, At(3 * (k % 4) - 4, 3 * (k / 4) + 3), k % 2 == 0 ? collective : archive, lastMonth.AddMonths(-m).AddDays(k % 20)));
        for (var k = 0; k < 14; k++) rows.Add(Placed(grid, At(0, 0), k % 2 == 0 ? collective : archive, lastMonth.AddDays(k)));
        for (var k = 0; k < 3; k++) rows.Add(Placed(grid, At(0, 9), k == 0 ? collective : archive, published.AddDays(k)));
        // Six reports that name only an administrative area (no point): counted by area, not on the grid.
        var areaId = javaScript ? "CO-ANT" : "CO-CAU";
        for (var k = 0; k < 6; k++) rows.Add(Named(areaId, k % 2 == 0 ? collective : archive, lastMonth.AddDays(k)));
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            db.Incidents.AddRange(rows);
            await db.SaveChangesAsync();
            var incidents = scope.ServiceProvider.GetRequiredService<IncidentService>();
            foreach (var org in new[] { collective, archive })
                Assert.Equal(IncidentWriteStatus.Done, (await incidents.SetNetworkShareAsync(martaId, org, network, true)).Status);
        }
        await fixture.App.Services.GetRequiredService<HotZoneWorker>().RunOnceAsync(CancellationToken.None);

        await coordinator.ReloadAsync();
        await Check();
        await Expect(coordinator.Locator("main h2").First).ToHaveTextAsync(lastMonth.ToString("Y", System.Globalization.CultureInfo.GetCultureInfo("en")));
        Assert.True(await coordinator.Locator("svg path.hz-emerging").CountAsync() > 0, "the surge is drawn as a new hot zone");
        var surgeRow = coordinator.Locator("main table tr", new() { HasText = At(0, 0).ToString() });
        await Expect(surgeRow).ToContainTextAsync(T("HotZones.Class.New"));
        await Expect(surgeRow).ToContainTextAsync("14");
        var areaName = javaScript ? "Colombia › Antioquia" : "Colombia › Cauca";
        var areaRow = coordinator.Locator("main table tr", new() { HasText = areaName });
        await Expect(areaRow).ToContainTextAsync("6");
        Assert.Equal(1, await coordinator.Locator("svg[aria-labelledby=area-map-title] path.hz-cell").CountAsync());
        await Flows.ScreenshotAsync(coordinator, "hot-zones-coordinator-" + tag);

        // The surge's cell over the months: its trend, drawn on the server, and the same figures as a table.
        await surgeRow.GetByRole(AriaRole.Link, new() { Name = At(0, 0).ToString() }).ClickAsync();
        await Flows.WaitForPageAsync(coordinator, new Regex("/hot-zones/[0-9a-f-]{36}/cell"));
        await Check();
        await Expect(coordinator.Locator("main h1")).ToHaveTextAsync(T("HotZones.CellTitle", "en", At(0, 0).ToString()));
        Assert.True(await coordinator.Locator("svg rect.hz-emerging").CountAsync() == 1, "the last month's bar is the new hot zone's");
        await Flows.ScreenshotAsync(coordinator, "hot-zones-cell-" + tag);
        await coordinator.GoBackAsync();

        // The grantmaker: the month before, published; three reports read "fewer than 5"; the last month is not offered.
        await using var fundContext = await Chromium.NewContextAsync(fixture.Browser, javaScript);
        var fundChecks = new PageChecks(fundContext, BaseUrl, javaScript);
        var fund = await fundContext.NewPageAsync();
        await SignInAsync(fund, fundEmail);
        await fund.GotoAsync(BaseUrl + HotZoneRoutes.Network(network, PeriodKind.Month, null));
        await fundChecks.CheckAsync(fund, report, who: "grantmaker");
        await Expect(fund.Locator("main h2").First).ToHaveTextAsync(published.ToString("Y", System.Globalization.CultureInfo.GetCultureInfo("en")));
        await Expect(fund.Locator("main table")).ToContainTextAsync(T("HotZones.FewerThan", "en", 5));
        Assert.Equal(0, await fund.Locator($"#period option[value='{lastMonth:yyyy-MM-dd}']").CountAsync());
        await Flows.ScreenshotAsync(fund, "hot-zones-grantmaker-" + tag);

        // On a phone, in Spanish and in Arabic (right to left), without JavaScript.
        if (!javaScript)
        {
            await coordinator.SetViewportSizeAsync(360, 740);
            var shown = "en";
            foreach (var language in new[] { "es", "ar" })
            {
                await coordinator.Locator("footer").GetByLabel(T("Layout.Language", shown)).SelectOptionAsync(language);
                await coordinator.Locator("footer").GetByRole(AriaRole.Button, new() { Name = T("Layout.ChangeLanguage", shown) }).ClickAsync();
                await coordinator.Locator($"html[lang={language}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
                await Flows.WaitForLoadAsync(coordinator);
                await checks.TakeWeightAsync();
                shown = language;
                await coordinator.GotoAsync(BaseUrl + HotZoneRoutes.Network(network, PeriodKind.Month, lastMonth));
                await Check();
                await Expect(coordinator.Locator("main table tr", new() { HasText = At(0, 0).ToString() })).ToContainTextAsync(T("HotZones.Class.New", language));
                await Flows.ScreenshotAsync(coordinator, $"hot-zones-{language}-{tag}");
                await Flows.ScreenshotAsync(coordinator.Locator("section.hz-areas"), $"hot-zones-areas-{language}-{tag}");
                await coordinator.GotoAsync(BaseUrl + HotZoneRoutes.Cell(network, PeriodKind.Month, At(0, 0)));
                await Check();
                await Flows.ScreenshotAsync(coordinator, $"hot-zones-cell-{language}-{tag}");
                await coordinator.GotoAsync(BaseUrl + HotZoneRoutes.Area(network, PeriodKind.Month, areaId));
                await Check();
                await Flows.ScreenshotAsync(coordinator, $"hot-zones-area-{language}-{tag}");
            }

            // The public page (turned on by a coordinator) and the grantmaker's regions, on a phone in Arabic.
            using (var scope = fixture.App.Services.CreateScope())
                Assert.True(await scope.ServiceProvider.GetRequiredService<HotZoneViews>().SetPublicAsync(martaId, network, true));
            await coordinator.GotoAsync(BaseUrl + HotZoneRoutes.Public(network));
            await Check();
            await Expect(coordinator.Locator("main table").First).ToContainTextAsync(T("HotZones.FewerThan", "ar", 5));
            await Flows.ScreenshotAsync(coordinator, $"hot-zones-public-ar-{tag}");
            await Flows.ScreenshotAsync(coordinator.Locator("main > p").First, $"hot-zones-public-ar-top-{tag}");
            await fund.SetViewportSizeAsync(360, 740);
            await fund.GotoAsync(BaseUrl + Amparo.Web.Pages.HotZones.RegionsModel.Route + fundOrg);
            await fundChecks.CheckAsync(fund, report, who: "grantmaker");
            await Flows.ScreenshotAsync(fund, $"hot-zones-regions-{tag}");
        }
    }

    private static Incident Named(string areaId, Guid org, DateOnly on)
    {
        var at = on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        return new Incident
        {
            Id = Guid.NewGuid(), OrganizationId = org, OccurredOn = on, Precision = DatePrecision.Day, Acts = IncidentActs.Threat, PrimaryAct = IncidentActs.Threat,
            AreaId = areaId, Status = IncidentStatus.New, CreatedAt = at, UpdatedAt = at,
        };
    }

    private static Incident Placed(HexGrid grid, Hex cell, Guid org, DateOnly on)
    {
        var (lat, lon) = grid.Centre(cell);
        var (cellLat, cellLon) = CoarseCell.Snap(lat, lon)!.Value;
        var at = on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        return new Incident
        {
            Id = Guid.NewGuid(), OrganizationId = org, OccurredOn = on, Precision = DatePrecision.Day, Acts = IncidentActs.Threat, PrimaryAct = IncidentActs.Threat,
            CellLatitude = cellLat, CellLongitude = cellLon, Status = IncidentStatus.New, CreatedAt = at, UpdatedAt = at,
        };
    }
}
