using System.Collections.Concurrent;
using System.Text.Json;
using Amparo.Web.Infrastructure.Localization;

namespace Amparo.Web.Features.Plans;

/// <summary>The templates a plan can start from. Stored by name in URLs and forms: never rename a value.</summary>
public enum PlanTemplateKind
{
    WomanDefender = 0,
    LgbtiDefender = 1,
    LandDefender = 2,
    Journalist = 3,
    HealthWorker = 4,
    SmallOffice = 5,
}

/// <summary>A template in one language: what a new plan is pre-filled with, for the person to edit.</summary>
public sealed record PlanTemplate(
    PlanTemplateKind Kind,
    string Language,
    string Title,
    string Summary,
    IReadOnlyList<TemplateThreat> Threats,
    IReadOnlyList<TemplateAction> Actions,
    IReadOnlyList<TemplateProtocol> Protocols,
    TemplateWellBeing WellBeing);

/// <summary>A typical threat with suggested levels. <see cref="Key"/> is the same in every language (actions name it).</summary>
public sealed record TemplateThreat(
    string Key,
    string What,
    SecurityDomains Domains,
    PlanLevel Threat,
    PlanLevel Vulnerability,
    PlanLevel Capacity,
    bool IsDirect);

/// <summary>A typical action and the keys of the threats it addresses.</summary>
public sealed record TemplateAction(string Key, string What, SecurityDomains Domains, IReadOnlyList<string> Addresses);

public sealed record TemplateProtocol(string Key, ProtocolSituation Situation, string Name, IReadOnlyList<string> Steps);

/// <summary>The well-being section: what keeps the people well, and what wears them out.</summary>
public sealed record TemplateWellBeing(IReadOnlyList<string> KeepsWell, IReadOnlyList<string> ExhaustionRisks);

/// <summary>
/// Loads the plan templates (issue 10). The shape of every template — keys, domains, levels, which threats an action
/// addresses, protocol situations, how many steps — is written once in Templates/structure.json; each language has
/// its words in a parallel file Templates/texts-{language}.json, keyed the same way, so a translator reviews one file
/// beside the English one and cannot change a level by accident. The loader refuses a text file that does not fit the
/// structure. A language whose whole file is missing falls back to English (all five ship).
/// </summary>
public static class PlanTemplates
{
    private const string ResourcePrefix = "Amparo.Plans.Templates.";
    private static readonly Lazy<JsonElement> Structure = new(() => Read("structure.json")
        ?? throw new InvalidDataException("The plan templates' structure.json is not embedded."));
    private static readonly ConcurrentDictionary<string, IReadOnlyList<PlanTemplate>> ByLanguage = new(StringComparer.Ordinal);

    public static IReadOnlyList<PlanTemplateKind> Kinds { get; } = Enum.GetValues<PlanTemplateKind>();

