using System.Globalization;
using System.Text.Encodings.Web;
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
    /// <summary>The translation <paramref name="sentence"/> (taken without arguments, so its <c>{0}</c>… are still in it) with each piece isolated.</summary>
    public static IHtmlContent Sentence(LocalizedString sentence, params string?[] pieces) => new Isolated(sentence.Value, pieces);

    /// <summary>Pieces separated by commas, each isolated.</summary>
    public static IHtmlContent List(IEnumerable<string> pieces)
    {
        var all = pieces.ToArray();
        return new Isolated(string.Join(", ", all.Select((_, i) => "{" + i.ToString(CultureInfo.InvariantCulture) + "}")), all);
    }

    [GeneratedRegex(@"\{(\d+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private sealed class Isolated(string format, string?[] pieces) : IHtmlContent
    {
        public void WriteTo(TextWriter writer, HtmlEncoder encoder)
        {
            var at = 0;
            foreach (Match m in Placeholder().Matches(format))
            {
                encoder.Encode(writer, format[at..m.Index]);
                var i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                writer.Write("<bdi>");
                encoder.Encode(writer, i < pieces.Length ? pieces[i] ?? "" : "");
                writer.Write("</bdi>");
                at = m.Index + m.Length;
            }
            encoder.Encode(writer, format[at..]);
        }
    }
}
