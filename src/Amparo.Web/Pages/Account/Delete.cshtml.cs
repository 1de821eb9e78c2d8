using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Account;

/// <summary>
/// Delete my account, confirmed with the passphrase. Refused while I am the last admin of an organization
/// (someone must be left to run it). Deletion destroys my data key first, so my encrypted data is gone for good.
/// </summary>
public sealed class DeleteModel(UserManager<User> users, AccountDeletion deletion, ProfileService profiles, SignInThrottle throttle, AmparoDbContext db) : PageModel
{
    [BindProperty] public string? Passphrase { get; set; }

    /// <summary>Names of the organizations I am the last admin of; deletion waits until each has another admin.</summary>
    public List<string> LastAdminOf { get; private set; } = [];
    public string? PassphraseError { get; private set; }

    public async Task OnGetAsync() => await LoadBlockersAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        await LoadBlockersAsync();
        if (LastAdminOf.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        if (!throttle.AllowAccount("account-check:" + user.Id.ToString("D"), knownDevice: false))
            return Fail("SignIn.TooMany", StatusCodes.Status429TooManyRequests);
        if (!profiles.PassphraseMatches(user, Passphrase)) return Fail("Security.WrongPassphrase", StatusCodes.Status400BadRequest);
        if (!await deletion.DeleteAsync(user, HttpContext.RequestAborted))
        {
            // Someone else left in between: show the refusal again.
            await LoadBlockersAsync();
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        await Sessions.ForgetBrowserAsync(HttpContext);
        return Redirect("/account/deleted");
    }

    private PageResult Fail(string key, int status)
    {
        PassphraseError = key;
        Response.StatusCode = status;
        return Page();
    }

    private async Task LoadBlockersAsync()
    {
        LastAdminOf = (await OrganizationsPersonalData.LastAdminOfAsync(db, User.UserId(), HttpContext.RequestAborted)).Select(o => o.Name).ToList();
    }
}
