using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Wellbeing.Care;

/// <summary>The person's own care plan: six texts in one form, "I reviewed it", a printable view. Theirs alone.</summary>
public sealed class IndexModel(CarePlanService care, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Drains { get; set; }
    [BindProperty] public string? Restores { get; set; }
    [BindProperty] public string? WarningSigns { get; set; }
    [BindProperty] public string? Boundaries { get; set; }
    [BindProperty] public string? People { get; set; }
    [BindProperty] public string? RestDays { get; set; }

    public CarePlanView? Plan { get; private set; }
    /// <summary>"saved", "reviewed" or "deleted": the page says so.</summary>
    public string? Done { get; private set; }
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;

    public string? ValueOf(CarePart part) => part switch
    {
        CarePart.Drains => Drains,
        CarePart.Restores => Restores,
        CarePart.WarningSigns => WarningSigns,
        CarePart.Boundaries => Boundaries,
        CarePart.People => People,
        CarePart.RestDays => RestDays,
    };

    public static string FieldOf(CarePart part) => part.ToString();

    private Dictionary<CarePart, string?> Input() => CarePlanService.Parts.ToDictionary(p => p, ValueOf);

    public async Task OnGetAsync(string? done)
    {
        Done = done is "saved" or "reviewed" or "deleted" ? done : null;
        Response.Headers.CacheControl = "no-store";
        Plan = await care.GetAsync(User.UserId(), HttpContext.RequestAborted);
        if (Plan is not null)
            (Drains, Restores, WarningSigns, Boundaries, People, RestDays) = (Plan[CarePart.Drains], Plan[CarePart.Restores], Plan[CarePart.WarningSigns],
                Plan[CarePart.Boundaries], Plan[CarePart.People], Plan[CarePart.RestDays]);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var input = Input();
        foreach (var part in CarePlanService.Invalid(input))
            Errors[FieldOf(part)] = t["Care.Error.TooLong", CarePlan.MaxText].Value;
        if (Errors.Count > 0)
        {
            Response.Headers.CacheControl = "no-store";
            Plan = await care.GetAsync(User.UserId(), HttpContext.RequestAborted);
            return Page();
        }
        await care.SaveAsync(User.UserId(), input, HttpContext.RequestAborted);
        return Redirect("/wellbeing/care?done=saved");
    }

    public async Task<IActionResult> OnPostReviewedAsync() =>
        await care.ReviewedAsync(User.UserId(), HttpContext.RequestAborted) ? Redirect("/wellbeing/care?done=reviewed") : NotFound();

    public async Task<IActionResult> OnPostDeleteAsync() =>
        await care.DeleteAsync(User.UserId(), HttpContext.RequestAborted) ? Redirect("/wellbeing/care?done=deleted") : NotFound();
}
