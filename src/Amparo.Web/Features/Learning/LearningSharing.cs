using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Learning;

public sealed record LearningBuddy(Guid GrantId, Guid PersonId, string Name, DateTime Since);

public sealed record LearningPerson(Guid Id, string Name);

/// <summary>
/// A person shows their progress, in detail, to a buddy they choose among the people of their organizations — a grant
/// on <see cref="DataCategory.LearningProgress"/> to that one person, which they stop when they like. The buddy reads
/// the states of steps and checklist items, never the private notes; each reading is in the audit trail. Nobody else
/// has a path to it (the category has no sharing rule: not a focal point, not an organization admin).
/// </summary>
public sealed class LearningSharing(AmparoDbContext db, LearningProgressService progress, AuditLog audit, TimeProvider clock)
{
    /// <summary>The people who share an organization with the person: whom they may choose.</summary>
    public async Task<List<LearningPerson>> CandidatesAsync(Guid me, CancellationToken ct = default)
    {
        var mine = db.Memberships.Where(m => m.UserId == me).Select(m => m.OrganizationId);
        var people = await db.Memberships.Where(m => mine.Contains(m.OrganizationId) && m.UserId != me).Select(m => m.UserId).Distinct()
            .Join(db.Users, id => id, u => u.Id, (id, u) => new { u.Id, u.DisplayName }).ToListAsync(ct);
        return [.. people.Select(p => new LearningPerson(p.Id, p.DisplayName)).OrderBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    public async Task<List<LearningBuddy>> BuddiesAsync(Guid me, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.AccessGrants.Where(g => g.OwnerId == me && g.Category == DataCategory.LearningProgress && g.GranteeKind == GranteeKind.Person
                && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now))
            .Join(db.Users, g => g.GranteeId, u => u.Id, (g, u) => new { g.Id, u.DisplayName, PersonId = u.Id, g.CreatedAt }).ToListAsync(ct);
        return [.. rows.Select(r => new LearningBuddy(r.Id, r.PersonId, r.DisplayName, r.CreatedAt)).OrderBy(b => b.Since)];
    }

    /// <summary>Opens the person's progress to one of the people of their organizations; false for anyone else.</summary>
    public async Task<bool> ShareAsync(Guid me, Guid buddy, CancellationToken ct = default)
    {
        if ((await CandidatesAsync(me, ct)).All(p => p.Id != buddy)) return false;
        if ((await BuddiesAsync(me, ct)).Any(b => b.PersonId == buddy)) return true;
        db.AccessGrants.Add(AccessGrant.ToPerson(me, DataCategory.LearningProgress, buddy, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.SharingChanged, me, buddy, detail: "learning-progress: shared", ct: ct);
        return true;
    }

    public async Task<bool> StopAsync(Guid me, Guid grantId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var grant = await db.AccessGrants.SingleOrDefaultAsync(g => g.Id == grantId && g.OwnerId == me && g.Category == DataCategory.LearningProgress && g.RevokedAt == null, ct);
        if (grant is null) return false;
        grant.RevokedAt = now;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.SharingChanged, me, grant.GranteeId, detail: "learning-progress: stopped", ct: ct);
        return true;
    }

    /// <summary>
    /// Whose progress the viewer reads today: a standing grant to them, and still someone of one of their organizations —
    /// a buddy who leaves (or is removed from) the organization reads nothing more, though the grant stays until stopped.
    /// </summary>
    private IQueryable<Guid> Readable(Guid me)
    {
        var owners = Access.OwnersVisibleThrough(me, DataCategory.LearningProgress, AccessSources.Of(db, clock), AccessPath.NamedPerson);
        var mine = db.Memberships.Where(m => m.UserId == me).Select(m => m.OrganizationId);
        var colleagues = db.Memberships.Where(m => mine.Contains(m.OrganizationId)).Select(m => m.UserId);
        return owners.Where(o => o != me && colleagues.Contains(o));
    }

    /// <summary>The people who show their progress to the viewer today.</summary>
    public async Task<List<LearningPerson>> SharedWithMeAsync(Guid me, CancellationToken ct = default)
    {
        var owners = Readable(me);
        var people = await db.Users.Where(u => owners.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        return [.. people.Select(p => new LearningPerson(p.Id, p.DisplayName)).OrderBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>Someone's progress as their buddy reads it — states only, no notes — or null when they do not share it with the viewer.</summary>
    public async Task<(LearningPerson Owner, ProgressBook Book)?> ReadAsync(Guid me, Guid owner, CancellationToken ct = default)
    {
        var owners = Readable(me);
        var person = await db.Users.Where(u => u.Id == owner && owners.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).SingleOrDefaultAsync(ct);
        if (person is null) return null;
        var book = await progress.ReadAsync(owner, ct);
        foreach (var lesson in book.Lessons.Values) lesson.Notes.Clear();
        await audit.WriteAsync(AuditEvents.SensitiveRead, me, owner, detail: "learning-progress", ct: ct);
        return (new LearningPerson(person.Id, person.DisplayName), book);
    }
}
