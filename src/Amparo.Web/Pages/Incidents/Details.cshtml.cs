using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Incidents;

/// <summary>One report as the viewer may see it, its notes, and its follow-up (status and handler) for its staff.</summary>
public sealed class DetailsModel(AmparoDbContext db, IncidentService incidents, Gazetteer gazetteer, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public IncidentStatus Status { get; set; }
    [BindProperty] public Guid? HandlerId { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public string? Note { get; set; }

    public IncidentView View { get; private set; } = null!;
    public List<(Guid Id, string Name)> Staff { get; private set; } = [];
    public string? AreaPath { get; private set; }
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    /// <summary>"reported", "followed-up", "noted" after a change (the page says so).</summary>
    public string? Done { get; private set; }

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        Done = done is "reported" or "followed-up" or "noted" or "evidence" or "accepted" ? done : null;
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostFollowUpAsync(Guid id)
    {
        if (!ModelState.IsValid) Errors["Status"] = "Incidents.Error.Choice";
        else
        {
            var result = await incidents.FollowUpAsync(User.UserId(), id, Status, HandlerId, Version, HttpContext.RequestAborted);
            switch (result.Status)
            {
                case IncidentWriteStatus.Done: return Redirect($"/incidents/{id}?done=followed-up");
                case IncidentWriteStatus.NotFound: return NotFound();
                case IncidentWriteStatus.NotAllowed: return NotFound(); // the form is not shown to them: nothing to say
                case IncidentWriteStatus.Conflict: Errors["Status"] = "Incidents.Error.Conflict"; break;
                case IncidentWriteStatus.Invalid:
                    foreach (var (field, key) in result.Errors ?? new Dictionary<string, string>()) Errors[field] = key;
                    break;
            }
        }
        return await LoadAsync(id) ? Page() : NotFound();
    }

    /// <summary>Staff accept a report sent through a link, or discard it.</summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid id, bool? accept)
    {
        // Each button sends its choice; a post without one decides nothing (discarding deletes).
        if (accept is not { } accepted) return BadRequest();
        var result = await incidents.ReviewAsync(User.UserId(), id, accepted, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case IncidentWriteStatus.Done: return Redirect(accepted ? $"/incidents/{id}?done=accepted" : "/incidents?done=discarded");
            case IncidentWriteStatus.Conflict: Errors["Review"] = "Incidents.Error.Conflict"; break;
            case IncidentWriteStatus.NotFound:
            case IncidentWriteStatus.NotAllowed:
            case IncidentWriteStatus.Invalid:
                return NotFound();
        }
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostNoteAsync(Guid id)
    {
        var result = await incidents.AddNoteAsync(User.UserId(), id, Note, HttpContext.RequestAborted);
        switch (result.Status)
        {
            case IncidentWriteStatus.Done: return Redirect($"/incidents/{id}?done=noted#notes");
            case IncidentWriteStatus.NotFound:
            case IncidentWriteStatus.NotAllowed:
            case IncidentWriteStatus.Conflict:
                return NotFound();
            case IncidentWriteStatus.Invalid:
                foreach (var (field, key) in result.Errors ?? new Dictionary<string, string>()) Errors[field] = key;
                break;
        }
        return await LoadAsync(id) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        Response.Headers.CacheControl = "no-store";
        var ct = HttpContext.RequestAborted;
        if (await incidents.ReadAsync(User.UserId(), id, ct) is not { } view) return false;
        View = view;
        if (Errors.Count == 0)
        {
            Status = view.Incident.Status;
            HandlerId = view.Incident.HandlerId;
        }
        Version = view.Incident.Version;
        if (IncidentAccess.MayFollowUp(view.Role))
        {
            var ids = await incidents.StaffAsync(view.Incident, ct);
            Staff = (await db.Users.Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
                .Select(u => (u.Id, u.DisplayName)).OrderBy(u => u.DisplayName, StringComparer.CurrentCulture).ToList();
        }
        if (gazetteer.Find(view.Incident.AreaId) is { } area)
            AreaPath = gazetteer.PathOf(area, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);
        return true;
    }
}
