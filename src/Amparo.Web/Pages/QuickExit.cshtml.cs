using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Pages;

/// <summary>
/// Quick exit, the link on every page: one tap, no JavaScript needed. Ends this browser's session on the server as
/// sign-out does, tells the browser to forget everything of ours (Clear-Site-Data), and sends it to the configured
/// neutral page. A GET that signs out is on purpose: the worst another site can do with it is sign someone out. The
/// target is only ever <see cref="AmparoOptions.QuickExitUrl"/>: nothing in the request can change it, so the link
/// cannot be used to send anyone elsewhere.
/// </summary>
[AllowAnonymous]
public sealed class QuickExitModel(Sessions sessions, IOptions<AmparoOptions> options) : PageModel
{
    public const string Route = "/exit";

    public async Task<IActionResult> OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated == true && User.SessionIdOf() is { } sid)
            await sessions.EndAsync(User.UserId(), sid, HttpContext.RequestAborted);
        await Sessions.ForgetBrowserAsync(HttpContext);
        return Redirect(options.Value.QuickExitUrl);
    }
}
