using System.Globalization;
using System.Text;
using CsCheck;

namespace Amparo.Tests.Security;

/// <summary>A value to put in a form field. <see cref="Encoded"/> is what goes on the wire (percent-encoded), so invalid UTF-8 can be sent too.</summary>
public sealed record FuzzValue(string Label, string Encoded)
{
    public static FuzzValue Plain(string value, string? label = null) =>
        new(label ?? (value.Length > 40 ? $"{value[..20]}… ({value.Length} chars)" : value), FormEncoding.Encode(value));

    public static FuzzValue Raw(string encoded) => new("raw " + encoded, encoded);

    public bool LooksLikeMarkup => Label.Contains("<script", StringComparison.Ordinal) || Label.Contains("<img", StringComparison.Ordinal);

    public override string ToString() => Label;
}

public static class FormEncoding
{
    /// <summary>application/x-www-form-urlencoded, byte by byte (lone surrogates become U+FFFD as a browser would send them).</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static string Body(IEnumerable<KeyValuePair<string, string>> encodedFields) =>
        string.Join('&', encodedFields.Select(f => f.Key + "=" + f.Value));
}

/// <summary>
/// Malformed, hostile and random values, one list per kind of field: <see cref="FreeText"/> for what a person types
/// (text, textarea, email, tel, password, url, search), <see cref="Parsed"/> for what the page chose and a binder parses
/// (number, date, time, datetime-local, select, radio, checkbox, hidden, a button's value).
/// </summary>
public static class FuzzValues
{
    /// <summary>Every value, the lists below are drawn from.</summary>
    private static IReadOnlyList<FuzzValue> All { get; } =
    [
        FuzzValue.Plain("", "(empty)"),
        FuzzValue.Plain(" ", "(space)"),
        FuzzValue.Plain("\t\r\n", "(whitespace)"),
        FuzzValue.Plain(new string('a', 100_000)),
        FuzzValue.Plain(string.Concat(Enumerable.Repeat("é✓", 5_000))),
        FuzzValue.Plain("\0", "(NUL)"),
        FuzzValue.Plain("a\0b", "(embedded NUL)"),
        FuzzValue.Plain("\u0001\u001f\u007f", "(control characters)"),
        FuzzValue.Plain("\uFEFF", "(BOM)"),
        FuzzValue.Plain("\u202Eevil\u202C", "(RTL override)"),
        FuzzValue.Plain("<script>alert(1)</script>"),
        FuzzValue.Plain("\"><img src=x onerror=alert(1)>"),
        FuzzValue.Plain("' OR '1'='1"),
        FuzzValue.Plain("'; DROP TABLE \"AspNetUsers\"; --"),
        FuzzValue.Plain("../../../../etc/passwd"),
        FuzzValue.Plain("{{7*7}}${7*7}@(7*7)"),
        FuzzValue.Plain("-1"),
        FuzzValue.Plain("0"),
        FuzzValue.Plain("2147483647"),
        FuzzValue.Plain("2147483648"),
        FuzzValue.Plain("-2147483649"),
        FuzzValue.Plain("9223372036854775807"),
        FuzzValue.Plain("99999999999999999999999999999"),
        FuzzValue.Plain("1e309"),
        FuzzValue.Plain("NaN"),
        FuzzValue.Plain("true"),
        FuzzValue.Plain("null"),
        FuzzValue.Plain("[]"),
        FuzzValue.Plain("{}"),
        FuzzValue.Plain("00000000-0000-0000-0000-000000000000"),
        FuzzValue.Plain("5d0c5b1e-3b64-4c0f-9c1b-2a1e7f1b9d11"),
        FuzzValue.Plain("00000000-0000-0000-0000-00000000000g"),
        FuzzValue.Plain("9999-12-31T23:59:59Z"),
        FuzzValue.Plain("9999-12-31"),
        FuzzValue.Plain("0001-01-01"),
        FuzzValue.Plain("Not/A_Zone"),
        FuzzValue.Plain("https://evil.example/"),
        FuzzValue.Plain("//evil.example"),
        FuzzValue.Plain("/\\evil.example"),
        FuzzValue.Plain("javascript:alert(1)"),
        FuzzValue.Plain("a@b"),
        FuzzValue.Plain("\"quoted\"@example.org"),
        FuzzValue.Plain("🙂🙂🙂"),
        FuzzValue.Plain("مرحبا بالعالم"),
        FuzzValue.Plain("a\u0301\u0301\u0301\u0301"),
        FuzzValue.Plain("\uD800", "(lone surrogate)"),
        FuzzValue.Raw("%FF%FE%C0%AF"),
        FuzzValue.Raw("%"),
        FuzzValue.Raw("%zz"),
        FuzzValue.Raw("%00%00"),
    ];


