using System.Globalization;
using System.Security.Claims;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.Learn;

/// <summary>What the library's pages share: the reader's language chain and their progress (when signed in).</summary>
public static class LearningPages
{
    public static string Lesson(string id) => "/learn/" + id;
    public static string Step(string lesson, string step) => $"/learn/{lesson}/steps/{step}";

    /// <summary>The page's language (the request's culture).</summary>
    public static string PageLanguage => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName is var l && Cultures.IsSupported(l) ? l : "en";

    public static async Task<string?> SecondLanguageAsync(ClaimsPrincipal user, AmparoDbContext db, CancellationToken ct) =>
        user.Identity?.IsAuthenticated == true
            ? await db.Users.AsNoTracking().Where(u => u.Id == user.UserId()).Select(u => u.SecondLanguage).SingleOrDefaultAsync(ct)
            : null;

    public static string Dir(string language) => Cultures.IsRightToLeft(language) ? "rtl" : "ltr";

    public static string LevelKey(LessonLevel level) => "Learning.Level." + LessonTags.LevelName(level);
    public static string LevelNeedKey(LessonLevel level) => "Learning.LevelNeed." + LessonTags.LevelName(level);
    public static string KindKey(StepKind kind) => "Learning.Kind." + LessonTags.KindName(kind);
    public static string TagKey(string tag) => "Learning.Tag." + tag;

    /// <summary>Platforms are names, the same in every language.</summary>
    public static string PlatformName(string platform) => platform switch
    {
        "android" => "Android",
        "ios" => "iPhone",
        "windows" => "Windows",
        "macos" => "Mac",
        "linux" => "Linux",
        _ => platform,
    };
    public static string StateKey(ProgressState state) => state switch
    {
        ProgressState.ToDo => "Learning.State.ToDo",
        ProgressState.Done => "Learning.State.Done",
        ProgressState.NotRelevant => "Learning.State.NotRelevant",
    };
    public static string RepeatKey(ChecklistRepeat repeat) => "Learning.Repeat." + LessonTags.RepeatName(repeat);
}
