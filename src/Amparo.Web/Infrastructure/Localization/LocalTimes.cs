using System.Globalization;
using System.Security.Claims;
using Amparo.Web.Features.Accounts;

namespace Amparo.Web.Infrastructure.Localization;

/// <summary>
/// Instants are stored in UTC and shown in a named time zone. Every time shown to a person says which zone it is in
/// — next to the time (<see cref="WithZone"/>) or, in a table, once in a line near it (<see cref="LocalTimeNoZone"/>
/// plus the "Times are in …" line) — because a focal point in Bogotá reading the alert of a defender in Kabul must
/// not guess.
/// </summary>
public static class LocalTimes
{
    public static DateTime ToLocal(DateTime utc, string timeZoneId) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone(timeZoneId));

    /// <summary>The zone's name as shown to people: the stored id, or UTC when the id is unknown on this server.</summary>
    public static string ZoneName(string? timeZoneId) =>
        timeZoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out _) ? timeZoneId : "UTC";

    /// <summary>"4/12/2026 14:05 (America/Bogota)": the time in <paramref name="timeZoneId"/>, in the culture's own
    /// way of writing it (the current UI culture unless given), followed by the zone's name.</summary>
    public static string WithZone(DateTime utc, string? timeZoneId, CultureInfo? culture = null)
    {
        var zone = ZoneName(timeZoneId);
        return ToLocal(utc, zone).ToString("g", culture ?? CultureInfo.CurrentCulture) + " (" + zone + ")";
    }

    /// <summary>Date and time in the viewer's zone, with the zone's name.</summary>
    public static string LocalTime(this ClaimsPrincipal viewer, DateTime utc) => WithZone(utc, viewer.TimeZoneOf());

    /// <summary>Date and time in the viewer's zone WITHOUT the zone's name: only for table cells, and only where the
    /// page also shows <see cref="TimesInKey"/> with <see cref="ZoneName"/> near the table.</summary>
    public static string LocalTimeNoZone(this ClaimsPrincipal viewer, DateTime utc) =>
        ToLocal(utc, viewer.TimeZoneOf()).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>Resource key of the line "Times are in {0}." to put near a table of <see cref="LocalTimeNoZone"/>.</summary>
    public const string TimesInKey = "Times.In";

    private static TimeZoneInfo Zone(string? timeZoneId) =>
        timeZoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var found) ? found : TimeZoneInfo.Utc;
}
