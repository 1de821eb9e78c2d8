using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>Add or change a register entry: the threat, its levels in words, whether it is direct and present.</summary>
public sealed class EntryModel(PlanService plans, IStringLocalizer<SharedResource> t) : PlanFormPage(plans, t)
{
    [BindProperty] public string? Threat { get; set; }
    [BindProperty] public string? ByWhom { get; set; }
    [BindProperty] public string? Indicators { get; set; }
    [BindProperty] public bool IsDirectThreat { get; set; }
    [BindProperty] public List<SecurityDomains> Domains { get; set; } = [];
    [BindProperty] public PlanLevel ThreatLevel { get; set; } = PlanLevel.One;
    [BindProperty] public PlanLevel VulnerabilityLevel { get; set; } = PlanLevel.One;
    [BindProperty] public PlanLevel CapacityLevel { get; set; } = PlanLevel.One;
    [BindProperty] public string? Vulnerabilities { get; set; }
    [BindProperty] public string? Capacities { get; set; }
    [BindProperty] public PlanLevel? Likelihood { get; set; }
    [BindProperty] public PlanLevel? Impact { get; set; }
    public Guid? PartId { get; private set; }
    public SecurityDomains DomainValue => PlanPages.Fold(Domains);

    public async Task<IActionResult> OnGetAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        Version = Plan.Version;
        if (partId is { } e)
        {
            if (Plan.Entries.FirstOrDefault(x => x.Id == e) is not { } entry) return NotFound();
            (Threat, ByWhom, Indicators, IsDirectThreat) = (entry.Threat, entry.ByWhom, entry.Indicators, entry.IsDirectThreat);
            Domains = [.. PlanPages.Domains.Where(d => entry.Domains.HasFlag(d))];
            (ThreatLevel, VulnerabilityLevel, CapacityLevel, Likelihood, Impact) = (entry.ThreatLevel, entry.VulnerabilityLevel, entry.CapacityLevel, entry.Likelihood, entry.Impact);
            (Vulnerabilities, Capacities) = (entry.Vulnerabilities, entry.Capacities);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string part)
    {
        if (!TryPart(part, out var partId) || !await LoadAsync(id)) return NotFound();
        PartId = partId;
        ReadBindingErrors();
        if (Errors.Count > 0 || Stale()) return Page();
        var input = new EntryInput(Threat, ByWhom, Indicators, IsDirectThreat, DomainValue, ThreatLevel, VulnerabilityLevel, CapacityLevel,
            Vulnerabilities, Capacities, Likelihood, Impact);
        var result = partId is { } e ? await Plans.UpdateEntryAsync(Me, id, e, input, Version, Ct) : await Plans.AddEntryAsync(Me, id, input, Ct);
        return await OutcomeAsync(result, "register");
    }
}
