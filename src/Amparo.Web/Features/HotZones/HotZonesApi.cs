using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// The hot-zones API under /api/v1/hot-zones: the same rules as the pages, through <see cref="HotZoneViews"/> — a
/// network's coordinators see its figures whole, a grantmaker in the network sees what is published, anyone else 404.
/// </summary>
public static class HotZonesApi
{
    public sealed record NetworkDto(Guid Id, string Name, string Audience);
    public sealed record CellDto(string Cell, int Q, int R, double Latitude, double Longitude, int? Count, bool FewerThanMinimum, string State, string Class, double? GiStarZ, string ActBand);
    public sealed record ScanDto(string[] Cells, int Periods, int? Observed, double Expected, double P, bool Alarm);
    public sealed record AreaDto(string Area, string Name, int? Count, bool FewerThanMinimum, string State, string Class, double? GiStarZ, string ActBand);
    public sealed record AreaScanDto(string[] Areas, int Periods, int? Observed, double Expected, double P, bool Alarm);
    public sealed record PeriodDto(Guid NetworkId, string Audience, string Kind, DateOnly? Period, DateOnly[] Periods, int? Events, int AtLeast,
        int MinimumCount, CellDto[] Cells, ScanDto? Scan, AreaDto[] Areas, AreaScanDto? AreaScan);

    public static RouteGroupBuilder MapHotZonesApi(this RouteGroupBuilder api)
    {
        var zones = api.MapGroup("/hot-zones").WithTags("Hot zones").RequireAuthorization(WebSetup.ApiPolicy).RequireRateLimiting(WebSetup.ApiRateLimit)
            .AddEndpointFilter(PlansApi.TwoFactorFirstAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        zones.MapGet("/", NetworksAsync).WithName("ListHotZoneNetworks").WithSummary("The networks whose hot zones I may see")
            .WithDescription("audience: coordinator (every figure of the network) or published (a grantmaker in the network: months closed at least the publishing delay ago, counts below the minimum hidden, cells of one organization's reports withheld).");
        zones.MapGet("/{networkId:guid}", PeriodAsync).WithName("GetHotZones").WithSummary("A network's hot zones for one period")
            .WithDescription("kind: week or month (published: month only); period: its first day (yyyy-MM-dd), the latest computed when left out. Cells are hexagons of the installation's grid (q:r) with their centre; count is null and fewerThanMinimum true below the minimum; events (the period's total) is null when any count is hidden, and atLeast is the sum of the counts shown. state: none, hot or cold (significant after the false-discovery correction); class: noPattern, new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical (docs/hot-zones.md); scan: the prospective space-time scan's most likely cluster. areas and areaScan: the same over the installation's administrative areas (gazetteer ids, names in the caller's language), for the reports that name one.")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Ok<List<NetworkDto>>> NetworksAsync(HttpContext http, HotZoneViews views) =>
        TypedResults.Ok((await views.NetworksAsync(http.User.UserId(), http.RequestAborted))
            .Select(n => new NetworkDto(n.Id, n.Name, PlanWire.Word(n.Audience))).ToList());

    private static async Task<Results<Ok<PeriodDto>, NotFound, ValidationProblem>> PeriodAsync(
        Guid networkId, string? kind, DateOnly? period, HttpContext http, HotZoneViews views, IStringLocalizer<SharedResource> t)
    {
        PeriodKind? parsed = kind switch { null or "month" => PeriodKind.Month, "week" => PeriodKind.Week, _ => null };
        if (parsed is not { } k) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [t["HotZones.Error.Kind"].Value] });
        if (await views.PeriodAsync(http.User.UserId(), networkId, k, period, http.RequestAborted) is not { } view) return TypedResults.NotFound();
        return TypedResults.Ok(new PeriodDto(view.NetworkId, PlanWire.Word(view.Audience), PlanWire.Word(view.Kind), view.Period, [.. view.Periods],
            view.Events, view.AtLeast, view.MinimumCount,
            [.. view.Cells.Select(c => new CellDto(c.Cell.ToString(), c.Cell.Q, c.Cell.R, Math.Round(c.Latitude, 3), Math.Round(c.Longitude, 3), c.Count,
                c.Count is null, PlanWire.Word(c.State), PlanWire.Word(c.Class), c.Z is { } z ? Math.Round(z, 4) : null, PlanWire.Word(c.Band)))],
            view.Scan is { } s ? new ScanDto([.. s.Cells.Select(c => c.ToString())], s.Periods, s.Observed, s.Expected, s.P, s.Alarm) : null,
            [.. view.Areas.Select(a => new AreaDto(a.AreaId, a.Name, a.Count, a.Count is null, PlanWire.Word(a.State), PlanWire.Word(a.Class),
                a.Z is { } z ? Math.Round(z, 4) : null, PlanWire.Word(a.Band)))],
            view.AreaScan is { } x ? new AreaScanDto([.. view.AreaScanAreas.Select(a => a.AreaId)], x.Periods, x.Observed, x.Expected, x.P, x.Alarm) : null));
    }
}
