using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// An alert for a signed-in person. A recipient (a focal point, a coordinator, a contact with an account) gets the
/// responder view; the defender gets their own alert's timeline and can send where they are now. Anyone else, and
/// the defender for a duress alert, gets 404.
/// </summary>
public sealed class AlertModel(AlertService alerts) : ResponderPage(alerts)
{
    private readonly AlertService _alerts = alerts;
    private Guid _id;

    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }

    public override string Here => "/alerts/" + _id;

    /// <summary>The defender's own view (no recipient row).</summary>
    public Alert? Own { get; private set; }
    public IReadOnlyList<TimelineEntry> OwnTimeline { get; private set; } = [];
    public string? LocationError { get; private set; }
    public bool LocationSent { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        _id = id;
        if (await RecipientAsync(AlertService.Actions.View) is { } r) return await ShowAsync(r, done);
        LocationSent = done == "location";
        return await OwnAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id)
    {
        _id = id;
        return await RecipientAsync(AlertService.Actions.Acknowledge) is { } r ? await AcknowledgeAsync(r) : NotFound();
    }

    public async Task<IActionResult> OnPostResolveAsync(Guid id)
    {
        _id = id;
        return await RecipientAsync(AlertService.Actions.Resolve) is { } r ? await ResolveAsync(r) : NotFound();
    }

    public async Task<IActionResult> OnPostEscalateAsync(Guid id)
    {
        _id = id;
        return await RecipientAsync(AlertService.Actions.Escalate) is { } r ? await EscalateAsync(r) : NotFound();
    }

    /// <summary>The defender sends where they are now while the alert is open.</summary>
    public async Task<IActionResult> OnPostLocationAsync(Guid id)
    {
        _id = id;
        if (!await OwnAsync()) return NotFound();
        if (!CheckInPages.TryParseCoordinate(Latitude, out var lat) | !CheckInPages.TryParseCoordinate(Longitude, out var lon)
            || lat is null || lon is null || !CheckInService.CoordinatesValid(lat, lon))
        {
            LocationError = "Visit.Error.Coordinates";
            return Page();
        }
        if (await _alerts.AddLocationAsync(User.UserId(), id, lat.Value, lon.Value, HttpContext.RequestAborted)) return Redirect(Here + "?done=location");
        LocationError = "Panic.Error.Closed";
        return Page();
    }

    /// <summary>The signed-in person's recipient row while they still have the right to respond (checked on every request).</summary>
    private Task<AlertRecipient?> RecipientAsync(string action) => _alerts.RecipientForUserAsync(_id, User.UserId(), action, HttpContext.RequestAborted);

    private async Task<bool> OwnAsync()
    {
        Own = await _alerts.OwnAlerts(User.UserId()).SingleOrDefaultAsync(a => a.Id == _id, HttpContext.RequestAborted);
        if (Own is null) return false;
        OwnTimeline = await _alerts.TimelineAsync(_id, HttpContext.RequestAborted);
        return true;
    }
}
