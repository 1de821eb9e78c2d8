using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Wellbeing.Team;

/// <summary>
/// The person's contribution choice for each of their organizations (off by default), with what it means said before
/// they agree, and links to the team view, the exhaustion page and the assessment of organizations they may open.
/// </summary>
public sealed class IndexModel(TeamService team, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public Guid? Org { get; set; }
    [BindProperty] public bool Contribute { get; set; }
    [BindProperty] public bool Understood { get; set; }

    public IReadOnlyList<TeamMembership> Memberships { get; private set; } = [];
    public Guid? ErrorOrg { get; private set; }
    public List<FormError> Problems { get; } = [];
    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        Done = done is "on" or "off" ? done : null;
        Memberships = await team.MembershipsAsync(User.UserId(), HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Org is not { } org) return NotFound();
        if (Contribute && !Understood)
        {
            ErrorOrg = org;
            Problems.Add(new FormError(t["WbTeam.Error.Understood"].Value, "understood-" + org.ToString("N")));
            Memberships = await team.MembershipsAsync(User.UserId(), HttpContext.RequestAborted);
            if (Memberships.All(m => m.OrganizationId != org)) return NotFound();
            return Page();
        }
        if (!await team.SetContributingAsync(User.UserId(), org, Contribute, HttpContext.RequestAborted)) return NotFound();
        return Redirect("/wellbeing/team?done=" + (Contribute ? "on" : "off"));
    }
}
