using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Plans;

/// <summary>
/// Two versions of a plan side by side (by default the one before the latest and the latest), and "restore" for an older
/// one (editors only; it makes a new version). Those who may not read the plan whole, members included: 404.
/// </summary>
public sealed class CompareModel(PlanService plans, AmparoDbContext db, TimeProvider clock) : PageModel
{
    public Guid PlanId { get; private set; }
    public List<PlanVersionSummary> Versions { get; private set; } = [];
    public PlanVersionComparison Comparison { get; private set; } = null!;
    public bool MayEdit { get; private set; }
    public bool Conflict { get; private set; }
    public Dictionary<Guid, string> People { get; private set; } = [];
    /// <summary>The threats of both versions by entry id (an action's "addresses" in words).</summary>
    public Dictionary<string, string?> Threats { get; private set; } = [];

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;

    public async Task<IActionResult> OnGetAsync(Guid id, int? from, int? to) => await ShowAsync(id, from, to) ? Page() : NotFound();

    /// <summary><paramref name="version"/>: the plan's version the page was shown at; a save since is a conflict (409, shown again).</summary>
    public async Task<IActionResult> OnPostRestoreAsync(Guid id, int? number, int? version, int? from, int? to)
    {
        // Both numbers as the form sent them, or nothing happens (an unreadable one is not "version 0").
        if (!ModelState.IsValid || number is null || version is null) return BadRequest();
        var result = await plans.RestoreAsync(Me, id, number.Value, version.Value, Ct);
        switch (result.Status)
        {
            case PlanWriteStatus.Done:
                return Redirect($"/plans/{id}/versions?done=restored");
            case PlanWriteStatus.NotAllowed:
                return StatusCode(StatusCodes.Status403Forbidden);
            case PlanWriteStatus.Conflict:
                if (!await ShowAsync(id, from, to)) return NotFound();
                Conflict = true;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case PlanWriteStatus.NotFound:
            case PlanWriteStatus.Invalid:
                return NotFound();
        }
        return NotFound();
    }

    private async Task<bool> ShowAsync(Guid id, int? from, int? to)
    {
        if (await plans.VersionsAsync(Me, id, Ct) is not { Count: > 0 } list) return false;
        PlanId = id;
        Versions = list;
        var newer = to ?? list[0].Number;
        var older = from ?? (list.Count > 1 ? list[1].Number : list[0].Number);
        if (await plans.CompareAsync(Me, id, older, newer, Ct) is not { } comparison) return false;
        Comparison = comparison;
        MayEdit = await PlanAccess.FindAsync(db, clock, id, Me, ct: Ct) is { } found && PlanAccess.MayEdit(found.Role);
        foreach (var file in new[] { comparison.From.Content!, comparison.To.Content! })
            foreach (var e in file.Entries ?? [])
                if (e.Id is { } entryId) Threats[entryId] = e.Threat;
        var owners = new[] { comparison.From.Content!, comparison.To.Content! }.SelectMany(f => f.Actions ?? [])
            .Select(a => a.OwnerUserId).OfType<Guid>().Distinct().ToList();
        People = await db.Users.Where(u => owners.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, Ct);
        return true;
    }

    public IReadOnlyList<DiffSectionView> Sections() =>
    [
        new("actors", "Plans.Page.Actors", "actor", Comparison.Changes.Actors),
        new("register", "Plans.Page.Register", "entry", Comparison.Changes.Entries),
        new("actions", "Plans.Page.Actions", "action", Comparison.Changes.Actions),
        new("protocols", "Plans.Page.Protocols", "protocol", Comparison.Changes.Protocols),
    ];
}
