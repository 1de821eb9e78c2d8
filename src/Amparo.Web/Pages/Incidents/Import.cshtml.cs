using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Incidents;

/// <summary>
/// Imports an organization's reports from CSV in two steps without JavaScript: the file is read and its columns shown,
/// each of Amparo's fields mapped to one (the same name by default); then every row is checked and the file is written
/// whole or not at all. Between the steps the file travels in the form encrypted with Data Protection, bound to this
/// person and organization and good for an hour — it is never stored on the server. For the organization's staff; 404 otherwise.
/// </summary>
public sealed class ImportModel(IncidentImport import, ReportLinks links, AmparoDbContext db, ShortLivedValues shortLived) : PageModel
{
    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The file, protected, once it has been read; null on the first step.</summary>
    [BindProperty] public string? Payload { get; set; }
    /// <summary>Each field's column index, "" for none.</summary>
    [BindProperty] public Dictionary<string, string>? Map { get; set; }

    public string[] Header { get; private set; } = [];
    public int Rows { get; private set; }
    public Dictionary<string, int?> Mapping { get; private set; } = [];
    public string? FileError { get; private set; }
    public List<ImportProblem> Problems { get; private set; } = [];

    /// <summary>The words of the form's own label for each field the import reads.</summary>
    public static string FieldKey(string field) => field switch
    {
        "occurred_on" => "Incidents.New.When", "acts" => "Incidents.New.Acts", "precision" => "Incidents.New.Precision",
        "primary_act" => "Incidents.New.Primary", "perpetrator" => "Incidents.New.Perpetrator", "groups" => "Incidents.New.Groups",
        "domains" => "Plans.Page.Domains", "area_id" => "Incidents.New.Area", "cell_latitude" => "Incidents.New.Latitude",
        "cell_longitude" => "Incidents.New.Longitude", "concerned_name" => "Incidents.New.ConcernedName", "narrative" => "Incidents.New.Narrative",
        _ => "Incidents.Page.Status",
    };

    public async Task<IActionResult> OnGetAsync(Guid org) => await LoadAsync(org) ? Page() : NotFound();

    public async Task<IActionResult> OnPostReadAsync(Guid org, IFormFile? file)
    {
        if (!await LoadAsync(org)) return NotFound();
        if (file is null || file.Length == 0) { FileError = "Incidents.Import.Error.Empty"; return Page(); }
        if (file.Length > IncidentImport.MaxBytes) { FileError = "Incidents.Import.Error.TooLarge"; return Page(); }
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, HttpContext.RequestAborted);
        var bytes = buffer.ToArray();
        var (rows, error) = IncidentImport.Parse(bytes);
        if (rows is null) { FileError = error; return Page(); }
        // The file, and the id of this one import (so that sending the second step twice imports once).
        Payload = Convert.ToBase64String(shortLived.Protect([.. Guid.NewGuid().ToByteArray(), .. bytes], TimeSpan.FromHours(1), Purpose, User.UserId(), org));
        Show(rows, IncidentImport.GuessMapping(rows[0]));
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(Guid org)
    {
        if (!await LoadAsync(org)) return NotFound();
        if (Unprotect(org) is not { Length: > 16 } sealedFile || IncidentImport.Parse(sealedFile[16..]) is not ({ } rows, null))
        {
            FileError = "Incidents.Import.Error.Expired";
            Payload = null;
            return Page();
        }
        var mapping = IncidentImport.Fields.ToDictionary(f => f,
            f => int.TryParse(Map?.GetValueOrDefault(f), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) ? (int?)c : null, StringComparer.Ordinal);
        var result = await import.ImportAsync(User.UserId(), org, rows, mapping, new Guid(sealedFile.AsSpan(0, 16)), HttpContext.RequestAborted);
        if (result is not { } done) return NotFound();
        if (done.Problems.Count == 0) return Redirect($"/incidents?done=imported&count={done.Imported}");
        if (done.Problems is [{ Key: "Incidents.Import.Error.Used" }])
        {
            FileError = "Incidents.Import.Error.Used";
            Payload = null;
            return Page();
        }
        Problems = done.Problems;
        Show(rows, mapping);
        return Page();
    }

    private void Show(List<string[]> rows, Dictionary<string, int?> mapping)
    {
        Header = rows[0];
        Rows = rows.Count - 1;
        Mapping = mapping;
    }

    private async Task<bool> LoadAsync(Guid org)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await links.IsStaffAsync(User.UserId(), org, HttpContext.RequestAborted)) return false;
        Id = org;
        Name = await db.Organizations.Where(o => o.Id == org).Select(o => o.Name).SingleAsync(HttpContext.RequestAborted);
        return true;
    }

    private const string Purpose = "Amparo.Incidents.Import";

    /// <summary>The file read in the first step, or null when the payload is not base64 or not ours, or too old.</summary>
    private byte[]? Unprotect(Guid org)
    {
        var bytes = new byte[((Payload?.Length ?? 0) * 3 / 4) + 3];
        return Convert.TryFromBase64String(Payload ?? "", bytes, out var length)
            ? shortLived.Unprotect(bytes[..length], Purpose, User.UserId(), org)
            : null;
    }
}
