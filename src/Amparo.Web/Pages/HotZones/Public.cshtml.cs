using Amparo.Web.Features.HotZones;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Pages.HotZones;

/// <summary>
/// A network's public page of hot zones, for anyone, only while its coordinators keep it on (off by default; 404
/// otherwise): the published figures exactly as grantmakers see them — months closed at least two weeks ago, "fewer than
/// 5", no area of one organization's reports, no totals that would give a hidden count away.
/// </summary>
[AllowAnonymous]
public sealed class PublicModel(HotZoneViews views, HexGrid grid, AreaLayout layout, CountryOutlines outlines) : PageModel
{
    [FromRoute] public Guid Network { get; set; }
    public ZonePeriodView View { get; private set; } = null!;
    public ZonePeriodPartial Period { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(DateOnly? period)
    {
        if (await views.PublicPeriodAsync(Network, period, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        Period = ZonePeriodPartial.Of(view, grid, layout, outlines, isPublic: true);
        return Page();
    }
}
