using Amparo.Web.Features.Learning;

namespace Amparo.Web.Infrastructure.Cli;

public static partial class AdminCommands
{
    private const string ContentCheckHelp =
        "Checks the lesson library (content/): ids, links between lessons and to the glossary, licences, step length, "
        + "device gestures, and that every translation is complete or marked partial. Prints one line per problem and "
        + "exits 1 when there is an error (warnings, such as a lesson past its review date, do not fail). Needs no database.";

    private static Task<int> ContentCheckAsync(CommandContext c)
    {
        var path = c.Optional("path") is { Length: > 0 } p ? Path.GetFullPath(p) : LessonLibrary.ContentPath(c.Configuration);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var (catalog, problems) = LessonContentLoader.Load(path, today);
        foreach (var problem in problems.OrderBy(p => p.Where, StringComparer.Ordinal))
            c.Out.WriteLine($"{(problem.IsWarning ? "warning" : "error")}: {problem.Where}: {problem.Message}");
        var errors = problems.Count(p => !p.IsWarning);
        var translations = catalog.Lessons.Values.Sum(l => l.CompleteLanguages.Count());
        c.Out.WriteLine($"{catalog.Lessons.Count} lessons, {translations} complete language versions, "
            + $"{catalog.Glossary.GetValueOrDefault("en")?.Count ?? 0} glossary terms; {errors} errors, {problems.Count - errors} warnings ({path})");
        return Task.FromResult(errors == 0 ? 0 : 1);
    }
}
