using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.PlanShares;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>
/// Sharing a read-only snapshot of the plan with a grantmaker (the owner's consent: which grantmaker, what, until when, and a
/// confirm box whose words say so), and the plan's shares, current and past: who may open each today, who looked when, revoke.
/// Only for those who may edit the plan; anyone else gets 404, as on the plan's other forms.
/// </summary>
public sealed class SharesModel(PlanShareService shares, IStringLocalizer<SharedResource> t, TimeProvider clock) : PageModel
{
    [BindProperty] public Guid? GrantmakerId { get; set; }
    [BindProperty] public ShareScope? Scope { get; set; }
    [BindProperty] public string? Until { get; set; }
    [BindProperty] public bool Confirmed { get; set; }

    public Guid PlanId { get; private set; }
    public List<GrantmakerChoice> Grantmakers { get; private set; } = [];
    public List<ShareSummary> Shares { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public string? Done { get; private set; }
    /// <summary>The consent in exact words, once the grantmaker, the scope and the date are chosen.</summary>
    public string? Consent { get; private set; }
    public string Latest { get; private set; } = "";

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    public List<FormError> Summary() =>
        FormErrors.Linked(Errors, k => t[k].Value, Errors.Keys.ToDictionary(k => k, k => k == "Scope" ? "Scope-" + ShareScope.WholePlan : k, StringComparer.Ordinal));

    private static readonly Dictionary<string, (string Field, string Key)> BindingErrors = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(GrantmakerId)] = ("GrantmakerId", "PlanShares.Error.Grantmaker"),
        [nameof(Scope)] = ("Scope", "PlanShares.Error.Scope"),
        [nameof(Until)] = ("ExpiresAt", "PlanShares.Error.Until"),
        [nameof(Confirmed)] = ("Confirmed", "PlanShares.Error.Confirm"),
    };

    public static string ScopeKey(ShareScope scope) => "PlanShares.Scope." + scope;

    private async Task<bool> LoadAsync(Guid id)
    {
        PlanId = id;
        var (status, list) = await shares.ListForPlanAsync(Me, id, Ct);
        if (status != PlanWriteStatus.Done) return false;
        Shares = list;
        Grantmakers = await shares.GrantmakersAsync(Ct);
        Latest = PlanPages.DayValue(PlanShareService.LatestEnd(clock.GetUtcNow().UtcDateTime).AddDays(-1), User.TimeZoneOf());
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        if (!await LoadAsync(id)) return NotFound();
        Done = done is "shared" or "revoked" or "refreshed" ? done : null;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        // A value the binder could not read is named next to its own field.
        foreach (var (field, state) in ModelState)
            if (state.Errors.Count > 0 && BindingErrors.TryGetValue(field, out var error)) Errors[error.Field] = error.Key;
        var zone = User.TimeZoneOf();
        if (!PlanPages.TryParseDay(Until, zone, out var until)) Errors["ExpiresAt"] = "PlanShares.Error.Until";
        if (Errors.Count > 0) return Page();
        var result = await shares.CreateAsync(Me, id, new ShareInput(GrantmakerId, Scope, until, Confirmed), Ct);
        switch (result.Status)
        {
            case PlanWriteStatus.Done:
                return Redirect($"/plans/{id}/shares?done=shared");
            case PlanWriteStatus.Invalid:
                foreach (var (field, key) in result.Errors!) Errors[field] = key;
                // Everything else chosen: say the consent in exact words next to the box.
                if (Errors.Keys.All(k => k == "Confirmed") && Grantmakers.FirstOrDefault(g => g.Id == GrantmakerId) is { } gm && Scope is { } scope && until is { } at)
                    Consent = t["PlanShares.Page.ConsentExact", gm.Name, t[ScopeKey(scope)].Value, PlanPages.Day(at, zone)].Value;
                return Page();
            case PlanWriteStatus.NotFound:
            case PlanWriteStatus.NotAllowed:
            case PlanWriteStatus.Conflict:
                return NotFound();
        }
        return NotFound();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, Guid shareId) =>
        After(await shares.RevokeAsync(Me, id, shareId, Ct), id, "revoked");

    public async Task<IActionResult> OnPostRefreshAsync(Guid id, Guid shareId) =>
        After(await shares.RefreshAsync(Me, id, shareId, Ct), id, "refreshed");

    private IActionResult After(PlanWrite result, Guid id, string done) =>
        result.Status == PlanWriteStatus.Done ? Redirect($"/plans/{id}/shares?done={done}") : NotFound();
}
