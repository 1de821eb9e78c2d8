using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Infrastructure.Localization;

/// <summary>
/// What a person wrote (a name, an organization's name) shown inside the app's own sentences keeps its own direction:
/// in an Arabic sentence "Ana López" stays "Ana López", and a comma-separated list of Latin names is not shown in
/// reversed order. Each piece goes in <c>&lt;bdi&gt;</c>, HTML's element for text of unknown direction; the sentence
/// around it is the translation, encoded by the page's encoder as every other text.
/// </summary>
public static partial class Bidi
{
    /// <summary>
    /// The translation <paramref name="sentence"/> (taken without arguments, so its <c>{0}</c>… are still in it) with
    /// each piece in its place: a text isolated, or markup already isolated (a <see cref="List"/>) as it is.
    /// </summary>
    public static IHtmlContent Sentence(LocalizedString sentence, params object?[] pieces)
    {
        var html = new HtmlContentBuilder();
        var format = sentence.Value;
        var at = 0;
        foreach (Match m in Placeholder().Matches(format))
        {
            html.Append(format[at..m.Index]);
            var i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var piece = i < pieces.Length ? pieces[i] : null;
            if (piece is IHtmlContent markup) html.AppendHtml(markup);
            else Isolate(html, piece?.ToString());
            at = m.Index + m.Length;
        }
        return html.Append(format[at..]);
    }

    /// <summary>Pieces separated by commas, each isolated.</summary>
    public static IHtmlContent List(IEnumerable<string> pieces)
    {
        var html = new HtmlContentBuilder();
        foreach (var piece in pieces)
        {
            if (html.Count > 0) html.Append(", ");
            Isolate(html, piece);
        }
        return html;
    }

    private static void Isolate(HtmlContentBuilder html, string? text) => html.AppendHtml("<bdi>").Append(text ?? "").AppendHtml("</bdi>");

    [GeneratedRegex(@"\{(\d+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
