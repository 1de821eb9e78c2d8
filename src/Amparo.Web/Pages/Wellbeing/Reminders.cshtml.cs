using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>The person's self-check reminders: how often, and whether also by e-mail (never SMS).</summary>
public sealed class RemindersModel(AmparoDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty] public string? Rhythm { get; set; }
    [BindProperty] public string? Channel { get; set; }

    public ReminderChoice Choice { get; private set; } = null!;
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public bool Saved { get; private set; }
    public bool HasEmail { get; private set; }

    public async Task OnGetAsync(bool saved)
    {
        Saved = saved;
        await LoadAsync();
        Rhythm = SelfCheckReminders.RhythmName(Choice.Rhythm);
        Channel = Choice.ByEmail ? "email" : "app";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var rhythm = SelfCheckReminders.ParseRhythm(Rhythm);
        if (rhythm is null) Errors["Rhythm"] = "Wellbeing.Error.Choice";
        if (Channel is not ("email" or "app")) Errors["Channel"] = "Wellbeing.Error.Choice";
        if (Errors.Count > 0)
        {
            await LoadAsync();
            return Page();
        }
        await SelfCheckReminders.SetAsync(db, User.UserId(), rhythm!.Value, Channel == "email", clock.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
        return Redirect("/wellbeing/reminders?saved=true");
    }

    private async Task LoadAsync()
    {
        var me = User.UserId();
        Choice = await SelfCheckReminders.ChoiceAsync(db, me, HttpContext.RequestAborted);
        HasEmail = await db.Users.AnyAsync(u => u.Id == me && u.Email != null && u.Email != "", HttpContext.RequestAborted);
    }
}
