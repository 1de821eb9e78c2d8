using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Account;

/// <summary>Ends this session on the server and tells the browser to forget everything of ours.</summary>
[AllowAnonymous]
public sealed class SignOutModel(Sessions sessions) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.SessionIdOf() is { } sid) await sessions.EndAsync(User.UserId(), sid, HttpContext.RequestAborted);
        await Sessions.ForgetBrowserAsync(HttpContext);
        return Redirect("/account/sign-in");
    }
}
