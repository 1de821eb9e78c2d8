using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages;

/// <summary>The language switcher: a plain form, so it works without JavaScript. Remembered per person when signed in.</summary>
[AllowAnonymous]
public sealed class LanguageModel(AmparoDbContext db) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(string? language, string? returnUrl)
    {
        if (!Cultures.IsSupported(language)) return BadRequest();
        Response.Cookies.Append(WebSetup.LanguageCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language!)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Request.IsHttps, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
        if (User.Identity?.IsAuthenticated == true)
        {
            var me = User.UserId();
            await db.Users.Where(u => u.Id == me).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, language!), HttpContext.RequestAborted);
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
