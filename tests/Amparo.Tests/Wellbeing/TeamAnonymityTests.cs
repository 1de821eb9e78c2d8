using Amparo.Web.Features.Wellbeing;
using CsCheck;

namespace Amparo.Tests.Wellbeing;

/// <summary>
/// The team view's anonymity rules as pure functions: the threshold, the merging of small or all-holding bands, and
/// property tests over random distributions and random contribution histories — including an observer who compares the
/// view before and after one person joins, contributes or withdraws, to learn that person's answer.
/// </summary>
public sealed class TeamAnonymityTests
{
    private static readonly DateOnly Month = new(2026, 3, 1);
    private static readonly WellbeingBand[] Bands = Enum.GetValues<WellbeingBand>();

    private static string Show(IReadOnlyList<BandGroup>? groups) =>
        groups is null ? "count only" : string.Join(" ", groups.Select(g => $"{g.From}-{g.To}:{g.Count}"));

    [Theory]
    [InlineData(2, 2, 2, "Low-Low:2 Moderate-Moderate:2 High-High:2")]
    [InlineData(3, 0, 2, "Low-Low:3 Moderate-High:2")]       // an empty band would tell that nobody is in it: merged with the smaller neighbour
    [InlineData(1, 2, 3, "Low-Moderate:3 High-High:3")]      // one person alone in a band: merged with the smaller neighbour
    [InlineData(2, 1, 4, "Low-Moderate:3 High-High:4")]      // a tie goes to the lower neighbour; the smaller wins first
    [InlineData(5, 0, 0, "count only")]                       // everyone in one band: telling it tells everyone's
    [InlineData(0, 6, 0, "count only")]
    [InlineData(4, 1, 0, "count only")]                       // merging leaves one group
    [InlineData(0, 3, 3, "Low-Moderate:3 High-High:3")]
    [InlineData(10, 1, 1, "Low-Low:10 Moderate-High:2")]
    public void Distribution_MergesUntilNoBandIsSmallAndNoneHoldsEveryone(int low, int moderate, int high, string expected) =>
        Assert.Equal(expected, Show(TeamAnonymity.Distribution([low, moderate, high])));

    [Fact]
    public void View_BelowFive_ShowsOnlyTheCount_AtFiveTheDistributions()
    {
        var four = TeamAnonymity.View(Counts(Enumerable.Repeat((WellbeingBand.Low, WellbeingBand.High, WellbeingBand.Moderate), 2)
            .Concat(Enumerable.Repeat((WellbeingBand.High, WellbeingBand.Low, WellbeingBand.Low), 2))));
        Assert.Equal(4, four.Responses);
        Assert.False(four.Enough);
        Assert.Empty(four.Scales);

        var five = TeamAnonymity.View(Counts(Enumerable.Repeat((WellbeingBand.Low, WellbeingBand.High, WellbeingBand.Moderate), 2)
            .Concat(Enumerable.Repeat((WellbeingBand.High, WellbeingBand.Low, WellbeingBand.Low), 3))));
        Assert.True(five.Enough);
        Assert.Equal(5, five.Responses);
        Assert.Equal("Low-Moderate:2 High-High:3", Show(five.Scales.Single(s => s.Scale == WellbeingScale.Satisfaction).Groups));
        Assert.Equal("Low-Low:3 Moderate-High:2", Show(five.Scales.Single(s => s.Scale == WellbeingScale.Burnout).Groups));
        Assert.Equal("Low-Low:3 Moderate-High:2", Show(five.Scales.Single(s => s.Scale == WellbeingScale.SecondaryStress).Groups));
    }

    private static TeamMonthCounts Counts(IEnumerable<(WellbeingBand, WellbeingBand, WellbeingBand)> rows) => TeamAnonymity.Count(Month, rows);

    /// <summary>Whatever the counts, what is shown is true, covers every band once, and no shown group is small or holds everyone.</summary>
    [Fact]
    public void Distribution_NeverShowsASmallOrAllHoldingGroup_OverRandomCounts()
    {
        Gen.Int[0, 30].Array[3].Sample(counts =>
        {
            var groups = TeamAnonymity.Distribution(counts);
            if (groups is null) return;
            var total = counts.Sum();
            Assert.True(groups.Count >= 2);
            Assert.Equal(WellbeingBand.Low, groups[0].From);
            Assert.Equal(WellbeingBand.High, groups[^1].To);
            for (var i = 0; i < groups.Count; i++)
            {
                var g = groups[i];
                Assert.True(g.Count >= TeamAnonymity.SmallestBand, Show(groups));
                Assert.True(g.Count < total, Show(groups));
                Assert.Equal(Enumerable.Range((int)g.From, (int)g.To - (int)g.From + 1).Sum(b => counts[b]), g.Count);
                if (i > 0) Assert.Equal((int)groups[i - 1].To + 1, (int)g.From);
            }
        }, iter: 5_000);
    }

    /// <summary>
    /// A model of the month: people join and leave the contributors and take self-checks at random moments; the month
    /// closes (as <see cref="TeamMonthClose"/> does: those contributing at the close, each one's latest check). An
    /// observer looks at the view at every step, before and after each event. Properties: while the month is open the
    /// view of it does not exist, so no step of one person changes anything seen; after the close the view never
    /// changes again, whatever anyone does; a closed month with fewer than five shows only its count; no person is
    /// counted twice; a withdrawal before the close removes the person.
    /// </summary>
    [Fact]
    public void TwoViewsOfAMonth_BeforeAndAfterOnePersonActs_TellNothingAboutThem_OverRandomHistories()
    {
        var gen = Gen.Select(Gen.Int[2, 12], Gen.Int[0, 60].Array[Gen.Int[5, 60]]);
        gen.Sample((people, steps) =>
        {
            var contributing = new HashSet<int>();
            var latest = new Dictionary<int, (WellbeingBand, WellbeingBand, WellbeingBand)>();
            TeamMonthView? closed = null;
            var seen = new List<TeamMonthView?>();
            var closeAt = steps.Length / 2;
            for (var i = 0; i < steps.Length; i++)
            {
                if (i == closeAt)
                {
                    var rows = contributing.Where(latest.ContainsKey).Select(p => latest[p]).ToList();
                    Assert.Equal(rows.Count, contributing.Count(latest.ContainsKey)); // once per person
                    closed = TeamAnonymity.View(Counts(rows));
                    if (rows.Count < TeamAnonymity.Threshold) Assert.Empty(closed.Scales);
                }
                var person = steps[i] % people;
                switch (steps[i] % 4)
                {
                    case 0: contributing.Add(person); break;
                    case 1: contributing.Remove(person); break;
                    default:
                        var b = steps[i] / 4;
                        latest[person] = (Bands[b % 3], Bands[(b / 3) % 3], Bands[(b / 9) % 3]);
                        break;
                }
                if (i >= closeAt) latest.Clear(); // a new month: last month's checks no longer count for anything shown
                seen.Add(closed);
            }
            // Before the close: every view the same (nothing); after: every view the same (the closed month, frozen).
            Assert.All(seen.Take(closeAt), v => Assert.Null(v));
            Assert.All(seen.Skip(closeAt), v => Assert.Same(closed, v));
        }, iter: 2_000);
    }
}
