using Amparo.Tests.Localization;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Localization;

namespace Amparo.Tests.Wellbeing;

/// <summary>
/// The self-check's scoring, item by item (each item moves its own scale, a reversed item the other way, the items beside
/// the scales move none), the band edges exactly, incomplete answers refused, and the instrument whole in five languages.
/// </summary>
public sealed class SelfCheckScoringTests
{
    private static Dictionary<string, Frequency> All(Frequency answer) =>
        SelfCheckInstrument.Items.ToDictionary(i => i.Id, _ => answer, StringComparer.Ordinal);

    public static TheoryData<string> ItemIds => new(SelfCheckInstrument.Items.Select(i => i.Id));

    [Theory]
    [MemberData(nameof(ItemIds))]
    public void EachItem_MovesOnlyItsOwnScale_InItsDirection(string id)
    {
        var item = SelfCheckInstrument.Find(id)!;
        var middle = SelfCheckScoring.Score(All(Frequency.Sometimes));
        for (var answer = Frequency.Never; answer <= Frequency.VeryOften; answer++)
        {
            var answers = All(Frequency.Sometimes);
            answers[id] = answer;
            var score = SelfCheckScoring.Score(answers);
            foreach (var scale in SelfCheckInstrument.Scales)
            {
                // An answer above "sometimes" raises a plain item's scale and lowers a reversed item's, by one point per step.
                var step = (int)answer - (int)Frequency.Sometimes;
                var expected = middle.Scores[scale] + (item.Scale == scale ? (item.Reversed ? -step : step) : 0);
                Assert.Equal(expected, score.Scores[scale]);
            }
            if (item.Scale is null) Assert.Equal(answer, score.Beside[id]);
            else Assert.DoesNotContain(id, score.Beside.Keys);
        }
    }

    [Fact]
    public void TheInstrument_Has24To30Items_EightPerScale_SomeReversed_AndThreeBeside()
    {
        Assert.InRange(SelfCheckInstrument.Items.Count, 24, 30);
        Assert.Equal(SelfCheckInstrument.Items.Count, SelfCheckInstrument.Items.Select(i => i.Id).Distinct().Count());
        foreach (var scale in SelfCheckInstrument.Scales)
        {
            var items = SelfCheckInstrument.Items.Where(i => i.Scale == scale).ToList();
            Assert.Equal(SelfCheckInstrument.ItemsPerScale, items.Count);
            Assert.InRange(items.Count(i => i.Reversed), 1, 3);
        }
        var beside = SelfCheckInstrument.Items.Where(i => i.Scale is null).ToList();
        Assert.Equal(["W1", "W2", "W3"], beside.Select(i => i.Id));
        Assert.All(beside, i => Assert.Equal(SelfCheckSection.Beside, i.Section));
        Assert.DoesNotContain(beside, i => i.Reversed);
    }

    [Fact]
    public void Scores_RunFrom0To32_AndAllMiddleAnswersAreModerate()
    {
        // Answering the highest everywhere: plain items 4, reversed items 0.
        var top = SelfCheckInstrument.Items.ToDictionary(i => i.Id, i => i.Reversed ? Frequency.Never : Frequency.VeryOften, StringComparer.Ordinal);
        var bottom = SelfCheckInstrument.Items.ToDictionary(i => i.Id, i => i.Reversed ? Frequency.VeryOften : Frequency.Never, StringComparer.Ordinal);
        Assert.All(SelfCheckScoring.Score(top).Scores.Values, s => Assert.Equal(32, s));
        Assert.All(SelfCheckScoring.Score(top).Bands.Values, b => Assert.Equal(WellbeingBand.High, b));
        Assert.All(SelfCheckScoring.Score(bottom).Scores.Values, s => Assert.Equal(0, s));
        Assert.All(SelfCheckScoring.Score(bottom).Bands.Values, b => Assert.Equal(WellbeingBand.Low, b));
        Assert.All(SelfCheckScoring.Score(All(Frequency.Sometimes)).Bands.Values, b => Assert.Equal(WellbeingBand.Moderate, b));
    }

