using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Organizations;

/// <summary>
/// Right after inviting: the link on screen and as a QR code, for handing over in person, and whether the
/// e-mail went out. Only an admin of the inviting organization, and only the one who invited, can open it.
/// </summary>
public sealed class InvitationModel(AmparoDbContext db, OrganizationService organizations, InvitationLinks links) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromRoute] public Guid InvitationId { get; set; }
    [FromQuery(Name = "k")] public string? Shown { get; set; }
    [FromQuery(Name = "mail")] public string? MailResult { get; set; }

    public Invitation? Invitation { get; private set; }
    public string OrganizationName { get; private set; } = "";
    public string? Link { get; private set; }
    public MailOutcome? Mail { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await organizations.IsAdminAsync(User.UserId(), Id, HttpContext.RequestAborted)) return NotFound();
        var token = await OpenTokenAsync();
        OrganizationName = await db.Organizations.Where(o => o.Id == Id).Select(o => o.Name).SingleAsync(HttpContext.RequestAborted);
        if (token is not null) Link = links.Url(Request, token);
        Mail = Enum.TryParse<MailOutcome>(MailResult, ignoreCase: true, out var m) && Enum.IsDefined(m) ? m : null;
        return Page();
    }

    /// <summary>The QR code of the link, as a PNG made here (no outside service ever sees the link).</summary>
    public async Task<IActionResult> OnGetQrAsync()
    {
        if (!await organizations.IsAdminAsync(User.UserId(), Id, HttpContext.RequestAborted)) return NotFound();
        var token = await OpenTokenAsync();
        if (token is null) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return File(InvitationLinks.QrPng(links.Url(Request, token)), "image/png");
    }

    /// <summary>The token, if the page carries it for this admin and the invitation can still be accepted.</summary>
    private async Task<string?> OpenTokenAsync()
    {
        var token = links.Unprotect(Shown, Id, InvitationId, User.UserId());
        Invitation = await organizations.PendingInvitations(Id).AsNoTracking().SingleOrDefaultAsync(i => i.Id == InvitationId, HttpContext.RequestAborted);
        if (token is null || Invitation is null || !Tokens.FixedTimeEquals(Invitation.TokenHash, Tokens.Hash(token))) return null;
        return token;
    }
}
