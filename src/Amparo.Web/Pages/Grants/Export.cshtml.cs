using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// The grantmaker's public reporting export (<see cref="GrantExport"/>): a year's grants in 360Giving's shape, as JSON or
/// CSV, each anonymized as its program officer chose. Its admins only: 404.
/// </summary>
public sealed class ExportModel(GrantExport export, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "year")] public int? Year { get; set; }
    public string Grantmaker { get; private set; } = "";
    public List<PublicGrant> Grants { get; private set; } = [];
    public int LeftOut { get; private set; }
    public int ThisYear => clock.GetUtcNow().Year;
    public int Chosen => Year is { } y && y >= GrantExport.FirstYear && y <= ThisYear ? y : ThisYear;

    public async Task<IActionResult> OnGetAsync(string? format)
    {
        if (await export.ExportAsync(User.UserId(), Id, Chosen, HttpContext.RequestAborted) is not { } found) return NotFound();
        (Grantmaker, Grants, LeftOut) = found;
        if (format is null) return Page();
        Response.Headers.CacheControl = "no-store";
        return format switch
        {
            "json" => File(GrantExport.ToJson(Grants), "application/json", $"grants-{Chosen}.json"),
            "csv" => File(GrantExport.ToCsv(Grants), "text/csv; charset=utf-8", $"grants-{Chosen}.csv"),
            _ => NotFound(),
        };
    }
}
