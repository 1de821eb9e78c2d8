using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Account;

/// <summary>"My account": links to the other account pages, and the profile form.</summary>
public sealed class IndexModel(UserManager<User> users, AccountService accounts, ProfileService profiles) : PageModel
{
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public string? TimeZone { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Signal { get; set; }

    public string Email { get; private set; } = "";
    public bool TwoFactorOn { get; private set; }
    public bool Saved { get; private set; }

    /// <summary>Field name → resource key of its problem.</summary>
    public Dictionary<string, string> FieldErrors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(bool saved = false)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        Saved = saved;
        Show(user);
        DisplayName = user.DisplayName;
        Language = user.Language;
        TimeZone = user.TimeZone;
        (Phone, Signal) = await accounts.ContactDetailsAsync(user, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        FieldErrors = await profiles.UpdateAsync(user, new ProfileService.ProfileInput(DisplayName, Language, TimeZone, Phone, Signal), HttpContext.RequestAborted);
        if (FieldErrors.Count > 0)
        {
            Show(user);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        // The language cookie keeps the choice after sign-out; the next page already speaks it (claims are rebuilt per request).
        Response.Cookies.Append(WebSetup.LanguageCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(user.Language)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Request.IsHttps, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
        return Redirect("/account?saved=true");
    }

    private void Show(User user)
    {
        Email = user.Email ?? "";
        TwoFactorOn = user.TwoFactorEnabled;
    }
}
