using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>Add or change an actor: who they are, where they stand, their interests and their capacity to harm or help.</summary>
public sealed class ActorModel(PlanService plans, IStringLocalizer<SharedResource> t) : PlanFormPage(plans, t)
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public ActorStance Stance { get; set; }
    [BindProperty] public string? Interests { get; set; }
    [BindProperty] public string? Capacity { get; set; }
    public Guid? PartId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        Version = Plan.Version;
        if (partId is { } a)
        {
            if (Plan.Actors.FirstOrDefault(x => x.Id == a) is not { } actor) return NotFound();
            (Name, Stance, Interests, Capacity) = (actor.Name, actor.Stance, actor.Interests, actor.Capacity);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        ReadBindingErrors();
        if (Errors.Count > 0 || Stale()) return Page();
        var input = new ActorInput(Name, Stance, Interests, Capacity);
        var result = partId is { } a ? await Plans.UpdateActorAsync(Me, id, a, input, Version, Ct) : await Plans.AddActorAsync(Me, id, input, Ct);
        return await OutcomeAsync(result, "actors");
    }
}
