using System.Security.Cryptography;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// Closes one organization's team-view month (see <see cref="TeamMonthClose"/> for the rules): used by the worker, and by
/// <see cref="TeamService"/> when someone starts contributing before the worker closed the month just ended.
/// </summary>
public sealed class TeamMonthCloser(AmparoDbContext db, FieldCipher cipher, ILogger<TeamMonthCloser> logger)
{
    /// <summary>Closes one organization's month; false when it was already closed (by a previous round or another instance).</summary>
    public async Task<bool> CloseAsync(Guid organizationId, DateOnly month, CancellationToken ct = default)
    {
        var start = month.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = month.AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            if (await db.TeamMonthsClosed.AnyAsync(m => m.OrganizationId == organizationId && m.Month == month, ct)) return false;
            // Contributors now (a withdrawal or leaving before the close removed the choice), each one's latest check of the month.
            var checks = await (
                from c in db.WellbeingSelfChecks.AsNoTracking()
                join t in db.TeamContributions on c.UserId equals t.UserId
                join u in db.Users on c.UserId equals u.Id
                where t.OrganizationId == organizationId && c.TakenAt >= start && c.TakenAt < end && c.BandsCipher != null
                select new { c.Id, c.UserId, c.TakenAt, c.BandsCipher, u.DataKeyId })
                .ToListAsync(ct);
            var rows = new List<TeamMonthBands>();
            foreach (var latest in checks.GroupBy(c => c.UserId).Select(g => g.MaxBy(c => c.TakenAt)!))
            {
                var text = await cipher.DecryptAsync(db, latest.DataKeyId, latest.BandsCipher, SelfCheck.Table, nameof(SelfCheck.BandsCipher), latest.Id, ct);
                if (SelfCheckBands.Decode(text) is not { } bands) continue; // a destroyed key or a damaged value: not counted
                rows.Add(new TeamMonthBands
                {
                    Id = Guid.NewGuid(),
                    OrganizationId = organizationId,
                    Month = month,
                    Satisfaction = bands[WellbeingScale.Satisfaction],
                    Burnout = bands[WellbeingScale.Burnout],
                    SecondaryStress = bands[WellbeingScale.SecondaryStress],
                });
            }
            // Random order: the insertion order (and any physical order it leaves) says nothing about who came first.
            var shuffled = rows.ToArray();
            RandomNumberGenerator.Shuffle(shuffled.AsSpan());
            db.TeamMonthsClosed.Add(new TeamMonthClosed { OrganizationId = organizationId, Month = month });
            db.TeamMonthBands.AddRange(shuffled);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance closed it first: its rows stand, this one writes nothing.
            logger.LogInformation("Team month {Month} of organization {OrganizationId} was closed by another worker", month, organizationId);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

}
