using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Invitations;

/// <summary>
/// The page an invitation link opens. A new person sets a display name and passphrase; a signed-in person
/// with the invited address joins with one button. Every kind of dead link (unknown, used, expired,
/// revoked) gets the same neutral answer.
/// </summary>
[AllowAnonymous]
public sealed class AcceptModel(
    AmparoDbContext db, OrganizationService organizations, AccountService accounts, UserManager<User> users,
    Sessions sessions, SignInThrottle throttle, IStringLocalizer<SharedResource> t) : PageModel
{
    [FromRoute] public string Token { get; set; } = "";
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? PasswordAgain { get; set; }
    [BindProperty] public string? Language { get; set; }
    /// <summary>The new person's time zone: the form shows it, pre-filled from the device by the optional script.</summary>
    [BindProperty] public string? TimeZone { get; set; }
    public string? TimeZoneError { get; private set; }

    public bool Valid { get; private set; }
    public string OrganizationName { get; private set; } = "";
    public OrgRole Role { get; private set; }
    public bool SignedIn { get; private set; }
    public bool ForMe { get; private set; }
    public bool AccountExists { get; private set; }
    public List<FormError> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!throttle.AllowSignUp(HttpContext.Connection.RemoteIpAddress))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Errors.Add(new(t["Invitation.TooMany"]));
            await LoadAsync();
            return Page();
        }
        if (!await LoadAsync() || SignedIn) return Answer();
        if (!string.Equals(Password, PasswordAgain, StringComparison.Ordinal))
        {
            Errors.Add(new(t["Invitation.PassphrasesDiffer"], "password-again"));
            return Page();
        }
        if (TimeZone is not null && !Validation.IsTimeZone(TimeZone.Trim()))
        {
            TimeZoneError = t["Validation.TimeZone"].Value;
            Errors.Add(new FormError(TimeZoneError, "timezone"));
            return Page();
        }
        var language = Cultures.IsSupported(Language) ? Language! : "en";
        var accepted = await organizations.AcceptAsync(Token, DisplayName ?? "", Password ?? "", language, HttpContext.RequestAborted);
        if (accepted.User is null)
        {
            if (accepted.Errors.Contains("Invitation.Invalid")) return Invalid();
            AccountExists = accepted.Errors.Contains("Account.EmailTaken");
            Errors.AddRange(accepted.Errors.Select(e => e == "Account.EmailTaken"
                ? new FormError(t["Invitation.AccountExists"])
                : new FormError(t[e], FormError.AccountField(e))));
            return Page();
        }
        await NewAccountZone.SetAsync(db, accepted.User, TimeZone, HttpContext.RequestAborted);
        await sessions.SignInAsync(HttpContext, accepted.User);
        await accounts.SignedInAsync(accepted.User, "invitation", HttpContext.RequestAborted);
        return Redirect("/");
    }

    /// <summary>A signed-in person whose address the invitation names joins with their existing account.</summary>
    public async Task<IActionResult> OnPostJoinAsync()
    {
        if (!await LoadAsync() || !ForMe) return Answer();
        var invitation = await organizations.OpenInvitationAsync(Token, HttpContext.RequestAborted);
        if (invitation is null || !await organizations.AcceptAsExistingAsync(Token, User.UserId(), HttpContext.RequestAborted)) return Invalid();
        return Redirect($"/organizations/{invitation.OrganizationId}");
    }

    private PageResult Answer() => Valid ? Page() : Invalid();

    private PageResult Invalid()
    {
        Valid = false;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var invitation = await organizations.OpenInvitationAsync(Token, HttpContext.RequestAborted);
        if (invitation is null) return Valid = false;
        OrganizationName = await db.Organizations.Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).SingleAsync(HttpContext.RequestAborted);
        Role = invitation.Role;
        SignedIn = User.Identity?.IsAuthenticated == true;
        if (SignedIn)
        {
            var me = await users.FindByIdAsync(User.UserId().ToString());
            ForMe = me is not null && string.Equals(me.NormalizedEmail, users.NormalizeEmail(invitation.Email), StringComparison.Ordinal);
        }
        return Valid = true;
    }
}
