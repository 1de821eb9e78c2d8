namespace Amparo.Web.Features.Wellbeing;

/// <summary>The part of the questionnaire an item belongs to: one of the three scales, or "beside" them.</summary>
public enum SelfCheckSection
{
    /// <summary>Satisfaction from helping others.</summary>
    Helping = 0,
    /// <summary>Burnout: exhaustion, overwhelm, feeling ineffective.</summary>
    Load = 1,
    /// <summary>Secondary traumatic stress: what stays with the person from others' trauma.</summary>
    Echo = 2,
    /// <summary>Sleep, rest days and connection: shown beside the scales, never added into them.</summary>
    Beside = 3,
}

/// <summary>
/// One item of the self-check. <see cref="Id"/> is stable (it names the form field, the API's answer key and the
/// resource key <c>Wellbeing.Item.{Id}</c>); its words live in the five resource files. <see cref="Scale"/> is null
/// for the items reported beside the scales. A reversed item counts <c>4 − answer</c>: agreeing with it is the
/// opposite of what its scale measures.
/// </summary>
public sealed record SelfCheckItem(string Id, SelfCheckSection Section, WellbeingScale? Scale, bool Reversed)
{
    public string TextKey => "Wellbeing.Item." + Id;
}

/// <summary>
/// Amparo's own self-check (written for Amparo; it reproduces no published instrument). 27 items about the last 30
/// days on the <see cref="Frequency"/> scale: eight per scale (two of them reversed), three beside. Item order is the
/// order of the page and of the stored answers: never reorder, remove or renumber an item of a version; a changed
/// questionnaire is a new <see cref="Version"/> (docs/wellbeing.md, "The instrument").
/// </summary>
public static class SelfCheckInstrument
{
    /// <summary>The version the stored answers name (<c>"1:…"</c>): answers of another version are not read as this one.</summary>
    public const int Version = 1;

    /// <summary>Items per scale; a scale's score is 0 … <see cref="ItemsPerScale"/> × 4.</summary>
    public const int ItemsPerScale = 8;

    public static readonly IReadOnlyList<SelfCheckItem> Items =
    [
        Item("S1", SelfCheckSection.Helping, WellbeingScale.Satisfaction),
        Item("S2", SelfCheckSection.Helping, WellbeingScale.Satisfaction),
        Item("S3", SelfCheckSection.Helping, WellbeingScale.Satisfaction),
        Item("S4", SelfCheckSection.Helping, WellbeingScale.Satisfaction, reversed: true),
        Item("S5", SelfCheckSection.Helping, WellbeingScale.Satisfaction),
        Item("S6", SelfCheckSection.Helping, WellbeingScale.Satisfaction),
        Item("S7", SelfCheckSection.Helping, WellbeingScale.Satisfaction, reversed: true),
        Item("S8", SelfCheckSection.Helping, WellbeingScale.Satisfaction),
        Item("B1", SelfCheckSection.Load, WellbeingScale.Burnout),
        Item("B2", SelfCheckSection.Load, WellbeingScale.Burnout),
        Item("B3", SelfCheckSection.Load, WellbeingScale.Burnout, reversed: true),
        Item("B4", SelfCheckSection.Load, WellbeingScale.Burnout),
        Item("B5", SelfCheckSection.Load, WellbeingScale.Burnout),
        Item("B6", SelfCheckSection.Load, WellbeingScale.Burnout),
        Item("B7", SelfCheckSection.Load, WellbeingScale.Burnout, reversed: true),
        Item("B8", SelfCheckSection.Load, WellbeingScale.Burnout),
        Item("T1", SelfCheckSection.Echo, WellbeingScale.SecondaryStress),
        Item("T2", SelfCheckSection.Echo, WellbeingScale.SecondaryStress),
        Item("T3", SelfCheckSection.Echo, WellbeingScale.SecondaryStress),
        Item("T4", SelfCheckSection.Echo, WellbeingScale.SecondaryStress),
        Item("T5", SelfCheckSection.Echo, WellbeingScale.SecondaryStress, reversed: true),
        Item("T6", SelfCheckSection.Echo, WellbeingScale.SecondaryStress),
        Item("T7", SelfCheckSection.Echo, WellbeingScale.SecondaryStress),
        Item("T8", SelfCheckSection.Echo, WellbeingScale.SecondaryStress, reversed: true),
        Item("W1", SelfCheckSection.Beside, null),
        Item("W2", SelfCheckSection.Beside, null),
        Item("W3", SelfCheckSection.Beside, null),
    ];

    public static readonly IReadOnlyList<SelfCheckSection> Sections = [SelfCheckSection.Helping, SelfCheckSection.Load, SelfCheckSection.Echo, SelfCheckSection.Beside];

    public static readonly IReadOnlyList<WellbeingScale> Scales = [WellbeingScale.Satisfaction, WellbeingScale.Burnout, WellbeingScale.SecondaryStress];

    public static readonly IReadOnlyList<Frequency> Answers = [Frequency.Never, Frequency.Rarely, Frequency.Sometimes, Frequency.Often, Frequency.VeryOften];

    private static readonly Dictionary<string, SelfCheckItem> ById = Items.ToDictionary(i => i.Id, StringComparer.Ordinal);

    public static SelfCheckItem? Find(string id) => ById.GetValueOrDefault(id);

    private static SelfCheckItem Item(string id, SelfCheckSection section, WellbeingScale? scale, bool reversed = false) => new(id, section, scale, reversed);

    /// <summary>The answer's name at the edge (API, export); the inverse of <see cref="ParseFrequency"/>.</summary>
    public static string FrequencyName(Frequency f) => f switch
    {
        Frequency.Never => "never",
        Frequency.Rarely => "rarely",
        Frequency.Sometimes => "sometimes",
        Frequency.Often => "often",
        Frequency.VeryOften => "veryOften",
    };

    public static Frequency? ParseFrequency(string? name) => Answers.Cast<Frequency?>().FirstOrDefault(f => FrequencyName(f!.Value) == name);

    public static string ScaleName(WellbeingScale s) => s switch
    {
        WellbeingScale.Satisfaction => "satisfaction",
        WellbeingScale.Burnout => "burnout",
        WellbeingScale.SecondaryStress => "secondaryStress",
    };

    public static string BandName(WellbeingBand b) => b switch
    {
        WellbeingBand.Low => "low",
        WellbeingBand.Moderate => "moderate",
        WellbeingBand.High => "high",
    };

    /// <summary>The answers as stored (the plaintext of <see cref="SelfCheck.AnswersCipher"/>): "1:" and one digit per item in order.</summary>
    public static string Encode(IReadOnlyDictionary<string, Frequency> answers) =>
        $"{Version}:" + string.Concat(Items.Select(i => (char)('0' + (int)answers[i.Id])));

    /// <summary>The stored answers, or null when the text is not a whole answer set of this version.</summary>
    public static IReadOnlyDictionary<string, Frequency>? Decode(string? text)
    {
        var prefix = $"{Version}:";
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal) || text.Length != prefix.Length + Items.Count) return null;
        var answers = new Dictionary<string, Frequency>(StringComparer.Ordinal);
        for (var i = 0; i < Items.Count; i++)
        {
            var value = (Frequency)(text[prefix.Length + i] - '0');
            if (!Enum.IsDefined(value)) return null;
            answers[Items[i].Id] = value;
        }
        return answers;
    }
}
