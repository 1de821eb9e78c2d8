using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>The dialogues I may see (my networks', public ones, those I joined), and for a coordinator where to start one.</summary>
public sealed class IndexModel(Features.Dialogues.Dialogues dialogues, AmparoDbContext db) : PageModel
{
    public List<(Dialogue Dialogue, DialoguePhase Phase)> Shown { get; private set; } = [];
    public List<(Guid Id, string Name)> CoordinatorOf { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var me = User.UserId();
        Shown = await dialogues.ListAsync(me, HttpContext.RequestAborted);
        CoordinatorOf = [.. (await (from c in db.NetworkCoordinators where c.UserId == me join n in db.Networks on c.NetworkId equals n.Id orderby n.Name select new { n.Id, n.Name })
            .ToListAsync(HttpContext.RequestAborted)).Select(n => (n.Id, n.Name))];
    }
}
