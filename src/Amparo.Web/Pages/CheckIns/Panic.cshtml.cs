using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>
/// Panic: the button on every page posts here and gets the confirm step (one more tap, so a stray tap alerts nobody);
/// the confirm raises the alert to every level at once and leads to the alert's page, where locations can follow.
/// </summary>
public sealed class PanicModel(CheckInService checkIns) : PageModel
{
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public string? Note { get; set; }

    public string? Error { get; private set; }

    public void OnGet() { }

    /// <summary>The layout's button: only shows the confirm step.</summary>
    public IActionResult OnPost() => Page();

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (!CheckInPages.TryParseCoordinate(Latitude, out var lat) | !CheckInPages.TryParseCoordinate(Longitude, out var lon) || !CheckInService.CoordinatesValid(lat, lon))
            Error = "Visit.Error.Coordinates";
        else if (Note is { Length: > CheckInService.MaxNote } || (Note?.Any(c => char.IsControl(c) && c is not '\n' and not '\r') ?? false))
            Error = "Visit.Error.TooLong";
        if (Error is not null) return Page();
        var alertId = await checkIns.PanicAsync(User.UserId(), "web", lat, lon, string.IsNullOrWhiteSpace(Note) ? null : Note, HttpContext.RequestAborted);
        return Redirect($"/alerts/{alertId}");
    }
}
