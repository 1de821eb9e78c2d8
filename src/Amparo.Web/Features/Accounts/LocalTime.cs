using System.Globalization;
using System.Security.Claims;

namespace Amparo.Web.Features.Accounts;

/// <summary>Instants are stored in UTC and shown in the person's own time zone.</summary>
public static class LocalTime
{
    public static DateTime ToZone(DateTime utc, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
    }

    /// <summary>Date and short time in the person's time zone and the page's language.</summary>
    public static string LocalTimeOf(this ClaimsPrincipal person, DateTime utc) =>
        ToZone(utc, person.TimeZoneOf()).ToString("g", CultureInfo.CurrentCulture);
}
