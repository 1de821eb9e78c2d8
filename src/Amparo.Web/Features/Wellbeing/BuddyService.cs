using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>What a buddy action came to.</summary>
public enum BuddyResult
{
    Done = 0,
    /// <summary>Not the caller's to act on, or no such pair or person (a 404, as elsewhere).</summary>
    NotFound = 1,
    /// <summary>One of the two already has a buddy, or the caller already has an open invitation.</summary>
    Busy = 2,
}

/// <summary>The caller's side of a pair: who the other is, and where it stands.</summary>
public sealed record BuddyLine(Guid PairId, Guid OtherId, string OtherName, string OrganizationName, BuddyState State, bool IInvited, bool RemindsAfterAlerts, DateTime InvitedAt);

/// <summary>A fellow member of one of the caller's organizations, who may be invited.</summary>
public sealed record BuddyCandidate(Guid UserId, string Name, string OrganizationName);

/// <summary>
/// Buddy pairs: two members of one organization who both agreed. One invites, the other accepts or declines; either
/// ends it. A person has at most one active pair and one open invitation of their own. A buddy learns nothing of the
/// other's well-being: the only thing ever sent is a neutral "please check in with them", and only while both are still
/// members of the pair's organization. Every method is scoped to the caller; anything else is <see cref="BuddyResult.NotFound"/>.
/// </summary>
public sealed class BuddyService(AmparoDbContext db, Notifier notifier, MessageTexts texts, TimeProvider clock)
{
    /// <summary>The caller's pairs that are not ended: at most one active or own invitation, and invitations received.</summary>
    public Task<List<BuddyLine>> LinesAsync(Guid me, CancellationToken ct = default) =>
        (from p in db.WellbeingBuddyPairs.AsNoTracking()
         where (p.InviterId == me || p.InviteeId == me) && p.State != BuddyState.Ended
         join u in db.Users on (p.InviterId == me ? p.InviteeId : p.InviterId) equals u.Id
         join o in db.Organizations on p.OrganizationId equals o.Id
         orderby p.InvitedAt
         select new BuddyLine(p.Id, u.Id, u.DisplayName, o.Name, p.State, p.InviterId == me,
             p.InviterId == me ? p.InviterRemindsAfterAlerts : p.InviteeRemindsAfterAlerts, p.InvitedAt)).ToListAsync(ct);

    /// <summary>The people the caller may invite: members (any role) of an organization the caller belongs to, not the caller.</summary>
    public Task<List<BuddyCandidate>> CandidatesAsync(Guid me, CancellationToken ct = default) =>
        (from mine in db.Memberships
         where mine.UserId == me
         join other in db.Memberships on mine.OrganizationId equals other.OrganizationId
         where other.UserId != me
         join u in db.Users on other.UserId equals u.Id
         join o in db.Organizations on other.OrganizationId equals o.Id
         orderby u.DisplayName, o.Name
         select new BuddyCandidate(u.Id, u.DisplayName, o.Name)).ToListAsync(ct);

    /// <summary>Invites a fellow member of one of the caller's organizations. Someone who shares none with the caller is not found.</summary>
    public async Task<BuddyResult> InviteAsync(Guid me, Guid invitee, CancellationToken ct = default)
    {
        if (invitee == me) return BuddyResult.NotFound;
        var org = await SharedOrganizationAsync(me, invitee, ct);
        if (org is null) return BuddyResult.NotFound;
        var busy = await db.WellbeingBuddyPairs.AnyAsync(p =>
            p.State == BuddyState.Active && (p.InviterId == me || p.InviteeId == me || p.InviterId == invitee || p.InviteeId == invitee)
            || p.State == BuddyState.Invited && p.InviterId == me, ct);
        if (busy) return BuddyResult.Busy;
        db.WellbeingBuddyPairs.Add(new BuddyPair
        {
            Id = Guid.NewGuid(), OrganizationId = org.Value, InviterId = me, InviteeId = invitee,
            State = BuddyState.Invited, InvitedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return BuddyResult.Done;
    }

    /// <summary>The invitee accepts. Both must still share the organization and neither may have a buddy already; their other open invitations end.</summary>
    public async Task<BuddyResult> AcceptAsync(Guid me, Guid pairId, CancellationToken ct = default)
    {
        var pair = await db.WellbeingBuddyPairs.SingleOrDefaultAsync(p => p.Id == pairId && p.InviteeId == me && p.State == BuddyState.Invited, ct);
        if (pair is null || !await BothMembersAsync(pair, ct)) return BuddyResult.NotFound;
        var now = clock.GetUtcNow().UtcDateTime;
        var involved = new[] { pair.InviterId, pair.InviteeId };
        var others = await db.WellbeingBuddyPairs.Where(p => p.Id != pair.Id && p.State != BuddyState.Ended
            && (involved.Contains(p.InviterId) || involved.Contains(p.InviteeId))).ToListAsync(ct);
        if (others.Any(p => p.State == BuddyState.Active)) return BuddyResult.Busy;
        // Their own open invitations to others end: a person has one buddy.
        foreach (var other in others.Where(p => involved.Contains(p.InviterId)))
            (other.State, other.EndedAt) = (BuddyState.Ended, now);
        pair.State = BuddyState.Active;
        pair.AcceptedAt = now;
        await db.SaveChangesAsync(ct);
        return BuddyResult.Done;
    }

    /// <summary>Either ends the pair: declining, withdrawing an invitation, or ending an active pair. Final.</summary>
    public async Task<BuddyResult> EndAsync(Guid me, Guid pairId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.WellbeingBuddyPairs
            .Where(p => p.Id == pairId && (p.InviterId == me || p.InviteeId == me) && p.State != BuddyState.Ended)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, BuddyState.Ended).SetProperty(p => p.EndedAt, now), ct);
        return changed > 0 ? BuddyResult.Done : BuddyResult.NotFound;
    }

