namespace Amparo.Web.Features.Wellbeing;

/// <summary>A scored self-check: each scale's score (0 … 32) and band, and the answers to the items beside the scales.</summary>
public sealed record SelfCheckScore(
    IReadOnlyDictionary<WellbeingScale, int> Scores,
    IReadOnlyDictionary<WellbeingScale, WellbeingBand> Bands,
    IReadOnlyDictionary<string, Frequency> Beside);

/// <summary>What is wrong with a set of answers: the items not answered, and the ids that are not items.</summary>
public sealed record SelfCheckProblems(IReadOnlyList<string> Missing, IReadOnlyList<string> Unknown);

/// <summary>
/// The scoring of the self-check, a pure function (docs/wellbeing.md, "Scoring" and "Band edges"): an item counts its
/// answer 0 … 4 (never … very often), a reversed item 4 − answer; a scale's score is the sum of its eight items
/// (0 … 32); the band is Low up to <see cref="LowUpTo"/>, High from <see cref="HighFrom"/>, Moderate between — the same
/// edges for the three scales. A set of answers missing any item is refused, never scored in part.
/// </summary>
public static class SelfCheckScoring
{
    /// <summary>Highest score in the Low band: an average answer at or under 1.5, between "rarely" and "sometimes".</summary>
    public const int LowUpTo = 12;
    /// <summary>Lowest score in the High band: an average answer of 2.625 or more, nearer "often" than "sometimes".</summary>
    public const int HighFrom = 21;
    public const int MaxScore = SelfCheckInstrument.ItemsPerScale * 4;

    public static WellbeingBand BandOf(int score) => score <= LowUpTo ? WellbeingBand.Low : score >= HighFrom ? WellbeingBand.High : WellbeingBand.Moderate;

    /// <summary>What keeps these answers from being scored; null when every item has an answer and nothing else was sent.</summary>
    public static SelfCheckProblems? Check(IReadOnlyDictionary<string, Frequency?> answers)
    {
        var missing = SelfCheckInstrument.Items.Where(i => answers.GetValueOrDefault(i.Id) is not { } f || !Enum.IsDefined(f)).Select(i => i.Id).ToList();
        var unknown = answers.Keys.Where(k => SelfCheckInstrument.Find(k) is null).Order(StringComparer.Ordinal).ToList();
        return missing.Count == 0 && unknown.Count == 0 ? null : new SelfCheckProblems(missing, unknown);
    }

    /// <summary>The score of a whole set of answers.</summary>
    /// <exception cref="ArgumentException">An item has no valid answer (the caller checks with <see cref="Check"/> first).</exception>
    public static SelfCheckScore Score(IReadOnlyDictionary<string, Frequency> answers)
    {
        var scores = SelfCheckInstrument.Scales.ToDictionary(s => s, _ => 0);
        var beside = new Dictionary<string, Frequency>(StringComparer.Ordinal);
        foreach (var item in SelfCheckInstrument.Items)
        {
            if (!answers.TryGetValue(item.Id, out var answer) || !Enum.IsDefined(answer))
                throw new ArgumentException($"Item {item.Id} has no answer.", nameof(answers));
            if (item.Scale is { } scale) scores[scale] += Points(item, answer);
            else beside[item.Id] = answer;
        }
        return new SelfCheckScore(scores, scores.ToDictionary(s => s.Key, s => BandOf(s.Value)), beside);
    }

    /// <summary>What one answer adds to its item's scale.</summary>
    public static int Points(SelfCheckItem item, Frequency answer) => item.Reversed ? 4 - (int)answer : (int)answer;

    /// <summary>Whether a band is one to look at (high burnout or stress, low satisfaction) — the result page says so first.</summary>
    public static bool IsWarning(WellbeingScale scale, WellbeingBand band) => scale switch
    {
        WellbeingScale.Satisfaction => band == WellbeingBand.Low,
        WellbeingScale.Burnout or WellbeingScale.SecondaryStress => band == WellbeingBand.High,
    };
}
