using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Marks;

/// <summary>
/// A debrief offered after a hard week, an incident or an alert: a short guide for the conversation, and a form to write
/// down with whom and when (nobody is told: it is the person's own note), or "not now". The person's alone.
/// </summary>
public sealed class DebriefModel(MarkService marks, BuddyService buddies) : PageModel
{
    [BindProperty] public string? With { get; set; }
    [BindProperty] public string? On { get; set; }
    [BindProperty] public string? Detail { get; set; }

    public DebriefView Offer { get; private set; } = null!;
    public bool HasBuddy { get; private set; }
    /// <summary>Just marked: the page opens by saying so.</summary>
    public bool New { get; private set; }
    public bool Saved { get; private set; }
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public static readonly IReadOnlyList<DebriefWith> Choices = Enum.GetValues<DebriefWith>();

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;

    public async Task<IActionResult> OnGetAsync(Guid id, bool @new = false, bool saved = false)
    {
        if (!await LoadAsync(id)) return NotFound();
        New = @new;
        Saved = saved;
        With = Offer.With?.ToString();
        On = Offer.On?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Detail = Offer.Detail;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        DebriefWith with = default;
        if (With is null || !Enum.TryParse(With, out with) || !Enum.IsDefined(with) || int.TryParse(With, out _)) Errors["With"] = "Care.Error.Choice";
        if (!MarkService.TryDay(On, out var on)) Errors["On"] = "Care.Error.Day";
        if (Errors.Count == 0)
        {
            var input = new DebriefInput(with, on, Detail);
            foreach (var field in marks.Check(input, User.TimeZoneOf()))
                Errors[field] = field switch { "Detail" => "Care.Error.NoteTooLong", "On" => "Care.Error.DayRange", _ => "Care.Error.Choice" };
            if (Errors.Count == 0 && await marks.ScheduleAsync(Me, id, input, Ct))
                return Redirect($"/wellbeing/marks/debrief/{id}?saved=true");
        }
        return Page();
    }

    public async Task<IActionResult> OnPostDismissAsync(Guid id) =>
        await marks.DismissAsync(Me, id, Ct) ? Redirect("/wellbeing/marks") : NotFound();

    private async Task<bool> LoadAsync(Guid id)
    {
        Response.Headers.CacheControl = "no-store";
        if (await marks.GetOfferAsync(Me, id, Ct) is not { } offer) return false;
        Offer = offer;
        HasBuddy = (await buddies.LinesAsync(Me, Ct)).Any(l => l.State == BuddyState.Active);
        return true;
    }
}
