using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.HotZones;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.HotZones;

/// <summary>
/// Hot zones: without a network, the networks the viewer may see; with one, a period's map, table and early warning, as
/// <see cref="HotZoneViews"/> allows (a network the viewer may not see: 404).
/// </summary>
public sealed class IndexModel(HotZoneViews views, HexGrid grid, CountryOutlines outlines, GrantmakerRegions regions) : PageModel
{
    [FromRoute] public Guid? Network { get; set; }
    public List<ZoneNetwork> Networks { get; private set; } = [];
    /// <summary>Grantmaker organizations the person administers: where they choose the regions they are told about.</summary>
    public List<(Guid Id, string Name)> Funders { get; private set; } = [];
    public ZonePeriodView? View { get; private set; }
    public ZoneMap? Map { get; private set; }

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
        Map = ZoneMap.Draw(grid, outlines, View.Cells, View.Scan?.Cells ?? []);
        return Page();
    }
}
