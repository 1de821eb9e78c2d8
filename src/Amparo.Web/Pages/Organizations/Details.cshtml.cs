using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Organizations;

/// <summary>
/// One organization: its members, and for its admins the member, invitation and two-factor controls.
/// Only members (and server admins) see it; everyone else gets 404. The service re-checks every right.
/// </summary>
public sealed class DetailsModel(AmparoDbContext db, OrganizationService organizations, InvitationLinks links, IStringLocalizer<SharedResource> t, TimeProvider clock) : PageModel
{
    public sealed record MemberLine(Guid UserId, string DisplayName, OrgRole Role);

    [FromRoute] public Guid Id { get; set; }
    public Organization Org { get; private set; } = null!;
    public OrgRole? MyRole { get; private set; }
    public bool CanAdminister { get; private set; }
    public bool TwoFactorMissing { get; private set; }
    public List<MemberLine> Members { get; private set; } = [];
    /// <summary>Members whose contact details their own sharing rules open to me.</summary>
    public HashSet<Guid> ContactVisible { get; private set; } = [];
    public List<Invitation> Pending { get; private set; } = [];

    /// <summary>Resource keys of a one-time message after a redirect.</summary>
    [TempData] public string? Notice { get; set; }
    [TempData] public string? Problem { get; set; }

    [BindProperty] public string? InviteEmail { get; set; }
    [BindProperty] public OrgRole InviteRole { get; set; } = OrgRole.Member;
    public string? InviteEmailError { get; private set; }

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;
    private RedirectResult Back() => Redirect($"/organizations/{Id}");

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostRoleAsync(Guid memberId, OrgRole role)
    {
        if (!await LoadAsync()) return NotFound();
        if (!ModelState.IsValid || !Enum.IsDefined(role)) return BadRequest();
        var result = await organizations.ChangeRoleAsync(Id, Me, memberId, role, Ct);
        return Outcome(result, "Org.RoleChanged", "Org.LastAdminDemote");
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid memberId)
    {
        if (!await LoadAsync()) return NotFound();
        if (memberId == Me) return await OnPostLeaveAsync();
        var result = await organizations.RemoveAsync(Id, Me, memberId, Ct);
        return Outcome(result, "Org.MemberRemoved", "Org.LastAdminRemove");
    }

    public async Task<IActionResult> OnPostLeaveAsync()
    {
        if (!await LoadAsync()) return NotFound();
        var result = await organizations.RemoveAsync(Id, Me, Me, Ct);
        if (result == OrganizationService.ChangeResult.Done) return Redirect("/organizations");
        return Outcome(result, "", "Org.LastAdminLeave");
    }

    public async Task<IActionResult> OnPostTwoFactorAsync(bool required)
    {
        if (!await LoadAsync()) return NotFound();
        if (!ModelState.IsValid) return BadRequest();
        switch (await organizations.SetTwoFactorRuleAsync(Id, Me, required, Ct))
        {
            case OrganizationService.TwoFactorRuleResult.NotAllowed:
                return StatusCode(StatusCodes.Status403Forbidden);
            case OrganizationService.TwoFactorRuleResult.TurnOnYourOwnFirst:
                Problem = "Org.TwoFactorYoursFirst";
                break;
            case OrganizationService.TwoFactorRuleResult.Done:
                Notice = required ? "Org.TwoFactorRequired" : "Org.TwoFactorOptional";
                break;
        }
        return Back();
    }

    public async Task<IActionResult> OnPostInviteAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (!CanAdminister) return StatusCode(StatusCodes.Status403Forbidden);
        var email = (InviteEmail ?? "").Trim();
        if (!Validation.IsEmail(email))
        {
            InviteEmailError = t["Validation.Email"];
            return Page();
        }
        if (!ModelState.IsValid || !Enum.IsDefined(InviteRole)) return BadRequest();
        var link = await organizations.InviteAsync(Id, Me, email, InviteRole, Ct);
        if (link is null) return StatusCode(StatusCodes.Status403Forbidden);
        var url = links.Url(Request, link.Token);
        var mail = await links.SendAsync(t, email, Org.Name, url, Ct);
        var shown = links.Protect(link.Token, Id, link.Invitation.Id, Me);
        return Redirect($"/organizations/{Id}/invitations/{link.Invitation.Id}?mail={mail.ToString().ToLowerInvariant()}&k={Uri.EscapeDataString(shown)}");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid invitationId)
    {
        if (!await LoadAsync()) return NotFound();
        if (!CanAdminister) return StatusCode(StatusCodes.Status403Forbidden);
        Notice = await organizations.RevokeInvitationAsync(Id, Me, invitationId, Ct) ? "Org.InvitationRevoked" : null;
        return Back();
    }

    private IActionResult Outcome(OrganizationService.ChangeResult result, string done, string lastAdmin)
    {
        switch (result)
        {
            case OrganizationService.ChangeResult.NotAllowed:
                return StatusCode(StatusCodes.Status403Forbidden);
            case OrganizationService.ChangeResult.NotFound:
                return NotFound();
            case OrganizationService.ChangeResult.LastAdmin:
                Problem = lastAdmin;
                break;
            case OrganizationService.ChangeResult.Done:
                Notice = done;
                break;
        }
        return Back();
    }

    /// <summary>Loads what the caller may see. False (answer 404) for anyone who is neither a member nor a server admin.</summary>
    private async Task<bool> LoadAsync()
    {
        var org = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == Id, Ct);
        if (org is null) return false;
        MyRole = await organizations.RoleOfAsync(Me, Id, Ct);
        if (MyRole is null && !User.IsServerAdmin()) return false;
        Org = org;
        CanAdminister = await organizations.IsAdminAsync(Me, Id, Ct);
        TwoFactorMissing = MyRole is OrgRole.FocalPoint or OrgRole.OrgAdmin && !await organizations.MeetsTwoFactorRuleAsync(Me, Id, Ct);
        Members = await (
            from m in db.Memberships
            where m.OrganizationId == Id
            join u in db.Users on m.UserId equals u.Id
            orderby u.DisplayName
            select new MemberLine(u.Id, u.DisplayName, m.Role)).ToListAsync(Ct);
        ContactVisible = (await Access.OwnersVisibleTo(Me, DataCategory.ContactDetails, AccessSources.Of(db, clock))
            .ToListAsync(Ct)).ToHashSet();
        ContactVisible.Remove(Me);
        if (CanAdminister)
            Pending = await organizations.PendingInvitations(Id).AsNoTracking().OrderBy(i => i.ExpiresAt).ToListAsync(Ct);
        return true;
    }
}
