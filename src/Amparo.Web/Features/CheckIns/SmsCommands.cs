using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Security;

namespace Amparo.Web.Features.CheckIns;

public enum SmsCommandKind { CheckIn, Extend, Close, Help, Ack, Yes, Stop, Panic }

/// <summary>A command read from an SMS. <see cref="Code"/>: the reply code of an ACK or YES (see ReplyCodes), digits only.</summary>
public sealed record SmsCommand(SmsCommandKind Kind, string? Pin = null, int? Minutes = null, string? Code = null);

/// <summary>
/// A person's own words for their commands, so an SMS does not say what it means ("MANGO 4821" instead of "OK 4821").
/// Each word set replaces that command's default words for that person; unset ones keep the defaults.
/// Stored as JSON in CheckInSettings.CodeWordsCipher (encrypted with the person's data key):
/// <c>{"checkIn":"mango","extend":"later","close":"home","help":"menu","panic":"storm"}</c> (any may be absent or null).
/// ACK, YES and STOP are answers to messages from Amparo and keep their default words.
/// </summary>
public sealed record PersonalCodeWords(
    [property: JsonPropertyName("checkIn")] string? CheckIn = null,
    [property: JsonPropertyName("extend")] string? Extend = null,
    [property: JsonPropertyName("close")] string? Close = null,
    [property: JsonPropertyName("help")] string? Help = null,
    [property: JsonPropertyName("panic")] string? Panic = null)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Null for empty or unreadable JSON (then the defaults apply).</summary>
    public static PersonalCodeWords? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize<PersonalCodeWords>(json, Json); }
        catch (JsonException) { return null; }
    }

    public string? For(SmsCommandKind kind) => kind switch
    {
        SmsCommandKind.CheckIn => CheckIn,
        SmsCommandKind.Extend => Extend,
        SmsCommandKind.Close => Close,
        SmsCommandKind.Help => Help,
        SmsCommandKind.Panic => Panic,
        // Fixed words: a person cannot rename them.
        SmsCommandKind.Ack or SmsCommandKind.Yes or SmsCommandKind.Stop => null,
    };

    /// <summary>A code word must be one or two words of letters or digits, not a number, not another command's default.</summary>
    public static bool IsUsable(string? word)
    {
        var n = SmsCommands.Normalize(word ?? "");
        return n.Length is >= 2 and <= 30 && n.Split(' ').Length <= 2 && !n.All(c => char.IsAsciiDigit(c) || c == ' ')
               && n.All(c => char.IsLetterOrDigit(c) || c == ' ');
    }
}

/// <summary>
/// Reads an SMS as a command. Pure: no database, no clock. Accepts the default words in English, Spanish, French,
/// Arabic and Russian (case, accents and extra spaces do not matter), or the person's own code words. Anything
/// else — a normal sentence, a command followed by other words — is not a command (null): a false positive could
/// check someone in who did not mean to.
/// </summary>
public static class SmsCommands
{
    // Written already normalized in spirit (no accents needed: they are removed before comparing).
    private static readonly Dictionary<SmsCommandKind, string[]> Defaults = new()
    {
        [SmsCommandKind.CheckIn] = ["OK", "CHECK IN", "CHECKIN", "SAFE", "LLEGUE", "BIEN", "ESTOY BIEN", "ARRIVE", "ARRIVEE", "CA VA",
                                    "وصلت", "بخير", "ОК", "ПРИБЫЛ", "ПРИБЫЛА", "ВСЕ ХОРОШО"],
        [SmsCommandKind.Extend] = ["EXTEND", "MORE", "EXTENDER", "MAS TIEMPO", "PROLONGER", "تمديد", "ПРОДЛИТЬ"],
        [SmsCommandKind.Close] = ["CLOSE", "BACK", "CERRAR", "VOLVI", "FERMER", "RENTRE", "RENTREE", "اغلاق", "رجعت", "ЗАКРЫТЬ", "ВЕРНУЛСЯ", "ВЕРНУЛАСЬ"],
        [SmsCommandKind.Help] = ["HELP", "?", "AYUDA", "AIDE", "مساعدة", "ПОМОЩЬ"],
        [SmsCommandKind.Ack] = ["ACK", "RECIBIDO", "RECU", "استلمت", "ПРИНЯТО"],
        [SmsCommandKind.Yes] = ["YES", "SI", "OUI", "نعم", "ДА"],
        [SmsCommandKind.Stop] = ["STOP", "BAJA", "ARRET", "توقف", "СТОП"],
        [SmsCommandKind.Panic] = ["SOS", "PANIC", "SOCORRO", "SECOURS", "النجدة", "ПОМОГИТЕ"],
    };

    private static readonly SmsCommandKind[] Order = Enum.GetValues<SmsCommandKind>();

    /// <summary>Every default word: registered as the check-ins' SMS keywords (see <see cref="SmsKeywords"/>).</summary>
    public static IEnumerable<string> DefaultWords => Defaults.Values.SelectMany(w => w);

