using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// Report an incident: to one of the viewer's organizations (about themself; for someone else when they are its admin or
/// focal point), or as a personal record. Everything optional is optional; the form says what is kept and how.
/// </summary>
public sealed class NewModel(IncidentService incidents, Gazetteer gazetteer, TimeProvider clock, IStringLocalizer<SharedResource> t)
    : IncidentFormPage(gazetteer, clock, t)
{
    /// <summary>"me" (a personal record) or an organization's id.</summary>
    [BindProperty] public string? To { get; set; }
    [BindProperty] public bool AboutSomeoneElse { get; set; }
    [BindProperty] public string? ConcernedName { get; set; }
    [BindProperty] public bool NamedWithConsent { get; set; }
    /// <summary>The closed alert this report is recorded from (a responder's "record an incident"), if any.</summary>
    [BindProperty] public Guid? Alert { get; set; }

    public List<(Guid Id, string Name, bool Staff)> Organizations { get; private set; } = [];

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
        var input = Input(org, !AboutSomeoneElse, ConcernedName, NamedWithConsent, Alert);
        if (Errors.Count == 0)
        {
            var made = await incidents.CreateAsync(User.UserId(), input, HttpContext.RequestAborted);
            switch (made.Status)
            {
                case IncidentWriteStatus.Done:
                    return Redirect($"/incidents/{made.Id}?done=reported");
                case IncidentWriteStatus.Invalid:
                    AddErrors(made);
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

    private async Task LoadAsync()
    {
        Organizations = await incidents.ReportableOrganizationsAsync(User.UserId(), HttpContext.RequestAborted);
        var kept = await incidents.KeptPointDaysAsync(Organizations.Select(o => o.Id).ToList(), HttpContext.RequestAborted);
        KeptPoints = Organizations.Where(o => kept.ContainsKey(o.Id)).Select(o => (o.Name, kept[o.Id])).ToList();
        LoadFormLists();
    }
}