    /// <summary>One template in a language ("es", "es-MX"…); an unknown or missing language gives English.</summary>
    public static PlanTemplate Get(PlanTemplateKind kind, string? language)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such plan template.");
        return All(language)[(int)kind];
    }

    /// <summary>Every template in a language, in the order of <see cref="PlanTemplateKind"/>.</summary>
    public static IReadOnlyList<PlanTemplate> All(string? language) =>
        ByLanguage.GetOrAdd(LanguageOf(language), Load);

    /// <summary>Whether a language ships its own texts file (a test checks all five do).</summary>
    internal static bool HasTexts(string language) => Read($"texts-{language}.json") is not null;

    private static string LanguageOf(string? language)
    {
        var two = language is { Length: >= 2 } ? language[..2].ToLowerInvariant() : "en";
        return Cultures.IsSupported(two) ? two : "en";
    }

    private static IReadOnlyList<PlanTemplate> Load(string language)
    {
        var texts = Read($"texts-{language}.json");
        if (texts is null) return language == "en" ? throw new InvalidDataException("texts-en.json is not embedded.") : All("en");
        var file = $"texts-{language}.json";
        var structure = Structure.Value;
        var result = new List<PlanTemplate>();
        foreach (var kind in Kinds)
        {
            var shape = Prop(structure, kind.ToString(), "structure.json");
            var words = Prop(texts.Value, kind.ToString(), file);
            var at = $"{file}: {kind}";
            result.Add(new PlanTemplate(
                kind, language, Text(words, "title", at), Text(words, "summary", at),
                Threats(shape, Prop(words, "threats", at), at),
                Actions(shape, Prop(words, "actions", at), at),
                Protocols(shape, Prop(words, "protocols", at), at),
                WellBeing(Prop(shape, "wellBeing", kind.ToString()), Prop(words, "wellBeing", at), at)));
        }
        return result;
    }

    private static List<TemplateThreat> Threats(JsonElement shape, JsonElement words, string at)
    {
        var list = Prop(shape, "threats", at).EnumerateArray().Select(t =>
        {
            var key = Text(t, "key", at);
            return new TemplateThreat(key, Text(words, key, at + ".threats"), Domains(t, at),
                Level(t, "threat", at), Level(t, "vulnerability", at), Level(t, "capacity", at), Prop(t, "direct", at).GetBoolean());
        }).ToList();
        ExactKeys(words, list.Select(t => t.Key), at + ".threats");
        return list;
    }

    private static List<TemplateAction> Actions(JsonElement shape, JsonElement words, string at)
    {
        var list = Prop(shape, "actions", at).EnumerateArray().Select(a =>
        {
            var key = Text(a, "key", at);
            var addresses = Prop(a, "addresses", at).EnumerateArray().Select(x => x.GetString() ?? "").ToList();
            return new TemplateAction(key, Text(words, key, at + ".actions"), Domains(a, at), addresses);
        }).ToList();
        ExactKeys(words, list.Select(a => a.Key), at + ".actions");
        return list;
    }

    private static List<TemplateProtocol> Protocols(JsonElement shape, JsonElement words, string at)
    {
        var list = Prop(shape, "protocols", at).EnumerateArray().Select(p =>
        {
            var key = Text(p, "key", at);
            var situation = Enum.Parse<ProtocolSituation>(Text(p, "situation", at));
            var mine = Prop(words, key, at + ".protocols");
            var steps = Texts(mine, "steps", at + ".protocols." + key);
            if (steps.Count != Prop(p, "steps", at).GetInt32()) throw new InvalidDataException($"{at}.protocols.{key}: {steps.Count} steps, the structure has {Prop(p, "steps", at).GetInt32()}.");
            return new TemplateProtocol(key, situation, Text(mine, "name", at + ".protocols." + key), steps);
        }).ToList();
        ExactKeys(words, list.Select(p => p.Key), at + ".protocols");
        return list;
    }

    private static TemplateWellBeing WellBeing(JsonElement shape, JsonElement words, string at)
    {
        var keeps = Texts(words, "keepsWell", at + ".wellBeing");
        var risks = Texts(words, "exhaustionRisks", at + ".wellBeing");
        if (keeps.Count != Prop(shape, "keepsWell", at).GetInt32() || risks.Count != Prop(shape, "exhaustionRisks", at).GetInt32())
            throw new InvalidDataException($"{at}.wellBeing: the number of lines differs from the structure.");
        return new TemplateWellBeing(keeps, risks);
    }

    private static SecurityDomains Domains(JsonElement item, string at) =>
        Prop(item, "domains", at).EnumerateArray()
            .Select(d => Enum.TryParse<SecurityDomains>(d.GetString(), ignoreCase: false, out var one) && one != SecurityDomains.None && Enum.IsDefined(one)
                ? one : throw new InvalidDataException($"{at}: unknown domain '{d.GetString()}'."))
            .Aggregate(SecurityDomains.None, (all, one) => all | one);

    private static PlanLevel Level(JsonElement item, string name, string at)
    {
        var level = (PlanLevel)Prop(item, name, at).GetInt32();
        return Enum.IsDefined(level) ? level : throw new InvalidDataException($"{at}: {name} must be 1 to 4.");
    }

    private static void ExactKeys(JsonElement words, IEnumerable<string> keys, string at)
    {
        var extra = words.EnumerateObject().Select(p => p.Name).Except(keys, StringComparer.Ordinal).ToList();
        if (extra.Count > 0) throw new InvalidDataException($"{at}: keys the structure does not have: {string.Join(", ", extra)}.");
    }

    private static JsonElement Prop(JsonElement item, string name, string at) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value)
            ? value : throw new InvalidDataException($"{at}: '{name}' is missing.");

    private static string Text(JsonElement item, string name, string at)
    {
        var text = Prop(item, name, at).GetString();
        return string.IsNullOrWhiteSpace(text) ? throw new InvalidDataException($"{at}: '{name}' is empty.") : text.Trim();
    }

    private static List<string> Texts(JsonElement item, string name, string at) =>
        Prop(item, name, at).EnumerateArray()
            .Select(x => x.GetString() is { } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : throw new InvalidDataException($"{at}.{name}: an empty line."))
            .ToList();

    private static JsonElement? Read(string name)
    {
        using var stream = typeof(PlanTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + name);
        if (stream is null) return null;
        using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return doc.RootElement.Clone();
    }
}