    // The word each language's speakers are shown for a command (the offline page; the same words as "Sms.Help").
    // Every one is among the command's Defaults above: SmsCommandsTests parses each back to its command.
    private static readonly Dictionary<string, Dictionary<SmsCommandKind, string>> Shown = new(StringComparer.Ordinal)
    {
        ["en"] = new() { [SmsCommandKind.Panic] = "SOS", [SmsCommandKind.CheckIn] = "OK", [SmsCommandKind.Extend] = "EXTEND", [SmsCommandKind.Close] = "CLOSE", [SmsCommandKind.Ack] = "ACK", [SmsCommandKind.Help] = "HELP" },
        ["es"] = new() { [SmsCommandKind.Panic] = "SOCORRO", [SmsCommandKind.CheckIn] = "BIEN", [SmsCommandKind.Extend] = "MAS TIEMPO", [SmsCommandKind.Close] = "CERRAR", [SmsCommandKind.Ack] = "RECIBIDO", [SmsCommandKind.Help] = "AYUDA" },
        ["fr"] = new() { [SmsCommandKind.Panic] = "SECOURS", [SmsCommandKind.CheckIn] = "OK", [SmsCommandKind.Extend] = "PROLONGER", [SmsCommandKind.Close] = "FERMER", [SmsCommandKind.Ack] = "RECU", [SmsCommandKind.Help] = "AIDE" },
        ["ar"] = new() { [SmsCommandKind.Panic] = "النجدة", [SmsCommandKind.CheckIn] = "بخير", [SmsCommandKind.Extend] = "تمديد", [SmsCommandKind.Close] = "اغلاق", [SmsCommandKind.Ack] = "استلمت", [SmsCommandKind.Help] = "مساعدة" },
        ["ru"] = new() { [SmsCommandKind.Panic] = "ПОМОГИТЕ", [SmsCommandKind.CheckIn] = "ОК", [SmsCommandKind.Extend] = "ПРОДЛИТЬ", [SmsCommandKind.Close] = "ЗАКРЫТЬ", [SmsCommandKind.Ack] = "ПРИНЯТО", [SmsCommandKind.Help] = "ПОМОЩЬ" },
    };

    /// <summary>The commands a person can send without the app, most urgent first (the offline page lists them).</summary>
    public static readonly IReadOnlyList<SmsCommandKind> ShownCommands =
        [SmsCommandKind.Panic, SmsCommandKind.CheckIn, SmsCommandKind.Extend, SmsCommandKind.Close, SmsCommandKind.Ack, SmsCommandKind.Help];

    /// <summary>The default word for <paramref name="kind"/> in <paramref name="language"/> (English when the language has none).</summary>
    public static string ShownWord(SmsCommandKind kind, string language) =>
        (Shown.TryGetValue(language, out var words) ? words : Shown["en"]).TryGetValue(kind, out var word) ? word : Defaults[kind][0];

    public static SmsCommand? Parse(string? text, PersonalCodeWords? words)
    {
        var normalized = Normalize(text ?? "");
        if (normalized.Length is 0 or > 60) return null;

        var candidates = new List<(SmsCommandKind Kind, string Phrase)>();
        foreach (var kind in Order)
        {
            var personal = words?.For(kind);
            if (!string.IsNullOrWhiteSpace(personal)) candidates.Add((kind, Normalize(personal)));
            else candidates.AddRange(Defaults[kind].Select(p => (kind, Normalize(p))));
        }

        // Longest phrases first: "CHECK IN 1234" must not be read as a check-in word "CHECK" followed by junk.
        foreach (var (kind, phrase) in candidates.Where(c => c.Phrase.Length > 0).OrderByDescending(c => c.Phrase.Length))
        {
            string rest;
            if (normalized == phrase) rest = "";
            else if (normalized.StartsWith(phrase + " ", StringComparison.Ordinal)) rest = normalized[(phrase.Length + 1)..];
            else continue;
            var command = Arguments(kind, rest.Length == 0 ? [] : rest.Split(' '));
            if (command is not null) return command;
        }
        return null;
    }

    private static SmsCommand? Arguments(SmsCommandKind kind, string[] args) => kind switch
    {
        SmsCommandKind.CheckIn => args switch
        {
            [] => new SmsCommand(kind),
            [var pin] when IsPin(pin) => new SmsCommand(kind, Pin: pin),
            _ => null,
        },
        SmsCommandKind.Extend => args switch
        {
            [var m] when Minutes(m) is { } minutes => new SmsCommand(kind, Minutes: minutes),
            [var m, var pin] when Minutes(m) is { } minutes && IsPin(pin) => new SmsCommand(kind, Pin: pin, Minutes: minutes),
            _ => null,
        },
        SmsCommandKind.Close => args switch
        {
            [] => new SmsCommand(kind),
            [var pin] when IsPin(pin) => new SmsCommand(kind, Pin: pin),
            _ => null,
        },
        // The code may be typed in two groups ("ACK 4821 9375").
        SmsCommandKind.Ack => args.Length is 1 or 2 && ReplyCodes.Clean(string.Join("", args)) is { } code ? new SmsCommand(kind, Code: code) : null,
        SmsCommandKind.Yes => args switch
        {
            [] => new SmsCommand(kind),
            [_] or [_, _] when ReplyCodes.Clean(string.Join("", args)) is { } code => new SmsCommand(kind, Code: code),
            _ => null,
        },
        SmsCommandKind.Help or SmsCommandKind.Stop or SmsCommandKind.Panic => args.Length == 0 ? new SmsCommand(kind) : null,
    };

    private static bool IsPin(string s) => s.Length is >= 4 and <= 12 && s.All(char.IsAsciiDigit);

    /// <summary>1–1440 minutes; "30", "30M", "30MIN".</summary>
    private static int? Minutes(string s)
    {
        var digits = s.EndsWith("MIN", StringComparison.Ordinal) ? s[..^3] : s.EndsWith('M') ? s[..^1] : s;
        if (digits.Length is 0 or > 4 || !digits.All(char.IsAsciiDigit)) return null;
        var minutes = int.Parse(digits, CultureInfo.InvariantCulture);
        return minutes is >= 1 and <= 1440 ? minutes : null;
    }

    /// <summary>See <see cref="SmsKeywords.Normalize"/>: one normalization for the registry and for the words of a command.</summary>
    public static string Normalize(string text) => SmsKeywords.Normalize(text);
}
