using System.Globalization;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// What a report form binds and checks before the service does (a member's report, and one sent through a report link):
/// the fields of <c>_IncidentFields</c>, the errors by field, the gazetteer's areas in the page's language.
/// </summary>
public abstract class IncidentFormPage(Gazetteer gazetteer, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
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

    public IReadOnlyList<(GazetteerArea Area, string Path)> Areas { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public IncidentActs ActsPicked => IncidentPages.Fold(Acts);
    public DateOnly Today { get; private set; }
    /// <summary>The organizations the form may report to that keep exact points, with their days (the form says so).</summary>
    public List<(string Organization, int Days)> KeptPoints { get; protected set; } = [];

    /// <summary>The field ids the error summary links to.</summary>
    public static Dictionary<string, string> FieldIds() => new(StringComparer.Ordinal)
    {
        ["To"] = "To", ["AboutSomeoneElse"] = "about-other", ["ConcernedName"] = "ConcernedName", ["OccurredOn"] = "OccurredOn",
        ["Precision"] = "precision-Day", ["Acts"] = "act-" + IncidentPages.Acts[0], ["PrimaryAct"] = "PrimaryAct",
        ["Perpetrator"] = "Perpetrator", ["Groups"] = "group-" + IncidentPages.Groups[0], ["Domains"] = "Domains",
        ["AreaId"] = "AreaId", ["Latitude"] = "Latitude", ["Narrative"] = "Narrative", ["Contact"] = "Contact", ["Link"] = "OccurredOn",
    };

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    protected void LoadFormLists()
    {
        Areas = gazetteer.All(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// The shared fields as the service takes them, after what binding refused is recorded in <see cref="Errors"/>; one
    /// checked act and no main one chosen makes that act the main one.
    /// </summary>
    protected IncidentInput Input(Guid? organization, bool aboutMe, string? concernedName, bool namedWithConsent, Guid? alert)
    {
        var lat = Coordinate(Latitude, "Latitude");
        var lon = Coordinate(Longitude, "Latitude");
        if (!ModelState.IsValid)
            foreach (var (field, entry) in ModelState)
                if (entry.Errors.Count > 0 && !Errors.ContainsKey(field)) Errors[field.Split('[')[0]] = field == "OccurredOn" ? "Incidents.Error.Date" : "Incidents.Error.Choice";
        var acts = ActsPicked;
        var primary = PrimaryAct ?? (IncidentRules.IsSingle(acts) ? acts : IncidentActs.None);
        return new IncidentInput(organization, aboutMe, concernedName, namedWithConsent, OccurredOn, Precision, acts, primary,
            Perpetrator, IncidentPages.Fold(Groups), IncidentPages.Fold(Domains), AreaId, lat, lon, Narrative, alert);
    }

    /// <summary>A coordinate as typed ("4.61", "-74,08"), or null when blank; anything else is the point's error.</summary>
    private double? Coordinate(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        Errors[field] = "Incidents.Error.Point";
        return null;
    }

    protected void AddErrors(IncidentWrite result)
    {
        foreach (var (field, key) in result.Errors ?? new Dictionary<string, string>()) Errors[field] = key;
    }
}
