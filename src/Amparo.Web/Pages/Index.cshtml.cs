using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages;

public sealed class IndexModel(AmparoDbContext db) : PageModel
{
    public sealed record OrgLine(Guid Id, string Name, OrgRole Role);

    public string DisplayName { get; private set; } = "";
    public List<OrgLine> Organizations { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var me = User.UserId();
        DisplayName = User.Identity?.Name ?? "";
        Organizations = await db.Memberships.Where(m => m.UserId == me)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new OrgLine(o.Id, o.Name, m.Role))
            .OrderBy(o => o.Name).ToListAsync(HttpContext.RequestAborted);
    }
}
