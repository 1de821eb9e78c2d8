using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.PlanShares;

/// <summary>Audit event names of plan shares (ids only). Creating, revoking, refreshing and staffing a share are <see cref="AuditEvents.SharingChanged"/>.</summary>
public static class PlanShareAudit
{
    /// <summary>Someone at a grantmaker opened a shared snapshot (detail "plan-share:{id}").</summary>
    public const string Viewed = "plan.snapshot-viewed";
}

/// <summary>The owner's consent: to which grantmaker, what, until when, and that they read what that means.</summary>
public sealed record ShareInput(Guid? GrantmakerId, ShareScope? Scope, DateTime? ExpiresAt, bool Confirmed);

public sealed record GrantmakerChoice(Guid Id, string Name);

/// <summary>Someone at the grantmaker who may open the snapshot today: an admin of it, or staff assigned to this share.</summary>
public sealed record ShareReader(Guid UserId, string Name, bool Admin);

/// <summary>One look: who (null name once their account is gone) and when.</summary>
public sealed record ShareLook(Guid? ViewerId, string? Name, DateTime At);

/// <summary>A share as its plan's owner sees it: what, with whom, until when, who may look today and who looked when.</summary>
public sealed record ShareSummary(
    Guid Id, Guid PlanId, Guid GrantmakerId, string GrantmakerName, ShareScope Scope, DateTime CreatedAt, DateTime ExpiresAt,
    DateTime? RevokedAt, DateTime SnapshotAt, bool Standing, IReadOnlyList<ShareReader> Readers, IReadOnlyList<ShareLook> Looks);

/// <summary>A share as the grantmaker sees it in its list.</summary>
public sealed record ReceivedShare(
    Guid Id, Guid GrantmakerId, string GrantmakerName, string Owner, string? Title, ShareScope Scope, DateTime SnapshotAt, DateTime ExpiresAt, bool ViewerIsAdmin);

/// <summary>A member of the grantmaker an admin may assign to a share.</summary>
public sealed record StaffChoice(Guid UserId, string Name, bool Assigned);

/// <summary>The frozen snapshot opened by someone at the grantmaker. <see cref="Staff"/>: empty unless the viewer is one of its admins.</summary>
public sealed record SnapshotOpened(ReceivedShare Share, PlanFile File, PlanView View, IReadOnlyList<StaffChoice> Staff);

/// <summary>
/// Read-only snapshots of security plans shared with grantmaker organizations, with the owner's consent, until a date
/// (issue 10; docs/security-plans.md "Sharing with a grantmaker").
/// <list type="bullet">
/// <item>The owner side (share, list, revoke, refresh) is for those who may edit the plan (<see cref="PlanAccess.MayEdit"/>):
/// a plan they cannot see is <see cref="PlanWriteStatus.NotFound"/>, one they may only read <see cref="PlanWriteStatus.NotAllowed"/>.</item>
/// <item>The grantmaker side asks the audience rule on every access (<see cref="Access.OwnersVisibleTo"/> for
/// <see cref="DataCategory.PlanSnapshot"/>): the grant stands (not revoked, not expired by the injected clock), and the viewer is
/// today an admin of the grantmaker or a member assigned to the share. Anything else is not there (null, a 404).</item>
/// </list>
/// The grant is independent of the plan's audience switch (<see cref="SecurityPlan.SharedWithAudience"/>): it is its own consent.
/// </summary>
public sealed class PlanShareService(AmparoDbContext db, FieldCipher cipher, AuditLog audit, PlanService plans, TimeProvider clock)
{
    /// <summary>The longest a share may last: a year, then the owner shares again if they wish.</summary>
    public static DateTime LatestEnd(DateTime now) => now.AddYears(1);

    /// <summary>At most this many looks are listed per share (newest first); the audit trail keeps them all.</summary>
    public const int LooksShown = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The grantmaker organizations on this instance, by name: the only ones a plan may be shared with.</summary>
    public Task<List<GrantmakerChoice>> GrantmakersAsync(CancellationToken ct = default) =>
        db.Organizations.AsNoTracking().Where(o => o.Kind == OrganizationKind.Grantmaker)
            .OrderBy(o => o.Name).Select(o => new GrantmakerChoice(o.Id, o.Name)).ToListAsync(ct);

    // ---- the owner's side ----

