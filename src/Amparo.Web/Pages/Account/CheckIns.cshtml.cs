using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.CheckIns.Delivery;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Account;

/// <summary>Check-in settings: the PIN and the duress PIN, how reminders reach me, the default grace time.</summary>
public sealed class CheckInsModel(AmparoDbContext db, CheckInService checkIns, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Pin { get; set; }
    [BindProperty] public string? DuressPin { get; set; }
    [BindProperty] public ChannelKind ReminderChannel { get; set; }
    [BindProperty] public int DefaultGrace { get; set; }

    public bool HasPin { get; private set; }
    public DateTime? ChangedAt { get; private set; }
    public Dictionary<string, string> Errors { get; private set; } = new(StringComparer.Ordinal);
    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        Done = done is "pins" or "settings" ? done : null;
        await LoadAsync(fillForm: true);
    }

    public async Task<IActionResult> OnPostPinsAsync()
    {
        Errors = await checkIns.SetPinsAsync(User.UserId(), Pin, DuressPin, HttpContext.RequestAborted);
        if (Errors.Count == 0) return Redirect("/account/check-ins?done=pins");
        await LoadAsync(fillForm: true);
        return Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync()
    {
        if (!ModelState.IsValid || !Enum.IsDefined(ReminderChannel) || ReminderChannel == ChannelKind.Webhook) Errors["ReminderChannel"] = "Validation.Invalid";
        if (DefaultGrace is < 0 or > 240) Errors["DefaultGrace"] = "Visit.Error.Grace";
        if (Errors.Count > 0)
        {
            await LoadAsync(fillForm: false);
            return Page();
        }
        var me = User.UserId();
        var settings = await db.CheckInSettings.SingleOrDefaultAsync(s => s.UserId == me, HttpContext.RequestAborted);
        if (settings is null)
        {
            settings = new CheckInSettings { UserId = me };
            db.CheckInSettings.Add(settings);
        }
        settings.ReminderChannel = ReminderChannel;
        settings.DefaultGraceMinutes = DefaultGrace;
        settings.ChangedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        return Redirect("/account/check-ins?done=settings");
    }

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;

    private async Task LoadAsync(bool fillForm)
    {
        var settings = await checkIns.SettingsAsync(User.UserId(), HttpContext.RequestAborted);
        HasPin = settings.PinHash is not null;
        ChangedAt = HasPin ? settings.ChangedAt : null;
        if (fillForm)
        {
            ReminderChannel = settings.ReminderChannel;
            DefaultGrace = settings.DefaultGraceMinutes;
        }
        Pin = DuressPin = null;
    }
}
