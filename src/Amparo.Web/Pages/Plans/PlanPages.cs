using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>What the plan pages share: words for the module's enums, dates typed as days, and a plan made from a template.</summary>
public static class PlanPages
{
    public static string DomainKey(SecurityDomains d) => "Plans.Page.Domain." + d;
    public static string StanceKey(ActorStance s) => "Plans.Page.Stance." + s;
    public static string StatusKey(PlanActionStatus s) => "Plans.Page.Status." + s;
    public static string SituationKey(ProtocolSituation s) => "Plans.Page.Situation." + s;
    public static string ReviewKey(ReviewReason r) => "Plans.Page.Review." + r;
    public static string RoleKey(PlanRole r) => "Plans.Page.Role." + r;

    /// <summary>The single domains, in the order a form lists them.</summary>
    public static IReadOnlyList<SecurityDomains> Domains { get; } = [.. Enum.GetValues<SecurityDomains>().Where(d => d != SecurityDomains.None)];

    /// <summary>"Physical, Digital" in the viewer's language; empty when none.</summary>
    public static string DomainWords(SecurityDomains domains, IStringLocalizer t) =>
        Cultures.JoinList(Domains.Where(d => domains.HasFlag(d)).Select(d => t[DomainKey(d)].Value));

    public static SecurityDomains Fold(IEnumerable<SecurityDomains>? picked) =>
        (picked ?? []).Aggregate(SecurityDomains.None, (a, b) => a | b);

    /// <summary>Whether an action is past its due date and still to do (the same rule as <see cref="PlanService.OverdueActionsAsync"/>).</summary>
    public static bool IsOverdue(ActionView a, DateTime now) =>
        a.DueAt is { } due && due < now && a.Status is PlanActionStatus.Planned or PlanActionStatus.InProgress;

    /// <summary>A day typed in a date field, as the end of that day in the viewer's zone; null when empty; false when malformed.</summary>
    public static bool TryParseDay(string? value, string zone, out DateTime? utc)
    {
        utc = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateTime.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return false;
        utc = Amparo.Web.Pages.CheckIns.CheckInPages.LocalToUtc(day.AddHours(23).AddMinutes(59), zone, out _);
        return true;
    }

    /// <summary>The value of a date field for an instant, in the viewer's zone.</summary>
    public static string DayValue(DateTime? utc, string zone) =>
        utc is { } u ? LocalTimes.ToLocal(u, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    /// <summary>A day as the viewer reads it ("4 Dec 2026" in their language and zone).</summary>
    public static string Day(DateTime utc, string zone) => LocalTimes.ToLocal(utc, zone).ToString("d", CultureInfo.CurrentCulture);

    /// <summary>
    /// A new plan, blank or pre-filled from a template: the template's threats become register entries with their levels and
    /// domains, its actions address the entries made from the threats they name, then its protocols. Each part is its own
    /// change; a part the rules refuse is left out rather than stopping the plan.
    /// </summary>
    public static async Task<PlanWrite> CreateAsync(PlanService plans, Guid viewer, Guid? organizationId, PlanInput input, PlanTemplate? template, CancellationToken ct)
    {
        if (template is not null)
            input = input with { WellBeing = string.Join('\n', template.WellBeing.KeepsWell), ExhaustionRisks = string.Join('\n', template.WellBeing.ExhaustionRisks) };
        var made = organizationId is { } org
            ? await plans.CreateForOrganizationAsync(viewer, org, input, ct)
            : await plans.CreateForPersonAsync(viewer, input, ct);
        if (made.Status != PlanWriteStatus.Done || template is null) return made;
        var planId = made.Id!.Value;
        var entries = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var threat in template.Threats)
        {
            var entry = await plans.AddEntryAsync(viewer, planId, new EntryInput(threat.What, null, null, threat.IsDirect, threat.Domains,
                threat.Threat, threat.Vulnerability, threat.Capacity, null, null), ct);
            if (entry.Id is { } id) entries[threat.Key] = id;
        }
        foreach (var action in template.Actions)
            await plans.AddActionAsync(viewer, planId, new ActionInput(action.What, null, null, PlanActionStatus.Planned, null, null, action.Domains,
                [.. action.Addresses.Where(entries.ContainsKey).Select(k => entries[k])]), ct);
        foreach (var protocol in template.Protocols)
            await plans.AddProtocolAsync(viewer, planId, new ProtocolInput(protocol.Name, protocol.Situation, protocol.Steps), ct);
        return made;
    }
}