    /// <summary>The caller's own choice: may Amparo ask their buddy to check in with them after an alert closes badly or a panic.</summary>
    public async Task<BuddyResult> SetRemindsAfterAlertsAsync(Guid me, Guid pairId, bool allow, CancellationToken ct = default)
    {
        var pair = await db.WellbeingBuddyPairs.SingleOrDefaultAsync(p => p.Id == pairId && (p.InviterId == me || p.InviteeId == me) && p.State != BuddyState.Ended, ct);
        if (pair is null) return BuddyResult.NotFound;
        if (pair.InviterId == me) pair.InviterRemindsAfterAlerts = allow;
        else pair.InviteeRemindsAfterAlerts = allow;
        await db.SaveChangesAsync(ct);
        return BuddyResult.Done;
    }

    /// <summary>
    /// Queues, on the caller's unit of work (saved with their change), the neutral "please check in with them" to the
    /// person's active buddy — by e-mail only, never SMS — when they have one who still shares the pair's organization.
    /// <paramref name="because"/> makes it once per cause (a mark's or an alert's id). <paramref name="onlyIfAllowedAfterAlerts"/>:
    /// for what the events seam prompts, the person's standing choice must allow it. Returns whether one was queued.
    /// </summary>
    public async Task<bool> QueueCheckInAsync(Guid person, Guid because, bool onlyIfAllowedAfterAlerts, CancellationToken ct = default)
    {
        var pair = await db.WellbeingBuddyPairs.AsNoTracking()
            .Where(p => (p.InviterId == person || p.InviteeId == person) && p.State == BuddyState.Active).FirstOrDefaultAsync(ct);
        if (pair is null || (onlyIfAllowedAfterAlerts && !pair.RemindsAfterAlerts(person)) || !await BothMembersAsync(pair, ct)) return false;
        var name = await db.Users.Where(u => u.Id == person).Select(u => u.DisplayName).SingleAsync(ct);
        var buddy = await db.Users.AsNoTracking().Where(u => u.Id == pair.Other(person)).Select(u => new { u.Email, u.Language }).SingleAsync(ct);
        if (string.IsNullOrEmpty(buddy.Email)) return false;
        return await notifier.EnqueueAsync(db, new Notification(
            Key: NotificationKey(pair.Id, because),
            // The message names the person: it goes with their account (and with the buddy's, by its key: see the personal-data part).
            Source: new NotificationSource(NotificationSourceKind.Account, person),
            Priority: NotificationPriority.Normal,
            Language: buddy.Language,
            To: [new Destination(ChannelKind.Email, buddy.Email)],
            Subject: texts.Text(buddy.Language, false, "Care.Buddy.Mail.Subject", name),
            Text: texts.Text(buddy.Language, false, "Care.Buddy.Mail.Text", name, texts.Url("/wellbeing/buddy")))
        { OnlyOnce = true }, ct);
    }

    public static string NotificationKey(Guid pairId, Guid because) => $"{KeyPrefix(pairId)}{because:N}";

    public static string KeyPrefix(Guid pairId) => $"buddy:{pairId:N}:";

    private async Task<Guid?> SharedOrganizationAsync(Guid a, Guid b, CancellationToken ct) =>
        await (from x in db.Memberships
               where x.UserId == a
               join y in db.Memberships on x.OrganizationId equals y.OrganizationId
               where y.UserId == b
               orderby x.JoinedAt
               select (Guid?)x.OrganizationId).FirstOrDefaultAsync(ct);

    private async Task<bool> BothMembersAsync(BuddyPair pair, CancellationToken ct) =>
        await db.Memberships.CountAsync(m => m.OrganizationId == pair.OrganizationId && (m.UserId == pair.InviterId || m.UserId == pair.InviteeId), ct) == 2;
}
