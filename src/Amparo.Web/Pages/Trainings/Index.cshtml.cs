using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Trainings;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Trainings;

/// <summary>The trainings I run and the ones I joined, with a mark where a follow-up waits for me.</summary>
public sealed class IndexModel(TrainingService trainings) : PageModel
{
    public List<TrainingLine> Lines { get; private set; } = [];

    public async Task OnGetAsync() => Lines = await trainings.ListAsync(User.UserId(), HttpContext.RequestAborted);
}
