using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Cli;

namespace Amparo.Tests.Learning;

/// <summary>The content check over the shipped starter set and over a library with faults; the Markdown rules.</summary>
public sealed class LessonContentTests
{
    private static async Task<(int Exit, string Out)> CheckAsync(string path)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AdminCommands.RunAsync(["content", "check", "--path", path], TextReader.Null, stdout, stderr);
        return (exit, stdout.ToString() + stderr);
    }

    [Fact]
    public async Task StarterSet_PassesTheCheck_TwelveLessonsInFiveLanguages()
    {
        var (exit, output) = await CheckAsync(LearningFixture.StarterSet);
        Assert.True(exit == 0, output);
        Assert.Contains("12 lessons, 60 complete language versions, 60 glossary terms; 0 errors", output, StringComparison.Ordinal);
        var (catalog, _) = LessonContentLoader.Load(LearningFixture.StarterSet, new DateOnly(2026, 12, 1));
        foreach (var domain in new[] { "digital", "physical", "well-being" })
            Assert.Contains(catalog.Lessons.Values, l => l.Domains.Contains(domain));
        Assert.Contains(catalog.Lessons.Values, l => l.Topic == "planning");
        Assert.All(catalog.Lessons.Values, l => Assert.Equal(ReviewStatus.InReview, l.Review.Status));
    }

    [Fact]
    public async Task Check_FailsOnAFault_AndOnlyWarnsForPartialTranslationsAndOverdueReviews()
    {
        var (exit, output) = await CheckAsync(LearningFixture.Path);
        Assert.Equal(1, exit);
        Assert.Contains("error: glossary/ar.yaml: term screen-lock is not translated", output, StringComparison.Ordinal);
        Assert.Contains("warning: lessons/lock-up/ar/lesson.yaml: this translation is marked partial", output, StringComparison.Ordinal);
        Assert.Contains("warning: lessons/lock-up/lesson.yaml: past its review date", output, StringComparison.Ordinal);
        Assert.Contains("1 errors, 3 warnings", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_PassesNoMarkupThrough_AndKeepsOnlyItsOwnLinks()
    {
        var problems = new List<ContentProblem>();
        var step = LessonMarkdown.Render(
            "<script>alert(1)</script> [run](javascript:alert(1)) ![x](https://example.org/x.png) [data](data:text/html,hi) "
            + "[read](https://example.org/guide) [word](glossary:passphrase) [next](lesson:phone-lock) <img src=x onerror=alert(1)>\n\n# Big",
            "en", "test.md", problems);
        Assert.DoesNotContain("<script", step.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", step.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", step.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", step.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<h1", step.Html, StringComparison.Ordinal);
        Assert.Contains("<h3>Big</h3>", step.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org/guide\" rel=\"noopener noreferrer nofollow\"", step.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"#term-passphrase\" class=\"term\"", step.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"/learn/phone-lock\"", step.Html, StringComparison.Ordinal);
        Assert.Equal(["passphrase"], step.Terms);
        // Raw HTML, a javascript: link, an image, a data: link and a top-level heading.
        Assert.Equal(5, problems.Count);
    }

    [Theory]
    [InlineData("en", "Swipe up and open Settings.", true)]
    [InlineData("en", "Open Settings and choose Security.", false)]
    [InlineData("en", "Press freedom matters.", false)]
    [InlineData("es", "Haga clic en Ajustes.", true)]
    [InlineData("fr", "Appuyez sur Réglages.", true)]
    [InlineData("ar", "اضغط على الإعدادات.", true)]
    [InlineData("ar", "اطلب المساعدة من المسؤول.", false)]
    [InlineData("ru", "Нажмите «Настройки».", true)]
    public void Check_RefusesDeviceGestures_InEachLanguage(string language, string text, bool refused)
    {
        var problems = new List<ContentProblem>();
        LessonMarkdown.Render(text, language, "step.md", problems);
        Assert.Equal(refused, problems.Any(p => p.Message.Contains("gesture", StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_RefusesAStepOfMoreThan300Words()
    {
        var problems = new List<ContentProblem>();
        LessonMarkdown.Render(string.Join(' ', Enumerable.Repeat("word", 301)) + " [a link](https://example.org/a/very/long/address)", "en", "long.md", problems);
        Assert.Contains(problems, p => p.Message.StartsWith("303 words", StringComparison.Ordinal));
        problems.Clear();
        LessonMarkdown.Render(string.Join(' ', Enumerable.Repeat("word", 300)), "en", "ok.md", problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void Reading_NeverShowsAStaleTranslationOfACriticalStep()
    {
        var (catalog, _) = LessonContentLoader.Load(LearningFixture.Path, new DateOnly(2026, 12, 1));
        var lesson = catalog.Lessons["lock-up"];
        foreach (var language in new[] { "en", "es", "fr", "ar", "ru" })
            foreach (var second in new string?[] { null, "en", "es", "fr", "ar", "ru" })
                foreach (var step in lesson.Steps)
                {
                    var shown = LessonReading.Step(lesson, step, LessonReading.Chain(language, second, lesson.Source))!;
                    Assert.NotNull(shown);
                    if (step.Critical) Assert.False(shown.IsStale, $"{language}/{second}/{step.Id}: a stale critical step was shown");
                    Assert.Equal(shown.Language != language, shown.IsFallback);
                }
    }
}
