using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>My trusted contacts: who they are, whether they have agreed, add one (they are asked by message), remove one.</summary>
public sealed class ContactsModel(ContactService contacts, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Sms { get; set; }
    [BindProperty] public string? Signal { get; set; }
    [BindProperty] public string? Webhook { get; set; }

    public List<ContactView> Contacts { get; private set; } = [];
    public Dictionary<string, string> Errors { get; private set; } = new(StringComparer.Ordinal);
    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        Done = done is "added" or "removed" ? done : null;
        Language ??= System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        Contacts = await contacts.ListAsync(User.UserId(), HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostAddAsync()
    {
        var input = new ContactInput(Name, Language, [(ChannelKind.Email, Email), (ChannelKind.Sms, Sms), (ChannelKind.Signal, Signal), (ChannelKind.Webhook, Webhook)]);
        var (id, errors) = await contacts.AddAsync(User.UserId(), input, HttpContext.RequestAborted);
        if (id is not null) return Redirect("/contacts?done=added");
        // The service numbers channel errors by position among the given ones; map them back to the fields.
        var given = new[] { ("Email", Email), ("Sms", Sms), ("Signal", Signal), ("Webhook", Webhook) }.Where(c => !string.IsNullOrWhiteSpace(c.Item2)).Select(c => c.Item1).ToList();
        foreach (var (field, key) in errors)
            Errors[field.StartsWith("Channel", StringComparison.Ordinal) && int.TryParse(field.AsSpan(7), out var i) && i < given.Count ? given[i] : field] = key;
        Contacts = await contacts.ListAsync(User.UserId(), HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid contactId) =>
        await contacts.RemoveAsync(User.UserId(), contactId, HttpContext.RequestAborted) ? Redirect("/contacts?done=removed") : NotFound();

    public string? Error(string field) => Errors.TryGetValue(field, out var key) ? t[key].Value : null;
}
