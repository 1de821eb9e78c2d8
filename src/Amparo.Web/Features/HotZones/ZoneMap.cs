using System.Globalization;
using System.Text;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// A network's cells drawn as SVG on the server (no tiles, no third-party request, no JavaScript): hexagons on the grid's
/// equal-area plane, north up, fitted into the view box with a margin of one cell. Every drawn cell is numbered, and the
/// same number leads its row in the table beside the map (colour is never the only carrier).
/// </summary>
public sealed record ZoneMap(string ViewBox, IReadOnlyList<ZoneMap.Shape> Shapes)
{
    public const int Width = 600;

    /// <summary>One cell: its path, its number in the table, its CSS class (state or class), and whether the scan's cluster holds it.</summary>
    public sealed record Shape(int Number, string Path, string Css, bool InScan, string LabelX, string LabelY);

    public static ZoneMap? Draw(HexGrid grid, IReadOnlyList<ZoneCellView> cells, IReadOnlyList<Hex> scan)
    {
        var drawn = cells.Select(c => c.Cell).Concat(scan).Distinct().ToList();
        if (drawn.Count == 0) return null;
        var corners = drawn.ToDictionary(c => c, c => grid.PlaneCorners(c));
        var all = corners.Values.SelectMany(p => p).ToList();
        double minX = all.Min(p => p.X) - grid.Across, maxX = all.Max(p => p.X) + grid.Across;
        double minY = all.Min(p => p.Y) - grid.Across, maxY = all.Max(p => p.Y) + grid.Across;
        var scale = Width / Math.Max(maxX - minX, 1);
        var height = (int)Math.Ceiling((maxY - minY) * scale);
        string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var inScan = scan.ToHashSet();
        var byCell = cells.ToDictionary(c => c.Cell);
        var shapes = new List<Shape>();
        foreach (var (cell, number) in drawn.Select((c, i) => (c, i + 1)))
        {
            var path = new StringBuilder();
            foreach (var (p, k) in corners[cell].Select((p, k) => (p, k)))
                path.Append(k == 0 ? 'M' : 'L').Append(N((p.X - minX) * scale)).Append(' ').Append(N((maxY - p.Y) * scale));
            path.Append('Z');
            var (cx, cy) = grid.PlaneCentre(cell);
            shapes.Add(new Shape(number, path.ToString(), byCell.TryGetValue(cell, out var view) ? CssOf(view) : "hz-none", inScan.Contains(cell),
                N((cx - minX) * scale), N((maxY - cy) * scale)));
        }
        return new ZoneMap($"0 0 {Width} {height}", shapes);
    }

    /// <summary>The colour class of a cell: its emerging class when it has one, else hot, cold or plain.</summary>
    public static string CssOf(ZoneCellView cell) => cell.Class switch
    {
        EmergingClass.New or EmergingClass.Consecutive or EmergingClass.Intensifying => "hz-emerging",
        EmergingClass.Persistent or EmergingClass.Sporadic or EmergingClass.Oscillating => "hz-hot",
        EmergingClass.Diminishing or EmergingClass.Historical => "hz-past",
        EmergingClass.NoPattern => cell.State switch
        {
            SpotState.Hot => "hz-hot",
            SpotState.Cold => "hz-cold",
            SpotState.None => "hz-none",
        },
    };
}
