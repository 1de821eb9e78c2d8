using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Account;

/// <summary>Download of everything Amparo holds about me, as JSON. A POST, because it is audited.</summary>
public sealed class ExportModel(UserManager<User> users, DataExport export, TimeProvider clock) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        var json = await export.JsonAsync(user, HttpContext.RequestAborted);
        var day = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return File(json, "application/json", $"amparo-my-data-{day}.json");
    }
}
