using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>Grants: the person's requests, the programs they run (and where they may create one), and every program that takes requests.</summary>
public sealed class IndexModel(GrantPrograms programs, GrantRequests requests, GrantPortfolio portfolio, SecurityAssessments assessments) : PageModel
{
    public List<RequestSummary> Requests { get; private set; } = [];
    /// <summary>Requests someone asked on the viewer's behalf.</summary>
    public List<RequestSummary> ForMe { get; private set; } = [];
    public List<ProgramSummary> Mine { get; private set; } = [];
    public List<ProgramSummary> Open { get; private set; } = [];
    public List<(Guid Id, string Name)> Grantmakers { get; private set; } = [];
    /// <summary>The grantmakers whose portfolio the viewer may open.</summary>
    public List<(Guid Id, string Name)> Portfolios { get; private set; } = [];
    /// <summary>The grantmakers whose admin the viewer is: each has its own security self-assessment.</summary>
    public List<(Guid Id, string Name)> Assessments { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var me = User.UserId();
        Mine = await programs.ManagedAsync(me, HttpContext.RequestAborted);
        Open = await programs.OpenAsync(HttpContext.RequestAborted);
        Grantmakers = await programs.GrantmakersAsync(me, HttpContext.RequestAborted);
        Requests = await requests.MineAsync(me, HttpContext.RequestAborted);
        ForMe = await requests.OnMyBehalfAsync(me, HttpContext.RequestAborted);
        Portfolios = await portfolio.OpenToAsync(me, HttpContext.RequestAborted);
        Assessments = await assessments.MineAsync(me, HttpContext.RequestAborted);
    }
}
