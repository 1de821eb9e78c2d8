using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Incidents;

/// <summary>The reports the viewer may see: their own, their personal records, and their organizations' (as staff).</summary>
public sealed class IndexModel(AmparoDbContext db, IncidentService incidents) : PageModel
{
    public List<IncidentSummary> List { get; private set; } = [];
    public Dictionary<Guid, string> OrganizationNames { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Response.Headers.CacheControl = "no-store";
        var ct = HttpContext.RequestAborted;
        List = await incidents.ListAsync(User.UserId(), ct);
        var orgIds = List.Where(i => i.OrganizationId is not null).Select(i => i.OrganizationId!.Value).Distinct().ToList();
        OrganizationNames = await db.Organizations.Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
    }
}