    /// <summary>The plan for someone who may edit it; the status says why not otherwise.</summary>
    private async Task<(SecurityPlan? Plan, PlanWriteStatus Status)> OwnerGateAsync(Guid viewer, Guid planId, CancellationToken ct)
    {
        if (await PlanAccess.FindAsync(db, clock, planId, viewer, ct: ct) is not { } found) return (null, PlanWriteStatus.NotFound);
        return PlanAccess.MayEdit(found.Role) ? (found.Plan, PlanWriteStatus.Done) : (null, PlanWriteStatus.NotAllowed);
    }

    private static PlanWrite Refusal(PlanWriteStatus status) => status == PlanWriteStatus.NotAllowed ? PlanWrite.NotAllowed : PlanWrite.NotFound;

    /// <summary>Shares the plan as it is now. Errors (field → <c>PlanShares.Error.*</c>): GrantmakerId, Scope, ExpiresAt, Confirmed.</summary>
    public Task<PlanWrite> CreateAsync(Guid viewer, Guid planId, ShareInput input, CancellationToken ct = default) =>
        CreateAsync(viewer, planId, input, Guid.NewGuid(), ct);

    /// <summary>
    /// Shares the plan under a share id the caller chose: a grant request adds its link to the share and the program's
    /// staff as its readers to this context before calling, and all of it commits together or not at all.
    /// </summary>
    public async Task<PlanWrite> CreateAsync(Guid viewer, Guid planId, ShareInput input, Guid shareId, CancellationToken ct = default)
    {
        var (plan, status) = await OwnerGateAsync(viewer, planId, ct);
        if (plan is null) return Refusal(status);
        var now = Now;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var grantmaker = input.GrantmakerId ?? Guid.Empty;
        if (!await db.Organizations.AnyAsync(o => o.Id == grantmaker && o.Kind == OrganizationKind.Grantmaker, ct))
            errors["GrantmakerId"] = "PlanShares.Error.Grantmaker";
        var scope = input.Scope ?? (ShareScope)(-1);
        if (!Enum.IsDefined(scope)) errors["Scope"] = "PlanShares.Error.Scope";
        var until = input.ExpiresAt ?? DateTime.MinValue;
        if (until <= now || until > LatestEnd(now)) errors["ExpiresAt"] = "PlanShares.Error.Until";
        if (!input.Confirmed) errors["Confirmed"] = "PlanShares.Error.Confirm";
        if (errors.Count > 0) return PlanWrite.Invalid(errors);

        // The plan's owner (the person, or the organization) gives the grant; the share's id is the grant's.
        var grant = AccessGrant.ToAssignedStaff(shareId, DataCategory.PlanSnapshot, plan.OwnerId, grantmaker, now, until);
        grant.Id = shareId;
        var share = new PlanShare { Id = shareId, PlanId = plan.Id, GrantmakerId = grantmaker, Scope = scope, CreatedById = viewer, CreatedAt = now };
        await FreezeAsync(share, plan, now, ct);
        db.AccessGrants.Add(grant);
        db.PlanShares.Add(share);
        await db.SaveChangesAsync(ct);
        await AuditChangeAsync(viewer, plan, shareId, "created", ct);
        return PlanWrite.Done(shareId);
    }

    /// <summary>Ends a share at once (and erases its frozen copy). Revoking an ended share changes nothing and is not an error.</summary>
    public async Task<PlanWrite> RevokeAsync(Guid viewer, Guid planId, Guid shareId, CancellationToken ct = default)
    {
        var (plan, status) = await OwnerGateAsync(viewer, planId, ct);
        if (plan is null) return Refusal(status);
        var share = await db.PlanShares.SingleOrDefaultAsync(s => s.Id == shareId && s.PlanId == plan.Id, ct);
        if (share is null) return PlanWrite.NotFound;
        var grant = await db.AccessGrants.SingleAsync(g => g.Id == shareId, ct);
        var changed = grant.RevokedAt is null;
        if (changed)
        {
            grant.RevokedAt = Now;
            share.RevokedById = viewer;
        }
        share.SnapshotCipher = null;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        if (changed) await AuditChangeAsync(viewer, plan, shareId, "revoked", ct);
        return PlanWrite.Done(shareId);
    }

