using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Account;

/// <summary>
/// Two-factor (set up with a QR code Amparo draws itself, recovery codes, turning it off) and changing the passphrase.
/// Every change needs proof: a current code, or the passphrase and a code. Attempts count against a per-person limit.
/// </summary>
public sealed class SecurityModel(
    UserManager<User> users, AccountService accounts, ProfileService profiles, SignInThrottle throttle,
    AuditLog audit, AmparoDbContext db) : PageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Passphrase { get; set; }
    [BindProperty] public string? CurrentPassphrase { get; set; }
    [BindProperty] public string? NewPassphrase { get; set; }
    [BindProperty] public string? RepeatPassphrase { get; set; }

    public bool TwoFactorOn { get; private set; }
    /// <summary>The grouped secret while setup waits for its first code; null otherwise.</summary>
    public string? PendingSecret { get; private set; }
    public bool Required { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    /// <summary>Shown once, right after they are made; never stored in clear.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }
    public string? Done { get; private set; }
    /// <summary>Form → (field → resource key).</summary>
    public Dictionary<string, string> FieldErrors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string? done = null)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        Done = done is "enabled" or "disabled" or "passphrase" ? done : null;
        await ShowAsync(user);
        return Page();
    }

    /// <summary>The QR code of the pending setup: image/png, never cached, only to its owner and only during setup.</summary>
    public async Task<IActionResult> OnGetQrAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null || user.TwoFactorEnabled) return NotFound();
        var secret = await accounts.PendingTwoFactorSecretAsync(user, HttpContext.RequestAborted);
        if (secret is null) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return File(TwoFactorQr.Png(TwoFactorQr.OtpAuthUri(user.Email ?? "", secret)), "image/png");
    }

    public async Task<IActionResult> OnPostBeginAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        // Starting over while two-factor is on would swap the secret without proof: turn it off first.
        if (!user.TwoFactorEnabled) await accounts.BeginTwoFactorAsync(user, HttpContext.RequestAborted);
        return Redirect("/account/security#two-factor");
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        if (user.TwoFactorEnabled) return Redirect("/account/security");
        if (!Allowed(user)) return await FailAsync(user, "Code", "SignIn.TooMany", StatusCodes.Status429TooManyRequests);
        // The passphrase too: someone holding only a stolen session must not lock the owner out with their own app.
        if (!profiles.PassphraseMatches(user, Passphrase)) return await FailAsync(user, "ConfirmPassphrase", "Security.WrongPassphrase");
        var codes = await accounts.ConfirmTwoFactorAsync(user, Code, HttpContext.RequestAborted);
        if (codes is null) return await FailAsync(user, "Code", "TwoFactor.Wrong");
        NewRecoveryCodes = codes;
        Done = "enabled";
        await ShowAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        if (!user.TwoFactorEnabled) return Redirect("/account/security");
        if (!Allowed(user)) return await FailAsync(user, "RecoveryCode", "SignIn.TooMany", StatusCodes.Status429TooManyRequests);
        if (!await accounts.CheckSecondFactorAsync(user, Code, HttpContext.RequestAborted))
            return await FailAsync(user, "RecoveryCode", "TwoFactor.Wrong");
        NewRecoveryCodes = await accounts.NewRecoveryCodesAsync(user, HttpContext.RequestAborted);
        await audit.WriteAsync(AuditEvents.RecoveryCodesRegenerated, user.Id, user.Id, ct: HttpContext.RequestAborted);
        await ShowAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        if (!user.TwoFactorEnabled) return Redirect("/account/security");
        if (!Allowed(user)) return await FailAsync(user, "DisablePassphrase", "SignIn.TooMany", StatusCodes.Status429TooManyRequests);
        if (!profiles.PassphraseMatches(user, Passphrase)) return await FailAsync(user, "DisablePassphrase", "Security.WrongPassphrase");
        if (!await accounts.CheckSecondFactorAsync(user, Code, HttpContext.RequestAborted)) return await FailAsync(user, "DisableCode", "TwoFactor.Wrong");
        await db.Entry(user).ReloadAsync(HttpContext.RequestAborted);
        await accounts.DisableTwoFactorAsync(user, user.Id, HttpContext.RequestAborted);
        return Redirect("/account/security?done=disabled");
    }

    public async Task<IActionResult> OnPostPassphraseAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        if (!Allowed(user)) return await FailAsync(user, "CurrentPassphrase", "SignIn.TooMany", StatusCodes.Status429TooManyRequests);
        var problem = await profiles.ChangePassphraseAsync(user, User.SessionIdOf(), CurrentPassphrase, NewPassphrase, RepeatPassphrase, HttpContext.RequestAborted);
        if (problem is not null) return await FailAsync(user, problem.Field, problem.Message);
        return Redirect("/account/security?done=passphrase");
    }

    /// <summary>Passphrase and code checks here count against their own per-person limit, so a stolen session cannot guess freely.</summary>
    private bool Allowed(User user) => throttle.AllowAccount("account-check:" + user.Id.ToString("D"), knownDevice: false);

    private async Task<IActionResult> FailAsync(User user, string field, string messageKey, int status = StatusCodes.Status400BadRequest)
    {
        FieldErrors[field] = messageKey;
        await ShowAsync(user);
        Response.StatusCode = status;
        return Page();
    }

    private async Task ShowAsync(User user)
    {
        var ct = HttpContext.RequestAborted;
        TwoFactorOn = user.TwoFactorEnabled;
        if (!user.TwoFactorEnabled && await accounts.PendingTwoFactorSecretAsync(user, ct) is { } secret)
            PendingSecret = TwoFactorQr.Grouped(secret);
        Required = !user.TwoFactorEnabled && await TwoFactorRequirement.AppliesToAsync(db, user.Id, ct);
        RecoveryCodesLeft = await db.RecoveryCodes.CountAsync(r => r.UserId == user.Id, ct);
    }
}
