using System.Globalization;
using System.Text;
using Amparo.Web.Infrastructure.Geography;

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
        // At least ten cells across and six high, so a single cell is seen among its neighbours' borders.
        var frame = Frame.Around([.. corners.Values.SelectMany(p => p)], grid.Across, 10 * grid.Across, 6 * grid.Across);
        var inScan = scan.ToHashSet();
        var byCell = cells.ToDictionary(c => c.Cell);
        var shapes = new List<Shape>();
        foreach (var (cell, number) in drawn.Select((c, i) => (c, i + 1)))
        {
            var path = new StringBuilder();
            foreach (var (p, k) in corners[cell].Select((p, k) => (p, k)))
                path.Append(k == 0 ? 'M' : 'L').Append(N(frame.X(p.X))).Append(' ').Append(N(frame.Y(p.Y)));
            path.Append('Z');
            var (cx, cy) = grid.PlaneCentre(cell);
            shapes.Add(new Shape(number, path.ToString(), byCell.TryGetValue(cell, out var view) ? CssOf(view.Class, view.State) : "hz-none", inScan.Contains(cell),
                N(frame.X(cx)), N(frame.Y(cy))));
        }
        return new ZoneMap(frame.ViewBox, shapes, frame.Outlines(outlines));
    }

    /// <summary>
    /// The administrative areas of a period as numbered circles at their centres (the gazetteer gives centres, not
    /// borders), over the country outlines, numbered in the order of <paramref name="areas"/> (the table's order); an
    /// area the gazetteer no longer has is left off the map (its row stays in the table).
    /// </summary>
    public static ZoneMap? DrawAreas(AreaLayout layout, CountryOutlines outlines, IReadOnlyList<ZoneAreaView> areas, IReadOnlyList<string> scan)
    {
        var drawn = areas.Where(a => layout.Contains(a.AreaId)).ToList();
        if (drawn.Count == 0) return null;
        var frame = Frame.Around([.. drawn.Select(a => layout.PlaneCentre(a.AreaId))], AreaMarginKm, 10 * AreaMarginKm, 6 * AreaMarginKm);
        var inScan = scan.ToHashSet(StringComparer.Ordinal);
        var shapes = new List<Shape>();
        foreach (var (area, number) in areas.Select((a, i) => (a, i + 1)))
        {
            if (!layout.Contains(area.AreaId)) continue;
            var (x, y) = layout.PlaneCentre(area.AreaId);
            var (px, py) = (frame.X(x), frame.Y(y));
            var path = $"M{N(px - AreaRadius)} {N(py)}a{N(AreaRadius)} {N(AreaRadius)} 0 1 0 {N(2 * AreaRadius)} 0a{N(AreaRadius)} {N(AreaRadius)} 0 1 0 {N(-2 * AreaRadius)} 0Z";
            shapes.Add(new Shape(number, path, CssOf(area.Class, area.State), inScan.Contains(area.AreaId), N(px), N(py)));
        }
        return new ZoneMap(frame.ViewBox, shapes, frame.Outlines(outlines));
    }

    private const double AreaMarginKm = 60, AreaRadius = 18;

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The part of the equal-area plane a map shows, and how a point of the plane lands in the view box.</summary>
    private sealed record Frame(double MinX, double MaxY, double Scale, int Height, double South, double West, double North, double East)
    {
        public static Frame Around(IReadOnlyList<(double X, double Y)> points, double margin, double leastWide, double leastHigh)
        {
            double minX = points.Min(p => p.X) - margin, maxX = points.Max(p => p.X) + margin;
            double minY = points.Min(p => p.Y) - margin, maxY = points.Max(p => p.Y) + margin;
            Widen(ref minX, ref maxX, leastWide);
            Widen(ref minY, ref maxY, leastHigh);
            var scale = Width / Math.Max(maxX - minX, 1);
            var (south, west) = HexGrid.Unproject(minX, minY);
            var (north, east) = HexGrid.Unproject(maxX, maxY);
            return new Frame(minX, maxY, scale, (int)Math.Ceiling((maxY - minY) * scale), south, west, north, east);
        }

        public double X(double x) => (x - MinX) * Scale;
        public double Y(double y) => (MaxY - y) * Scale;
        public string ViewBox => $"0 0 {Width} {Height}";

        /// <summary>The country outlines that meet the view, simplified to its scale and cut to its edges.</summary>
        public List<string> Outlines(CountryOutlines outlines)
        {
            var paths = new List<string>();
            const double pad = 10, step = 1.5;
            foreach (var ring in outlines.Within(South, North, West, East))
            {
                var path = new StringBuilder();
                double lastX = double.NaN, lastY = double.NaN;
                var points = 0;
                for (var k = 0; k < ring.Longitudes.Length; k++)
                {
                    var (px, py) = HexGrid.Project(ring.Latitudes[k], ring.Longitudes[k]);
                    var x = Math.Clamp(X(px), -pad, Width + pad);
                    var y = Math.Clamp(Y(py), -pad, Height + pad);
                    if (Math.Abs(x - lastX) + Math.Abs(y - lastY) < step) continue;
                    path.Append(points == 0 ? 'M' : 'L').Append(N(x)).Append(' ').Append(N(y));
                    (lastX, lastY) = (x, y);
                    points++;
                }
                if (points >= 3) paths.Add(path.Append('Z').ToString());
            }
            return paths;
        }
    }

    private static void Widen(ref double min, ref double max, double least)
    {
        var missing = least - (max - min);
        if (missing <= 0) return;
        min -= missing / 2;
        max += missing / 2;
    }

    /// <summary>The colour class of a zone: its emerging class when it has one, else hot, cold or plain.</summary>
    public static string CssOf(EmergingClass @class, SpotState state) => @class switch
    {
        EmergingClass.New or EmergingClass.Consecutive or EmergingClass.Intensifying => "hz-emerging",
        EmergingClass.Persistent or EmergingClass.Sporadic or EmergingClass.Oscillating => "hz-hot",
        EmergingClass.Diminishing or EmergingClass.Historical => "hz-past",
        EmergingClass.NoPattern => state switch
        {
            SpotState.Hot => "hz-hot",
            SpotState.Cold => "hz-cold",
            SpotState.None => "hz-none",
        },
    };
}
