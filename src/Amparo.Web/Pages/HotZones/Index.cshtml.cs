using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.HotZones;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Pages.HotZones;

/// <summary>What the map partial draws: the map, its title and the title's id, whether the scan's cluster is outlined, and the note under the legend.</summary>
public sealed record ZoneMapPartial(ZoneMap Map, string Title, string TitleId, bool ScanAlarm, string Note);

/// <summary>What the period partial draws: the view, its map, and whether it is the public page (no trend links).</summary>
public sealed record ZonePeriodPartial(ZonePeriodView View, ZoneMap? Map, bool Public)
{
    /// <summary>The administrative areas' map (circles at their centres), when there are areas to draw.</summary>
    public ZoneMap? AreaMap { get; init; }

    public static ZonePeriodPartial Of(ZonePeriodView view, HexGrid grid, AreaLayout layout, CountryOutlines outlines, bool isPublic) =>
        new(view, ZoneMap.Draw(grid, outlines, view.Cells, view.Scan?.Cells ?? []), isPublic)
        {
            AreaMap = ZoneMap.DrawAreas(layout, outlines, view.Areas, view.AreaScan is { Alarm: true } ? [.. view.AreaScanAreas.Select(a => a.AreaId)] : []),
        };
}

/// <summary>
/// Hot zones: without a network, the networks the viewer may see; with one, a period's map, table and early warning, as
/// <see cref="HotZoneViews"/> allows (a network the viewer may not see: 404).
/// </summary>
public sealed class IndexModel(HotZoneViews views, HexGrid grid, AreaLayout layout, CountryOutlines outlines, GrantmakerRegions regions) : PageModel
{
    [FromRoute] public Guid? Network { get; set; }
    public List<ZoneNetwork> Networks { get; private set; } = [];
    /// <summary>Grantmaker organizations the person administers: where they choose the regions they are told about.</summary>
    public List<(Guid Id, string Name)> Funders { get; private set; } = [];
    public ZonePeriodView? View { get; private set; }
    public ZonePeriodPartial? Period { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? kind, DateOnly? period)
    {
        var me = User.UserId();
        if (Network is not { } network)
        {
            Networks = await views.NetworksAsync(me, HttpContext.RequestAborted);
            Funders = await regions.OrganizationsAsync(me, HttpContext.RequestAborted);
            return Page();
        }
        // An unknown kind reads as the default (month): a link, not a form; nothing to re-ask.
        var parsed = kind == "week" ? PeriodKind.Week : PeriodKind.Month;
        View = await views.PeriodAsync(me, network, parsed, period, HttpContext.RequestAborted);
        if (View is null) return NotFound();
        Period = ZonePeriodPartial.Of(View, grid, layout, outlines, isPublic: false);
        IsPublic = await views.IsPublicAsync(network, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Whether the network's public page of published figures is on (shown to its coordinators).</summary>
    public bool IsPublic { get; private set; }

    /// <summary>A coordinator turns the network's public page on or off; anyone else: 404.</summary>
    public async Task<IActionResult> OnPostPublicAsync(bool on)
    {
        if (Network is not { } network || !await views.SetPublicAsync(User.UserId(), network, on, HttpContext.RequestAborted)) return NotFound();
        return Redirect(HotZoneRoutes.Network(network, PeriodKind.Month, null));
    }
}
