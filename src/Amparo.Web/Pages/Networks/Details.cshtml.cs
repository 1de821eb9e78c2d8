using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Networks;

/// <summary>A network's organizations and coordinators. 404 for people with no link to it; changes by server admins only.</summary>
public sealed class DetailsModel(AmparoDbContext db, NetworkService networks, DirectoryLinks links, UserManager<User> users, IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed record OrgLine(Guid Id, string Name, OrganizationKind Kind);
    public sealed record PersonLine(Guid Id, string DisplayName);

    [FromRoute] public Guid Id { get; set; }
    public Network Network { get; private set; } = null!;
    public List<OrgLine> Organizations { get; private set; } = [];
    public List<PersonLine> Coordinators { get; private set; } = [];
    /// <summary>Organizations not yet in the network (server admins only).</summary>
    public List<OrgLine> Others { get; private set; } = [];

    /// <summary>The viewer's organizations in this network where they are an admin: each has an entry to keep in the directory.</summary>
    public List<OrgLine> MyEntries { get; private set; } = [];
    public bool IsCoordinator { get; private set; }
    /// <summary>The links the network recommends (added from its dialogues' resources by its coordinators).</summary>
    public List<DirectoryLinks.Line> Links { get; private set; } = [];

    [BindProperty] public string? CoordinatorEmail { get; set; }
    public string? CoordinatorError { get; private set; }
    [TempData] public string? Notice { get; set; }

    private CancellationToken Ct => HttpContext.RequestAborted;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    /// <summary>A coordinator takes a recommended link out of the directory.</summary>
    public async Task<IActionResult> OnPostRemoveLinkAsync(Guid link)
    {
        if (!await LoadAsync()) return NotFound();
        if (!await links.RemoveAsync(User.UserId(), link, Ct)) return NotFound();
        Notice = "Directory.Links.Removed";
        return Redirect($"/networks/{Id}");
    }

    public async Task<IActionResult> OnPostAddOrganizationAsync(Guid organizationId)
    {
        if (!await LoadAsync()) return NotFound();
        if (!User.IsServerAdmin()) return StatusCode(StatusCodes.Status403Forbidden);
        if (!await networks.AddOrganizationAsync(Id, organizationId, User.UserId(), Ct)) return NotFound();
        Notice = "Networks.OrganizationAdded";
        return Redirect($"/networks/{Id}");
    }

    public async Task<IActionResult> OnPostAddCoordinatorAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (!User.IsServerAdmin()) return StatusCode(StatusCodes.Status403Forbidden);
        var email = (CoordinatorEmail ?? "").Trim();
        var person = Validation.IsEmail(email) ? await users.FindByEmailAsync(email) : null;
        if (person is null || !await networks.AddCoordinatorAsync(Id, person.Id, User.UserId(), Ct))
        {
            CoordinatorError = t["Networks.CoordinatorNotEligible"];
            return Page();
        }
        Notice = "Networks.CoordinatorAdded";
        return Redirect($"/networks/{Id}");
    }

    private async Task<bool> LoadAsync()
    {
        var me = User.UserId();
        var source = User.IsServerAdmin() ? db.Networks : networks.VisibleTo(me);
        var network = await source.AsNoTracking().SingleOrDefaultAsync(n => n.Id == Id, Ct);
        if (network is null) return false;
        Network = network;
        Organizations = await (
            from no in db.NetworkOrganizations
            where no.NetworkId == Id
            join o in db.Organizations on no.OrganizationId equals o.Id
            orderby o.Name
            select new OrgLine(o.Id, o.Name, o.Kind)).ToListAsync(Ct);
        MyEntries = await (
            from m in db.Memberships
            where m.UserId == me && m.Role == OrgRole.OrgAdmin
            join no in db.NetworkOrganizations on m.OrganizationId equals no.OrganizationId
            where no.NetworkId == Id
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new OrgLine(o.Id, o.Name, o.Kind)).ToListAsync(Ct);
        IsCoordinator = await db.NetworkCoordinators.AnyAsync(c => c.NetworkId == Id && c.UserId == me, Ct);
        Links = await links.ForAsync(me, Id, Ct);
        Coordinators = await (
            from c in db.NetworkCoordinators
            where c.NetworkId == Id
            join u in db.Users on c.UserId equals u.Id
            orderby u.DisplayName
            select new PersonLine(u.Id, u.DisplayName)).ToListAsync(Ct);
        if (User.IsServerAdmin())
        {
            var inNetwork = db.NetworkOrganizations.Where(no => no.NetworkId == Id).Select(no => no.OrganizationId);
            Others = await db.Organizations.Where(o => !inNetwork.Contains(o.Id)).OrderBy(o => o.Name)
                .Select(o => new OrgLine(o.Id, o.Name, o.Kind)).ToListAsync(Ct);
        }
        return true;
    }
}
