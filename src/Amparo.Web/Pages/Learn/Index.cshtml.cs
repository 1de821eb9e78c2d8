using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Learn;

/// <summary>
/// The library: start from a need, follow a pathway, or filter by topic, level, audience and context. Anyone may read
/// the shipped lessons (they are openly licensed); a signed-in reader also sees their own progress.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(LessonLibrary library, LearningProgressService progress, OrganizationLessons organizationLessons, Features.Plans.PlanService plans, AmparoDbContext db) : PageModel
{
    [FromQuery(Name = "need")] public string? Need { get; set; }
    [FromQuery(Name = "topic")] public string? Topic { get; set; }
    [FromQuery(Name = "level")] public string? Level { get; set; }
    [FromQuery(Name = "audience")] public string? Audience { get; set; }
    [FromQuery(Name = "context")] public string? Context { get; set; }
    [FromQuery(Name = "domain")] public string? Domain { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    /// <summary>Lessons a page lists: a library of a thousand lessons stays a light page on a cheap phone.</summary>
    public const int PageSize = 50;
    public int Pages { get; private set; } = 1;
    public int Total { get; private set; }

    public LessonCatalog Catalog => library.Catalog;
    public IReadOnlyList<string> Chain { get; private set; } = [];
    public List<Lesson> Lessons { get; private set; } = [];
    public LessonRoute? ChosenNeed { get; private set; }
    public ProgressBook? Progress { get; private set; }
    public bool Filtered => PageNumber > 1 || ChosenNeed is not null || Topic is not null || Level is not null || Audience is not null || Context is not null || Domain is not null;
    public DateOnly Today { get; private set; }
    /// <summary>The signed-in reader's organizations' own lessons (and those their networks share), and where they may write one.</summary>
    public List<OrganizationLessonLine> OrganizationLessons { get; private set; } = [];
    public List<(Guid Id, string Name)> Writable { get; private set; } = [];
    /// <summary>Lessons the reader's security plans point to (open actions that came from or link a lesson).</summary>
    public List<Lesson> FromPlans { get; private set; } = [];
    [FromQuery(Name = "deleted")] public string? Deleted { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        Chain = LessonReading.Chain(LearningPages.PageLanguage, await LearningPages.SecondLanguageAsync(User, db, ct), "en");
        Today = DateOnly.FromDateTime(HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        if (User.Identity?.IsAuthenticated == true)
        {
            var me = Features.Accounts.Principals.UserId(User);
            Progress = await progress.ReadAsync(me, ct);
            OrganizationLessons = await organizationLessons.ListAsync(me, ct);
            Writable = await organizationLessons.WritableOrganizationsAsync(me, ct);
            foreach (var id in await plans.LessonsLinkedAsync(me, ct))
                if (await progress.FindAsync(me, id, ct) is { } linked) FromPlans.Add(linked);
        }
        // An unknown filter value is ignored (an old link), never an error page.
        ChosenNeed = Catalog.Needs.FirstOrDefault(n => n.Id == Need);
        IEnumerable<Lesson> lessons = library.Browsable;
        if (ChosenNeed is not null) lessons = ChosenNeed.Lessons.Select(library.Find).OfType<Lesson>();
        if (LessonTags.Topics.Contains(Topic)) lessons = lessons.Where(l => l.Topic == Topic); else Topic = null;
        if (LessonTags.TryLevel(Level, out var level)) lessons = lessons.Where(l => l.Level == level); else Level = null;
        if (LessonTags.Audiences.Contains(Audience)) lessons = lessons.Where(l => l.Audiences.Contains(Audience)); else Audience = null;
        if (LessonTags.Contexts.Contains(Context)) lessons = lessons.Where(l => l.Contexts.Contains(Context)); else Context = null;
        if (LessonTags.Domains.Contains(Domain)) lessons = lessons.Where(l => l.Domains.Contains(Domain)); else Domain = null;
        var all = ChosenNeed is not null ? lessons.ToList() : lessons.OrderBy(l => l.Level).ThenBy(l => LessonReading.Head(l, Chain).Title, StringComparer.CurrentCulture).ToList();
        Total = all.Count;
        Pages = Math.Max(1, (Total + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Lessons = all.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        return Page();
    }

    /// <summary>This list's address on another page, with the same filters.</summary>
    public string PageUrl(int page)
    {
        var query = new List<string>();
        void Add(string name, string? value) { if (value is not null) query.Add(name + "=" + Uri.EscapeDataString(value)); }
        Add("need", ChosenNeed?.Id);
        Add("topic", Topic);
        Add("level", Level);
        Add("domain", Domain);
        Add("audience", Audience);
        Add("context", Context);
        if (page > 1) query.Add("page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/learn" + (query.Count > 0 ? "?" + string.Join('&', query) : "") + "#lessons";
    }

    public RouteText RouteTitle(string id) =>
        Chain.Append("en").Select(l => Catalog.RouteTexts.GetValueOrDefault(l)?.GetValueOrDefault(id)).FirstOrDefault(t => t is not null) ?? new(id, null);
}
