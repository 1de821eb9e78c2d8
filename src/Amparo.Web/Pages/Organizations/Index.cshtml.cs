using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Organizations;

/// <summary>The organizations I belong to; a server admin also sees every organization.</summary>
public sealed class IndexModel(AmparoDbContext db) : PageModel
{
    public sealed record Line(Guid Id, string Name, OrganizationKind Kind, OrgRole? Role);

    public List<Line> Mine { get; private set; } = [];
    public List<Line> All { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var me = User.UserId();
        var ct = HttpContext.RequestAborted;
        Mine = await (
            from m in db.Memberships
            where m.UserId == me
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new Line(o.Id, o.Name, o.Kind, m.Role)).ToListAsync(ct);
        if (User.IsServerAdmin())
        {
            All = await db.Organizations.OrderBy(o => o.Name).Select(o => new Line(o.Id, o.Name, o.Kind, null)).ToListAsync(ct);
        }
    }
}
