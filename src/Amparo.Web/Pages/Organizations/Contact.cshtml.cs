using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Organizations;

/// <summary>
/// A member's phone and Signal number, for a colleague whom the member's own sharing rule lets see them
/// (for example the organization's focal points). Anyone else gets 404. Every read is audited.
/// </summary>
public sealed class ContactModel(AmparoDbContext db, AccountService accounts, AuditLog audit, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromRoute] public Guid MemberId { get; set; }
    public string DisplayName { get; private set; } = "";
    public string? Phone { get; private set; }
    public string? Signal { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var me = User.UserId();
        var ct = HttpContext.RequestAborted;
        if (MemberId == me) return Redirect("/account");
        var bothInOrg = await db.Memberships.CountAsync(m => m.OrganizationId == Id && (m.UserId == me || m.UserId == MemberId), ct) == 2;
        if (!bothInOrg) return NotFound();
        var visible = await Access.OwnersVisibleTo(me, DataCategory.ContactDetails, AccessSources.Of(db, clock))
            .AnyAsync(owner => owner == MemberId, ct);
        if (!visible) return NotFound();
        var member = await db.Users.SingleAsync(u => u.Id == MemberId, ct);
        DisplayName = member.DisplayName;
        (Phone, Signal) = await accounts.ContactDetailsAsync(member, ct);
        await audit.WriteAsync(AuditEvents.SensitiveRead, me, MemberId, Id, "ContactDetails", ct);
        return Page();
    }
}
