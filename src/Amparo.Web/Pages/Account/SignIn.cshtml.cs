using System.Security.Claims;
using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Account;

[AllowAnonymous]
public sealed class SignInModel(AccountService accounts, Sessions sessions, SignInThrottle throttle, KnownDevices knownDevices, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    public List<string> Errors { get; } = [];

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var email = (Email ?? "").Trim();
        if (!throttle.AllowIp(HttpContext.Connection.RemoteIpAddress)
            || !throttle.AllowAccount(email.ToUpperInvariant(), knownDevices.IsKnown(HttpContext, email)))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Errors.Add(t["SignIn.TooMany"]);
            return Page();
        }
        var (result, user) = await accounts.CheckPasswordAsync(email, Password, HttpContext.RequestAborted);
        switch (result)
        {
            case PasswordCheck.Succeeded:
                await sessions.SignInAsync(HttpContext, user!);
                await accounts.SignedInAsync(user!, "password", HttpContext.RequestAborted);
                knownDevices.Remember(HttpContext, email);
                return LocalRedirect(SafeReturn(ReturnUrl));
            case PasswordCheck.NeedsCode:
                var pending = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user!.Id.ToString("D"))], AuthSchemes.TwoFactorPending));
                await HttpContext.SignInAsync(AuthSchemes.TwoFactorPending, pending);
                return Redirect("/account/two-factor?returnUrl=" + Uri.EscapeDataString(SafeReturn(ReturnUrl)));
            case PasswordCheck.Failed:
                Errors.Add(t["SignIn.Failed"]);
                return Page();
        }
        // Every value is named above (AMP0002); a value added later fails closed here until it is handled.
        throw new System.Diagnostics.UnreachableException($"Sign-in result {result} is not handled.");
    }

    private string SafeReturn(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/";
}
