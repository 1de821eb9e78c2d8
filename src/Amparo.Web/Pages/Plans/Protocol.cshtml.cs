using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>Add or change a protocol: its situation, its steps (one a line), and optionally a visit kept ready to start.</summary>
public sealed class ProtocolModel(PlanService plans, IStringLocalizer<SharedResource> t) : PlanFormPage(plans, t)
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public ProtocolSituation Situation { get; set; }
    /// <summary>One step a line.</summary>
    [BindProperty] public string? Steps { get; set; }
    /// <summary>Empty: no ready visit.</summary>
    [BindProperty] public int? VisitMinutes { get; set; }
    [BindProperty] public string? PlaceKind { get; set; }
    [BindProperty] public int? Grace { get; set; }
    [BindProperty] public int? CheckInEvery { get; set; }
    [BindProperty] public string? Message { get; set; }
    public Guid? PartId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        Version = Plan.Version;
        if (partId is { } p)
        {
            if (Plan.Protocols.FirstOrDefault(x => x.Id == p) is not { } protocol) return NotFound();
            (Name, Situation, Steps) = (protocol.Name, protocol.Situation, string.Join('\n', protocol.Steps));
            if (protocol.Visit is { } v) (VisitMinutes, PlaceKind, Grace, CheckInEvery, Message) = (v.DurationMinutes, v.PlaceKind, v.GraceMinutes, v.CheckInEveryMinutes, v.Message);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        ReadBindingErrors();
        foreach (var f in new[] { "VisitMinutes", "PlaceKind", "Grace", "CheckInEvery", "Message" })
            if (Errors.Remove(f)) Errors["Visit"] = "Plans.Error.Visit";
        if (Errors.Count > 0 || Stale()) return Page();
        // The companions of a ready visit are chosen when it starts; an existing one keeps those it had.
        var companions = partId is { } had ? Plan.Protocols.FirstOrDefault(x => x.Id == had)?.Visit?.Companions : null;
        var visit = VisitMinutes is { } minutes ? new ReadyVisit(PlaceKind, minutes, Grace, CheckInEvery, companions, Message) : null;
        var steps = (Steps ?? "").Split('\n').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        var input = new ProtocolInput(Name, Situation, steps, visit);
        var result = partId is { } p ? await Plans.UpdateProtocolAsync(Me, id, p, input, Version, Ct) : await Plans.AddProtocolAsync(Me, id, input, Ct);
        return await OutcomeAsync(result, "protocols");
    }
}
