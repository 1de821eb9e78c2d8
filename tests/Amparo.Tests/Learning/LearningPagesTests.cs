using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Learning;

/// <summary>
/// What a reader sees of languages, on the pages (SQLite only: markup, not the database): per-step fallback marked with
/// its own lang and dir; a critical step whose translation is stale shows the current source instead; an ordinary stale
/// step says it was updated; the second language comes before the source; a language is listed only when complete; a
/// lesson past its review date and one not yet reviewed say so; needs and filters choose the lessons.
/// </summary>
[Collection(nameof(SharedHosts.LearningOnSqlite))]
public sealed class LearningPagesTests(LearningSqliteApp app)
{
    private async Task<TestClient> ReaderAsync(string language, string? second = null)
    {
        var person = await app.PersonAsync("reader" + language);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == person.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, language).SetProperty(u => u.SecondLanguage, second)));
        return await app.SignedInAsync(person);
    }

    private static async Task<string> PageAsync(TestClient client, string url)
    {
        var (status, html) = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        return html;
    }

    [Fact]
    public async Task Spanish_CriticalStaleStep_ShowsTheCurrentSource_AndAnOrdinaryStaleStepIsMarked()
    {
        using var client = await ReaderAsync("es");
        var critical = await PageAsync(client, "/learn/lock-up/steps/set-lock");
        Assert.Contains("ENGLISH-SET-V2", critical, StringComparison.Ordinal);
        Assert.DoesNotContain("SPANISH-SET-STALE", critical, StringComparison.Ordinal);
        Assert.Contains("La traducción de este paso (Español) está desactualizada", critical, StringComparison.Ordinal);
        Assert.Contains("lang=\"en\" dir=\"ltr\"", critical, StringComparison.Ordinal);

        // An essential checklist item passes over a translation made from an older lesson; a recommended one keeps it.
        var lesson = await PageAsync(client, "/learn/lock-up");
        Assert.Contains("ENGLISH-ITEM my phone has a lock", lesson, StringComparison.Ordinal);
        Assert.Contains("SPANISH-ITEM revisé el bloqueo", lesson, StringComparison.Ordinal);

        var stale = await PageAsync(client, "/learn/lock-up/steps/extra");
        Assert.Contains("SPANISH-EXTRA-STALE", stale, StringComparison.Ordinal);
        Assert.Contains("Este paso se actualizó en su idioma original (English)", stale, StringComparison.Ordinal);

        var current = await PageAsync(client, "/learn/lock-up/steps/why");
        Assert.Contains("SPANISH-WHY", current, StringComparison.Ordinal);
        Assert.DoesNotContain("no está traducido", current, StringComparison.Ordinal);
        // The glossary word in the step links to its explanation on the same page, in Spanish.
        Assert.Contains("href=\"#term-screen-lock\"", current, StringComparison.Ordinal);
        Assert.Contains("id=\"term-screen-lock\">bloqueo de pantalla", current, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arabic_AMissingStep_FallsBackLeftToRight_InsideARightToLeftPage()
    {
        using var client = await ReaderAsync("ar");
        var missing = await PageAsync(client, "/learn/lock-up/steps/set-lock");
        Assert.Contains("dir=\"rtl\"", missing[..missing.IndexOf("<body", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains("ENGLISH-SET-V2", missing, StringComparison.Ordinal);
        Assert.Contains("<article class=\"learn-step learn-do\" lang=\"en\" dir=\"ltr\">", missing, StringComparison.Ordinal);

        // A word the Arabic glossary lacks is explained in English, marked; the one it has, in Arabic.
        var why = await PageAsync(client, "/learn/lock-up/steps/why");
        Assert.Contains("ARABIC-WHY", why, StringComparison.Ordinal);
        Assert.Contains("<dt id=\"term-screen-lock\" lang=\"en\" dir=\"ltr\">screen lock</dt>", why, StringComparison.Ordinal);
        Assert.Contains("<dt id=\"term-passphrase\">عبارة المرور</dt>", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondLanguage_ComesBeforeTheLessonsSource()
    {
        using var client = await ReaderAsync("es", second: "fr");
        var step = await PageAsync(client, "/learn/lock-up/steps/set-lock");
        Assert.Contains("FRENCH-SET-V2", step, StringComparison.Ordinal);
        Assert.Contains("lang=\"fr\" dir=\"ltr\"", step, StringComparison.Ordinal);
        Assert.DoesNotContain("ENGLISH-SET-V2", step, StringComparison.Ordinal);

        // Set from the profile page, and cleared again.
        var profile = await client.PostFormAsync("/account", new Dictionary<string, string>
        {
            ["DisplayName"] = "Lectora", ["Language"] = "es", ["SecondLanguage"] = "", ["TimeZone"] = "UTC", ["Phone"] = "", ["Signal"] = "",
        });
        Assert.True(profile.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK);
        Assert.Contains("ENGLISH-SET-V2", await PageAsync(client, "/learn/lock-up/steps/set-lock"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LessonPage_ListsOnlyCompleteLanguages_AndSaysWhatIsNotReviewedOrOverdue()
    {
        using var client = await ReaderAsync("en");
        var lesson = await PageAsync(client, "/learn/lock-up");
        var languages = lesson[lesson.IndexOf("<dt>Available in</dt>", StringComparison.Ordinal)..];
        languages = languages[..languages.IndexOf("</dd>", StringComparison.Ordinal)];
        Assert.Contains("English", languages, StringComparison.Ordinal);
        Assert.Contains("Español", languages, StringComparison.Ordinal);
        Assert.DoesNotContain("العربية", languages, StringComparison.Ordinal);
        Assert.DoesNotContain("Français", languages, StringComparison.Ordinal);
        Assert.Contains("has not yet been reviewed", lesson, StringComparison.Ordinal);
        Assert.Contains("was due for review", lesson, StringComparison.Ordinal);
        // A lesson written in Spanish reads in Spanish, marked, to an English reader; it warns before its steps.
        var spanish = await PageAsync(client, "/learn/after-arrest");
        Assert.Contains("This lesson talks about:", spanish, StringComparison.Ordinal);
        Assert.DoesNotContain("has not yet been reviewed", spanish, StringComparison.Ordinal);
        Assert.Contains("lang=\"es\"", spanish, StringComparison.Ordinal);
        var step = await PageAsync(client, "/learn/after-arrest/steps/first");
        Assert.Contains("<article class=\"learn-step learn-explain\" lang=\"es\" dir=\"ltr\">", step, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Needs_AndFilters_ChooseTheLessons()
    {
        using var visitor = app.NewClient();
        var need = await PageAsync(visitor, "/learn?need=phone-taken");
        Assert.True(need.IndexOf("/learn/after-arrest\"", StringComparison.Ordinal) < need.IndexOf("/learn/lock-up\"", StringComparison.Ordinal), "the need's order");
        var women = await PageAsync(visitor, "/learn?audience=women-defenders");
        Assert.Contains("href=\"/learn/lock-up\" class=\"learn-title\"", women, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/learn/after-arrest\" class=\"learn-title\"", women, StringComparison.Ordinal);
        var advanced = await PageAsync(visitor, "/learn?level=advanced&audience=bogus");
        Assert.Contains("href=\"/learn/after-arrest\" class=\"learn-title\"", advanced, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/learn/lock-up\" class=\"learn-title\"", advanced, StringComparison.Ordinal);
    }
}
