using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>The responder page behind the signed link in an alert message: the link is the credential (valid until the alert is resolved plus 24 hours).</summary>
[AllowAnonymous]
[EnableRateLimiting(CheckInPages.LinkRateLimit)]
public sealed class ResponderModel(AlertService alerts) : ResponderPage(alerts)
{
    private readonly AlertService _alerts = alerts;
    private string _token = "";

    public override string Here => "/r/" + _token;

    public async Task<IActionResult> OnGetAsync(string token, string? done) =>
        await RecipientAsync(token, AlertService.Actions.View) is { } r ? await ShowAsync(r, done) : NotFound();

    public async Task<IActionResult> OnPostAcknowledgeAsync(string token) =>
        await RecipientAsync(token, AlertService.Actions.Acknowledge) is { } r ? await AcknowledgeAsync(r) : NotFound();

    public async Task<IActionResult> OnPostResolveAsync(string token) =>
        await RecipientAsync(token, AlertService.Actions.Resolve) is { } r ? await ResolveAsync(r) : NotFound();

    public async Task<IActionResult> OnPostEscalateAsync(string token) =>
        await RecipientAsync(token, AlertService.Actions.Escalate) is { } r ? await EscalateAsync(r) : NotFound();

    /// <summary>The link's recipient while they still have the right to respond (checked on every request); otherwise 404.</summary>
    private async Task<AlertRecipient?> RecipientAsync(string token, string action)
    {
        _token = token;
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        return await _alerts.RecipientFromLinkAsync(token, action, HttpContext.RequestAborted);
    }
}