    /// <summary>
    /// For the fields a person types into: sizes, encodings, scripts, markup, SQL, templates, paths, return addresses,
    /// e-mail shapes, digits past the int and long limits (a phone number is parsed digit by digit), invalid UTF-8. Not
    /// the small numbers, words of JSON, dates and GUIDs: a text field keeps them as text (a field that asks for a number
    /// pad — a PIN, a coordinate — is a number and gets <see cref="Parsed"/>).
    /// </summary>
    public static IReadOnlyList<FuzzValue> FreeText { get; } = [.. All.Where(v => v.Label is not (
        "-1" or "0" or "2147483647" or "2147483648" or "1e309" or "NaN" or "true" or "null" or "[]" or "{}"
        or "00000000-0000-0000-0000-000000000000" or "5d0c5b1e-3b64-4c0f-9c1b-2a1e7f1b9d11" or "00000000-0000-0000-0000-00000000000g"
        or "9999-12-31T23:59:59Z" or "9999-12-31" or "0001-01-01" or "Not/A_Zone"))];

    /// <summary>
    /// For the fields whose value the page chose and a binder parses (a number, a date, an enum, a GUID, a time zone, a
    /// return address in a hidden field): what reaches those parsers and the databases — empty, whitespace, NUL and
    /// control characters, invalid UTF-8, a lone surrogate, a very long value, numbers at and past the int, long and
    /// decimal limits, negative, NaN, 1e309, dates at the limits, GUIDs (empty, unknown, malformed), a time zone and a
    /// path that are not, off-site return addresses, one markup value (it breaks out of an attribute, where a chosen
    /// value is echoed), one SQL quote. Scripts, templates and e-mail shapes only matter where text is kept as typed.
    /// </summary>
    public static IReadOnlyList<FuzzValue> Parsed { get; } = Pick(All,
        "(empty)", "(whitespace)", "(NUL)", "(embedded NUL)", "(control characters)", "raw %FF%FE%C0%AF", "(lone surrogate)", "(100000 chars)",
        "-1", "0", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "99999999999999999999999999999", "NaN", "1e309",
        "9999-12-31T23:59:59Z", "9999-12-31", "0001-01-01",
        "00000000-0000-0000-0000-000000000000", "5d0c5b1e-3b64-4c0f-9c1b-2a1e7f1b9d11", "00000000-0000-0000-0000-00000000000g",
        "Not/A_Zone", "../../../../etc/passwd", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
        "\"><img src=x onerror=alert(1)>", "' OR '1'='1");

    /// <summary>
    /// The values whose fate depends on the database: NUL (PostgreSQL refuses it in text, SQLite keeps it), sizes past a
    /// column's length (PostgreSQL enforces varchar(n), SQLite does not), characters outside the BMP (counted as one
    /// character by PostgreSQL, two UTF-16 units by .NET), numbers past decimal's range, dates at the types' limits (each
    /// provider converts them its own way) and an SQL quote (a provider-specific raw query). The second provider gets
    /// these (those of them in <see cref="Parsed"/> for a parsed field; a free-text field gets neither numbers nor the
    /// 100,000 characters, whose 10,000 already pass any column's length) and no random, missing or repeated values:
    /// binding, validation, encoding and markup are the same code on both and are fuzzed in full on the first. One NUL
    /// stands for all (PostgreSQL refuses any NUL in text): a value with a NUL inside, which trimming cannot remove.
    /// </summary>
    public static IReadOnlyList<FuzzValue> ReachingTheDatabase { get; } = Pick(All,
        "(embedded NUL)", "' OR '1'='1", "99999999999999999999999999999",
        "9999-12-31T23:59:59Z", "9999-12-31", "0001-01-01", "🙂🙂🙂", "(100000 chars)", "(10000 chars)");

