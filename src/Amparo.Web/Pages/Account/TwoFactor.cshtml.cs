using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Account;

/// <summary>Second sign-in step: a TOTP code or a recovery code, for the person whose passphrase was just checked.</summary>
[AllowAnonymous]
public sealed class TwoFactorModel(UserManager<User> users, AccountService accounts, Sessions sessions, SignInThrottle throttle, KnownDevices knownDevices, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Code { get; set; }
    public List<FormError> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var pending = await HttpContext.AuthenticateAsync(AuthSchemes.TwoFactorPending);
        return pending.Succeeded ? Page() : Redirect("/account/sign-in");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var pending = await HttpContext.AuthenticateAsync(AuthSchemes.TwoFactorPending);
        if (!pending.Succeeded) return Redirect("/account/sign-in");
        var user = await users.FindByIdAsync(pending.Principal!.UserId().ToString());
        if (user is null) return Redirect("/account/sign-in");
        if (!throttle.AllowIp(HttpContext.Connection.RemoteIpAddress) || !throttle.AllowAccount("2FA:" + user.Id, knownDevice: false))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Errors.Add(new(t["SignIn.TooMany"]));
            return Page();
        }
        if (!await accounts.CheckSecondFactorAsync(user, Code, HttpContext.RequestAborted))
        {
            Errors.Add(new(t["TwoFactor.Wrong"], "code"));
            return Page();
        }
        await sessions.SignInAsync(HttpContext, user);
        await accounts.SignedInAsync(user, "password+2fa", HttpContext.RequestAborted);
        knownDevices.Remember(HttpContext, user.Email ?? "");
        return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
