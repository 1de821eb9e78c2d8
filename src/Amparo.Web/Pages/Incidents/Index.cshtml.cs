using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// The reports the viewer may see: their own, their personal records, their organizations' (as staff) and those shared
/// with a network they coordinate; and, for an organization's admins, whether its reports are shared with each of its networks.
/// </summary>
public sealed class IndexModel(AmparoDbContext db, IncidentService incidents) : PageModel
{
    public sealed record OrgShares(Guid Id, string Name, List<NetworkShare> Networks);

    public List<IncidentSummary> List { get; private set; } = [];
    public Dictionary<Guid, string> OrganizationNames { get; private set; } = [];
    public List<OrgShares> Shares { get; private set; } = [];
    /// <summary>Organizations whose reports the viewer may export (admins and focal points).</summary>
    public List<(Guid Id, string Name)> Exportable { get; private set; } = [];
    /// <summary>"shared", "unshared", "imported" (with <see cref="Count"/>) or "discarded" after a change (the page says so).</summary>
    public string? Done { get; private set; }
    public int Count { get; private set; }

    public async Task OnGetAsync(string? done, int count = 0)
    {
        Done = done is "shared" or "unshared" or "imported" or "discarded" ? done : null;
        Count = Math.Max(0, count);
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostShareAsync(Guid organization, Guid network, bool shared)
    {
        var result = await incidents.SetNetworkShareAsync(User.UserId(), organization, network, shared, HttpContext.RequestAborted);
        return result.Status == IncidentWriteStatus.Done ? Redirect("/incidents?done=" + (shared ? "shared" : "unshared") + "#networks") : NotFound();
    }

    private async Task LoadAsync()
    {
        Response.Headers.CacheControl = "no-store";
        var me = User.UserId();
        var ct = HttpContext.RequestAborted;
        List = await incidents.ListAsync(me, ct);
        var orgIds = List.Where(i => i.OrganizationId is not null).Select(i => i.OrganizationId!.Value).Distinct().ToList();
        OrganizationNames = await db.Organizations.Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Exportable = (await incidents.ReportableOrganizationsAsync(me, ct)).Where(o => o.Staff).Select(o => (o.Id, o.Name)).ToList();
        var administered = await (
            from m in db.Memberships
            where m.UserId == me && m.Role == OrgRole.OrgAdmin
            join o in db.Organizations on m.OrganizationId equals o.Id
            where o.Kind != OrganizationKind.Grantmaker
            orderby o.Name
            select new { o.Id, o.Name }).ToListAsync(ct);
        foreach (var org in administered)
            if (await incidents.NetworkSharesAsync(me, org.Id, ct) is { Count: > 0 } networks)
                Shares.Add(new OrgShares(org.Id, org.Name, networks));
    }
}
