using System.Globalization;
using System.Security.Claims;
using Amparo.Web.Features.Accounts;

namespace Amparo.Web.Infrastructure.Localization;

/// <summary>Instants are stored in UTC and shown in the viewer's own time zone.</summary>
public static class LocalTimes
{
    public static DateTime ToLocal(DateTime utc, string timeZoneId)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var found) ? found : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
    }

    /// <summary>Date and time in the viewer's zone, written the way their language writes it.</summary>
    public static string LocalTime(this ClaimsPrincipal viewer, DateTime utc) =>
        ToLocal(utc, viewer.TimeZoneOf()).ToString("g", CultureInfo.CurrentCulture);
}
