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
public sealed class AlertModel(AlertService alerts, CheckInService checkIns) : ResponderPage(alerts)
{
    private readonly AlertService _alerts = alerts;
    private Guid _id;

    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    /// <summary>The check-in PIN for "I'm safe — cancel" (a panic raised by mistake).</summary>
    [BindProperty] public string? Pin { get; set; }

    public override string Here => "/alerts/" + _id;

    /// <summary>The defender's own view (no recipient row).</summary>
    public Alert? Own { get; private set; }
    public IReadOnlyList<TimelineEntry> OwnTimeline { get; private set; } = [];
    public string? LocationError { get; private set; }
    public bool LocationSent { get; private set; }
    public bool Cancelled { get; private set; }
    public string? CancelError { get; private set; }
    /// <summary>An open panic of the owner's can be cancelled with the PIN.</summary>
    public bool CanCancel => Own is { Kind: AlertKind.Panic, IsOpen: true };

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        _id = id;
        if (await RecipientAsync(AlertService.Actions.View) is { } r) return await ShowAsync(r, done);
        LocationSent = done == "location";
        Cancelled = done == "cancelled";
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

    /// <summary>"I'm safe — cancel": the owner's PIN ends their panic. A duress PIN gives exactly the same answer (see CheckInService.CancelPanicAsync).</summary>
    public async Task<IActionResult> OnPostCancelAsync(Guid id)
    {
        _id = id;
        var status = await checkIns.CancelPanicAsync(User.UserId(), id, string.IsNullOrEmpty(Pin) ? null : Pin, "web", HttpContext.RequestAborted);
        Pin = null;
        switch (status)
        {
            case CancelStatus.NotFound: return NotFound();
            case CancelStatus.Done: return Redirect(Here + "?done=cancelled");
            case CancelStatus.Closed: return Redirect(Here);
            case CancelStatus.WrongPin: CancelError = "CheckIn.Error.WrongPin"; break;
            case CancelStatus.NeedsPin: CancelError = "CheckIn.Error.NeedsPin"; break;
            case CancelStatus.Locked: CancelError = "OwnAlert.CancelLocked"; break;
        }
        return await OwnAsync() ? Page() : NotFound();
    }

    /// <summary>The signed-in person's recipient row while they still have the right to respond (checked on every request).</summary>
    private Task<AlertRecipient?> RecipientAsync(string action) => _alerts.RecipientForUserAsync(_id, User.UserId(), action, HttpContext.RequestAborted);

    private async Task<bool> OwnAsync()
    {
        Own = await _alerts.OwnAlerts(User.UserId()).SingleOrDefaultAsync(a => a.Id == _id, HttpContext.RequestAborted);
        if (Own is null) return false;
        OwnTimeline = await _alerts.OwnerTimelineAsync(_id, HttpContext.RequestAborted);
        return true;
    }
}