    [Theory]
    [InlineData(0, WellbeingBand.Low)]
    [InlineData(12, WellbeingBand.Low)]
    [InlineData(13, WellbeingBand.Moderate)]
    [InlineData(20, WellbeingBand.Moderate)]
    [InlineData(21, WellbeingBand.High)]
    [InlineData(32, WellbeingBand.High)]
    public void BandEdges_AreExact_OnEveryScale_ThroughRealAnswers(int target, WellbeingBand band)
    {
        Assert.Equal(band, SelfCheckScoring.BandOf(target));
        foreach (var scale in SelfCheckInstrument.Scales)
        {
            // Reach exactly the target on this scale: fill its items' points greedily (reversed items through 4 − answer).
            var answers = All(Frequency.Sometimes);
            var left = target;
            foreach (var item in SelfCheckInstrument.Items.Where(i => i.Scale == scale))
            {
                var points = Math.Min(4, left);
                left -= points;
                answers[item.Id] = (Frequency)(item.Reversed ? 4 - points : points);
            }
            var score = SelfCheckScoring.Score(answers);
            Assert.Equal((target, band), (score.Scores[scale], score.Bands[scale]));
        }
    }

    [Fact]
    public void IncompleteOrUnknownAnswers_AreRefused_NeverScoredInPart()
    {
        var answers = SelfCheckInstrument.Items.ToDictionary(i => i.Id, _ => (Frequency?)Frequency.Often, StringComparer.Ordinal);
        Assert.Null(SelfCheckScoring.Check(answers));
        answers.Remove("B3");
        answers["T2"] = null;
        answers["W3"] = (Frequency)9;
        answers["X1"] = Frequency.Never;
        var problems = SelfCheckScoring.Check(answers)!;
        Assert.Equal(["B3", "T2", "W3"], problems.Missing);
        Assert.Equal(["X1"], problems.Unknown);
        var partial = All(Frequency.Often);
        partial.Remove("S1");
        Assert.Throws<ArgumentException>(() => SelfCheckScoring.Score(partial));
        Assert.Throws<ArgumentException>(() => SelfCheckScoring.Score(new Dictionary<string, Frequency>()));
    }

    [Fact]
    public void StoredAnswers_RoundTrip_AndOtherVersionsOrDamagedTextAreNotRead()
    {
        var answers = SelfCheckInstrument.Items.Select((item, n) => (item.Id, (Frequency)(n % 5))).ToDictionary(p => p.Id, p => p.Item2, StringComparer.Ordinal);
        var text = SelfCheckInstrument.Encode(answers);
        Assert.StartsWith("1:", text, StringComparison.Ordinal);
        Assert.Equal(answers, SelfCheckInstrument.Decode(text));
        Assert.Null(SelfCheckInstrument.Decode("2:" + text[2..]));
        Assert.Null(SelfCheckInstrument.Decode(text[..^1]));
        Assert.Null(SelfCheckInstrument.Decode(text[..^1] + "7"));
        Assert.Null(SelfCheckInstrument.Decode(null));
    }

    [Fact]
    public void EveryItemAndAnswer_HasItsWords_InEveryLanguage()
    {
        var keys = SelfCheckInstrument.Items.Select(i => i.TextKey)
            .Concat(["Wellbeing.Answer.Never", "Wellbeing.Answer.Rarely", "Wellbeing.Answer.Sometimes", "Wellbeing.Answer.Often", "Wellbeing.Answer.VeryOften"])
            .Concat(SelfCheckInstrument.Scales.SelectMany(s => Enum.GetValues<WellbeingBand>().Select(b => $"Wellbeing.Meaning.{s}.{b}")))
            .Concat(SelfCheckInstrument.Scales.Select(s => $"Wellbeing.Helps.{s}"))
            .ToList();
        var english = Repo.Load("en");
        foreach (var language in Cultures.Supported)
        {
            var texts = Repo.Load(language);
            var missing = keys.Where(k => string.IsNullOrWhiteSpace(texts.GetValueOrDefault(k))).ToList();
            Assert.True(missing.Count == 0, $"{language} misses {string.Join(", ", missing)}");
            if (language != "en")
                Assert.DoesNotContain(SelfCheckInstrument.Items, i => texts[i.TextKey] == english[i.TextKey]);
        }
    }
}
