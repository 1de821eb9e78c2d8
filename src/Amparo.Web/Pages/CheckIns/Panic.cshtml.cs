using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// Panic: the SOS button on every page posts here and gets the confirm step (one more tap, so a stray tap alerts nobody);
/// the confirm raises the alert to every level at once and leads to the alert's page, where locations can follow.
/// The confirm step names exactly who will be told (the Plan-a-visit page's rule, every level at once, and the
/// installation's duty contact), and says so plainly when that is nobody.
/// </summary>
public sealed class PanicModel(AmparoDbContext db, CheckInService checkIns, Escalation escalation, TimeProvider clock, IOptions<CheckInOptions> options) : PageModel
{
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public string? Note { get; set; }

    public string? Error { get; private set; }

    /// <summary>Level 1 (trusted contacts who agreed), 2 (focal points and people chosen by name), 3 (network coordinators).</summary>
    public List<PlanLevel> Levels { get; private set; } = [];

    /// <summary>The name of the installation's duty contact, told of every panic ("" when unnamed); null when the operator set none.</summary>
    public string? DutyContact { get; private set; }

    /// <summary>True when the alert would reach no one at all.</summary>
    public bool Nobody => Levels.All(l => l.Names.Count == 0) && DutyContact is null;

    public Task OnGetAsync() => LoadAsync();

    /// <summary>The layout's button: only shows the confirm step.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (!CheckInPages.TryParseCoordinate(Latitude, out var lat) | !CheckInPages.TryParseCoordinate(Longitude, out var lon) || !CheckInService.CoordinatesValid(lat, lon))
            Error = "Visit.Error.Coordinates";
        else if (Note is { Length: > CheckInService.MaxNote } || (Note?.Any(c => char.IsControl(c) && c is not '\n' and not '\r') ?? false))
            Error = "Visit.Error.TooLong";
        if (Error is not null)
        {
            await LoadAsync();
            return Page();
        }
        var alertId = await checkIns.PanicAsync(User.UserId(), "web", lat, lon, string.IsNullOrWhiteSpace(Note) ? null : Note, HttpContext.RequestAborted);
        return Redirect($"/alerts/{alertId}");
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var me = User.UserId();
        var owner = await db.Users.SingleAsync(u => u.Id == me, ct);
        // A panic goes to every level at once: the delays do not matter here.
        Levels = await WhoIsTold.LevelsAsync(db, escalation, clock, owner, 0, 0, ct);
        var duty = options.Value.DutyContact;
        DutyContact = duty.IsConfigured ? duty.Name?.Trim() ?? "" : null;
    }
}
