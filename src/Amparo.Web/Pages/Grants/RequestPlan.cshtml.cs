using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// A draft's costs from the applicant's security plan (issue 14): choose one of the plans they keep, tick its costed
/// actions to add as budget lines, and — a separate consent — share a read-only summary of the plan with the
/// grantmaker for this request. Only the applicant of a request they may still change; anyone else, 404.
/// </summary>
public sealed class RequestPlanModel(GrantRequests requests) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "plan")] public Guid? PlanId { get; set; }
    [BindProperty] public List<Guid> Actions { get; set; } = [];
    [BindProperty] public bool Consent { get; set; }
    [BindProperty] public int? Version { get; set; }

    /// <summary>The plans to choose from (no plan chosen yet).</summary>
    public List<PlanSummary> Plans { get; private set; } = [];
    /// <summary>The chosen plan's costs for this request.</summary>
    public PlanCosts? Costs { get; private set; }
    public string RequestTitle { get; private set; } = "";
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostImportAsync()
    {
        if (PlanId is not { } plan || !ModelState.IsValid) return await RefusedAsync("Actions", "Grants.FromPlan.Error.Choose");
        return await AnsweredAsync(await requests.ImportFromPlanAsync(User.UserId(), Id, plan, Actions, Version, HttpContext.RequestAborted), "imported");
    }

    public async Task<IActionResult> OnPostShareAsync()
    {
        if (PlanId is not { } plan) return NotFound();
        return await AnsweredAsync(await requests.SharePlanAsync(User.UserId(), Id, plan, Consent, HttpContext.RequestAborted), "planShared");
    }

    public List<FormError> Summary(Func<string, string> text) => [.. Errors.Select(e => new FormError(text(e.Value), e.Key == "Consent" ? "share-consent" : "costs"))];

    private async Task<IActionResult> AnsweredAsync(RequestWrite result, string done)
    {
        switch (result.Status)
        {
            case RequestWriteStatus.Done:
                return Redirect(GrantRoutes.Request(Id) + "?done=" + done);
            case RequestWriteStatus.Invalid:
                var (field, key) = result.Errors!.First();
                return await RefusedAsync(field, key);
            case RequestWriteStatus.Conflict:
            case RequestWriteStatus.Refused:
                Version = null; // shown again as it is now, so that the next try can succeed
                return await RefusedAsync("Actions", "Grants.Request.Error.Conflict", StatusCodes.Status409Conflict);
            case RequestWriteStatus.NotFound:
                return NotFound();
        }
        return NotFound();
    }

    private async Task<IActionResult> RefusedAsync(string field, string key, int status = StatusCodes.Status400BadRequest)
    {
        if (!await LoadAsync()) return NotFound();
        Errors[field == "Consent" ? "Consent" : "Actions"] = key;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var me = User.UserId();
        if (PlanId is { } plan)
        {
            Costs = await requests.PlanCostsAsync(me, Id, plan, HttpContext.RequestAborted);
            if (Costs is null) return false;
            RequestTitle = Costs.Request.Answers.Title;
            Version ??= Costs.Request.Request.Version;
            return true;
        }
        // No plan chosen: the request must be one the viewer may still change, like the rest of this page.
        if (!await requests.MayChangeAsync(me, Id, HttpContext.RequestAborted) || await requests.GetAsync(me, Id, HttpContext.RequestAborted) is not { } view) return false;
        RequestTitle = view.Answers.Title;
        Plans = await requests.PlansToImportAsync(me, HttpContext.RequestAborted);
        return true;
    }
}
