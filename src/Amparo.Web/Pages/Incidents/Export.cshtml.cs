using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Incidents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Incidents;

/// <summary>An organization's reports as a file (CSV or JSON), for its admins and focal points; anyone else: 404.</summary>
public sealed class ExportModel(IncidentExport export) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid organization, string? format)
    {
        if (format is not ("csv" or "json")) return NotFound();
        if (await export.RowsAsync(User.UserId(), organization, HttpContext.RequestAborted) is not { } rows) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return format == "csv"
            ? File(IncidentExport.ToCsv(rows), "text/csv; charset=utf-8", "incidents.csv")
            : File(IncidentExport.ToJson(rows), "application/json", "incidents.json");
    }
}
