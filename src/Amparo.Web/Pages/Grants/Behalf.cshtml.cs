using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// A request someone asked on the viewer's behalf: what was written about them, where it stands, and their choice whether
/// the grantmaker may see their name. Anyone else: 404.
/// </summary>
public sealed class BehalfModel(GrantRequests requests) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    public BehalfView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await requests.BehalfAsync(User.UserId(), Id, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool? named)
    {
        if (named is null) return BadRequest();
        return (await requests.NameMeAsync(User.UserId(), Id, named.Value, HttpContext.RequestAborted)).Status switch
        {
            RequestWriteStatus.Done => Redirect(GrantRoutes.Behalf(Id) + "?done=" + (named.Value ? "named" : "unnamed")),
            RequestWriteStatus.NotFound => NotFound(),
            // Someone changed the request at the same moment: show it as it is, the choice not made.
            RequestWriteStatus.Conflict or RequestWriteStatus.Invalid or RequestWriteStatus.Refused => Redirect(GrantRoutes.Behalf(Id)),
        };
    }
}
