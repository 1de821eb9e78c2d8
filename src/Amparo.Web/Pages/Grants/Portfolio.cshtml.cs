using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Grants;

/// <summary>A grantmaker's portfolio over twelve months, counts only, small ones hidden (<see cref="GrantPortfolio"/>). Anyone it is not open to: 404.</summary>
public sealed class PortfolioModel(GrantPortfolio portfolio, IStringLocalizer<SharedResource> t) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public Portfolio View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await portfolio.GetAsync(User.UserId(), Id, m => m.ToString("MMM yyyy", CultureInfo.CurrentCulture),
                k => t["Grants.Kind." + k].Value, HttpContext.RequestAborted) is not { } view)
            return NotFound();
        View = view;
        return Page();
    }
}
