using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Networks;

/// <summary>Networks I coordinate or whose organizations I belong to; a server admin sees and creates all.</summary>
public sealed class IndexModel(AmparoDbContext db, NetworkService networks, IStringLocalizer<SharedResource> t) : PageModel
{
    public List<Network> Visible { get; private set; } = [];
    [BindProperty] public string? Name { get; set; }
    public string? NameError { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (!User.IsServerAdmin()) return StatusCode(StatusCodes.Status403Forbidden);
        var network = await networks.CreateAsync(Name ?? "", User.UserId(), HttpContext.RequestAborted);
        if (network is null)
        {
            NameError = t["Networks.NameInvalid"];
            await LoadAsync();
            return Page();
        }
        return Redirect($"/networks/{network.Id}");
    }

    private async Task LoadAsync()
    {
        var source = User.IsServerAdmin() ? db.Networks : networks.VisibleTo(User.UserId());
        Visible = await source.AsNoTracking().OrderBy(n => n.Name).ToListAsync(HttpContext.RequestAborted);
    }
}
