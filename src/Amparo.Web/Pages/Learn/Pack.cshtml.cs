using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Learning.Packs;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Pages.Learn;

/// <summary>
/// Builds an offline training pack (signed in): lessons and languages ticked, or posted as hidden fields "lessons" and
/// "languages" by another page (a training's agenda); the ZIP comes back as a download. Ids the library does not have
/// are named next to the field and nothing is built; organizations' private lessons are never in the list or a pack.
/// </summary>
public sealed class PackModel(LessonLibrary library, PackKeys keys, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(Name = "lessons")] public List<string> Lessons { get; set; } = [];
    [BindProperty(Name = "languages")] public List<string> Languages { get; set; } = [];

    public List<FormError> Errors { get; } = [];
    public string KeyId { get; private set; } = "";
    public string Installation => keys.InstallationName;
    public IReadOnlyList<string> Chain { get; private set; } = [];

    /// <summary>The library's lessons a pack may hold (not retired), by title in the page's language.</summary>
    public IReadOnlyList<Lesson> Available { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await LoadAsync();
        if (Languages.Count == 0) Languages = [LearningPages.PageLanguage];
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        var request = PackBuilder.Check(library.Catalog, Lessons, Languages);
        if (request.Unknown.Count > 0) Errors.Add(new(t["Packs.Build.Error.Unknown", string.Join(", ", request.Unknown)], "lessons"));
        else if (request.Lessons.Count == 0) Errors.Add(new(request.Private.Count > 0 ? t["Packs.Build.Error.OnlyPrivate"] : t["Packs.Build.Error.NoLessons"], "lessons"));
        if (request.UnknownLanguages.Count > 0 || request.Languages.Count == 0) Errors.Add(new(t["Packs.Build.Error.Languages"], "languages"));
        if (Errors.Count > 0)
        {
            Lessons = [.. request.Lessons];
            return Page();
        }
        using var key = await keys.SigningKeyAsync(HttpContext.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        using var buffer = new MemoryStream();
        PackBuilder.Build(library.Catalog, request, key, keys.InstallationName, now, buffer);
        return File(buffer.ToArray(), "application/zip", $"amparo-pack-{now:yyyy-MM-dd}.zip");
    }

    private async Task LoadAsync()
    {
        Response.Headers.CacheControl = "no-store";
        Chain = LessonReading.Chain(LearningPages.PageLanguage, null, "en");
        Available = [.. library.Browsable.Where(l => l.OrganizationId is null)
            .OrderBy(l => LessonReading.Head(l, LessonReading.Chain(LearningPages.PageLanguage, null, l.Source)).Title, StringComparer.CurrentCulture)];
        using var key = await keys.SigningKeyAsync(HttpContext.RequestAborted);
        KeyId = key.KeyId;
    }

    public static IEnumerable<string> AllLanguages => Cultures.Supported;
}
