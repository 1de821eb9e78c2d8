using System.Globalization;

namespace Amparo.Web.Features.HotZones;

/// <summary>
/// A cell's trend as SVG bars drawn on the server: one bar per period, its height the count, its colour the period's
/// class or state (the table beside it says the same in words). A count shown as "fewer than k" is a dashed outline up
/// to k − 1 (somewhere below it); a withheld period has no bar.
/// </summary>
public sealed record ZoneTrendChart(IReadOnlyList<ZoneTrendChart.Bar> Bars, IReadOnlyList<ZoneTrendChart.Tick> Ticks, string Baseline)
{
    public const int Width = 600, Height = 180, Left = 36, Bottom = 24, Top = 8;
    private const int PlotHeight = Height - Top - Bottom;

    public sealed record Bar(string X, string Y, string W, string H, string Css, string Label);
    public sealed record Tick(string Y, string Label);

    public static ZoneTrendChart Build(IReadOnlyList<ZoneTrendPoint> points, int minimum)
    {
        static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var top = Math.Max(minimum, points.Select(p => p.Count ?? 0).DefaultIfEmpty(0).Max());
        var step = (double)(Width - Left) / Math.Max(1, points.Count);
        var bars = new List<Bar>();
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (p.Withheld) continue;
            var value = p.Count ?? minimum - 1;
            var h = PlotHeight * value / top;
            var css = p.Count is null ? "hz-bar-hidden" : "hz-cell " + ZoneMap.CssOf(p.Class, p.State);
            bars.Add(new Bar(N(Left + (i * step) + (step * 0.15)), N(Top + PlotHeight - h), N(step * 0.7), N(h), css, p.Period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        var ticks = new[] { 0, top / 2, top }.Distinct().Select(v => new Tick(N(Top + PlotHeight - (PlotHeight * (double)v / top)), v.ToString(CultureInfo.CurrentCulture))).ToList();
        return new ZoneTrendChart(bars, ticks, N(Top + PlotHeight));
    }
}