    /// <summary>"Update the snapshot": a new frozen copy of the plan as it is now, for a share that still stands (an ended one: NotFound).</summary>
    public async Task<PlanWrite> RefreshAsync(Guid viewer, Guid planId, Guid shareId, CancellationToken ct = default)
    {
        var (plan, status) = await OwnerGateAsync(viewer, planId, ct);
        if (plan is null) return Refusal(status);
        var now = Now;
        var share = await db.PlanShares.SingleOrDefaultAsync(s => s.Id == shareId && s.PlanId == plan.Id
            && db.AccessGrants.Any(g => g.Id == s.Id && g.RevokedAt == null && g.ExpiresAt > now), ct);
        if (share is null) return PlanWrite.NotFound;
        await FreezeAsync(share, plan, now, ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await AuditChangeAsync(viewer, plan, shareId, "refreshed", ct);
        return PlanWrite.Done(shareId);
    }

    /// <summary>The plan's shares, current and past, newest first; null status when the viewer may not manage them.</summary>
    public async Task<(PlanWriteStatus Status, List<ShareSummary> Shares)> ListForPlanAsync(Guid viewer, Guid planId, CancellationToken ct = default)
    {
        var (plan, status) = await OwnerGateAsync(viewer, planId, ct);
        if (plan is null) return (status, []);
        return (PlanWriteStatus.Done, await SummariesAsync(plan.Id, null, ct));
    }

    /// <summary>One share of the plan with its readers and looks.</summary>
    public async Task<(PlanWriteStatus Status, ShareSummary? Share)> GetForOwnerAsync(Guid viewer, Guid planId, Guid shareId, CancellationToken ct = default)
    {
        var (plan, status) = await OwnerGateAsync(viewer, planId, ct);
        if (plan is null) return (status, null);
        var one = (await SummariesAsync(plan.Id, shareId, ct)).SingleOrDefault();
        return one is null ? (PlanWriteStatus.NotFound, null) : (PlanWriteStatus.Done, one);
    }

    private async Task<List<ShareSummary>> SummariesAsync(Guid planId, Guid? shareId, CancellationToken ct)
    {
        var now = Now;
        // A share that has ended keeps no copy of the plan: erased on revoke, and here once it has expired.
        await db.PlanShares.Where(s => s.PlanId == planId && s.SnapshotCipher != null
                && db.AccessGrants.Any(g => g.Id == s.Id && (g.RevokedAt != null || g.ExpiresAt <= now)))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.SnapshotCipher, (byte[]?)null), ct);
        var rows = await (
            from s in db.PlanShares.AsNoTracking()
            where s.PlanId == planId && (shareId == null || s.Id == shareId)
            join g in db.AccessGrants on s.Id equals g.Id
            join o in db.Organizations on s.GrantmakerId equals o.Id
            orderby s.CreatedAt descending
            select new { Share = s, g.ExpiresAt, g.RevokedAt, o.Name }).ToListAsync(ct);
        var list = new List<ShareSummary>(rows.Count);
        foreach (var r in rows)
        {
            var standing = r.RevokedAt is null && r.ExpiresAt > now;
            list.Add(new ShareSummary(r.Share.Id, r.Share.PlanId, r.Share.GrantmakerId, r.Name, r.Share.Scope, r.Share.CreatedAt, r.ExpiresAt!.Value,
                r.RevokedAt, r.Share.SnapshotAt, standing, await ReadersAsync(r.Share, ct), await LooksAsync(r.Share.Id, ct)));
        }
        return list;
    }

    /// <summary>Who may open the share today, straight from the audience rule (empty once it has ended).</summary>
    private async Task<List<ShareReader>> ReadersAsync(PlanShare share, CancellationToken ct)
    {
        var audience = Access.AudienceOf(share.Id, DataCategory.PlanSnapshot, AccessSources.Of(db, clock));
        return await db.Users.AsNoTracking().Where(u => audience.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new ShareReader(u.Id, u.DisplayName,
                db.Memberships.Any(m => m.UserId == u.Id && m.OrganizationId == share.GrantmakerId && m.Role == OrgRole.OrgAdmin)))
            .ToListAsync(ct);
    }

    private async Task<List<ShareLook>> LooksAsync(Guid shareId, CancellationToken ct)
    {
        var looks = await db.PlanShareViews.AsNoTracking().Where(v => v.ShareId == shareId)
            .OrderByDescending(v => v.ViewedAt).Take(LooksShown).ToListAsync(ct);
        var ids = looks.Where(v => v.ViewerId != null).Select(v => v.ViewerId!.Value).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return looks.Select(v => new ShareLook(v.ViewerId, v.ViewerId is { } id ? names.GetValueOrDefault(id) : null, v.ViewedAt)).ToList();
    }

    // ---- the grantmaker's side ----

    /// <summary>Shares the viewer may open now, by the audience rule (asked here, never remembered).</summary>
    private IQueryable<PlanShare> OpenTo(Guid viewer)
    {
        var items = Access.OwnersVisibleTo(viewer, DataCategory.PlanSnapshot, AccessSources.Of(db, clock));
        // Not a summary shared for a grant request the viewer stepped aside from, whatever their role at the grantmaker.
        var closed = Grants.SteppedAside.SharesOf(db, viewer);
        return db.PlanShares.AsNoTracking().Where(s => items.Contains(s.Id) && !closed.Contains(s.Id));
    }

    private sealed record Received(PlanShare Share, DateTime ExpiresAt, string GrantmakerName, Guid? OwnerUserId, Guid? OwnerOrganizationId);

    private IQueryable<Received> ReceivedRows(Guid viewer, Guid? shareId = null) =>
        from s in OpenTo(viewer)
        where shareId == null || s.Id == shareId
        join g in db.AccessGrants on s.Id equals g.Id
        join o in db.Organizations on s.GrantmakerId equals o.Id
        join p in db.SecurityPlans on s.PlanId equals p.Id
        orderby s.SnapshotAt descending
        select new Received(s, g.ExpiresAt!.Value, o.Name, p.OwnerUserId, p.OwnerOrganizationId);

    /// <summary>The snapshots shared with the viewer's grantmaker organizations that they may open: admins all standing ones, staff those assigned to them.</summary>
    public async Task<List<ReceivedShare>> ReceivedAsync(Guid viewer, CancellationToken ct = default)
    {
        var rows = await ReceivedRows(viewer).ToListAsync(ct);
        var administered = await Access.OrganizationsAdministeredBy(viewer, db.Memberships).ToListAsync(ct);
        var list = new List<ReceivedShare>(rows.Count);
        foreach (var r in rows)
        {
            var file = await OpenAsync(r, ct);
            list.Add(await DescribeAsync(r, file?.Title, administered.Contains(r.Share.GrantmakerId), ct));
        }
        return list;
    }

    /// <summary>
    /// Opens one snapshot for someone at the grantmaker, and records the look (a view row for the owner and an audit event);
    /// null when they may not open it (revoked, expired, not assigned, not a member any more, never theirs).
    /// </summary>
    public async Task<SnapshotOpened?> OpenAsync(Guid viewer, Guid shareId, CancellationToken ct = default)
    {
        var row = await ReceivedRows(viewer, shareId).SingleOrDefaultAsync(ct);
        if (row is null || await OpenAsync(row, ct) is not { } file) return null;
        var admin = await Access.OrganizationsAdministeredBy(viewer, db.Memberships).AnyAsync(o => o == row.Share.GrantmakerId, ct);

        db.PlanShareViews.Add(new PlanShareView { Id = Guid.NewGuid(), ShareId = shareId, ViewerId = viewer, ViewedAt = Now });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await audit.WriteAsync(PlanShareAudit.Viewed, viewer, row.OwnerUserId ?? row.Share.PlanId, row.OwnerOrganizationId, $"plan-share:{shareId:N}", ct);

        var staff = admin ? await StaffAsync(row.Share, ct) : [];
        return new SnapshotOpened(await DescribeAsync(row, file.Title, admin, ct), file, PlanSnapshot.ViewOf(shareId, file), staff);
    }

    /// <summary>The grantmaker's current members, with whether each is assigned to the share.</summary>
    private Task<List<StaffChoice>> StaffAsync(PlanShare share, CancellationToken ct) =>
        (from m in db.Memberships.AsNoTracking()
         where m.OrganizationId == share.GrantmakerId
         join u in db.Users on m.UserId equals u.Id
         orderby u.DisplayName
         select new StaffChoice(u.Id, u.DisplayName, db.AccessGrantAssignees.Any(a => a.GrantId == share.Id && a.UserId == u.Id))).ToListAsync(ct);

    /// <summary>
    /// Sets who of the grantmaker's staff is assigned to the share (replacing the list). Only an admin of the grantmaker;
    /// every one must be a current member of it (error "UserIds"). Someone who cannot open the share: NotFound.
    /// </summary>
    public async Task<PlanWrite> SetStaffAsync(Guid viewer, Guid shareId, IReadOnlyList<Guid>? userIds, CancellationToken ct = default)
    {
        var share = await OpenTo(viewer).SingleOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null) return PlanWrite.NotFound;
        if (!await Access.OrganizationsAdministeredBy(viewer, db.Memberships).AnyAsync(o => o == share.GrantmakerId, ct)) return PlanWrite.NotAllowed;
        var ids = (userIds ?? []).Distinct().ToList();
        if (userIds is null || ids.Count > 1000
            || await db.Memberships.CountAsync(m => m.OrganizationId == share.GrantmakerId && ids.Contains(m.UserId), ct) != ids.Count
            || await Grants.SteppedAside.FromShare(db, shareId).AnyAsync(u => ids.Contains(u), ct))
            return PlanWrite.Invalid(new() { ["UserIds"] = "PlanShares.Error.Staff" });

        var now = Now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.AccessGrantAssignees.Where(a => a.GrantId == shareId).ExecuteDeleteAsync(ct);
        db.AccessGrantAssignees.AddRange(ids.Select(u => new AccessGrantAssignee { GrantId = shareId, UserId = u, AssignedAt = now }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        await audit.WriteAsync(AuditEvents.SharingChanged, viewer, share.PlanId, share.GrantmakerId, $"plan-share:{shareId:N}:staff", ct);
        return PlanWrite.Done(shareId);
    }

    private async Task<ReceivedShare> DescribeAsync(Received r, string? title, bool admin, CancellationToken ct)
    {
        var owner = r.OwnerUserId is { } person
            ? await db.Users.Where(u => u.Id == person).Select(u => u.DisplayName).SingleAsync(ct)
            : await db.Organizations.Where(o => o.Id == r.OwnerOrganizationId).Select(o => o.Name).SingleAsync(ct);
        return new ReceivedShare(r.Share.Id, r.Share.GrantmakerId, r.GrantmakerName, owner, title, r.Share.Scope, r.Share.SnapshotAt, r.ExpiresAt, admin);
    }

    // ---- the frozen copy ----

    private async Task FreezeAsync(PlanShare share, SecurityPlan plan, DateTime now, CancellationToken ct)
    {
        var file = PlanSnapshot.Of(await plans.OwnViewAsync(plan, ct), share.Scope, now);
        share.SnapshotCipher = await cipher.EncryptAsync(db, await KeyOfAsync(plan.OwnerUserId, plan.OwnerOrganizationId, ct),
            JsonSerializer.Serialize(file, Json), PlanShare.Table, nameof(PlanShare.SnapshotCipher), share.Id, ct);
        share.SnapshotAt = now;
    }

    /// <summary>The frozen file; null when erased or when the owner's key is gone.</summary>
    private async Task<PlanFile?> OpenAsync(Received r, CancellationToken ct)
    {
        var json = await cipher.DecryptAsync(db, await KeyOfAsync(r.OwnerUserId, r.OwnerOrganizationId, ct), r.Share.SnapshotCipher,
            PlanShare.Table, nameof(PlanShare.SnapshotCipher), r.Share.Id, ct);
        return json is null ? null : JsonSerializer.Deserialize<PlanFile>(json, Json);
    }

    /// <summary>The plan owner's data key: the person's, or the organization's.</summary>
    private Task<Guid> KeyOfAsync(Guid? ownerUserId, Guid? ownerOrganizationId, CancellationToken ct) =>
        ownerOrganizationId is { } org
            ? OrganizationKeys.KeyIdAsync(db, org, ct)
            : db.Users.Where(u => u.Id == ownerUserId).Select(u => u.DataKeyId).SingleAsync(ct);

    private Task AuditChangeAsync(Guid viewer, SecurityPlan plan, Guid shareId, string what, CancellationToken ct) =>
        audit.WriteAsync(AuditEvents.SharingChanged, viewer, plan.OwnerUserId ?? plan.Id, plan.OwnerOrganizationId, $"plan-share:{shareId:N}:{what}", ct);

    /// <summary>
    /// Ends every share of a plan that is being deleted: their grants go (grants have no foreign key to their item), and the
    /// shares with their frozen copies and looks go with the grants. Call before deleting the plan, on the same context.
    /// </summary>
    public static Task EndSharesOfPlanAsync(AmparoDbContext db, Guid planId, CancellationToken ct = default)
    {
        var shares = db.PlanShares.Where(s => s.PlanId == planId).Select(s => s.Id);
        return db.AccessGrants.Where(g => g.Category == DataCategory.PlanSnapshot && shares.Contains(g.Id)).ExecuteDeleteAsync(ct);
    }
}
