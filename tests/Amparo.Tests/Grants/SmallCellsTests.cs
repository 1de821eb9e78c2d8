using Amparo.Web.Features.Grants;

namespace Amparo.Tests.Grants;

/// <summary>The portfolio's small-count rule (issue 15): what it hides, and that nothing it hides can be worked out by subtraction.</summary>
public sealed class SmallCellsTests
{
    [Fact]
    public void ASmallCount_AloneInItsRow_TakesAnotherWithIt_AndSoOnUntilNoLineHasOneHidden()
    {
        // 2 is small; alone in its row, the 7 beside it goes too; then each column has one hidden: the 9 and the 6 go.
        var published = SmallCells.Publish(new[,] { { 7, 2 }, { 6, 9 } });
        Assert.Equal(new int?[,] { { null, null, 9 }, { null, null, 15 }, { 13, 11, 24 } }, published);
    }

    [Fact]
    public void OverManyRandomTables_NoSmallCountIsShown_NoLineHasASingleHiddenEntry_AndWhatIsShownIsTrue()
    {
        var random = new Random(20261206);
        for (var n = 0; n < 2_000; n++)
        {
            var (rows, columns) = (random.Next(1, 13), random.Next(1, 6));
            var cells = new int[rows, columns];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < columns; j++)
                    cells[i, j] = random.Next(4) switch { 0 => 0, 1 => random.Next(1, 5), _ => random.Next(0, 40) };
            var published = SmallCells.Publish(cells);
            var truth = WithTotals(cells);
            for (var i = 0; i <= rows; i++)
                for (var j = 0; j <= columns; j++)
                    if (published[i, j] is { } shown)
                    {
                        Assert.Equal(truth[i, j], shown);
                        Assert.False(SmallCells.IsSmall(shown), $"table {n}: {shown} shown at ({i},{j})");
                    }
                    // Everyone knows a hidden entry is 1–4 or at least 5: a hidden zero beside a small count would give it away.
                    else Assert.True(truth[i, j] > 0, $"table {n}: a zero hidden at ({i},{j})");
            for (var i = 0; i <= rows; i++)
                Assert.NotEqual(1, Enumerable.Range(0, columns + 1).Count(j => published[i, j] is null));
            for (var j = 0; j <= columns; j++)
                Assert.NotEqual(1, Enumerable.Range(0, rows + 1).Count(i => published[i, j] is null));
        }
    }

    [Fact]
    public void AKindsCount_WhoseProgramsTotalIsHiddenElsewhere_IsHiddenToo_WithAnotherBesideIt()
    {
        // Emergency = programs A (3, hidden in the other table) + D (30): shown, 33 would give A's 3 away with D's 30.
        var hiddenElsewhere = new bool[2, 3];
        hiddenElsewhere[0, 0] = true;
        var published = SmallCells.Publish(new[,] { { 33, 13 } }, hiddenElsewhere);
        Assert.Equal((null, null, 46), (published[0, 0], published[0, 1], published[0, 2]));
    }

    [Fact]
    public void PercentilesOverFewerThanFive_AreNotGiven_AndOtherwiseAreTheNearestRank()
    {
        Assert.Null(SmallCells.Percentile([1, 2, 3, 4], 50));
        // The 90th percentile of nine values would be the largest: one person's own time.
        Assert.Null(SmallCells.Percentile([1, 2, 3, 4, 5, 6, 7, 8, 9], 90));
        Assert.Equal(5, SmallCells.Percentile([1, 2, 3, 4, 5, 6, 7, 8, 9], 50));
        double[] hours = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
        Assert.Equal(5, SmallCells.Percentile(hours, 50));
        Assert.Equal(9, SmallCells.Percentile(hours, 90));
    }

    private static int[,] WithTotals(int[,] cells)
    {
        var (rows, columns) = (cells.GetLength(0), cells.GetLength(1));
        var grid = new int[rows + 1, columns + 1];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
            {
                grid[i, j] += cells[i, j];
                grid[i, columns] += cells[i, j];
                grid[rows, j] += cells[i, j];
                grid[rows, columns] += cells[i, j];
            }
        return grid;
    }
}
