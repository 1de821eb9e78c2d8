using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// The emergency fast track from an alert or an incident report (issue 14): the emergency programs taking requests,
/// with their clocks, and the consent to copy what the request starts with. Only the alert's owner (never for an alert
/// they do not see: a duress one, a drill) or the report's author; anyone else, and any other source, 404.
/// </summary>
public sealed class EmergencyModel(GrantRequests requests) : PageModel
{
    public const string Route = "/grants/emergency";
    public static string FromAlert(Guid alertId) => FormattableString.Invariant($"{Route}?alert={alertId}");
    public static string FromIncident(Guid incidentId) => FormattableString.Invariant($"{Route}?incident={incidentId}");

    [FromQuery(Name = "alert")] public Guid? AlertId { get; set; }
    [FromQuery(Name = "incident")] public Guid? IncidentId { get; set; }
    [BindProperty] public Guid? ProgramId { get; set; }
    [BindProperty] public bool Consent { get; set; }

    public EmergencySource Source { get; private set; } = null!;
    public List<(GrantProgram Program, string Organization)> Programs { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync()) return NotFound();
        if (ProgramId is not { } program || Programs.All(p => p.Program.Id != program)) Errors["ProgramId"] = "Grants.Emergency.Error.Program";
        if (!Consent) Errors["Consent"] = "Grants.Request.Error.Consent";
        if (Errors.Count == 0)
        {
            var started = await requests.StartFromAsync(User.UserId(), ProgramId!.Value, Source.Origin, Source.Id, Consent, HttpContext.RequestAborted);
            switch (started.Status)
            {
                case RequestWriteStatus.Done:
                    return Redirect(GrantRoutes.Request(started.Id!.Value));
                case RequestWriteStatus.Refused:
                    Errors["ProgramId"] = "Grants.Request.Error.OwnProgram";
                    break;
                case RequestWriteStatus.Invalid:
                case RequestWriteStatus.NotFound:
                case RequestWriteStatus.Conflict:
                    // The program closed meanwhile: choose again from the list as it is now.
                    Errors["ProgramId"] = "Grants.Emergency.Error.Program";
                    break;
            }
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public List<FormError> Summary(Func<string, string> text) => [.. Errors.Select(e => new FormError(text(e.Value), e.Key == "ProgramId" ? "programs" : "consent"))];

    private async Task<bool> LoadAsync()
    {
        (RequestOrigin Origin, Guid Id)? from = (AlertId, IncidentId) switch
        {
            ({ } alert, null) => (RequestOrigin.Alert, alert),
            (null, { } incident) => (RequestOrigin.Incident, incident),
            _ => null,
        };
        if (from is not { } f || await requests.SourceAsync(User.UserId(), f.Origin, f.Id, HttpContext.RequestAborted) is not { } source) return false;
        Source = source;
        Programs = await requests.EmergencyProgramsAsync(HttpContext.RequestAborted);
        return true;
    }
}
