using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// What the two responder pages share — the signed link (/r/{token}) and a signed-in recipient's /alerts/{id}: the
/// view, "I'm on it", "Resolve", and for the handler "escalate now". Every action goes through the recipient row the
/// caller proved, never through an id from the form.
/// </summary>
public abstract class ResponderPage(AlertService alerts) : PageModel
{
    [BindProperty] public string? Outcome { get; set; }
    [BindProperty] public string? Note { get; set; }

    public ResponderView? View { get; protected set; }
    public string? Done { get; protected set; }
    public string? Problem { get; protected set; }
    /// <summary>This recipient's own code for "ACK code" by SMS (ReplyCodes): worth nothing from another number.</summary>
    public string? AckCode { get; protected set; }

    /// <summary>Where this page lives (the link or /alerts/{id}), for redirects and form actions.</summary>
    public abstract string Here { get; }

    /// <summary>"Updated 14:05 (zone)" and a Refresh link to this page (never repeating a "done" notice), in the zone of <see cref="When"/>.</summary>
    public UpdatedLine Updated => UpdatedLine.Of(User, HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, Here, View?.TimeZone);

    /// <summary>A time with its zone: the viewer's when signed in; on the signed link, the recipient's own zone when
    /// known, otherwise the alert owner's (<see cref="ResponderView.TimeZoneIsOwners"/>; the page says whose it is).</summary>
    public string When(DateTime utc) =>
        User.Identity?.IsAuthenticated == true ? User.LocalTime(utc) : LocalTimes.WithZone(utc, View?.TimeZone);

    protected async Task<IActionResult> ShowAsync(AlertRecipient recipient, string? done)
    {
        Done = done is "ack" or "resolved" or "escalated" ? done : null;
        View = await alerts.ViewAsync(recipient, HttpContext.RequestAborted);
        AckCode = await HttpContext.RequestServices.GetRequiredService<ReplyCodes>().CodeAsync(ReplyCodes.Ack, recipient.Id, null, HttpContext.RequestAborted);
        return Page();
    }

    protected async Task<IActionResult> AcknowledgeAsync(AlertRecipient recipient)
    {
        if (await alerts.AcknowledgeAsync(recipient.AlertId, recipient.Id, HttpContext.RequestAborted)) return Redirect(Here + "?done=ack");
        Problem = "Responder.Error.Taken";
        return await ShowAsync(recipient, null);
    }

    protected async Task<IActionResult> ResolveAsync(AlertRecipient recipient)
    {
        if (!AlertService.TryParseOutcome(Outcome, out var outcome) || Note is { Length: > CheckInService.MaxNote })
        {
            Problem = "Responder.Error.Outcome";
            return await ShowAsync(recipient, null);
        }
        if (await alerts.ResolveAsync(recipient.AlertId, recipient.Id, outcome, Note, HttpContext.RequestAborted)) return Redirect(Here + "?done=resolved");
        Problem = "Responder.Error.Closed";
        return await ShowAsync(recipient, null);
    }

    protected async Task<IActionResult> EscalateAsync(AlertRecipient recipient)
    {
        if (await alerts.EscalateByHandAsync(recipient.AlertId, recipient.Id, HttpContext.RequestAborted)) return Redirect(Here + "?done=escalated");
        Problem = "Responder.Error.Escalate";
        return await ShowAsync(recipient, null);
    }
}
