namespace Amparo.Web.Features.Incidents;

/// <summary>
/// Where a point given in a report is kept: the centre of a fixed cell about 28 km on each side, computed once when the
/// report is written. Rows of cells are 0.25° of latitude; each row is cut into as many equal columns as fit at least
/// 0.25° of latitude's width (so cells stay about as wide as high towards the poles). The same point always gives the
/// same cell — never a random jitter, which averaged over requests would give the point away.
/// </summary>
public static class CoarseCell
{
    public const double RowDegrees = 0.25;

    /// <summary>The cell centre of a point, or null when the point is not a place on Earth.</summary>
    public static (double Latitude, double Longitude)? Snap(double latitude, double longitude)
    {
        if (!double.IsFinite(latitude) || !double.IsFinite(longitude) || latitude is < -90 or > 90 || longitude is < -180 or > 180)
            return null;
        var rows = (int)(180 / RowDegrees);
        var row = Math.Min((int)Math.Floor((latitude + 90) / RowDegrees), rows - 1);
        var centreLatitude = -90 + ((row + 0.5) * RowDegrees);
        var columns = Math.Max(1, (int)Math.Floor(360 * Math.Cos(centreLatitude * Math.PI / 180) / RowDegrees));
        var width = 360.0 / columns;
        var column = Math.Min((int)Math.Floor((longitude + 180) / width), columns - 1);
        var centreLongitude = -180 + ((column + 0.5) * width);
        return (Math.Round(centreLatitude, 6), Math.Round(centreLongitude, 6));
    }
}
