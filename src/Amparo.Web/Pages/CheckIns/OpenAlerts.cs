using System.Globalization;
using System.Security.Claims;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// The open alerts a responder may act on. With <see cref="RefreshFrom"/>, the block carries its own "updated" line and the
/// optional script refreshes it from that fragment URL (the home page); without, the page does both (the board).
/// </summary>
public sealed record OpenAlertsList(IReadOnlyList<OpenAlertRow> Rows, UpdatedLine? Updated = null, string? RefreshFrom = null);

/// <summary>
/// "Updated 14:05 (America/Bogota)" and a Refresh link to the page itself: plain GET, no script needed.
/// <see cref="Text"/> is the time and its zone, in the viewer's zone (on a signed link: the zone that page shows its times in).
/// </summary>
public sealed record UpdatedLine(string Text, string Href)
{
    /// <param name="zoneWhenSignedOut">The zone of a page opened from a signed link (the recipient's or the owner's).</param>
    public static UpdatedLine Of(ClaimsPrincipal viewer, DateTime utc, string href, string? zoneWhenSignedOut = null)
    {
        var zone = viewer.Identity?.IsAuthenticated == true ? viewer.TimeZoneOf() : LocalTimes.ZoneName(zoneWhenSignedOut);
        var local = LocalTimes.ToLocal(utc, zone);
        // Isolated (FSI … PDI) so that in Arabic the Latin zone name and the digits keep their own direction.
        return new UpdatedLine("\u2068" + local.ToString("t", CultureInfo.CurrentCulture) + " (" + zone + ")\u2069", href);
    }
}

/// <summary>
/// The open-alerts block of the home page: nothing for someone who has no alert to respond to and no board (a
/// defender with nothing to do), the list otherwise. Rendered by a view component so the home page needs one line.
/// </summary>
public sealed class OpenAlertsViewComponent(AlertService alerts, TimeProvider clock) : ViewComponent
{
    public const string ViewPath = "/Pages/CheckIns/_OpenAlerts.cshtml";

    public async Task<IViewComponentResult> InvokeAsync(bool showEmpty)
    {
        var rows = await alerts.OpenAlertsAsync(UserClaimsPrincipal.UserId(), HttpContext.RequestAborted);
        if (rows.Count == 0 && !showEmpty) return Content("");
        return View(ViewPath, new OpenAlertsList(rows, UpdatedLine.Of(UserClaimsPrincipal, clock.GetUtcNow().UtcDateTime, "/"), AlertListModel.Path));
    }
}

/// <summary>Words for the open-alerts list.</summary>
public static class OpenAlertWords
{
    /// <summary>How far the alert has gone: who has been told so far (the alert's level, 0 to 3).</summary>
    public static string LevelKey(int level) => level switch
    {
        <= 0 => "Alerts.Level0",
        1 => "Alerts.Level1",
        2 => "Alerts.Level2",
        _ => "Alerts.Level3",
    };
}
