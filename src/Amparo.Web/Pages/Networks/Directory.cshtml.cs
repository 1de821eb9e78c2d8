using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Networks;

/// <summary>
/// The directory's search (issue 16): by need, language, region and group, a page at a time; open without signing in
/// (it then finds public entries only). An empty result for a named need offers the one click that tells the
/// coordinators of the searcher's networks.
/// </summary>
[AllowAnonymous]
public sealed class DirectoryModel(NetworkDirectory directory, DirectoryLinks links, CountryOutlines countries) : PageModel
{
    [FromQuery(Name = "need")] public ServiceKind? Need { get; set; }
    [FromQuery(Name = "language")] public string? Language { get; set; }
    [FromQuery(Name = "region")] public string? Region { get; set; }
    [FromQuery(Name = "group")] public Eligibility? Group { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;
    [FromQuery(Name = "told")] public bool Told { get; set; }
    /// <summary>Whom the searcher means to refer (a responder's link after an alert closed as "needs help"): carried to the referral form.</summary>
    [FromQuery(Name = "for")] public Guid? For { get; set; }

    public SearchResult Result { get; private set; } = new([], 0, 1);
    /// <summary>Links the viewer's networks recommend (from their dialogues), shown beside the services.</summary>
    public List<DirectoryLinks.Line> Links { get; private set; } = [];
    public bool Searched { get; private set; }

    public IEnumerable<(string Code, string Name)> Regions => countries.RegionChoices();

    private DirectorySearch Search => new(
        Need is { } n && Enum.IsDefined(n) ? n : null,
        Cultures.IsSupported(Language) ? Language : null,
        Region is { } r && countries.Regions.ContainsKey(r) ? r : null,
        Group is { } g && NetworkDirectory.Groups.Contains(g) ? g : Eligibility.None);

    public async Task OnGetAsync()
    {
        Searched = Request.Query.Count > 0;
        var viewer = User.Identity?.IsAuthenticated == true ? User.UserId() : (Guid?)null;
        Result = await directory.SearchAsync(viewer, Search, Math.Clamp(PageNumber, 1, 10_000), HttpContext.RequestAborted);
        if (!Searched) Links = await links.ForAsync(viewer, ct: HttpContext.RequestAborted);
    }

    /// <summary>"Tell the coordinators": for a signed-in person whose search for a need found nothing.</summary>
    public async Task<IActionResult> OnPostTellAsync()
    {
        if (User.Identity?.IsAuthenticated != true) return Challenge();
        var told = await directory.TellGapAsync(User.UserId(), Search, HttpContext.RequestAborted);
        return Redirect(Link(Search) + (told ? "&told=true" : ""));
    }

    /// <summary>The address of a search (and of one of its pages).</summary>
    public static string Link(DirectorySearch s, int page = 1, Guid? forPerson = null) =>
        DirectoryRoutes.Search + "?" + string.Join('&', new[]
        {
            s.Kind is { } k ? "need=" + k : null,
            s.Language is { } l ? "language=" + l : null,
            s.Region is { } r ? "region=" + r : null,
            s.Eligible != Eligibility.None ? "group=" + s.Eligible : null,
            page > 1 ? "page=" + page.ToString(CultureInfo.InvariantCulture) : null,
            forPerson is { } f ? "for=" + f : null,
        }.Where(p => p is not null).DefaultIfEmpty("need="));

    public DirectorySearch Current => Search;
}
