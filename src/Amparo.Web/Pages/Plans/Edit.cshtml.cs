using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Plans;

/// <summary>The plan's own sections: title (and whether it is sensitive), context, well-being, next review.</summary>
public sealed class EditModel(PlanService plans, IStringLocalizer<SharedResource> t) : PlanFormPage(plans, t)
{
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public bool TitleNotSensitive { get; set; }
    [BindProperty] public string? Context { get; set; }
    [BindProperty] public string? WellBeing { get; set; }
    [BindProperty] public string? ExhaustionRisks { get; set; }
    [BindProperty] public string? NextReview { get; set; }
    /// <summary>The delete form's "I understand" box: without it nothing is deleted.</summary>
    [BindProperty] public bool ConfirmDelete { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        (Title, TitleNotSensitive, Context, WellBeing, ExhaustionRisks) = (Plan.Title, !Plan.TitleIsSensitive, Plan.Context, Plan.WellBeing, Plan.ExhaustionRisks);
        NextReview = PlanPages.DayValue(Plan.NextReviewAt, User.TimeZoneOf());
        Version = Plan.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        var zone = User.TimeZoneOf();
        if (!PlanPages.TryParseDay(NextReview, zone, out var next)) Errors["NextReviewAt"] = "Plans.Error.ReviewDate";
        // The date as it was shown is left alone: a review already due stays due (and is not refused as a past date).
        if (NextReview == PlanPages.DayValue(Plan.NextReviewAt, zone)) next = null;
        if (Errors.Count > 0 || Stale()) return Page();
        var input = new PlanInput(Title, !TitleNotSensitive, Context, WellBeing, ExhaustionRisks, next);
        return await OutcomeAsync(await Plans.UpdateAsync(Me, id, input, Version, Ct), "context");
    }

    /// <summary>Deletes the whole plan, with its parts, once the box saying so is ticked.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        if (!ConfirmDelete)
        {
            Errors["ConfirmDelete"] = "Plans.Error.ConfirmDelete";
            (Title, TitleNotSensitive, Context, WellBeing, ExhaustionRisks) = (Plan.Title, !Plan.TitleIsSensitive, Plan.Context, Plan.WellBeing, Plan.ExhaustionRisks);
            NextReview = PlanPages.DayValue(Plan.NextReviewAt, User.TimeZoneOf());
            Version = Plan.Version;
            return Page();
        }
        return (await Plans.DeleteAsync(Me, id, Ct)).Status == PlanWriteStatus.Done ? Redirect("/plans?done=deleted") : NotFound();
    }
}
