using Amparo.Web.Features.HotZones;

namespace Amparo.Tests.HotZones;

/// <summary>
/// The privacy of what grantmakers see (<see cref="HotZoneViews.Published"/>), as properties over random months: no
/// count below k and no cell of one organization's reports is shown, and an attacker who differences any two published
/// figures (a cell's count, a month's total) recovers no hidden count — while the same attacker does recover counts from
/// a publisher that shows every total (the test can fail).
/// </summary>
public sealed class PublishedFiguresTests
{
    private const int K = 5;
    private static readonly HexGrid Grid = new(50);

    /// <summary>A published figure: the exact sum of the true counts of these cells in this month.</summary>
    private sealed record Figure(int Month, HashSet<Hex> Cells, int Value);

    [Fact]
    public void NoHiddenCount_IsRecoveredByDifferencingAnyTwoFigures_OverRandomMonths()
    {
        var random = new Random(20261205);
        var naiveRecoveries = 0;
        for (var history = 0; history < 300; history++)
        {
            var months = Enumerable.Range(0, 6).Select(m => RandomMonth(random, m)).ToList();
            var truth = months.SelectMany((cells, m) => cells.Select(c => (m, c.Cell, c.Count))).ToDictionary(x => (x.m, x.Cell), x => x.Count);
            var hidden = months.SelectMany((cells, m) => cells.Where(c => c.Count > 0 && (c.Count < K || c.Organizations < 2)).Select(c => (m, c.Cell))).ToHashSet();

            var figures = new List<Figure>();
            for (var m = 0; m < months.Count; m++)
            {
                var (shown, whole) = HotZoneViews.Published(Grid, months[m], K);
                Assert.All(shown, c => Assert.True(c.Count is null or 0 or >= K, $"a count of {c.Count} shown"));
                Assert.DoesNotContain(shown, c => months[m].Single(x => x.Cell == c.Cell).Organizations < 2 && months[m].Single(x => x.Cell == c.Cell).Count > 0);
                figures.AddRange(shown.Where(c => c.Count is not null).Select(c => new Figure(m, [c.Cell], c.Count!.Value)));
                // The month's total, as the page and the API give it: only when every count is shown.
                if (whole) figures.Add(new Figure(m, [.. months[m].Where(c => c.Count > 0).Select(c => c.Cell)], months[m].Sum(c => c.Count)));
            }
            Assert.Empty(Recovered(figures, hidden, truth));

            // The same months from a publisher that always shows the total: differencing gives hidden counts away.
            var naive = figures.Where(f => f.Cells.Count == 1).ToList();
            naive.AddRange(months.Select((cells, m) => new Figure(m, [.. cells.Where(c => c.Count > 0).Select(c => c.Cell)], cells.Sum(c => c.Count))));
            naiveRecoveries += Recovered(naive, hidden, truth).Count;
        }
        Assert.True(naiveRecoveries > 0, "the attacker finds hidden counts when every total is shown");
    }

    /// <summary>Hidden counts pinned down by one figure, or by the difference of two figures of the same month whose cells nest.</summary>
    private static List<(int Month, Hex Cell)> Recovered(List<Figure> figures, HashSet<(int, Hex)> hidden, Dictionary<(int, Hex), int> truth)
    {
        var found = new List<(int, Hex)>();
        foreach (var a in figures)
        {
            if (a.Cells.Count == 1 && hidden.Contains((a.Month, a.Cells.First()))) found.Add((a.Month, a.Cells.First()));
            foreach (var b in figures.Where(b => b != a && b.Month == a.Month && b.Cells.IsSubsetOf(a.Cells)))
            {
                var rest = a.Cells.Except(b.Cells).ToList();
                // One cell left with a positive difference: its count is known exactly.
                if (rest.Count == 1 && hidden.Contains((a.Month, rest[0])) && a.Value - b.Value == truth[(a.Month, rest[0])]) found.Add((a.Month, rest[0]));
                // Several cells left, but all but one shown on their own: the last is known too.
                var unknown = rest.Where(c => !figures.Any(f => f.Month == a.Month && f.Cells.Count == 1 && f.Cells.Contains(c))).ToList();
                if (rest.Count > 1 && unknown.Count == 1 && hidden.Contains((a.Month, unknown[0]))) found.Add((a.Month, unknown[0]));
            }
        }
        return found;
    }

    private static List<HotZoneCell> RandomMonth(Random random, int month)
    {
        var cells = new List<HotZoneCell>();
        foreach (var q in Enumerable.Range(0, 4))
            foreach (var r in Enumerable.Range(0, 3))
            {
                var count = random.Next(4) == 0 ? 0 : random.Next(1, 13);
                cells.Add(new HotZoneCell
                {
                    Q = q, R = r, Count = count, Organizations = count == 0 ? 0 : random.Next(1, 4),
                    State = random.Next(5) == 0 ? SpotState.Hot : SpotState.None, Class = random.Next(6) == 0 ? EmergingClass.New : EmergingClass.NoPattern,
                    PeriodStart = new DateOnly(2026, 1, 1).AddMonths(month), Kind = PeriodKind.Month,
                });
            }
        return cells;
    }
}
