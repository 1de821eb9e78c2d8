using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Wellbeing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>
/// The self-check on one page: each item a fieldset of five radios, grouped by section. Posted whole; when any item has
/// no answer nothing is saved and the page comes back with the given answers kept and a message beside each empty item.
/// </summary>
public sealed class CheckModel(SelfCheckService checks) : PageModel
{
    /// <summary>The answers given so far (kept when the page comes back with errors).</summary>
    public Dictionary<string, Frequency> Given { get; } = new(StringComparer.Ordinal);
    /// <summary>Items with no (valid) answer after a post.</summary>
    public List<SelfCheckItem> Missing { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var answers = new Dictionary<string, Frequency?>(StringComparer.Ordinal);
        foreach (var item in SelfCheckInstrument.Items)
        {
            var answer = SelfCheckInstrument.ParseFrequency(Request.Form[item.Id].ToString());
            answers[item.Id] = answer;
            if (answer is { } f) Given[item.Id] = f;
        }
        var saved = await checks.SaveAsync(User.UserId(), answers, HttpContext.RequestAborted);
        if (saved.Id is { } id) return Redirect($"/wellbeing/checks/{id}");
        Missing.AddRange(SelfCheckInstrument.Items.Where(i => saved.Problems!.Missing.Contains(i.Id)));
        return Page();
    }

    /// <summary>The id of an item's first radio: where the error summary's link leads.</summary>
    public static string FirstRadio(SelfCheckItem item) => $"{item.Id}-{SelfCheckInstrument.FrequencyName(Frequency.Never)}";
}
