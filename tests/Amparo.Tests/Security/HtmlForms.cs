using System.Net;
using System.Text.RegularExpressions;

namespace Amparo.Tests.Security;

/// <summary>
/// One way to submit a form: where to, how, the fields a browser would send by default, and each field's kind — the
/// input's type ("text", "number", "date", "hidden", "checkbox", …), "select", "textarea", or "button".
/// </summary>
public sealed record FormSubmission(string Page, string Method, string Action, IReadOnlyList<KeyValuePair<string, string>> Fields,
    IReadOnlyDictionary<string, string> Kinds)
{
    /// <summary>The kinds whose value the page chose (or a browser's widget constrains) and a binder parses; any other kind is typed freely.</summary>
    private static readonly HashSet<string> ParsedKinds = new(StringComparer.Ordinal)
    {
        "number", "range", "date", "time", "datetime-local", "month", "week", "color", "select", "radio", "checkbox", "hidden", "button",
    };

    /// <summary>Whether a person types the field's value (text, textarea, email, …, or a type we do not know): it gets every fuzz value.</summary>
    public bool TakesFreeText(string field) => !IsParsed(Kinds.GetValueOrDefault(field, "text"));

    public static bool IsParsed(string kind) => ParsedKinds.Contains(kind);

    /// <summary>The fields a person (or an attacker) can change; the antiforgery token is not one of them.</summary>
    public IEnumerable<string> FieldNames => Fields.Select(f => f.Key).Where(n => n != "__af").Distinct();

    /// <summary>
    /// Two submissions with the same target and field names exercise the same code: fuzz one of them. The target is
    /// the route and the page handler: ids, a trailing slash ("/plans/" is "/plans") and the other query values (a
    /// list's page number; a GET form sends its fields instead of them) choose no other code.
    /// </summary>
    public string Signature => $"{Method} {ActionPath} [{string.Join(",", FieldNames.Order(StringComparer.Ordinal))}]";

    private string ActionPath
    {
        get
        {
            var parts = Action.Split('?', 2);
            var path = Regex.Replace(parts[0], "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "{id}");
            if (path.Length > 1) path = path.TrimEnd('/');
            var handler = parts.Length > 1 && Method == "POST"
                ? parts[1].Split('&').FirstOrDefault(p => p.StartsWith("handler=", StringComparison.OrdinalIgnoreCase))
                : null;
            return handler is null ? path : path + "?" + handler;
        }
    }

    public override string ToString() => $"{Signature} on {Page}";
}

/// <summary>
/// Reads the forms and links out of Amparo's server-rendered HTML: forms with their inputs, selects, textareas
/// and submit buttons, and same-origin links. Regular expressions suffice for markup we render ourselves.
/// </summary>
public static partial class HtmlForms
{
    public static List<FormSubmission> Forms(string pageUrl, string html)
    {
        var result = new List<FormSubmission>();
        foreach (Match form in FormPattern().Matches(html))
        {
            var attributes = Attributes(form.Groups[1].Value);
            var body = form.Groups[2].Value;
            var method = (attributes.GetValueOrDefault("method") ?? "get").ToUpperInvariant();
            var action = Resolve(pageUrl, attributes.GetValueOrDefault("action"));
            if (action is null) continue;
            var fields = new List<KeyValuePair<string, string>>();
            // A name used by two kinds of field (a hidden default before a checkbox) is as free as the freest of them.
            var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
            void Kind(string name, string kind)
            {
                if (!kinds.TryGetValue(name, out var known) || FormSubmission.IsParsed(known)) kinds[name] = kind;
            }
            foreach (Match input in InputPattern().Matches(body))
            {
                var a = Attributes(input.Groups[1].Value);
                if (a.GetValueOrDefault("name") is not { Length: > 0 } name) continue;
                var type = (a.GetValueOrDefault("type") ?? "text").ToLowerInvariant();
                if (type is "submit" or "button" or "image" or "reset" or "file") continue;
                if (type is "checkbox" or "radio" && !a.ContainsKey("checked")) continue;
                // A text field that asks the phone for a number pad (a PIN, a coordinate) is read as a number.
                Kind(name, a.GetValueOrDefault("inputmode") is "numeric" or "decimal" ? "number" : type);
                fields.Add(new(name, a.GetValueOrDefault("value") ?? (type == "checkbox" ? "on" : "")));
            }
            foreach (Match select in SelectPattern().Matches(body))
            {
                var a = Attributes(select.Groups[1].Value);
                if (a.GetValueOrDefault("name") is not { Length: > 0 } name) continue;
                var options = OptionPattern().Matches(select.Groups[2].Value)
                    .Select(o => (Attributes: Attributes(o.Groups[1].Value), Text: WebUtility.HtmlDecode(o.Groups[2].Value.Trim()))).ToList();
                var chosen = options.FirstOrDefault(o => o.Attributes.ContainsKey("selected"));
                if (chosen == default && options.Count > 0) chosen = options[0];
                Kind(name, "select");
                fields.Add(new(name, chosen == default ? "" : chosen.Attributes.GetValueOrDefault("value") ?? chosen.Text));
            }
            foreach (Match textarea in TextareaPattern().Matches(body))
            {
                var a = Attributes(textarea.Groups[1].Value);
                if (a.GetValueOrDefault("name") is not { Length: > 0 } name) continue;
                Kind(name, "textarea");
                fields.Add(new(name, WebUtility.HtmlDecode(textarea.Groups[2].Value)));
            }
            var buttons = ButtonPattern().Matches(body).Select(b => Attributes(b.Groups[1].Value))
                .Where(b => (b.GetValueOrDefault("type") ?? "submit").Equals("submit", StringComparison.OrdinalIgnoreCase)).ToList();
            if (buttons.Count == 0) buttons.Add([]);
            foreach (var button in buttons)
            {
                var target = button.TryGetValue("formaction", out var formAction) ? Resolve(pageUrl, formAction) : action;
                if (target is null) continue;
                var withButton = new List<KeyValuePair<string, string>>(fields);
                var buttonKinds = new Dictionary<string, string>(kinds, StringComparer.Ordinal);
                if (button.GetValueOrDefault("name") is { Length: > 0 } buttonName)
                {
                    withButton.Add(new(buttonName, button.GetValueOrDefault("value") ?? ""));
                    buttonKinds.TryAdd(buttonName, "button");
                }
                var buttonMethod = button.GetValueOrDefault("formmethod")?.ToUpperInvariant() ?? method;
                result.Add(new FormSubmission(pageUrl, buttonMethod, target, withButton, buttonKinds));
            }
        }
        return result;
    }

    /// <summary>Same-origin links (paths), without fragments.</summary>
    public static IEnumerable<string> Links(string pageUrl, string html) =>
        LinkPattern().Matches(html)
            .Select(m => Resolve(pageUrl, m.Groups[1].Value))
            .Where(u => u is not null)
            .Select(u => u!.Split('#')[0])
            .Where(u => u.Length > 0)
            .Distinct();

    /// <summary>An action or link as a local path and query, or null when it leaves the app's origin.</summary>
    public static string? Resolve(string pageUrl, string? reference)
    {
        reference = WebUtility.HtmlDecode(reference ?? "").Trim();
        if (reference.Length == 0) return pageUrl;
        if (reference.StartsWith("//", StringComparison.Ordinal) || reference.StartsWith('\\') || reference.Contains(':', StringComparison.Ordinal) && !reference.StartsWith('/'))
            return null;
        if (reference.StartsWith('/')) return reference;
        var path = pageUrl.Split('?')[0];
        if (reference.StartsWith('?')) return path + reference;
        var directory = path[..(path.LastIndexOf('/') + 1)];
        return directory + reference;
    }

    private static Dictionary<string, string?> Attributes(string text)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in AttributePattern().Matches(text))
        {
            var name = m.Groups[1].Value;
            string? value = m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Success ? m.Groups[4].Value : m.Groups[5].Success ? m.Groups[5].Value : null;
            result[name] = value is null ? null : WebUtility.HtmlDecode(value);
        }
        return result;
    }

    [GeneratedRegex(@"<form\b([^>]*)>(.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input\b([^>]*)>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"<select\b([^>]*)>(.*?)</select>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"<option\b([^>]*)>(.*?)</option>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"<textarea\b([^>]*)>(.*?)</textarea>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TextareaPattern();

    [GeneratedRegex(@"<button\b([^>]*)>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ButtonPattern();

    [GeneratedRegex(@"<a\b[^>]*?\bhref\s*=\s*""([^""]*)""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"([^\s=/>""']+)(\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s>""']+)))?", RegexOptions.Singleline)]
    private static partial Regex AttributePattern();
}
