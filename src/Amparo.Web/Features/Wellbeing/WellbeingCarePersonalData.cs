using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// The person's care plan (decrypted), their buddy pairs (the other person as an internal id only) and their debrief
/// offers, in "export my data"; deleted with the account, with any reminder still queued for a pair of theirs.
/// The marks themselves are the self-check part's section.
/// </summary>
public sealed class WellbeingCarePersonalData(AmparoDbContext db, CarePlanService care, MarkService marks) : IPersonalData
{
    public string Section => "wellbeingCare";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var plan = await care.GetAsync(person.Id, ct);
        var pairs = await db.WellbeingBuddyPairs.AsNoTracking().Where(p => p.InviterId == person.Id || p.InviteeId == person.Id)
            .OrderBy(p => p.InvitedAt).ToListAsync(ct);
        var debriefs = (await marks.ListAsync(person.Id, ct)).Where(m => m.Debrief is not null).Select(m => m.Debrief!).ToList();
        return new
        {
            carePlan = plan is null ? null : new
            {
                parts = plan.Parts.ToDictionary(p => CarePages.PartName(p.Key), p => p.Value),
                plan.UpdatedAt,
                plan.ReviewedAt,
            },
            buddyPairs = pairs.Select(p => new
            {
                p.Id, otherPersonId = p.Other(person.Id), invitedByMe = p.InviterId == person.Id, p.OrganizationId,
                state = CarePages.StateName(p.State), p.InvitedAt, p.AcceptedAt, p.EndedAt, remindsAfterAlerts = p.RemindsAfterAlerts(person.Id),
            }),
            debriefOffers = debriefs.Select(d => new
            {
                d.Id, d.MarkId, state = CarePages.StateName(d.State), with = d.With is { } w ? CarePages.WithName(w) : null, d.On, d.Detail,
            }),
        };
    }

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        var pairIds = await db.WellbeingBuddyPairs.Where(p => p.InviterId == person.Id || p.InviteeId == person.Id).Select(p => p.Id).ToListAsync(ct);
        foreach (var pairId in pairIds)
        {
            var prefix = BuddyService.KeyPrefix(pairId);
            await db.Outbox.Where(m => m.NotificationKey.StartsWith(prefix)).ExecuteDeleteAsync(ct);
        }
        await db.WellbeingBuddyPairs.Where(p => pairIds.Contains(p.Id)).ExecuteDeleteAsync(ct);
        await db.WellbeingDebriefOffers.Where(o => o.UserId == person.Id).ExecuteDeleteAsync(ct);
        await db.WellbeingCarePlans.Where(c => c.UserId == person.Id).ExecuteDeleteAsync(ct);
    }
}
