namespace Amparo.Web.Features.HotZones;

/// <summary>A hexagon of the grid, by its axial coordinates (q, r).</summary>
public readonly record struct Hex(int Q, int R)
{
    /// <summary>The six cells that share an edge with this one.</summary>
    public Hex[] Neighbours() => [new(Q + 1, R), new(Q - 1, R), new(Q, R + 1), new(Q, R - 1), new(Q + 1, R - 1), new(Q - 1, R + 1)];

    public override string ToString() => FormattableString.Invariant($"{Q}:{R}");

    /// <summary>A cell from its name "q:r" (as <see cref="ToString"/> writes it and the periods store it).</summary>
    public static Hex Parse(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return new Hex(int.Parse(name.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(name.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// A fixed grid of hexagons of equal area, for counting incidents by place without a gazetteer (issue 13). Points are
/// projected with the Lambert cylindrical equal-area projection (x = R·λ, y = R·sin φ: equal areas on the globe stay
/// equal on the plane), then tiled with pointy-top hexagons <see cref="Across"/> km across their flat sides. The grid
/// is fixed — the same cell for the same place in every period and every run — and never finer than
/// <see cref="FinestAcross"/> km, the privacy floor. Shapes stretch away from the equator (a hexagon at 60° is twice as
/// tall as wide on the ground); areas do not.
/// </summary>
public sealed class HexGrid
{
    public const double EarthRadiusKm = 6371.0088, FinestAcross = 25;

    public HexGrid(double across)
    {
        if (!(across >= FinestAcross)) throw new ArgumentOutOfRangeException(nameof(across), across, $"cells are at least {FinestAcross} km across");
        Across = across;
        _size = across / Math.Sqrt(3);
    }

    /// <summary>Distance between opposite sides, in km of the projection (equal to ground km at the equator).</summary>
    public double Across { get; }

    /// <summary>Centre to corner.</summary>
    private readonly double _size;

    /// <summary>The projection's plane, in km.</summary>
    public static (double X, double Y) Project(double latitude, double longitude) =>
        (EarthRadiusKm * longitude * Math.PI / 180, EarthRadiusKm * Math.Sin(latitude * Math.PI / 180));

    public static (double Latitude, double Longitude) Unproject(double x, double y) =>
        (Math.Asin(Math.Clamp(y / EarthRadiusKm, -1, 1)) * 180 / Math.PI, x / EarthRadiusKm * 180 / Math.PI);

    /// <summary>The cell a point falls in.</summary>
    public Hex CellOf(double latitude, double longitude)
    {
        var (x, y) = Project(latitude, longitude);
        // Fractional axial coordinates of a pointy-top layout, rounded through cube coordinates.
        var q = ((Math.Sqrt(3) / 3 * x) - (y / 3)) / _size;
        var r = 2.0 / 3 * y / _size;
        var s = -q - r;
        double rq = Math.Round(q), rr = Math.Round(r), rs = Math.Round(s);
        double dq = Math.Abs(rq - q), dr = Math.Abs(rr - r), ds = Math.Abs(rs - s);
        if (dq > dr && dq > ds) rq = -rr - rs;
        else if (dr > ds) rr = -rq - rs;
        return new Hex((int)rq, (int)rr);
    }

    /// <summary>A cell's centre on the projection's plane, in km.</summary>
    public (double X, double Y) PlaneCentre(Hex cell) =>
        (_size * ((Math.Sqrt(3) * cell.Q) + (Math.Sqrt(3) / 2 * cell.R)), _size * 1.5 * cell.R);

    /// <summary>A cell's centre as latitude and longitude.</summary>
    public (double Latitude, double Longitude) Centre(Hex cell)
    {
        var (x, y) = PlaneCentre(cell);
        return Unproject(x, y);
    }

    /// <summary>The six corners of a cell on the projection's plane, in km (for drawing it).</summary>
    public (double X, double Y)[] PlaneCorners(Hex cell)
    {
        var (cx, cy) = PlaneCentre(cell);
        return [.. Enumerable.Range(0, 6).Select(k =>
        {
            var angle = Math.PI / 180 * ((60 * k) - 30);
            return (cx + (_size * Math.Cos(angle)), cy + (_size * Math.Sin(angle)));
        })];
    }

    /// <summary>The six corners of a cell as latitude and longitude.</summary>
    public (double Latitude, double Longitude)[] Corners(Hex cell) => [.. PlaneCorners(cell).Select(p => Unproject(p.X, p.Y))];

    /// <summary>The area of every cell, in km² of the globe.</summary>
    public double AreaKm2 => 1.5 * Math.Sqrt(3) * _size * _size;
}
