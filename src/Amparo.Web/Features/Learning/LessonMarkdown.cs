using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Amparo.Web.Features.Learning;

/// <summary>A problem the content check reports: the file (or form field) and what is wrong, in plain English. A warning
/// (a lesson past its review date, a translation marked partial) is printed but does not fail the check.</summary>
public sealed record ContentProblem(string Where, string Message, bool IsWarning = false);

/// <summary>A step rendered: sanitized HTML, its words, the glossary terms and lessons it links.</summary>
public sealed record RenderedStep(string Html, int Words, IReadOnlyList<string> Terms, IReadOnlyList<string> Lessons);

/// <summary>
/// Markdown of a step to HTML. Raw HTML is never passed through (Markdig escapes it), headings start at level 3 (the
/// page owns h1 and h2), links are glossary terms (<c>glossary:id</c>, to the "words in this lesson" list on the same
/// page), lessons (<c>lesson:id</c>) or https addresses; anything else — an image, another scheme — is dropped to its
/// words and reported. The result then goes through an allow-list sanitizer, so a renderer bug cannot let markup in.
/// </summary>
public static partial class LessonMarkdown
{
    /// <summary>About 150 words a step; more than this is refused (the limit a reviewer enforces).</summary>
    public const int MaxWords = 300;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    private static readonly HtmlSanitizer Sanitizer = NewSanitizer();

    public static RenderedStep Render(string markdown, string language, string where, ICollection<ContentProblem> problems)
    {
        var doc = Markdown.Parse(markdown, Pipeline);
        var terms = new List<string>();
        var lessons = new List<string>();
        foreach (var node in doc.Descendants().ToList())
        {
            switch (node)
            {
                case HeadingBlock heading when heading.Level < 3:
                    problems.Add(new(where, "headings inside a step start at ### (the page has the lesson's and the step's titles)"));
                    heading.Level = 3;
                    break;
                case CodeBlock and not FencedCodeBlock or FencedCodeBlock:
                    problems.Add(new(where, "no code blocks in a lesson (indent less than four spaces)"));
                    break;
                case AutolinkInline auto:
                    if (!IsHttps(auto.Url)) { problems.Add(new(where, $"link \"{auto.Url}\" is not an https address")); auto.Url = "#"; }
                    break;
                case LinkInline { IsImage: true } image:
                    problems.Add(new(where, $"images are listed in lesson.yaml, not linked from a step (\"{image.Url}\")"));
                    Unwrap(image);
                    break;
                case LinkInline link:
                    Rewrite(link, terms, lessons, where, problems);
                    break;
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(doc);
        writer.Flush();
        var html = Sanitizer.Sanitize(writer.ToString());
        // Markdig (HTML disabled) writes raw HTML out as text; the check still refuses it, so an author sees why.
        if (RawHtml().IsMatch(markdown)) problems.Add(new(where, "raw HTML is not allowed; it is shown as text"));
        var words = CountWords(markdown);
        if (words > MaxWords) problems.Add(new(where, $"{words} words: a step has at most {MaxWords} (about 150 is right)"));
        if (Gesture(language).Match(markdown) is { Success: true } g)
            problems.Add(new(where, $"names a device gesture (\"{g.Value}\"): say what to choose, the page shows the controls"));
        return new(html, words, terms.Distinct().ToList(), lessons.Distinct().ToList());
    }

    /// <summary>The anchor of a glossary term on a lesson page (its "words in this lesson" list).</summary>
    public static string TermAnchor(string id) => "term-" + id;

    private static void Rewrite(LinkInline link, List<string> terms, List<string> lessons, string where, ICollection<ContentProblem> problems)
    {
        var url = link.Url ?? "";
        if (url.StartsWith("glossary:", StringComparison.Ordinal) && Id(url["glossary:".Length..]) is { } term)
        {
            terms.Add(term);
            link.Url = "#" + TermAnchor(term);
            link.GetAttributes().AddClass("term");
        }
        else if (url.StartsWith("lesson:", StringComparison.Ordinal) && Id(url["lesson:".Length..]) is { } lesson)
        {
            lessons.Add(lesson);
            link.Url = "/learn/" + lesson;
        }
        else if (IsHttps(url))
        {
            link.GetAttributes().AddProperty("rel", "noopener noreferrer nofollow");
        }
        else
        {
            problems.Add(new(where, $"link \"{url}\" is neither glossary:id, lesson:id nor an https address"));
            Unwrap(link);
        }
    }

    /// <summary>Replaces a link by its words.</summary>
    private static void Unwrap(LinkInline link)
    {
        var words = new LiteralInline(string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString())));
        link.ReplaceBy(words);
    }

    public static string? Id(string s) => IdPattern().IsMatch(s) ? s : null;

    private static bool IsHttps(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(u.Host);

    /// <summary>Words of the text as read: link targets and Markdown marks do not count.</summary>
    public static int CountWords(string markdown)
    {
        var text = LinkTarget().Replace(markdown, "");
        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Count(w => w.Any(char.IsLetterOrDigit));
    }

    private static Regex Gesture(string language) => language switch
    {
        "es" => GestureEs(),
        "fr" => GestureFr(),
        "ar" => GestureAr(),
        "ru" => GestureRu(),
        _ => GestureEn(),
    };

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();
    [GeneratedRegex(@"<[a-zA-Z/!?]")]
    private static partial Regex RawHtml();
    [GeneratedRegex(@"\]\([^)]*\)")]
    private static partial Regex LinkTarget();
    [GeneratedRegex(@"\b(swip(e|es|ing)|tap|taps|tapping|click|clicks|clicking|pinch|drag|press (and hold|the|on))\b", RegexOptions.IgnoreCase)]
    private static partial Regex GestureEn();
    [GeneratedRegex(@"\b(desliz[ae]|deslice|toque|toca|pulse|pulsa|haga clic|haz clic|arrastre)\b", RegexOptions.IgnoreCase)]
    private static partial Regex GestureEs();
    [GeneratedRegex(@"\b(glissez|balayez|appuyez|cliquez|touchez|faites glisser)\b", RegexOptions.IgnoreCase)]
    private static partial Regex GestureFr();
    // Whole words only: "المس" (touch) begins many ordinary words (المساعدة, help; المسؤول, the person responsible).
    [GeneratedRegex(@"(?<!\p{L})[وف]?(اسحب|انقر|اضغط|المس)(?!\p{L})")]
    private static partial Regex GestureAr();
    [GeneratedRegex(@"\b(проведите|нажмите|коснитесь|кликните|смахните)\b", RegexOptions.IgnoreCase)]
    private static partial Regex GestureRu();

    private static HtmlSanitizer NewSanitizer()
    {
        var s = new HtmlSanitizer();
        s.AllowedTags.Clear();
        foreach (var tag in new[] { "p", "strong", "em", "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "br", "blockquote", "hr", "code" })
            s.AllowedTags.Add(tag);
        s.AllowedAttributes.Clear();
        foreach (var attribute in new[] { "href", "class", "rel" }) s.AllowedAttributes.Add(attribute);
        s.AllowedClasses.Clear();
        s.AllowedClasses.Add("term");
        s.AllowedSchemes.Clear();
        s.AllowedSchemes.Add("https");
        s.AllowedCssProperties.Clear();
        s.AllowedAtRules.Clear();
        s.AllowDataAttributes = false;
        return s;
    }
}
