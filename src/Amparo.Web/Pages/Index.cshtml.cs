using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages;

public sealed class IndexModel(AmparoDbContext db) : PageModel
{
    public sealed record OrgLine(Guid Id, string Name, OrgRole Role);

    public string DisplayName { get; private set; } = "";
    public List<OrgLine> Organizations { get; private set; } = [];
    /// <summary>Focal points, organization admins and network coordinators get the whereabouts board.</summary>
    public bool SeesWhereabouts { get; private set; }
    /// <summary>Visits someone planned with me that wait for my answer.</summary>
    public int Invitations { get; private set; }
    /// <summary>Onboarding: without a check-in PIN or a confirmed trusted contact a visit protects less; the page says so.</summary>
    public bool HasPin { get; private set; } = true;
    public bool HasConfirmedContact { get; private set; } = true;
    /// <summary>Security-plan actions past their due date that are this person's to do.</summary>
    public List<OverdueAction> OverdueActions { get; private set; } = [];
    /// <summary>Plans this person keeps (owns or edits) whose review is due: the "in Amparo" side of the review reminder.</summary>
    public List<PlanSummary> ReviewsDue { get; private set; } = [];

    public async Task OnGetAsync([FromServices] CheckInService checkIns, [FromServices] ContactService contacts, [FromServices] PlanService plans, [FromServices] TimeProvider clock)
    {
        var me = User.UserId();
        DisplayName = User.Identity?.Name ?? "";
        Organizations = await (
            from m in db.Memberships
            where m.UserId == me
            join o in db.Organizations on m.OrganizationId equals o.Id
            orderby o.Name
            select new OrgLine(o.Id, o.Name, m.Role)).ToListAsync(HttpContext.RequestAborted);
        SeesWhereabouts = Organizations.Any(o => o.Role is OrgRole.FocalPoint or OrgRole.OrgAdmin)
            || await db.NetworkCoordinators.AnyAsync(c => c.UserId == me, HttpContext.RequestAborted);
        Invitations = await db.Visits.CountAsync(v => v.OwnerId == me && v.State == VisitState.Invited, HttpContext.RequestAborted);
        HasPin = await checkIns.HasPinAsync(me, HttpContext.RequestAborted);
        HasConfirmedContact = await contacts.HasConfirmedAsync(me, HttpContext.RequestAborted);
        OverdueActions = await plans.OverdueActionsAsync(me, HttpContext.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        ReviewsDue = (await plans.ListAsync(me, HttpContext.RequestAborted)).Where(p => PlanAccess.MayEdit(p.Role) && p.NextReviewAt <= now).ToList();
    }
}
