using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// The page a trusted contact opens from the request: who asks, what agreeing means, "I agree" or "No / stop". The same
/// link withdraws later, which deletes their details.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(CheckInPages.LinkRateLimit)]
public sealed class ConsentModel(ContactService contacts) : PageModel
{
    public ConsentView Consent { get; private set; } = null!;
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, string? done)
    {
        Done = done is "agreed" or "stopped" ? done : null;
        return await LoadAsync(token) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAgreeAsync(string token)
    {
        if (!await LoadAsync(token)) return NotFound();
        if (Consent.Consent == ConsentState.Pending) await contacts.ConfirmByLinkAsync(token, HttpContext.RequestAborted);
        return Redirect($"/c/{token}?done=agreed");
    }

    public async Task<IActionResult> OnPostStopAsync(string token)
    {
        if (!await LoadAsync(token)) return NotFound();
        await contacts.WithdrawByLinkAsync(token, HttpContext.RequestAborted);
        return Redirect($"/c/{token}?done=stopped");
    }

    private async Task<bool> LoadAsync(string token)
    {
        if (await contacts.ConsentViewAsync(token, HttpContext.RequestAborted) is not { } view) return false;
        Consent = view;
        return true;
    }
}