/// <summary>
/// A form that changes one part of a plan. Only its editors reach it (anyone else: 404, as for a plan that does not exist).
/// The form carries the plan's <see cref="SecurityPlan.Version"/>: a save over someone else's newer save is refused with a
/// clear message, and the form then carries the newer version so that saving again is a deliberate choice.
/// </summary>
public abstract class PlanFormPage(PlanService plans, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public int Version { get; set; }
    public PlanView Plan { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    protected PlanService Plans => plans;
    protected Guid Me => User.UserId();
    protected CancellationToken Ct => HttpContext.RequestAborted;

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    /// <summary>The part edited: null for a new one ("new" in the address); false for anything else that is not an id.</summary>
    protected static bool TryPart(string? part, out Guid? id)
    {
        id = null;
        if (part == "new") return true;
        if (!Guid.TryParse(part, out var g)) return false;
        id = g;
        return true;
    }

    /// <summary>A value the binder could not read (a level of 7, a domain that does not exist) is named next to its field.</summary>
    protected void ReadBindingErrors()
    {
        foreach (var field in FormErrors.Unreadable(ModelState)) Errors[field] = "Plans.Error.Choice";
    }

    /// <summary>The summary's lines, each linked to the field of the same name.</summary>
    public List<FormError> Summary() =>
        FormErrors.Linked(Errors, k => t[k].Value, Errors.Keys.Where(k => k != "Form").ToDictionary(k => k, k => k, StringComparer.Ordinal));

    /// <summary>The plan for an editor; false when the viewer may not change it (the page answers 404).</summary>
    protected async Task<bool> LoadAsync(Guid planId)
    {
        var view = await plans.GetAsync(Me, planId, Ct);
        if (view is null || !PlanAccess.MayEdit(view.Role)) return false;
        Plan = view;
        return true;
    }

    /// <summary>True when the form was shown before the plan's last save (the page shows the conflict, keeps what was typed).</summary>
    protected bool Stale()
    {
        if (Version == Plan.Version) return false;
        Conflict();
        return true;
    }

    private void Conflict()
    {
        Errors["Form"] = "Plans.Error.Conflict";
        Version = Plan.Version;
    }

    /// <summary>Where a change leads: back to the plan's section, the same form with its problems, or 404.</summary>
    protected async Task<IActionResult> OutcomeAsync(PlanWrite result, string section)
    {
        switch (result.Status)
        {
            case PlanWriteStatus.Done:
                return Redirect($"/plans/{Plan.Id}?done=saved#{section}");
            case PlanWriteStatus.NotFound:
            case PlanWriteStatus.NotAllowed:
                return NotFound();
            case PlanWriteStatus.Invalid:
                foreach (var (field, key) in result.Errors ?? new Dictionary<string, string>()) Errors[field] = key;
                return Page();
            case PlanWriteStatus.Conflict:
                if (!await LoadAsync(Plan.Id)) return NotFound();
                Conflict();
                return Page();
        }
        return NotFound();
    }
}

/// <summary>A text field of a plan form (<c>_PlanField</c>): its name is also its element id, as the error summary links it.</summary>
public sealed record PlanField(string Name, string Label, string? Value, string? Error, int Max, bool Multiline = false, string? Hint = null);

/// <summary>A 1–4 choice on one scale (<c>_PlanLevel</c>), each step in words; optional scales may be left unset.</summary>
public sealed record PlanLevelField(string Name, PlanScale Scale, PlanLevel? Value, string? Error, bool Optional = false);

/// <summary>The domains checkboxes (<c>_PlanDomains</c>).</summary>
public sealed record PlanDomainsField(SecurityDomains Value, string? Error);
