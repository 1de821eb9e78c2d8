using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Account;

/// <summary>Check-in settings: the PIN and the duress PIN, how reminders reach me, the default grace time, personal SMS code words.</summary>
public sealed class CheckInsModel(
    CheckInService checkIns, UserManager<User> users, ProfileService profiles, SignInThrottle throttle, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>Proof for a change: the current PIN, or the passphrase (see <see cref="PinChangeProof"/>).</summary>
    [BindProperty] public string? CurrentPin { get; set; }
    [BindProperty] public string? Passphrase { get; set; }
    [BindProperty] public string? Pin { get; set; }
    [BindProperty] public string? DuressPin { get; set; }
    [BindProperty] public ChannelKind ReminderChannel { get; set; }
    [BindProperty] public int DefaultGrace { get; set; }
    [BindProperty] public string? WordCheckIn { get; set; }
    [BindProperty] public string? WordExtend { get; set; }
    [BindProperty] public string? WordClose { get; set; }
    [BindProperty] public string? WordHelp { get; set; }
    [BindProperty] public string? WordPanic { get; set; }

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
        var user = await users.GetUserAsync(User);
        if (user is null) return NotFound();
        var passphraseChecked = false;
        if (!string.IsNullOrEmpty(Passphrase))
        {
            // The same per-person limit as the security page: a stolen session cannot guess the passphrase here either.
            if (!throttle.AllowAccount("account-check:" + user.Id.ToString("D"), knownDevice: false)) Errors["Passphrase"] = "SignIn.TooMany";
            else if (!profiles.PassphraseMatches(user, Passphrase)) Errors["Passphrase"] = "Security.WrongPassphrase";
            else passphraseChecked = true;
        }
        if (Errors.Count == 0)
        {
            var proof = new PinChangeProof(CurrentPin, passphraseChecked, await Pages.CheckIns.CheckInPages.FreshSessionAsync(HttpContext));
            Errors = await checkIns.SetPinsAsync(user.Id, Pin, DuressPin, proof, HttpContext.RequestAborted);
        }
        if (Errors.Count == 0) return Redirect("/account/check-ins?done=pins");
        if (Errors.GetValueOrDefault("Passphrase") == "SignIn.TooMany") Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await LoadAsync(fillForm: true);
        return Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync()
    {
        if (!ModelState.IsValid) Errors["ReminderChannel"] = "Validation.Invalid";
        else
        {
            var words = new PersonalCodeWords(Clean(WordCheckIn), Clean(WordExtend), Clean(WordClose), Clean(WordHelp), Clean(WordPanic));
            foreach (var (field, key) in await checkIns.SetPreferencesAsync(User.UserId(), ReminderChannel, DefaultGrace, words, HttpContext.RequestAborted))
                Errors[field == "DefaultGraceMinutes" ? "DefaultGrace" : field] = key;
        }
        if (Errors.Count == 0) return Redirect("/account/check-ins?done=settings");
        await LoadAsync(fillForm: false);
        return Page();
    }

    private static string? Clean(string? word) => string.IsNullOrWhiteSpace(word) ? null : word.Trim();

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
            var words = await checkIns.CodeWordsAsync(User.UserId(), HttpContext.RequestAborted);
            (WordCheckIn, WordExtend, WordClose, WordHelp, WordPanic) = (words?.CheckIn, words?.Extend, words?.Close, words?.Help, words?.Panic);
        }
        Pin = DuressPin = CurrentPin = Passphrase = null;
    }
}
