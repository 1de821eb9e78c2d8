using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Amparo.Web.Infrastructure.Geography;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Grants;

/// <summary>A grantmaker's portfolio over twelve months, counts only, small ones hidden (<see cref="GrantPortfolio"/>). Anyone it is not open to: 404.</summary>
public sealed class PortfolioModel(GrantPortfolio portfolio, IStringLocalizer<SharedResource> t, CountryOutlines countries) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public Portfolio View { get; private set; } = null!;

    /// <summary>Requests by region, each region by its name in the page's language ("not said" for none).</summary>
    public PortfolioTable ByRegion => View.ByRegion with
    {
        Columns = [.. View.ByRegion.Columns.Select(c => c.Length == 0 ? t["Grants.Portfolio.RegionNotSaid"].Value
            : countries.RegionName(c, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName))],
    };

    public async Task<IActionResult> OnGetAsync()
    {
        if (await portfolio.GetAsync(User.UserId(), Id, m => m.ToString("MMM yyyy", CultureInfo.CurrentCulture),
                k => t["Grants.Kind." + k].Value, HttpContext.RequestAborted) is not { } view)
            return NotFound();
        View = view;
        return Page();
    }
}
