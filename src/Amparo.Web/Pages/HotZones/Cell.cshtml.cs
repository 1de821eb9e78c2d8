using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.HotZones;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.HotZones;

/// <summary>
/// One cell (q, r) or administrative area (area) of a network's hot zones over its last periods: a bar chart drawn on
/// the server and the same figures as a table; 404 for a network the viewer may not see or an area the gazetteer does not have.
/// </summary>
public sealed class CellModel(HotZoneViews views) : PageModel
{
    [FromRoute] public Guid Network { get; set; }
    public ZoneTrendView View { get; private set; } = null!;
    public ZoneTrendChart Chart { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? kind, int q, int r, string? area)
    {
        var parsed = kind == "week" ? PeriodKind.Week : PeriodKind.Month;
        var trend = area is null ? await views.TrendAsync(User.UserId(), Network, parsed, new Hex(q, r), HttpContext.RequestAborted)
            : await views.AreaTrendAsync(User.UserId(), Network, parsed, area, HttpContext.RequestAborted);
        if (trend is not { } view) return NotFound();
        View = view;
        Chart = ZoneTrendChart.Build(view.Points, view.MinimumCount);
        return Page();
    }
}