    /// <summary>
    /// What every free-text field gets in every run: nothing, blanks, NUL, both long values, markup in and out of an
    /// attribute, an SQL quote, a lone surrogate, invalid UTF-8, astral characters and control characters — the values
    /// that have found defects here or reach a different code path (encoding, lengths, the database's text type).
    /// </summary>
    private static IReadOnlyList<FuzzValue> FreeTextEveryRun { get; } = Pick(FreeText,
        "(empty)", "(whitespace)", "(NUL)", "(100000 chars)", "(10000 chars)", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
        "' OR '1'='1", "(lone surrogate)", "raw %FF%FE%C0%AF", "🙂🙂🙂", "(control characters)");

    /// <summary>
    /// What every parsed field gets in every run: nothing, NUL, a long value, invalid UTF-8, a number past decimal, a
    /// date past the end, a malformed GUID, an off-site return address and markup that breaks out of an attribute. A
    /// binder refuses most values alike; the rest of the list (a number just past int, 1e309, the first day) comes by
    /// sample, so every run costs a third fewer requests per parsed field and runs still cover the list over time.
    /// </summary>
    private static IReadOnlyList<FuzzValue> ParsedEveryRun { get; } = Pick(Parsed,
        "(empty)", "(NUL)", "(100000 chars)", "raw %FF%FE%C0%AF", "99999999999999999999999999999",
        "9999-12-31T23:59:59Z", "00000000-0000-0000-0000-00000000000g", "//evil.example", "\"><img src=x onerror=alert(1)>");

    /// <summary>
    /// Whether this run sends every value of a kind's list to every field (<c>AMPARO_FUZZ_ALL=1</c>, the on-demand run)
    /// or, as the suite does, the values above and a fresh sample of the rest (each value of the rest reaches about one
    /// field in five of its kind in a run — dozens of fields in the admin's run; with the random values, runs cover the
    /// lists over time).
    /// </summary>
    public static bool EveryValueThisRun { get; } = Environment.GetEnvironmentVariable("AMPARO_FUZZ_ALL") == "1";

    /// <summary>
    /// What the form fuzzer sends to one field: on the first provider (<paramref name="everyValue"/>) the values its
    /// kind gets every run, a sample of the rest of its kind's list and random values — fewer of both for a parsed
    /// field, whose parser refuses most of them alike — or, with <see cref="EveryValueThisRun"/>, the whole list and
    /// more random values; on the second provider only the part that reaches the databases differently.
    /// </summary>
    public static IEnumerable<FuzzValue> For(bool freeText, bool everyValue)
    {
        var list = freeText ? FreeText : Parsed;
        if (!everyValue) return list.Intersect(freeText ? ReachingTheDatabase.Where(v => v.Label != "99999999999999999999999999999" && !v.Label.EndsWith("(100000 chars)", StringComparison.Ordinal)) : ReachingTheDatabase);
        if (EveryValueThisRun) return list.Concat(Random(freeText ? 6 : 2));
        var everyRun = freeText ? FreeTextEveryRun : ParsedEveryRun;
        return everyRun.Concat(SampleOf(list.Except(everyRun), freeText ? 4 : 3)).Concat(Random(1));
    }

    /// <summary><paramref name="count"/> of <paramref name="values"/>, drawn afresh each time.</summary>
    public static IEnumerable<T> SampleOf<T>(IEnumerable<T> values, int count)
    {
        var all = values.ToArray();
        System.Random.Shared.Shuffle(all);
        return all.Take(count);
    }

    /// <summary>The values of <paramref name="from"/> with these labels ("(n chars)" names a long value by its length); a label that is not there throws.</summary>
    private static FuzzValue[] Pick(IReadOnlyList<FuzzValue> from, params string[] labels) =>
        [.. labels.Select(label => from.Single(v => v.Label == label || (label.StartsWith('(') && label.EndsWith(" chars)", StringComparison.Ordinal) && v.Label.EndsWith(label, StringComparison.Ordinal))))];

    private static readonly Gen<string> RandomText = Gen.OneOf(
        Gen.String[0, 300],
        Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.Guid.Select(g => g.ToString()),
        Gen.Char["0123456789+-() "].Array[0, 40].Select(c => new string(c)));

    /// <summary>Random values from CsCheck: any characters, numbers of every size, GUIDs, phone-like strings.</summary>
    public static IEnumerable<FuzzValue> Random(int count) =>
        RandomText.Array[count].Single().Select(s => FuzzValue.Plain(s, "random " + Describe(s)));

    private static string Describe(string s) => s.Length > 30 ? $"({s.Length} chars)" : string.Concat(s.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
