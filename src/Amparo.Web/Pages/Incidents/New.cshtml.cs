using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// Report an incident: to one of the viewer's organizations (about themself; for someone else when they are its admin or
/// focal point), or as a personal record. Everything optional is optional; the form says what is kept and how.
/// </summary>
public sealed class NewModel(IncidentService incidents, Gazetteer gazetteer, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>"me" (a personal record) or an organization's id.</summary>
    [BindProperty] public string? To { get; set; }
    [BindProperty] public bool AboutSomeoneElse { get; set; }
    [BindProperty] public string? ConcernedName { get; set; }
    [BindProperty] public bool NamedWithConsent { get; set; }
    [BindProperty] public DateOnly? OccurredOn { get; set; }
    [BindProperty] public DatePrecision Precision { get; set; }
    [BindProperty] public List<IncidentActs>? Acts { get; set; }
    [BindProperty] public IncidentActs? PrimaryAct { get; set; }
    [BindProperty] public PerpetratorType Perpetrator { get; set; }
    [BindProperty] public List<TargetedGroups>? Groups { get; set; }
    [BindProperty] public List<SecurityDomains>? Domains { get; set; }
    [BindProperty] public string? AreaId { get; set; }
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public string? Narrative { get; set; }
    /// <summary>The closed alert this report is recorded from (a responder's "record an incident"), if any.</summary>
    [BindProperty] public Guid? Alert { get; set; }

    public List<(Guid Id, string Name, bool Staff)> Organizations { get; private set; } = [];
    public IReadOnlyList<(GazetteerArea Area, string Path)> Areas { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public IncidentActs ActsPicked => IncidentPages.Fold(Acts);
    public DateOnly Today { get; private set; }

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    public async Task<IActionResult> OnGetAsync(Guid? alert)
    {
        await LoadAsync();
        To ??= Organizations.Count > 0 ? Organizations[0].Id.ToString() : "me";
        OccurredOn ??= Today;
        if (alert is { } alertId)
        {
            // From a closed alert: for the person it was about, to an organization of theirs where the viewer is staff, on its day.
            if (await incidents.AlertForReportAsync(User.UserId(), alertId, HttpContext.RequestAborted) is not { } from) return NotFound();
            Alert = alertId;
            AboutSomeoneElse = true;
            To = from.Organizations[0].ToString();
            OccurredOn = from.RaisedOn;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Response.Headers.CacheControl = "no-store";
        await LoadAsync();
        Guid? org = null;
        if (To is not (null or "" or "me"))
        {
            if (Guid.TryParse(To, out var id) && Organizations.Any(o => o.Id == id)) org = id;
            else Errors["To"] = "Incidents.Error.Choice";
        }
        if (AboutSomeoneElse && (org is not { } o || !Organizations.Single(x => x.Id == o).Staff)) Errors["AboutSomeoneElse"] = "Incidents.Error.OnBehalf";
        var lat = Coordinate(Latitude, "Latitude");
        var lon = Coordinate(Longitude, "Latitude");
        if (!ModelState.IsValid)
            foreach (var (field, entry) in ModelState)
                if (entry.Errors.Count > 0 && !Errors.ContainsKey(field)) Errors[field.Split('[')[0]] = field == "OccurredOn" ? "Incidents.Error.Date" : "Incidents.Error.Choice";
        // One act checked and no main one chosen: that act is the main one.
        var acts = ActsPicked;
        var primary = PrimaryAct ?? (IncidentRules.IsSingle(acts) ? acts : IncidentActs.None);
        if (Errors.Count == 0)
        {
            var input = new IncidentInput(org, !AboutSomeoneElse, ConcernedName, NamedWithConsent, OccurredOn, Precision, acts, primary,
                Perpetrator, IncidentPages.Fold(Groups), IncidentPages.Fold(Domains), AreaId, lat, lon, Narrative, Alert);
            var made = await incidents.CreateAsync(User.UserId(), input, HttpContext.RequestAborted);
            switch (made.Status)
            {
                case IncidentWriteStatus.Done:
                    return Redirect($"/incidents/{made.Id}?done=reported");
                case IncidentWriteStatus.Invalid:
                    foreach (var (field, key) in made.Errors ?? new Dictionary<string, string>()) Errors[field] = key;
                    break;
                case IncidentWriteStatus.NotFound:
                case IncidentWriteStatus.NotAllowed:
                case IncidentWriteStatus.Conflict:
                    Errors["To"] = "Incidents.Error.Choice";
                    break;
            }
        }
        return Page();
    }

    /// <summary>A coordinate as typed ("4.61", "-74,08"), or null when blank; anything else is the point's error.</summary>
    private double? Coordinate(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        Errors[field] = "Incidents.Error.Point";
        return null;
    }

    private async Task LoadAsync()
    {
        Organizations = await incidents.ReportableOrganizationsAsync(User.UserId(), HttpContext.RequestAborted);
        Areas = gazetteer.All(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
    }
}
