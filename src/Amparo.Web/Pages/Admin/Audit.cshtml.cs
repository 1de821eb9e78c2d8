using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Admin;

/// <summary>The whole audit trail, newest first (server admins only: the /Admin folder requires it).</summary>
public sealed class AuditModel(AmparoDbContext db) : PageModel
{
    public AuditQuery.Result Result { get; private set; } = null!;

    public async Task OnGetAsync([FromQuery] string? type, [FromQuery] int page = 0) =>
        Result = await AuditQuery.RunAsync(db, null, string.IsNullOrEmpty(type) ? null : type, page, HttpContext.RequestAborted);
}
