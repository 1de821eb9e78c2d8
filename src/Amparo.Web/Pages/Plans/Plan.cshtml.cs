using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Plans;

/// <summary>
/// One plan as its viewer may see it (<see cref="PlanService.GetAsync"/> cuts it to their role), with the buttons its
/// editors use: the context changed, reviewed, sharing (a person's own plan), remove a part, start a protocol's visit.
/// </summary>
public sealed class PlanModel(AmparoDbContext db, PlanService plans, CheckInService checkIns, TimeProvider clock) : PageModel
{
    public PlanView Plan { get; private set; } = null!;
    public bool MayEdit { get; private set; }
    public DateTime Now { get; private set; }
    public Dictionary<Guid, string> People { get; private set; } = [];
    public string? OrganizationName { get; private set; }
    public string? Done { get; private set; }
    /// <summary>For an organization's plan: whether its members see the protocols.</summary>
    public bool ProtocolsOpenToMembers { get; private set; }
    /// <summary>The section shown whole ("register" or "actions"); the others are folded after their first parts.</summary>
    public string? All { get; private set; }

    /// <summary>A longer register or action list shows this many, then "show all": the page stays within its 60 KB budget (bench: `plans`).</summary>
    public const int FoldEntries = 12;
    public const int FoldActions = 30;

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, string? all)
    {
        All = all is "register" or "actions" ? all : null;
        if (await plans.GetAsync(Me, id, Ct) is not { } view) return NotFound();
        Plan = view;
        MayEdit = PlanAccess.MayEdit(view.Role);
        Now = clock.GetUtcNow().UtcDateTime;
        Done = done is "saved" or "removed" or "reviewed" or "changed" or "shared" or "unshared" or "members-on" or "members-off" ? done : null;
        var ids = view.Actions.Where(a => a.OwnerUserId is not null).Select(a => a.OwnerUserId!.Value).Distinct().ToList();
        People = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, Ct);
        if (view.OwnerOrganizationId is { } org)
        {
            OrganizationName = await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleOrDefaultAsync(Ct);
            ProtocolsOpenToMembers = MayEdit && await plans.ProtocolsOpenToMembersAsync(org, Ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostContextChangedAsync(Guid id) => After(await plans.MarkContextChangedAsync(Me, id, Ct), id, "changed");

    public async Task<IActionResult> OnPostReviewedAsync(Guid id) => After(await plans.MarkReviewedAsync(Me, id, ct: Ct), id, "reviewed");

    public async Task<IActionResult> OnPostShareAsync(Guid id, bool shared) => After(await plans.SetSharedAsync(Me, id, shared, Ct), id, shared ? "shared" : "unshared");

    public async Task<IActionResult> OnPostMembersAsync(Guid id, bool open) =>
        After(await plans.SetProtocolsOpenToMembersAsync(Me, id, open, Ct), id, open ? "members-on" : "members-off");

    /// <summary>Removes one part: part is actor, entry, action or protocol.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(Guid id, string? part, Guid partId)
    {
        var result = part switch
        {
            "actor" => await plans.RemoveActorAsync(Me, id, partId, Ct),
            "entry" => await plans.RemoveEntryAsync(Me, id, partId, Ct),
            "action" => await plans.RemoveActionAsync(Me, id, partId, Ct),
            "protocol" => await plans.RemoveProtocolAsync(Me, id, partId, Ct),
            _ => PlanWrite.NotFound,
        };
        return After(result, id, "removed");
    }

    /// <summary>
    /// Starts the visit a protocol keeps ready, in one step, as the viewer's own visit. Whoever may read the protocol may
    /// start it (a member of the organization, above all). A visit the check-in rules refuse goes to the usual form.
    /// </summary>
    public async Task<IActionResult> OnPostStartVisitAsync(Guid id, Guid protocolId)
    {
        if (await plans.GetAsync(Me, id, Ct) is not { } view) return NotFound();
        if (view.Protocols.FirstOrDefault(p => p.Id == protocolId)?.Visit is not { } ready) return NotFound();
        var (visit, _) = await checkIns.PlanAsync(Me, ready.ToVisitPlan(clock.GetUtcNow().UtcDateTime), drill: false, Ct);
        return Redirect(visit is null ? "/visits/new" : $"/visits/{visit.Id}");
    }

    private IActionResult After(PlanWrite result, Guid id, string done) => result.Status switch
    {
        PlanWriteStatus.Done => Redirect($"/plans/{id}?done={done}"),
        PlanWriteStatus.NotFound or PlanWriteStatus.NotAllowed or PlanWriteStatus.Invalid or PlanWriteStatus.Conflict => NotFound(),
    };
}
