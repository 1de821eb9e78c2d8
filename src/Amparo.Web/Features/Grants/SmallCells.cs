namespace Amparo.Web.Features.Grants;

/// <summary>
/// Hides the small counts of a published table (issue 15's portfolio): a count of 1 to 4 could point at a person (the
/// only relocation from one country in March), so it is hidden; and because a table shows its totals, a hidden count
/// could be worked out by subtraction when it is the only one hidden in its row or column — so another is hidden with
/// it (complementary suppression), the smallest of that line that is not zero, until no row or column has exactly one
/// hidden entry.
/// </summary>
/// <remarks>
/// Zero is shown: "nobody" points at no one — and never hidden as the second entry: everyone knows a hidden entry is 1 to
/// 4 or else at least 5, so a zero hidden beside a small count would give the small count away. This is the usual rule of statistics offices for frequency tables (a
/// threshold and complementary cells by line); it does not defend against an attacker who solves the whole system of
/// equations across several published tables, which is why the portfolio publishes few, coarse tables.
/// </remarks>
public static class SmallCells
{
    /// <summary>The smallest count shown (besides zero).</summary>
    public const int MinCount = 5;

    /// <summary>Whether a count is hidden on its own: 1 to <see cref="MinCount"/> − 1.</summary>
    public static bool IsSmall(int count) => count is > 0 and < MinCount;

    /// <summary>
    /// The table with its row totals (last column), column totals (last row) and grand total, each entry its count or
    /// null when hidden.
    /// </summary>
    /// <param name="cells">The counts, without totals.</param>
    /// <param name="alsoHidden">
    /// Entries (of the table with its totals) hidden because another table published with this one would give them
    /// away; the rule then runs with them.
    /// </param>
    public static int?[,] Publish(int[,] cells, bool[,]? alsoHidden = null)
    {
        var (rows, columns) = (cells.GetLength(0), cells.GetLength(1));
        var grid = new int[rows + 1, columns + 1];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
            {
                grid[i, j] = cells[i, j];
                grid[i, columns] += cells[i, j];
                grid[rows, j] += cells[i, j];
                grid[rows, columns] += cells[i, j];
            }
        var hidden = new bool[rows + 1, columns + 1];
        for (var i = 0; i <= rows; i++)
            for (var j = 0; j <= columns; j++)
                hidden[i, j] = IsSmall(grid[i, j]) || (alsoHidden?[i, j] == true && grid[i, j] > 0);

        // Each row (with its total) and each column (with its total) is a sum: one hidden entry alone in it would be
        // its total less the others. Hide the smallest other entry of such a line, again until none is left.
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var i = 0; i <= rows; i++)
                changed |= HideASecond(Enumerable.Range(0, columns + 1).Select(j => (i, j)).ToList(), grid, hidden);
            for (var j = 0; j <= columns; j++)
                changed |= HideASecond(Enumerable.Range(0, rows + 1).Select(i => (i, j)).ToList(), grid, hidden);
        }

        var published = new int?[rows + 1, columns + 1];
        for (var i = 0; i <= rows; i++)
            for (var j = 0; j <= columns; j++)
                published[i, j] = hidden[i, j] ? null : grid[i, j];
        return published;
    }

    private static bool HideASecond(List<(int I, int J)> line, int[,] grid, bool[,] hidden)
    {
        if (line.Count(c => hidden[c.I, c.J]) != 1) return false;
        // There is always one: the line's total, or a cell of a hidden total's line, is not zero.
        var others = line.Where(c => !hidden[c.I, c.J] && grid[c.I, c.J] > 0).ToList();
        if (others.Count == 0) return false;
        var (i, j) = others.MinBy(c => grid[c.I, c.J]);
        hidden[i, j] = true;
        return true;
    }

    /// <summary>
    /// A median or a percentile over too few values would describe a handful of people: null under <see cref="MinCount"/>
    /// values, and a high percentile needs enough above it (the 90th over fewer than ten would be one person's value, the
    /// largest).
    /// </summary>
    public static double? Percentile(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count < MinCount || values.Count * (100 - percentile) / 100 < 1) return null;
        var sorted = values.Order().ToArray();
        // Nearest rank: the value at or above which the given share of the values lie.
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
