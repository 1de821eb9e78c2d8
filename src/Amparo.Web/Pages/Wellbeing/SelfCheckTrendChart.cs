using System.Globalization;
using Amparo.Web.Features.Wellbeing;

namespace Amparo.Web.Pages.Wellbeing;

/// <summary>
/// The trend chart, drawn on the server as SVG coordinates (no script): one line per scale over the person's self-checks,
/// the three bands as labelled horizontal zones, and the person's marked dates as numbered vertical lines. Each scale
/// differs by line pattern and marker shape as well as colour, and the page puts the same numbers in a table beside it.
/// </summary>
public sealed record SelfCheckTrendChart(
    IReadOnlyList<SelfCheckTrendChart.Zone> Zones,
    IReadOnlyList<SelfCheckTrendChart.Series> Lines,
    IReadOnlyList<SelfCheckTrendChart.MarkLine> Marks,
    IReadOnlyList<SelfCheckTrendChart.Tick> XTicks)
{
    public const int Width = 640, Height = 300, Left = 40, Right = 16, Top = 20, Bottom = 44;
    public const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    public sealed record Zone(WellbeingBand Band, string Y, string Height, string LabelY);
    public sealed record Point(string X, string Y, int Score);
    public sealed record Series(WellbeingScale Scale, string Points, IReadOnlyList<Point> Markers, string Dash);
    public sealed record MarkLine(int Number, string X, string? Width);
    public sealed record Tick(string X, DateOnly Day, string Anchor);

    /// <summary>A marked date or period in the person's own days.</summary>
    public sealed record Mark(int Number, DateOnly On, DateOnly? Until);

    /// <summary>The chart of <paramref name="checks"/> (any order) with <paramref name="marks"/>, times in the person's zone.</summary>
    public static SelfCheckTrendChart Build(IReadOnlyList<SelfCheckSummary> checks, IReadOnlyList<Mark> marks, Func<DateTime, DateTime> localOf)
    {
        var ordered = checks.OrderBy(c => c.TakenAt).ToList();
        var days = ordered.Select(c => DateOnly.FromDateTime(localOf(c.TakenAt))).Concat(marks.Select(m => m.On)).Concat(marks.Where(m => m.Until is not null).Select(m => m.Until!.Value)).ToList();
        var first = days.Count > 0 ? days.Min() : DateOnly.MinValue;
        var last = days.Count > 0 ? days.Max() : DateOnly.MinValue;
        // A single day (or two close ones) gets a fortnight either side, so a lone point sits in the middle.
        if (last.DayNumber - first.DayNumber < 14) { first = first.AddDays(-14); last = last.AddDays(14); }
        var span = (double)(last.DayNumber - first.DayNumber);
        double X(DateOnly day) => Left + (PlotWidth * (day.DayNumber - first.DayNumber) / span);
        // A check sits at its time of day, so two taken on one day stand apart.
        double XAt(DateTime utc) => Left + (PlotWidth * Math.Min(span, (localOf(utc) - first.ToDateTime(TimeOnly.MinValue)).TotalDays) / span);

        var zones = new List<Zone>();
        foreach (var band in new[] { WellbeingBand.High, WellbeingBand.Moderate, WellbeingBand.Low })
        {
            var (from, to) = band switch
            {
                WellbeingBand.Low => (0.0, SelfCheckScoring.LowUpTo + 0.5),
                WellbeingBand.Moderate => (SelfCheckScoring.LowUpTo + 0.5, SelfCheckScoring.HighFrom - 0.5),
                WellbeingBand.High => (SelfCheckScoring.HighFrom - 0.5, (double)SelfCheckScoring.MaxScore),
            };
            zones.Add(new Zone(band, N(Y(to)), N(Y(from) - Y(to)), N(((Y(from) + Y(to)) / 2) + 4)));
        }

        var dashes = new Dictionary<WellbeingScale, string> { [WellbeingScale.Satisfaction] = "", [WellbeingScale.Burnout] = "8 4", [WellbeingScale.SecondaryStress] = "2 4" };
        var lines = SelfCheckInstrument.Scales.Select(scale =>
        {
            var points = ordered.Select(c => new Point(N(XAt(c.TakenAt)), N(Y(c.Scores[scale])), c.Scores[scale])).ToList();
            return new Series(scale, string.Join(' ', points.Select(p => p.X + "," + p.Y)), points, dashes[scale]);
        }).ToList();

        var markLines = marks.Select(m => new MarkLine(m.Number, N(X(m.On)), m.Until is { } u && u > m.On ? N(X(u) - X(m.On)) : null)).ToList();
        // The end labels align inward so that neither is cut at the chart's edge.
        var ticks = new List<Tick> { new(N(X(first)), first, "start"), new(N(X(last)), last, "end") };
        var middle = DateOnly.FromDayNumber(first.DayNumber + ((last.DayNumber - first.DayNumber) / 2));
        if (span >= 60) ticks.Insert(1, new Tick(N(X(middle)), middle, "middle"));
        return new SelfCheckTrendChart(zones, lines, markLines, ticks);
    }

    public static double Y(double score) => Top + (PlotHeight * (1 - (score / SelfCheckScoring.MaxScore)));

    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The marker of a scale at a point: a circle, a square or a triangle (shape, not only colour).</summary>
    public static string MarkerPath(WellbeingScale scale, Point p)
    {
        var x = double.Parse(p.X, CultureInfo.InvariantCulture);
        var y = double.Parse(p.Y, CultureInfo.InvariantCulture);
        return scale switch
        {
            WellbeingScale.Satisfaction => $"M{N(x - 4.5)},{N(y)} a4.5,4.5 0 1,0 9,0 a4.5,4.5 0 1,0 -9,0",
            WellbeingScale.Burnout => $"M{N(x - 4)},{N(y - 4)} h8 v8 h-8 z",
            WellbeingScale.SecondaryStress => $"M{N(x)},{N(y - 5)} l5,9 h-10 z",
        };
    }
}
