using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Setup;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Setup;

/// <summary>Creates the first server admin. Exists only while there is none, and needs the code printed on the console.</summary>
[AllowAnonymous]
public sealed class IndexModel(AmparoDbContext db, SetupCode setupCode, AccountService accounts, Sessions sessions, SignInThrottle throttle, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Password { get; set; }
    /// <summary>The new admin's time zone: the form shows it, pre-filled from the device by the optional script.</summary>
    [BindProperty] public string? TimeZone { get; set; }
    public string? TimeZoneError { get; private set; }
    public List<FormError> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() =>
        await SetupCode.AdminExistsAsync(db, HttpContext.RequestAborted) || setupCode.Current is null ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await SetupCode.AdminExistsAsync(db, HttpContext.RequestAborted) || setupCode.Current is null) return NotFound();
        if (!throttle.AllowIp(HttpContext.Connection.RemoteIpAddress)) return StatusCode(StatusCodes.Status429TooManyRequests);
        if (!setupCode.Matches(Code))
        {
            Errors.Add(new FormError(t["Setup.WrongCode"], "code"));
            return Page();
        }
        if (TimeZone is not null && !Validation.IsTimeZone(TimeZone.Trim()))
        {
            TimeZoneError = t["Validation.TimeZone"].Value;
            Errors.Add(new FormError(TimeZoneError, "timezone"));
            return Page();
        }
        var created = await accounts.CreateAsync(Email ?? "", DisplayName ?? "", Password ?? "", serverAdmin: true, ct: HttpContext.RequestAborted);
        if (created.User is null)
        {
            Errors.AddRange(created.Errors.Select(e => new FormError(t[e], FormError.AccountField(e))));
            return Page();
        }
        await NewAccountZone.SetAsync(db, created.User, TimeZone, HttpContext.RequestAborted);
        setupCode.Spend();
        await sessions.SignInAsync(HttpContext, created.User);
        return Redirect("/organizations/new");
    }
}
