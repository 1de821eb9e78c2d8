using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Sharing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Account;

/// <summary>"Who can see what": the signed-in person's own sharing rules, as checkboxes in one form.</summary>
public sealed class SharingModel(SharingSettings settings) : PageModel
{
    /// <summary>The checked boxes, each "Category/Audience". Rules always belong to the signed-in person; nothing in the form names an owner.</summary>
    [BindProperty] public List<string> On { get; set; } = [];

    public List<SharingSettings.Choice> Choices { get; private set; } = [];
    public List<SharingSettings.Chosen> Chosen { get; private set; } = [];
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved = false)
    {
        Saved = saved;
        Choices = await settings.ForAsync(User.UserId(), HttpContext.RequestAborted);
        Chosen = await settings.ChosenAsync(User.UserId(), HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var enabled = new HashSet<(DataCategory, Audience)>();
        foreach (var value in On)
        {
            if (!SharingSettings.TryParse(value, out var choice)) return BadRequest();
            enabled.Add(choice);
        }
        await settings.SaveAsync(User.UserId(), enabled, HttpContext.RequestAborted);
        return Redirect("/account/sharing?saved=true");
    }
}
