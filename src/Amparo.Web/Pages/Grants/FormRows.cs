using System.Globalization;
using System.Text.RegularExpressions;

namespace Amparo.Web.Pages.Grants;

/// <summary>
/// Forms with rows (budget lines, program questions) post their blank rows too; the services number only the rows they
/// were given. This puts a service's "List[n].Field" error back on the form's row.
/// </summary>
public static partial class FormRows
{
    /// <summary>Each "<paramref name="list"/>[n].Field" error moved to row <paramref name="rows"/>[n] of the form; other errors as they are.</summary>
    public static Dictionary<string, string> Renumber(IReadOnlyDictionary<string, string> errors, string list, IReadOnlyList<int> rows)
    {
        var renumbered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, key) in errors)
        {
            var match = RowField().Match(field);
            renumbered[match.Success && match.Groups[1].Value == list && int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) is var n && n < rows.Count
                ? $"{list}[{rows[n]}]{match.Groups[3].Value}" : field] = key;
        }
        return renumbered;
    }

    [GeneratedRegex(@"^(\w+)\[(\d+)\](.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RowField();
}
