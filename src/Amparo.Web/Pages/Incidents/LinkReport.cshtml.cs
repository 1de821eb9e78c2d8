using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// The page behind an organization's report link, for someone without an account: the link is the credential (404 once
/// revoked). What they send waits for the organization's review; nothing they wrote is shown back after sending.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(IncidentsSetup.LinkRateLimit)]
public sealed class LinkReportModel(IncidentService incidents, AmparoDbContext db, Gazetteer gazetteer, TimeProvider clock, IStringLocalizer<SharedResource> t)
    : IncidentFormPage(gazetteer, clock, t)
{
    /// <summary>How to reach the sender, if they choose to give one.</summary>
    [BindProperty] public string? Contact { get; set; }

    public string OrganizationName { get; private set; } = "";
    public string Token { get; private set; } = "";
    public bool Sent { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, bool sent = false)
    {
        if (!await LoadAsync(token)) return NotFound();
        Sent = sent;
        OccurredOn ??= Today;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        if (!await LoadAsync(token)) return NotFound();
        var input = Input(null, aboutMe: true, null, false, null);
        if (Errors.Count == 0)
        {
            var made = await incidents.SubmitThroughLinkAsync(token, input, Contact, HttpContext.RequestAborted);
            if (made.Status == IncidentWriteStatus.Done) return Redirect($"/report/{token}?sent=true");
            if (made.Status != IncidentWriteStatus.Invalid) return NotFound();
            AddErrors(made);
        }
        return Page();
    }

    private async Task<bool> LoadAsync(string token)
    {
        // The secret is in the address: never cached, never sent on as a referrer.
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        if (await incidents.LinkAsync(token, HttpContext.RequestAborted) is not { } link) return false;
        Token = token;
        OrganizationName = await db.Organizations.Where(o => o.Id == link.OrganizationId).Select(o => o.Name).SingleAsync(HttpContext.RequestAborted);
        if ((await incidents.KeptPointDaysAsync([link.OrganizationId], HttpContext.RequestAborted)).TryGetValue(link.OrganizationId, out var days))
            KeptPoints = [(OrganizationName, days)];
        LoadFormLists();
        return true;
    }
}
