using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Geography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Networks;

/// <summary>One service of an entry, added or changed by the organization's admins (anyone else: 404), or removed.</summary>
public sealed class DirectoryServiceModel(NetworkDirectory directory, CountryOutlines countries) : PageModel
{
    [FromRoute] public Guid Entry { get; set; }
    /// <summary>The service, or null on <c>/services/new</c>.</summary>
    [FromRoute] public Guid? Service { get; set; }
    [BindProperty] public ServiceKind Kind { get; set; } = ServiceKind.Legal;
    [BindProperty] public List<string> Languages { get; set; } = [];
    [BindProperty] public List<string> Regions { get; set; } = [];
    [BindProperty] public List<Eligibility> Groups { get; set; } = [];
    [BindProperty] public string? ResponseHours { get; set; }
    [BindProperty] public string? Notes { get; set; }
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public string OrganizationName { get; private set; } = "";

    public IEnumerable<(string Code, string Name)> RegionChoices => countries.RegionChoices();

    public List<FormError> Summary(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await EditableAsync() is not { } services) return NotFound();
        if (Service is { } id)
        {
            if (services.SingleOrDefault(s => s.Id == id) is not { } s) return NotFound();
            Kind = s.Kind;
            Languages = [.. s.Languages.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            Regions = [.. s.Regions.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            Groups = [.. Flags.Each(s.Eligible)];
            ResponseHours = s.ResponseHours?.ToString(CultureInfo.InvariantCulture);
            Notes = s.Notes;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await EditableAsync() is null) return NotFound();
        var hours = (ResponseHours ?? "").Trim();
        int? promise = hours.Length == 0 ? null : int.TryParse(hours, NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h : -1;
        var input = new ServiceInput(Kind, Languages, Regions, Groups.Aggregate(Eligibility.None, (all, g) => all | g), promise, Notes ?? "");
        var saved = await directory.SaveServiceAsync(User.UserId(), Entry, Service, input, HttpContext.RequestAborted);
        if (saved.Status == DirectoryWriteStatus.NotFound) return NotFound();
        if (saved.Status == DirectoryWriteStatus.Invalid)
        {
            Errors = saved.Errors!;
            return Page();
        }
        return Redirect(DirectoryRoutes.Entry(Entry) + "?done=service#service-" + saved.Id);
    }

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        if (Service is not { } id || !await directory.RemoveServiceAsync(User.UserId(), Entry, id, HttpContext.RequestAborted)) return NotFound();
        return Redirect(DirectoryRoutes.Entry(Entry) + "?done=removed");
    }

    /// <summary>The entry's services, when the viewer may change them (its organization's admin); no contact is opened.</summary>
    private async Task<List<DirectoryService>?> EditableAsync()
    {
        if (await directory.ServicesForEditAsync(User.UserId(), Entry, HttpContext.RequestAborted) is not var (_, organization, services)) return null;
        OrganizationName = organization;
        return services;
    }
}
