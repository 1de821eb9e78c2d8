using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// The time zone chosen on a sign-up form (first-run setup, an invitation), stored on the new account before the
/// person is signed in, so the session shows times in it from the first page. Validated by the page beforehand.
/// </summary>
public static class NewAccountZone
{
    public static async Task SetAsync(AmparoDbContext db, User user, string? timeZone, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(timeZone)) return;
        var zone = ProfileService.CanonicalTimeZone(timeZone.Trim());
        if (zone == user.TimeZone) return;
        user.TimeZone = zone;
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, zone), ct);
    }
}
