using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.HotZones;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Amparo.Web.Infrastructure.Geography;

namespace Amparo.Web.Pages.HotZones;

/// <summary>
/// The countries a grantmaker organization funds in, for its admins: they are told of published hot zones there. Anyone
/// else, or an organization that is not a grantmaker: 404.
/// </summary>
public sealed class RegionsModel(GrantmakerRegions regions, CountryOutlines outlines) : PageModel
{
    public const string Route = "/hot-zones/regions/";

    [FromRoute] public Guid Org { get; set; }
    public string Organization { get; private set; } = "";
    public List<CountryOutlines.Country> Followed { get; private set; } = [];
    public List<CountryOutlines.Country> Others { get; private set; } = [];
    public bool Unknown { get; private set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string? country, bool follow)
    {
        if (!await LoadAsync()) return NotFound();
        if (!await regions.SetAsync(User.UserId(), Org, country, follow, HttpContext.RequestAborted))
        {
            // The person may change them (LoadAsync said so): the country was not one of the list.
            Unknown = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        return Redirect(Route + Org + "?done=" + (follow ? "added" : "removed"));
    }

    private async Task<bool> LoadAsync()
    {
        if (await regions.ListAsync(User.UserId(), Org, HttpContext.RequestAborted) is not { } list) return false;
        var language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        var comparer = StringComparer.Create(System.Globalization.CultureInfo.CurrentCulture, true);
        Organization = list.Organization;
        Followed = [.. list.Countries.Where(outlines.Countries.ContainsKey).Select(c => outlines.Countries[c]).OrderBy(c => c.Name(language), comparer)];
        Others = [.. outlines.Countries.Values.Where(c => !list.Countries.Contains(c.Code)).OrderBy(c => c.Name(language), comparer)];
        return true;
    }
}
