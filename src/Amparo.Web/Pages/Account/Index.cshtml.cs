using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Account;

/// <summary>"My account": links to the other account pages, and the profile form.</summary>
public sealed class IndexModel(UserManager<User> users, AccountService accounts, ProfileService profiles, PhoneVerification phones) : PageModel
{
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public string? SecondLanguage { get; set; }
    [BindProperty] public string? TimeZone { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Signal { get; set; }
    [BindProperty] public string? PhoneCode { get; set; }

    public string Email { get; private set; } = "";
    public bool TwoFactorOn { get; private set; }
    public bool Saved { get; private set; }
    /// <summary>A number is set and proved to be the person's (SMS commands from it are carried out).</summary>
    public bool PhoneVerified { get; private set; }
    public bool HasPhone { get; private set; }
    /// <summary>"sent" or "verified" after the phone forms.</summary>
    public string? PhoneDone { get; private set; }

    /// <summary>Field name → resource key of its problem.</summary>
    public Dictionary<string, string> FieldErrors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(bool saved = false, string? phone = null)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        Saved = saved;
        PhoneDone = phone is "sent" or "verified" ? phone : null;
        Show(user);
        DisplayName = user.DisplayName;
        Language = user.Language;
        SecondLanguage = user.SecondLanguage;
        TimeZone = user.TimeZone;
        (Phone, Signal) = await accounts.ContactDetailsAsync(user, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        FieldErrors = await profiles.UpdateAsync(user, new ProfileService.ProfileInput(DisplayName, Language, TimeZone, Phone, Signal, SecondLanguage ?? ""), HttpContext.RequestAborted);
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

    /// <summary>Sends a code to the profile's number.</summary>
    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        var result = await phones.SendCodeAsync(user, HttpContext.RequestAborted);
        if (result == PhoneCheck.Sent) return Redirect("/account?phone=sent#phone-verify");
        if (result == PhoneCheck.Verified) return Redirect("/account?phone=verified#phone-verify");
        return await PhoneProblemAsync(user, result);
    }

    /// <summary>Checks the code typed from the SMS.</summary>
    public async Task<IActionResult> OnPostVerifyPhoneAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        var result = await phones.VerifyAsync(user, PhoneCode, HttpContext.RequestAborted);
        if (result == PhoneCheck.Verified) return Redirect("/account?phone=verified#phone-verify");
        return await PhoneProblemAsync(user, result);
    }

    private async Task<IActionResult> PhoneProblemAsync(User user, PhoneCheck result)
    {
        FieldErrors["PhoneCode"] = ProblemKey(result);
        Show(user);
        DisplayName = user.DisplayName;
        Language = user.Language;
        SecondLanguage = user.SecondLanguage;
        TimeZone = user.TimeZone;
        (Phone, Signal) = await accounts.ContactDetailsAsync(user, HttpContext.RequestAborted);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private static string ProblemKey(PhoneCheck result) => result switch
    {
        PhoneCheck.NoPhone => "Phone.Error.NoPhone",
        PhoneCheck.TooSoon => "Phone.Error.TooSoon",
        PhoneCheck.TooManyTries => "Phone.Error.TooMany",
        PhoneCheck.Expired => "Phone.Error.Expired",
        PhoneCheck.Taken => "Phone.Error.Taken",
        PhoneCheck.WrongCode or PhoneCheck.Sent or PhoneCheck.Verified => "Phone.Error.WrongCode",
    };

    private void Show(User user)
    {
        Email = user.Email ?? "";
        TwoFactorOn = user.TwoFactorEnabled;
        HasPhone = user.PhoneLookup is not null;
        PhoneVerified = PhoneVerification.IsVerified(user);
    }
}
