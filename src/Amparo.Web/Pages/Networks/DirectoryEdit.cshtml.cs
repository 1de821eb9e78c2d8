using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// An organization's entry in a network's directory, for the organization's admins (anyone else: 404): what it says,
/// who may find it, its front gate, and its contacts, each with its level. Services are added from the entry's page.
/// </summary>
public sealed class DirectoryEditModel(NetworkDirectory directory, AmparoDbContext db) : PageModel
{
    /// <summary>Rows the form offers for contacts: the saved ones and empty rows up to this many.</summary>
    public const int ContactRows = 6;

    public sealed class ContactRow
    {
        public ContactKind Kind { get; set; } = ContactKind.Phone;
        public Confidentiality Level { get; set; } = Confidentiality.NetworkMembers;
        public string? Value { get; set; }
    }

    [FromRoute] public Guid Network { get; set; }
    [FromRoute] public Guid Organization { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public EntryVisibility Visibility { get; set; } = EntryVisibility.Network;
    [BindProperty] public string? FrontGate { get; set; }
    [BindProperty] public List<ContactRow> Contacts { get; set; } = [];
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public Guid? EntryId { get; private set; }
    public string OrganizationName { get; private set; } = "";
    public string NetworkName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await directory.EntryForEditAsync(User.UserId(), Network, Organization, HttpContext.RequestAborted) is not { } entry) return NotFound();
        await NamesAsync();
        if (entry.Id != Guid.Empty)
        {
            EntryId = entry.Id;
            (Description, Visibility, FrontGate) = (entry.Description, entry.Visibility, entry.FrontGate);
            var view = await directory.ViewAsync(User.UserId(), entry.Id, HttpContext.RequestAborted);
            Contacts = [.. view!.Contacts.Select(c => new ContactRow { Kind = c.Kind, Level = c.Level, Value = c.Value })];
        }
        Pad();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (await directory.EntryForEditAsync(User.UserId(), Network, Organization, ct) is not { } entry) return NotFound();
        await NamesAsync();
        EntryId = entry.Id == Guid.Empty ? null : entry.Id;
        // Both parts are checked before either is saved: a refused contact leaves the entry as it was too.
        // Empty rows are left out; an error on a contact names its row of the form.
        var filled = Contacts.Select((c, i) => (Row: c, Index: i)).Where(x => !string.IsNullOrWhiteSpace(x.Row.Value)).ToList();
        var rows = filled.Select(x => new EntryContactInput(x.Row.Kind, x.Row.Level, x.Row.Value!)).ToList();
        var saved = await directory.SaveEntryAsync(User.UserId(), Network, Organization, new EntryInput(Description ?? "", Visibility, FrontGate ?? ""), rows, ct);
        if (saved.Status == DirectoryWriteStatus.NotFound) return NotFound();
        if (saved.Status == DirectoryWriteStatus.Invalid)
        {
            Errors = saved.Errors!.ToDictionary(
                e => e.Key.StartsWith("Contacts[", StringComparison.Ordinal) ? $"Contacts_{filled[int.Parse(e.Key[9..^1], System.Globalization.CultureInfo.InvariantCulture)].Index}__Value"
                    : e.Key == "Contacts" ? "Contacts_0__Value" : e.Key,
                e => e.Value, StringComparer.Ordinal);
            Pad();
            return Page();
        }
        return Redirect(DirectoryRoutes.Entry(saved.Id!.Value) + "?done=saved");
    }

    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);

    private void Pad()
    {
        while (Contacts.Count < ContactRows) Contacts.Add(new ContactRow());
    }

    private async Task NamesAsync()
    {
        OrganizationName = await db.Organizations.Where(o => o.Id == Organization).Select(o => o.Name).SingleAsync(HttpContext.RequestAborted);
        NetworkName = await db.Networks.Where(n => n.Id == Network).Select(n => n.Name).SingleAsync(HttpContext.RequestAborted);
    }
}
