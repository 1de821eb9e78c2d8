using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Organizations;

/// <summary>A server admin creates an organization and becomes its first admin.</summary>
[Authorize(Policy = WebSetup.ServerAdminPolicy)]
public sealed class NewModel(OrganizationService organizations, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public OrganizationKind Kind { get; set; } = OrganizationKind.CivilSociety;
    public string? NameError { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        // The kind comes from a fixed list: anything else is a forged request, not a typing mistake.
        if (!ModelState.IsValid || !Enum.IsDefined(Kind)) return BadRequest();
        var name = (Name ?? "").Trim();
        if (name.Length is 0 or > 200 || name.Any(char.IsControl))
        {
            NameError = t["Orgs.NameInvalid"];
            return Page();
        }
        var me = User.UserId();
        var org = await organizations.CreateAsync(name, Kind, me, ct);
        if (org is null) return Page();
        await organizations.AddMemberAsync(org.Id, me, OrgRole.OrgAdmin, me, ct);
        return Redirect($"/organizations/{org.Id}");
    }
}
