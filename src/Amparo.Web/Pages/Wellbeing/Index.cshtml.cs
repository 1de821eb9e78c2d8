using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>The module's home: the person's last result, taking a check, the trend, reminders, earlier checks.</summary>
public sealed class IndexModel(SelfCheckService checks, AmparoDbContext db, TimeProvider clock) : PageModel
{
    public List<SelfCheckSummary> Checks { get; private set; } = [];
    public IReadOnlyList<ScaleResult> Last { get; private set; } = [];
    public ReminderChoice Reminders { get; private set; } = null!;
    public bool Due { get; private set; }
    /// <summary>"deleted" after a self-check was deleted.</summary>
    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        var me = User.UserId();
        Done = done == "deleted" ? done : null;
        Checks = await checks.ListMineAsync(me, HttpContext.RequestAborted);
        if (Checks.Count > 0)
        {
            var last = Checks[0];
            Last = [.. SelfCheckInstrument.Scales.Select(s => new ScaleResult(s, last.Scores[s], last.Bands[s], SelfCheckScoring.IsWarning(s, last.Bands[s])))];
        }
        Reminders = await SelfCheckReminders.ChoiceAsync(db, me, HttpContext.RequestAborted);
        Due = await SelfCheckReminders.DueAsync(db, me, clock.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
    }
}
