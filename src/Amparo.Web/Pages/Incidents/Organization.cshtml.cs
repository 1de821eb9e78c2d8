using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// An organization's incident choices, for its admins and focal points: report links for people without an account
/// (made, shown once, revoked), whether precise points are kept (admins), and the way to the CSV import. 404 for anyone else.
/// </summary>
public sealed class OrganizationModel(ReportLinks links, AmparoDbContext db, IOptions<AmparoOptions> options, ShortLivedValues shortLived) : PageModel
{
    public static readonly int[] KeepChoices = [0, 1, 3, 7, 14, 30];

    [BindProperty] public string? Label { get; set; }
    [BindProperty] public int KeepPointDays { get; set; }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public List<ReportLinkView> Links { get; private set; } = [];
    public bool IsAdmin { get; private set; }
    /// <summary>The address of a link just made, shown to the person who made it for ten minutes (only its hash is kept).</summary>
    public string? NewLinkUrl { get; private set; }
    public string? LabelError { get; private set; }
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid org, string? done, string? shown)
    {
        Done = done is "revoked" or "kept" ? done : null;
        if (!await LoadAsync(org)) return NotFound();
        if (Unprotect(org, shown) is { } token) NewLinkUrl = options.Value.BaseUrlFor(Request) + "/report/" + token;
        return Page();
    }

    public async Task<IActionResult> OnPostLinkAsync(Guid org)
    {
        var invalid = false;
        var token = await links.CreateAsync(User.UserId(), org, Label, () => invalid = true, HttpContext.RequestAborted);
        if (token is null && !invalid) return NotFound();
        if (token is not null)
            // After the redirect the page shows the address once, from the secret carried encrypted (never in clear in a URL).
            return Redirect($"/incidents/organization/{org}?shown={Uri.EscapeDataString(shortLived.Protect(token, ShownFor, Purpose, User.UserId(), org))}#links");
        LabelError = "Incidents.Org.LabelError";
        return await LoadAsync(org) ? Page() : NotFound();
    }

    /// <summary>How long the address of a new link can be shown again (a reload soon after making it).</summary>
    private static readonly TimeSpan ShownFor = TimeSpan.FromMinutes(10);

    private const string Purpose = "Amparo.Incidents.ReportLink";

    private string? Unprotect(Guid org, string? shown) =>
        shown is { Length: <= 1000 } ? shortLived.Unprotect(shown, Purpose, User.UserId(), org) : null;

    public async Task<IActionResult> OnPostRevokeAsync(Guid org, Guid link) =>
        await links.RevokeAsync(User.UserId(), org, link, HttpContext.RequestAborted) ? Redirect($"/incidents/organization/{org}?done=revoked#links") : NotFound();

    public async Task<IActionResult> OnPostKeepAsync(Guid org)
    {
        var result = await links.SetKeepPointDaysAsync(User.UserId(), org, ModelState.IsValid ? KeepPointDays : -1, HttpContext.RequestAborted);
        return result switch
        {
            IncidentWriteStatus.Done => Redirect($"/incidents/organization/{org}?done=kept#points"),
            IncidentWriteStatus.Invalid => BadRequest(),
            IncidentWriteStatus.NotFound or IncidentWriteStatus.NotAllowed or IncidentWriteStatus.Conflict => NotFound(),
        };
    }

    private async Task<bool> LoadAsync(Guid org)
    {
        Response.Headers.CacheControl = "no-store";
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        if (await links.ListAsync(me, org, ct) is not { } list) return false;
        Id = org;
        Links = list;
        Name = await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleAsync(ct);
        IsAdmin = await db.Memberships.AnyAsync(m => m.OrganizationId == org && m.UserId == me && m.Role == Features.Organizations.OrgRole.OrgAdmin, ct);
        if (!ModelState.ContainsKey(nameof(KeepPointDays)) || Done is not null) KeepPointDays = await links.KeepPointDaysAsync(me, org, ct) ?? 0;
        return true;
    }
}
