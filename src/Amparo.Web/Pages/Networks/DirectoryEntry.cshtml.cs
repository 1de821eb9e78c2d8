using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// One entry of the directory, as its viewer may see it (404 for an entry they cannot find): its services, front gate and
/// the contacts their level allows; for its organization's admins and focal points, the one-click capacity of each service.
/// </summary>
[AllowAnonymous]
public sealed class DirectoryEntryModel(NetworkDirectory directory, TimeProvider clock) : PageModel
{
    /// <summary>The first day the "full until" field offers (UTC today; the service also takes yesterday, for the Americas' evening).</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    public EntryView View { get; private set; } = null!;
    /// <summary>The service whose capacity form was refused (its day is named), or null.</summary>
    public Guid? CapacityError { get; private set; }

    private Guid? Viewer => User.Identity?.IsAuthenticated == true ? User.UserId() : null;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await directory.ViewAsync(Viewer, Id, HttpContext.RequestAborted) is not { } view) return NotFound();
        View = view;
        return Page();
    }

    /// <summary>The provider's one click: taking cases, emergencies only, or full until a day.</summary>
    public async Task<IActionResult> OnPostCapacityAsync(Guid service, Capacity capacity, DateOnly? fullUntil)
    {
        if (Viewer is not { } viewer) return NotFound();
        var result = await directory.SetCapacityAsync(viewer, service, capacity, fullUntil, HttpContext.RequestAborted);
        if (result.Status == DirectoryWriteStatus.NotFound || await directory.ViewAsync(viewer, Id, HttpContext.RequestAborted) is not { } view
            || view.Services.All(s => s.Id != service)) return NotFound();
        if (result.Status == DirectoryWriteStatus.Invalid)
        {
            View = view;
            CapacityError = service;
            return Page();
        }
        return Redirect(DirectoryRoutes.Entry(Id) + "?done=capacity#service-" + service);
    }
}
