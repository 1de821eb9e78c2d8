using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing.Marks;

/// <summary>
/// The person's own time line: mark a hard week, an incident, an alert or a heavy work period; see and delete marks.
/// A hard week, an incident or an alert offers a debrief; the person may ask their buddy to check in.
/// </summary>
public sealed class IndexModel(MarkService marks, BuddyService buddies) : PageModel
{
    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public string? On { get; set; }
    [BindProperty] public string? Until { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public bool AskBuddy { get; set; }
    [BindProperty] public Guid Mark { get; set; }

    public List<MarkView> List { get; private set; } = [];
    public bool HasBuddy { get; private set; }
    public string Today { get; private set; } = "";
    /// <summary>"added", "deleted": the page says so.</summary>
    public string? Done { get; private set; }
    /// <summary>Field → resource key.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public static readonly IReadOnlyList<WellbeingMarkKind> Kinds = Enum.GetValues<WellbeingMarkKind>();

    private Guid Me => User.UserId();
    private CancellationToken Ct => HttpContext.RequestAborted;

    public async Task OnGetAsync(string? done, string? kind)
    {
        Done = done is "added" or "deleted" ? done : null;
        Kind = kind is not null && Enum.TryParse<WellbeingMarkKind>(kind, out var k) && Enum.IsDefined(k) && !int.TryParse(kind, out _) ? k.ToString() : nameof(WellbeingMarkKind.HardWeek);
        await LoadAsync();
        On = Today;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var zone = User.TimeZoneOf();
        WellbeingMarkKind kind = default;
        if (Kind is null || !Enum.TryParse(Kind, out kind) || !Enum.IsDefined(kind) || int.TryParse(Kind, out _)) Errors["Kind"] = "Care.Error.Choice";
        if (!MarkService.TryDay(On, out var on) || on is null) Errors["On"] = "Care.Error.Day";
        if (!MarkService.TryDay(Until, out var until)) Errors["Until"] = "Care.Error.Day";
        if (Errors.Count == 0)
        {
            var input = new MarkInput(kind, on!.Value, until, Note, AskBuddy);
            foreach (var field in marks.Check(input, zone))
                Errors[field] = field switch { "Note" => "Care.Error.NoteTooLong", "Until" => "Care.Error.Until", "On" => "Care.Error.DayRange", _ => "Care.Error.Choice" };
            if (Errors.Count == 0 && await marks.AddAsync(Me, input, Ct) is { } added)
                return Redirect(added.DebriefId is { } debrief ? $"/wellbeing/marks/debrief/{debrief}?new=true" : "/wellbeing/marks?done=added");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync() =>
        await marks.DeleteAsync(Me, Mark, Ct) ? Redirect("/wellbeing/marks?done=deleted") : NotFound();


    private async Task LoadAsync()
    {
        Response.Headers.CacheControl = "no-store";
        List = await marks.ListAsync(Me, Ct);
        HasBuddy = (await buddies.LinesAsync(Me, Ct)).Any(l => l.State == BuddyState.Active);
        Today = marks.Today(User.TimeZoneOf()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
