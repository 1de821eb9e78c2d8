using System.Security.Claims;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Setup;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Account;

[AllowAnonymous]
public sealed class SignInModel(AccountService accounts, Sessions sessions, SignInThrottle throttle, KnownDevices knownDevices, IStringLocalizer<SharedResource> t, AmparoDbContext db, SetupCode setupCode) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    public List<FormError> Errors { get; } = [];

    /// <summary>A fresh install (no server admin yet, setup code printed): the page says how to reach first-run setup.</summary>
    public bool SetupOpen { get; private set; }

    public Task OnGetAsync() => FindSetupAsync();

    private async Task FindSetupAsync() =>
        SetupOpen = setupCode.Current is not null && !await SetupCode.AdminExistsAsync(db, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAsync()
    {
        var email = (Email ?? "").Trim();
        if (!throttle.AllowIp(HttpContext.Connection.RemoteIpAddress)
            || !throttle.AllowAccount(email.ToUpperInvariant(), knownDevices.IsKnown(HttpContext, email)))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Errors.Add(new FormError(t["SignIn.TooMany"]));
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
                Errors.Add(new FormError(t["SignIn.Failed"], "email"));
                await FindSetupAsync();
                return Page();
        }
        // Every value is named above (AMP0002); a value added later fails closed here until it is handled.
        throw new System.Diagnostics.UnreachableException($"Sign-in result {result} is not handled.");
    }

    private string SafeReturn(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/";
}
