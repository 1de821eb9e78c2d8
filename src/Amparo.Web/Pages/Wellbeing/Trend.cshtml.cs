using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>The person's results over time: the SVG chart drawn here, the same results as a table, and their marked dates.</summary>
public sealed class TrendModel(SelfCheckService checks, AmparoDbContext db) : PageModel
{
    public sealed record MarkRow(int Number, WellbeingMarkKind Kind, DateOnly On, DateOnly? Until);

    public List<SelfCheckSummary> Checks { get; private set; } = [];
    public List<MarkRow> Marks { get; private set; } = [];
    public SelfCheckTrendChart? Chart { get; private set; }

    public async Task OnGetAsync()
    {
        var me = User.UserId();
        var zone = User.TimeZoneOf();
        Checks = [.. (await checks.ListMineAsync(me, HttpContext.RequestAborted)).OrderBy(c => c.TakenAt)];
        // Only the person's own marks (the care part of the module writes them; the note stays encrypted and unread here).
        var marks = await db.WellbeingMarks.AsNoTracking().Where(m => m.UserId == me).OrderBy(m => m.On)
            .Select(m => new { m.Kind, m.On, m.Until }).ToListAsync(HttpContext.RequestAborted);
        Marks = [.. marks.Select((m, i) => new MarkRow(i + 1, m.Kind, m.On, m.Until))];
        if (Checks.Count > 0)
            Chart = SelfCheckTrendChart.Build(Checks, [.. Marks.Select(m => new SelfCheckTrendChart.Mark(m.Number, m.On, m.Until))],
                utc => LocalTimes.ToLocal(utc, zone));
    }
}
