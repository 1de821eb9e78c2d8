using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Organizations;

/// <summary>One organization's audit events, for its admins. Members get 403, everyone else 404.</summary>
public sealed class AuditModel(AmparoDbContext db, OrganizationService organizations) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public string OrganizationName { get; private set; } = "";
    public AuditQuery.Result Result { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync([FromQuery] string? type, [FromQuery] int page = 0)
    {
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        var role = await organizations.RoleOfAsync(me, Id, ct);
        if (role is null) return NotFound();
        if (!await organizations.IsAdminAsync(me, Id, ct)) return StatusCode(StatusCodes.Status403Forbidden);
        OrganizationName = await db.Organizations.Where(o => o.Id == Id).Select(o => o.Name).SingleAsync(ct);
        Result = await AuditQuery.RunAsync(db, Id, string.IsNullOrEmpty(type) ? null : type, page, ct);
        return Page();
    }
}
