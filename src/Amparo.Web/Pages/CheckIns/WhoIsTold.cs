using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>One level of escalation as a page shows it: when it starts, whether the owner's sharing uses it at all, and the names in it.</summary>
public sealed record PlanLevel(int Level, int AfterMinutes, bool Used, IReadOnlyList<string> Names);

/// <summary>
/// Who an alert of the person reaches, level by level, for the Plan-a-visit page and the SOS confirm page. The names
/// come from the rule escalation itself uses (<see cref="Escalation.TargetsAsync"/>, hence Access.AudienceOf) and
/// are filtered as escalation filters them — never the owner, nobody twice (someone already told at an earlier level
/// is not told again) — so what a page promises is what happens.
/// </summary>
public static class WhoIsTold
{
    public static async Task<List<PlanLevel>> LevelsAsync(
        AmparoDbContext db, Escalation escalation, TimeProvider clock, User owner, int level2DelayMinutes, int level3DelayMinutes, CancellationToken ct)
    {
        var opened = await Access.OpenedBy(owner.Id, DataCategory.VisitsAndAlerts, AccessSources.Of(db, clock)).ToListAsync(ct);
        var seenUsers = new HashSet<Guid> { owner.Id };
        var seenContacts = new HashSet<Guid>();
        var levels = new List<PlanLevel>(Escalation.LastLevel);
        for (var level = 1; level <= Escalation.LastLevel; level++)
        {
            var names = new List<string>();
            foreach (var target in await escalation.TargetsAsync(owner, level, ct))
            {
                // Escalation's own test: known by the account or by the contact row, whichever the target has.
                if ((target.UserId is { } u && seenUsers.Contains(u)) || (target.ContactId is { } c && seenContacts.Contains(c))) continue;
                if (target.UserId is { } user) seenUsers.Add(user);
                if (target.ContactId is { } contact) seenContacts.Add(contact);
                names.Add(target.Name);
            }
            var after = level switch { 1 => 0, 2 => level2DelayMinutes, _ => level2DelayMinutes + level3DelayMinutes };
            // Level 1 (trusted contacts) is not a sharing path: it is always in use.
            levels.Add(new PlanLevel(level, after, level == 1 || opened.Any(p => Escalation.LevelOf(p) == level), names));
        }
        return levels;
    }
}
