using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Trainings;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Pages.Learn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Amparo.Web.Pages.Trainings;

/// <summary>
/// A trainer sets up a training: title, last day and its time zone, languages, the agenda (pathways and lessons of the
/// library) and when the follow-ups come. The invitation link is shown once, on the page that answers the form.
/// </summary>
public sealed class NewModel(TrainingService trainings, LessonLibrary library, AmparoDbContext db, MessageTexts texts, TimeProvider clock) : PageModel
{
    public sealed record Choice(string Id, string Title, string Language, int Minutes);

    [BindProperty] public string? Title { get; set; }
    [BindProperty] public DateOnly? EndsOn { get; set; }
    [BindProperty] public string? TimeZone { get; set; }
    [BindProperty] public List<string> Languages { get; set; } = [];
    [BindProperty(Name = "Lessons")] public List<string> ChosenLessons { get; set; } = [];
    [BindProperty(Name = "Pathways")] public List<string> ChosenPathways { get; set; } = [];
    [BindProperty] public List<int?> Counts { get; set; } = [];
    [BindProperty] public List<FollowUpUnit> Units { get; set; } = [];

    public List<Choice> Lessons { get; private set; } = [];
    public List<Choice> Pathways { get; private set; } = [];
    public Dictionary<string, string> Errors { get; private set; } = [];
    public (Guid Id, string Link)? Created { get; private set; }

    public List<FormError> ErrorList(Func<string, string> text) => FormErrors.Of(Errors, text);

    public async Task OnGetAsync()
    {
        EndsOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        TimeZone = User.TimeZoneOf();
        Languages = [LearningPages.PageLanguage];
        Counts = [.. FollowUpPlan.Default.Offsets.Select(o => (int?)o.Count)];
        Units = [.. FollowUpPlan.Default.Offsets.Select(o => o.Unit)];
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var offsets = new List<FollowUpOffset>();
        var badPlan = Counts.Count > FollowUpPlan.MaxRounds || Units.Count > FollowUpPlan.MaxRounds || Units.Any(u => !Enum.IsDefined(u));
        for (var i = 0; i < Math.Min(Counts.Count, FollowUpPlan.MaxRounds); i++)
            if (Counts[i] is { } n) offsets.Add(new(n, i < Units.Count ? Units[i] : FollowUpUnit.Days));
        var plan = badPlan ? null : new FollowUpPlan(offsets);
        var result = await trainings.CreateAsync(User.UserId(), new TrainingInput(Title, ChosenLessons, ChosenPathways, Languages, EndsOn, TimeZone, plan), ct);
        if (result.Status != TrainingWriteStatus.Done)
        {
            Errors = result.Errors ?? [];
            await LoadAsync();
            return Page();
        }
        Created = (result.Id!.Value, texts.Url("/trainings/join/" + result.InviteSecret));
        return Page();
    }

    private async Task LoadAsync()
    {
        var language = LearningPages.PageLanguage;
        var second = await LearningPages.SecondLanguageAsync(User, db, HttpContext.RequestAborted);
        Lessons = [.. library.Browsable.Select(l =>
        {
            var head = LessonReading.Head(l, LessonReading.Chain(language, second, l.Source));
            return new Choice(l.Id, head.Title, head.Language, l.Minutes);
        }).OrderBy(c => c.Title, StringComparer.CurrentCulture)];
        var chain = LessonReading.Chain(language, second, "en");
        Pathways = [.. library.Catalog.Pathways.Select(p =>
        {
            var shown = chain.Select(l => (Language: l, Text: library.Catalog.RouteTexts.GetValueOrDefault(l)?.GetValueOrDefault(p.Id))).FirstOrDefault(x => x.Text is not null);
            return new Choice(p.Id, shown.Text?.Title ?? p.Id, shown.Language ?? "en", 0);
        })];
    }
}
