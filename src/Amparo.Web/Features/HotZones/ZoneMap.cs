using System.Globalization;
using System.Text;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// A network's cells drawn as SVG on the server (no tiles, no third-party request, no JavaScript): hexagons on the grid's
/// equal-area plane, north up, fitted into the view box with a margin of one cell. Every drawn cell is numbered, and the
/// same number leads its row in the table beside the map (colour is never the only carrier). Country outlines are
/// drawn under the cells, simplified to the map's scale (a point closer than a pixel and a half to the last one is
/// dropped) and cut to the view (points far outside are pulled to its edge), so a map stays a few kilobytes.
/// </summary>
public sealed record ZoneMap(string ViewBox, IReadOnlyList<ZoneMap.Shape> Shapes, IReadOnlyList<string> Outlines)
{
    public const int Width = 600;

    /// <summary>One cell: its path, its number in the table, its CSS class (state or class), and whether the scan's cluster holds it.</summary>
    public sealed record Shape(int Number, string Path, string Css, bool InScan, string LabelX, string LabelY);

    public static ZoneMap? Draw(HexGrid grid, CountryOutlines outlines, IReadOnlyList<ZoneCellView> cells, IReadOnlyList<Hex> scan)
    {
        var drawn = cells.Select(c => c.Cell).Concat(scan).Distinct().ToList();
        if (drawn.Count == 0) return null;
        var corners = drawn.ToDictionary(c => c, c => grid.PlaneCorners(c));
        var all = corners.Values.SelectMany(p => p).ToList();
        double minX = all.Min(p => p.X) - grid.Across, maxX = all.Max(p => p.X) + grid.Across;
        double minY = all.Min(p => p.Y) - grid.Across, maxY = all.Max(p => p.Y) + grid.Across;
        // At least ten cells across and six high, so a single cell is seen among its neighbours' borders.
        Widen(ref minX, ref maxX, 10 * grid.Across);
        Widen(ref minY, ref maxY, 6 * grid.Across);
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
        var (south, west) = HexGrid.Unproject(minX, minY);
        var (north, east) = HexGrid.Unproject(maxX, maxY);
        var paths = new List<string>();
        const double pad = 10, step = 1.5;
        foreach (var ring in outlines.Within(south, north, west, east))
        {
            var path = new StringBuilder();
            double lastX = double.NaN, lastY = double.NaN;
            var points = 0;
            for (var k = 0; k < ring.Longitudes.Length; k++)
            {
                var (px, py) = HexGrid.Project(ring.Latitudes[k], ring.Longitudes[k]);
                var x = Math.Clamp((px - minX) * scale, -pad, Width + pad);
                var y = Math.Clamp((maxY - py) * scale, -pad, height + pad);
                if (Math.Abs(x - lastX) + Math.Abs(y - lastY) < step) continue;
                path.Append(points == 0 ? 'M' : 'L').Append(N(x)).Append(' ').Append(N(y));
                (lastX, lastY) = (x, y);
                points++;
            }
            if (points >= 3) paths.Add(path.Append('Z').ToString());
        }
        return new ZoneMap($"0 0 {Width} {height}", shapes, paths);
    }

    private static void Widen(ref double min, ref double max, double least)
    {
        var missing = least - (max - min);
        if (missing <= 0) return;
        min -= missing / 2;
        max += missing / 2;
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
