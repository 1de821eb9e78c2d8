using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Pages.Learn;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>
/// The static pages of a pack, under html/: a language chooser, then per language an index of the lessons, each lesson
/// on one page with its steps (the library's fallback rules: a step in another language carries its own lang and dir,
/// a stale translation says so, a critical step never shows a stale one), a printable checklist per lesson, the
/// glossary words the steps use, and an attribution page. One CSS file, no script, nothing fetched from elsewhere:
/// links between lessons and to the glossary are relative file links.
/// </summary>
public sealed partial class PackHtml(LessonCatalog catalog, IReadOnlyList<Lesson> lessons, PackRequestCheck request, string installation, DateTime created, int privateLeftOut)
{
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
    private static readonly HtmlEncoder Enc = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly HashSet<string> _inPack = [.. lessons.Select(l => l.Id)];

    public IEnumerable<(string Path, byte[] Bytes)> Pages()
    {
        yield return (PackFormat.HtmlPrefix + "style.css", Encoding.UTF8.GetBytes(Css));
        yield return (PackFormat.HtmlPrefix + "index.html", Utf8(Chooser()));
        foreach (var language in request.Languages)
        {
            var t = new PackTexts(language);
            var terms = new List<string>();
            var prefix = $"{PackFormat.HtmlPrefix}{language}/";
            foreach (var lesson in lessons)
            {
                yield return ($"{prefix}{lesson.Id}.html", Utf8(LessonPage(lesson, language, t, terms)));
                yield return ($"{prefix}{lesson.Id}-checklist.html", Utf8(ChecklistPage(lesson, language, t)));
            }
            yield return ($"{prefix}index.html", Utf8(Index(language, t)));
            yield return ($"{prefix}glossary.html", Utf8(Glossary(language, t, terms)));
            yield return ($"{prefix}attribution.html", Utf8(Attribution(language, t)));
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string E(string s) => Enc.Encode(s);

    /// <summary>lang and dir attributes for text in <paramref name="language"/> on a page in <paramref name="page"/>; nothing when they are the same.</summary>
    private static string Lang(string language, string page) =>
        language == page ? "" : $" lang=\"{E(language)}\" dir=\"{LearningPages.Dir(language)}\"";

    private static string Document(string language, string title, string css, string body) =>
        $"""
        <!DOCTYPE html>
        <html lang="{E(language)}" dir="{LearningPages.Dir(language)}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{E(title)}</title>
        <link rel="stylesheet" href="{css}">
        </head>
        <body>
        <main>
        {body}
        </main>
        </body>
        </html>

        """;

    private string Chooser()
    {
        var b = new StringBuilder();
        b.Append("<h1>Amparo</h1>\n<ul class=\"languages\">\n");
        foreach (var language in request.Languages)
        {
            var t = new PackTexts(language);
            b.Append(Inv, $"<li lang=\"{language}\" dir=\"{LearningPages.Dir(language)}\"><a href=\"{language}/index.html\" hreflang=\"{language}\">{E(Cultures.NativeName(language))}</a> <span class=\"hint\">{E(t["Packs.Html.Title"])}</span></li>\n");
        }
        b.Append("</ul>\n");
        var first = request.Languages[0];
        return Document(first, "Amparo", "style.css", b.ToString());
    }

    private static IReadOnlyList<string> Chain(Lesson lesson, string language) => LessonReading.Chain(language, null, lesson.Source);

    private string Index(string language, PackTexts t)
    {
        var b = new StringBuilder();
        b.Append(Inv, $"<p class=\"noprint\"><a href=\"../index.html\">{E(t["Packs.Html.Languages"])}</a></p>\n");
        b.Append(Inv, $"<h1>{E(t["Packs.Html.Title"])}</h1>\n");
        b.Append(Inv, $"<p>{E(t["Packs.Html.Intro"])}</p>\n");
        b.Append(Inv, $"<p class=\"hint\">{E(t.Format("Packs.Html.Built", created.ToString("d", t.Culture), installation))}</p>\n");
        b.Append(Inv, $"<h2>{E(t["Packs.Html.Lessons"])}</h2>\n<ul class=\"lessons\">\n");
        foreach (var lesson in lessons)
        {
            var head = LessonReading.Head(lesson, Chain(lesson, language));
            b.Append(Inv, $"<li><a href=\"{lesson.Id}.html\"{Lang(head.Language, language)}>{E(head.Title)}</a>");
            b.Append(Inv, $"<br><span{Lang(head.Language, language)}>{E(head.Summary)}</span>");
            b.Append(Inv, $"<br><span class=\"hint\">{E(t[LearningPages.LevelKey(lesson.Level)])} · {E(t.Format("Learning.Minutes", lesson.Minutes))} · <a href=\"{lesson.Id}-checklist.html\">{E(t["Packs.Html.PrintChecklist"])}</a></span></li>\n");
        }
        b.Append("</ul>\n");
        if (privateLeftOut > 0) b.Append(Inv, $"<p class=\"hint\">{E(t.Format("Packs.Html.PrivateLeftOut", privateLeftOut))}</p>\n");
        b.Append(Inv, $"<p><a href=\"glossary.html\">{E(t["Packs.Html.Glossary"])}</a> · <a href=\"attribution.html\">{E(t["Packs.Html.Attribution"])}</a></p>\n");
        return Document(language, t["Packs.Html.Title"], "../style.css", b.ToString());
    }

    private string LessonPage(Lesson lesson, string language, PackTexts t, List<string> terms)
    {
        var chain = Chain(lesson, language);
        var head = LessonReading.Head(lesson, chain);
        var source = Cultures.NativeName(lesson.Source);
        var b = new StringBuilder();
        b.Append(Inv, $"<p class=\"noprint\"><a href=\"index.html\">{E(t["Packs.Html.AllLessons"])}</a></p>\n");
        b.Append(Inv, $"<h1{Lang(head.Language, language)}>{E(head.Title)}</h1>\n");
        if (head.Language != language) b.Append(Inv, $"<p class=\"hint\">{E(t.Format("Learning.LessonIn", Cultures.NativeName(head.Language)))}</p>\n");
        b.Append(Inv, $"<p class=\"need\"{Lang(head.Language, language)}>{E(head.Need)}</p>\n");
        b.Append(Inv, $"<p{Lang(head.Language, language)}>{E(head.Summary)}</p>\n");
        b.Append(Inv, $"<p class=\"hint\">{E(t[LearningPages.LevelKey(lesson.Level)])} · {E(t.Format("Learning.Minutes", lesson.Minutes))}</p>\n");
        if (lesson.Review.Status != ReviewStatus.Published) b.Append(Inv, $"<p class=\"warning\">{E(t["Learning.NotReviewedLong"])}</p>\n");
        if (lesson.Sensitivity.Count > 0)
        {
            b.Append(Inv, $"<div class=\"warning\" role=\"note\"><p><strong>{E(t["Learning.Sensitive"])}</strong> {E(string.Join(language == "ar" ? "، " : ", ", lesson.Sensitivity.Select(s => t[LearningPages.TagKey(s)])))}</p>");
            if (head.SensitivityNote is { } note) b.Append(Inv, $"<p{Lang(head.Language, language)}>{E(note)}</p>");
            b.Append(Inv, $"<p>{E(t["Learning.SensitiveHint"])}</p></div>\n");
        }
        LessonLinks(b, t["Learning.Before"], lesson.Prerequisites, language);

        b.Append(Inv, $"<h2>{E(t["Learning.Steps"])}</h2>\n");
        var number = 0;
        foreach (var step in lesson.Steps)
        {
            number++;
            if (LessonReading.Step(lesson, step, chain) is not { } shown) continue;
            terms.AddRange(shown.Text.Terms);
            b.Append(Inv, $"<section class=\"step\" id=\"step-{step.Id}\">\n");
            b.Append(Inv, $"<h3{Lang(shown.Language, language)}>{number}. {E(shown.Text.Title)}</h3>\n");
            b.Append(Inv, $"<p class=\"hint\">{E(t[LearningPages.KindKey(step.Kind)])}</p>\n");
            if (shown.StaleReplaced) b.Append(Inv, $"<p class=\"warning\" role=\"note\">{E(t.Format("Learning.CriticalStale", Cultures.NativeName(shown.StaleLanguage ?? language), Cultures.NativeName(shown.Language)))}</p>\n");
            else if (shown.IsFallback) b.Append(Inv, $"<p class=\"hint\" role=\"note\">{E(t.Format("Learning.Fallback", Cultures.NativeName(shown.Language)))}</p>\n");
            if (shown.IsStale) b.Append(Inv, $"<p class=\"hint\" role=\"note\">{E(t.Format("Learning.Updated", source))}</p>\n");
            b.Append(Inv, $"<div class=\"text\"{Lang(shown.Language, language)}>\n{Relink(shown.Text.Html)}\n</div>\n</section>\n");
        }

        b.Append(Inv, $"<h2>{E(t["Learning.Checklist"])}</h2>\n");
        ChecklistItems(b, lesson, language, t, boxes: false);
        b.Append(Inv, $"<p><a href=\"{lesson.Id}-checklist.html\">{E(t["Packs.Html.PrintChecklist"])}</a></p>\n");
        LessonLinks(b, t["Learning.Related"], lesson.Related, language);
        b.Append(Inv, $"<h2>{E(t["Packs.Html.About"])}</h2>\n<p>{E(t.Format("Packs.Html.Licence", lesson.Licence))}<br>{Credit(t, lesson.Attribution)}<br>{E(t.Format("Packs.Html.Version", lesson.Version))}</p>\n");
        b.Append(Inv, $"<p><a href=\"glossary.html\">{E(t["Packs.Html.Glossary"])}</a> · <a href=\"attribution.html\">{E(t["Packs.Html.Attribution"])}</a></p>\n");
        return Document(language, head.Title, "../style.css", b.ToString());
    }

    private void LessonLinks(StringBuilder b, string label, IReadOnlyList<string> ids, string language)
    {
        var linked = ids.Where(_inPack.Contains).Select(id => catalog.Lessons[id]).ToList();
        if (linked.Count == 0) return;
        b.Append(Inv, $"<p>{E(label)} ");
        for (var i = 0; i < linked.Count; i++)
        {
            if (i > 0) b.Append(language == "ar" ? "، " : ", ");
            var head = LessonReading.Head(linked[i], Chain(linked[i], language));
            b.Append(Inv, $"<a href=\"{linked[i].Id}.html\"{Lang(head.Language, language)}>{E(head.Title)}</a>");
        }
        b.Append("</p>\n");
    }

    private static void ChecklistItems(StringBuilder b, Lesson lesson, string language, PackTexts t, bool boxes)
    {
        b.Append(boxes ? "<ul class=\"paper\">\n" : "<ul class=\"checklist\">\n");
        foreach (var item in lesson.Checklist)
        {
            var (text, itemLanguage) = LessonReading.ChecklistText(lesson, item, LessonReading.Chain(language, null, lesson.Source));
            var kind = item.Essential ? t["Learning.Essential"] : t["Learning.Recommended"];
            var platforms = string.Concat(item.Platforms.Select(p => " · " + LearningPages.PlatformName(p)));
            var hint = $"{E(kind)} · {E(t[LearningPages.RepeatKey(item.Repeat)])}{E(platforms)}";
            if (boxes) b.Append(Inv, $"<li><span class=\"box\" aria-hidden=\"true\"></span><span><span{Lang(itemLanguage, language)}>{E(text)}</span><br><span class=\"hint\">{hint}</span></span></li>\n");
            else b.Append(Inv, $"<li><span{Lang(itemLanguage, language)}>{E(text)}</span> <span class=\"hint\">· {hint}</span></li>\n");
        }
        b.Append("</ul>\n");
    }

    private static string ChecklistPage(Lesson lesson, string language, PackTexts t)
    {
        var head = LessonReading.Head(lesson, Chain(lesson, language));
        var b = new StringBuilder();
        b.Append(Inv, $"<p class=\"noprint\"><a href=\"{lesson.Id}.html\"{Lang(head.Language, language)}>{E(head.Title)}</a> · <a href=\"index.html\">{E(t["Packs.Html.AllLessons"])}</a></p>\n");
        b.Append(Inv, $"<h1>{E(t["Learning.Checklist"])}: <span{Lang(head.Language, language)}>{E(head.Title)}</span></h1>\n");
        b.Append(Inv, $"<p>{E(t["Packs.Html.ChecklistIntro"])}</p>\n");
        b.Append(Inv, $"<p class=\"fill\">{E(t["Packs.Html.Name"])} <span class=\"line\"></span></p>\n<p class=\"fill\">{E(t["Packs.Html.Date"])} <span class=\"line\"></span></p>\n");
        ChecklistItems(b, lesson, language, t, boxes: true);
        b.Append(Inv, $"<p class=\"hint noprint\">{E(t["Packs.Html.PrintHint"])}</p>\n");
        b.Append(Inv, $"<p class=\"hint\">{E(t.Format("Packs.Html.Licence", lesson.Licence))} · {Credit(t, lesson.Attribution)}</p>\n");
        return Document(language, t["Learning.Checklist"] + ": " + head.Title, "../style.css", b.ToString());
    }

    private string Glossary(string language, PackTexts t, List<string> used)
    {
        var b = new StringBuilder();
        b.Append(Inv, $"<p class=\"noprint\"><a href=\"index.html\">{E(t["Packs.Html.AllLessons"])}</a></p>\n");
        b.Append(Inv, $"<h1>{E(t["Packs.Html.Glossary"])}</h1>\n<dl class=\"terms\">\n");
        var shown = used.Distinct().Select(id => LessonReading.Term(catalog, id, [language])).OfType<ShownTerm>().OrderBy(s => s.Term.Term, StringComparer.Create(t.Culture, false));
        foreach (var term in shown)
        {
            b.Append(Inv, $"<dt id=\"{LessonMarkdown.TermAnchor(term.Term.Id)}\"{Lang(term.Language, language)}>{E(term.Term.Term)}</dt>\n");
            b.Append(Inv, $"<dd{Lang(term.Language, language)}>{E(term.Term.Text)}");
            if (term.IsFallback) b.Append(Inv, $" <span class=\"hint\" lang=\"{language}\" dir=\"{LearningPages.Dir(language)}\">({E(t.Format("Learning.In", Cultures.NativeName(term.Language)))})</span>");
            b.Append("</dd>\n");
        }
        b.Append("</dl>\n");
        return Document(language, t["Packs.Html.Glossary"], "../style.css", b.ToString());
    }

    private string Attribution(string language, PackTexts t)
    {
        var b = new StringBuilder();
        b.Append(Inv, $"<p class=\"noprint\"><a href=\"index.html\">{E(t["Packs.Html.AllLessons"])}</a></p>\n");
        b.Append(Inv, $"<h1>{E(t["Packs.Html.Attribution"])}</h1>\n<p>{E(t["Packs.Html.AttributionIntro"])}</p>\n<ul class=\"credits\">\n");
        foreach (var lesson in lessons)
        {
            var head = LessonReading.Head(lesson, Chain(lesson, language));
            b.Append(Inv, $"<li><a href=\"{lesson.Id}.html\"{Lang(head.Language, language)}>{E(head.Title)}</a><br>");
            b.Append(Inv, $"{E(t.Format("Packs.Html.Licence", lesson.Licence))}{LicenceLink(lesson.Licence)}<br>{Credit(t, lesson.Attribution)}");
            if (lesson.Images.Count > 0)
            {
                b.Append(Inv, $"<br>{E(t["Packs.Html.Images"])}<ul>");
                foreach (var image in lesson.Images)
                    b.Append(Inv, $"<li><bdi dir=\"ltr\">{E(image.File)}</bdi>: {E(t.Format("Packs.Html.Licence", image.Licence))}{LicenceLink(image.Licence)} · {Credit(t, image.Attribution)}</li>");
                b.Append("</ul>");
            }
            b.Append("</li>\n");
        }
        b.Append("</ul>\n");
        b.Append(Inv, $"<p class=\"hint\">{E(t.Format("Packs.Html.Built", created.ToString("d", t.Culture), installation))}</p>\n");
        return Document(language, t["Packs.Html.Attribution"], "../style.css", b.ToString());
    }

    /// <summary>"Credit: {0}" with the author's words isolated in their own direction (an English credit on an Arabic page).</summary>
    private static string Credit(PackTexts t, string attribution) =>
        string.Join("<bdi>" + E(attribution) + "</bdi>", t["Packs.Html.By"].Split("{0}").Select(E));

    private static string LicenceLink(string licence) => licence switch
    {
        "CC-BY-SA-4.0" => " (<bdi dir=\"ltr\">https://creativecommons.org/licenses/by-sa/4.0/</bdi>)",
        "CC-BY-4.0" => " (<bdi dir=\"ltr\">https://creativecommons.org/licenses/by/4.0/</bdi>)",
        "CC0-1.0" => " (<bdi dir=\"ltr\">https://creativecommons.org/publicdomain/zero/1.0/</bdi>)",
        _ => "",
    };

    /// <summary>
    /// In the app a step's lesson links point at /learn/{id} and its glossary links at the page's own term list
    /// (LessonMarkdown); here they become file links: {id}.html beside this page for a lesson in the pack (a lesson
    /// not in it keeps only its words), glossary.html#term-{id} for a term.
    /// </summary>
    private string Relink(string html)
    {
        html = LessonLink().Replace(html, m => _inPack.Contains(m.Groups[1].Value) ? $"<a href=\"{m.Groups[1].Value}.html\">{m.Groups[2].Value}</a>" : m.Groups[2].Value);
        return html.Replace("href=\"#term-", "href=\"glossary.html#term-", StringComparison.Ordinal);
    }

    [GeneratedRegex("<a href=\"/learn/([a-z0-9-]+)\">(.*?)</a>", RegexOptions.Singleline)]
    private static partial Regex LessonLink();

    private const string Css = """
        html { font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; }
        body { margin: 0; }
        main { max-inline-size: 44rem; margin-inline: auto; padding: 1rem; overflow-wrap: break-word; }
        h1 { font-size: 1.6rem; line-height: 1.25; }
        h2 { font-size: 1.3rem; margin-block-start: 2rem; }
        h3 { font-size: 1.1rem; }
        a { color: #0645ad; }
        .hint { color: #555; font-size: 0.95rem; }
        .need { font-weight: bold; }
        .warning { border-inline-start: 4px solid #b45309; background: #fff7ed; padding: 0.5rem 0.75rem; }
        .step { border-block-start: 1px solid #ddd; padding-block-start: 0.5rem; }
        ul.lessons li, ul.credits li { margin-block-end: 1rem; }
        ul.languages { list-style: none; padding: 0; font-size: 1.2rem; }
        ul.languages li { margin-block-end: 0.75rem; }
        ul.paper { list-style: none; padding: 0; }
        ul.paper li { display: flex; gap: 0.75rem; align-items: flex-start; margin-block-end: 1rem; break-inside: avoid; }
        .box { flex: none; display: inline-block; inline-size: 1.2rem; block-size: 1.2rem; border: 2px solid #000; margin-block-start: 0.15rem; }
        .fill { display: flex; gap: 0.5rem; }
        .line { flex: 1; border-block-end: 1px solid #000; }
        dt { font-weight: bold; margin-block-start: 0.75rem; }
        dd { margin-inline-start: 0; }
        @media print {
          html { font-size: 12pt; color: #000; }
          main { max-inline-size: none; padding: 0; }
          .noprint { display: none; }
          a { color: #000; text-decoration: none; }
          .warning { background: none; }
        }

        """;
}
