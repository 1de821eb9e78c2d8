using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>Audit event names of the plans module (ids only in the trail, never content).</summary>
public static class PlanAudit
{
    /// <summary>A plan deleted (detail "plan:{id}") or one of its parts removed (detail "{part}:{id}").</summary>
    public const string Removed = "plan.removed";
}

/// <summary>
/// Security plans of people and organizations: create, read (decrypted, cut to the viewer's rights), change each part.
/// Every method takes the signed-in viewer and asks <see cref="PlanAccess"/> first: what is not theirs to see is
/// <see cref="PlanWriteStatus.NotFound"/> / null, a change by someone who may only read is refused, and a refused change
/// changes nothing. Every saved change raises the plan's <see cref="SecurityPlan.Version"/> (two editors at once: the
/// second gets <see cref="PlanWriteStatus.Conflict"/>). Texts are encrypted with the owner's data key.
/// A change runs in its own transaction on the request's DbContext and clears its change tracker: save other work first.
/// </summary>
public sealed partial class PlanService(AmparoDbContext db, FieldCipher cipher, AuditLog audit, TimeProvider clock)
{
    /// <summary>A plan is reviewed every three months unless its owner chooses another date.</summary>
    public static DateTime DefaultReview(DateTime from) => from.AddMonths(3);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ---- create, list, read ----

    /// <summary>A plan of the viewer's own.</summary>
    public Task<PlanWrite> CreateForPersonAsync(Guid viewer, PlanInput input, CancellationToken ct = default) =>
        CreateAsync(new SecurityPlan { OwnerUserId = viewer }, viewer, input, ct);

    /// <summary>A plan of an organization, by one of its admins or focal points; anyone else: <see cref="PlanWriteStatus.NotFound"/>.</summary>
    public async Task<PlanWrite> CreateForOrganizationAsync(Guid viewer, Guid organizationId, PlanInput input, CancellationToken ct = default)
    {
        var staff = Access.AudienceOf(organizationId, DataCategory.OrganizationSecurityPlan, AccessSources.Of(db, clock), AccessPath.OrganizationStaff);
        if (!await staff.AnyAsync(v => v == viewer, ct)) return PlanWrite.NotFound;
        return await CreateAsync(new SecurityPlan { OwnerOrganizationId = organizationId }, viewer, input, ct);
    }

    private async Task<PlanWrite> CreateAsync(SecurityPlan plan, Guid viewer, PlanInput input, CancellationToken ct)
    {
        var now = Now;
        var errors = PlanRules.Check(input, now);
        if (errors.Count > 0) return PlanWrite.Invalid(errors);
        plan.Id = Guid.NewGuid();
        plan.CreatedAt = plan.UpdatedAt = now;
        plan.NextReviewAt = input.NextReviewAt ?? DefaultReview(now);
        plan.ReviewReason = ReviewReason.Scheduled;
        var key = await KeyOfAsync(plan, ct);
        await WriteSectionsAsync(plan, key, input, ct);
        db.SecurityPlans.Add(plan);
        if (plan.OwnerOrganizationId is { } org) await OpenProtocolsToMembersAsync(org, now, ct);
        // The first version: the plan's own fields, no parts yet (saved with the plan, in the same SaveChanges).
        await AddVersionAsync(plan, viewer, key, new PlanFile(PlanFile.Format1, PlanRules.Clean(input.Title), input.TitleIsSensitive,
            PlanRules.Clean(input.Context), PlanRules.Clean(input.WellBeing), PlanRules.Clean(input.ExhaustionRisks), Utc(plan.NextReviewAt), Utc(now), [], [], [], []), ct);
        await db.SaveChangesAsync(ct);
        return PlanWrite.Done(plan.Id);
    }

    /// <summary>
    /// Members see their organization's protocols through the audience rule's grant to members
    /// (<see cref="DataCategory.OrganizationProtocols"/>). The organization's first plan gives it; an organization that
    /// withdrew it once keeps it withdrawn.
    /// </summary>
    private async Task OpenProtocolsToMembersAsync(Guid org, DateTime now, CancellationToken ct)
    {
        var given = await db.AccessGrants.AnyAsync(g => g.OwnerId == org && g.Category == DataCategory.OrganizationProtocols
            && g.GranteeKind == GranteeKind.OrganizationMembers && g.GranteeId == org, ct);
        if (!given) db.AccessGrants.Add(AccessGrant.ToMembers(org, DataCategory.OrganizationProtocols, org, now));
    }

    /// <summary>Whether the organization's members see its plans' protocols.</summary>
    public Task<bool> ProtocolsOpenToMembersAsync(Guid organizationId, CancellationToken ct = default) =>
        db.AccessGrants.AnyAsync(g => g.OwnerId == organizationId && g.Category == DataCategory.OrganizationProtocols
            && g.GranteeKind == GranteeKind.OrganizationMembers && g.GranteeId == organizationId && g.RevokedAt == null, ct);

    /// <summary>
    /// Opens the organization's protocols to its members, or closes them (a member always sees the actions assigned to them) — for every plan
    /// of the organization: it is the organization's grant, changed from one of its plans by those who may edit it.
    /// Audited like any change of who sees what.
    /// </summary>
    public async Task<PlanWrite> SetProtocolsOpenToMembersAsync(Guid viewer, Guid planId, bool open, CancellationToken ct = default)
    {
        if (await PlanAccess.FindAsync(db, clock, planId, viewer, ct: ct) is not { } found) return PlanWrite.NotFound;
        if (!PlanAccess.MayEdit(found.Role) || found.Plan.OwnerOrganizationId is not { } org) return PlanWrite.NotAllowed;
        var live = await db.AccessGrants.Where(g => g.OwnerId == org && g.Category == DataCategory.OrganizationProtocols
            && g.GranteeKind == GranteeKind.OrganizationMembers && g.GranteeId == org && g.RevokedAt == null).ToListAsync(ct);
        if (open == live.Count > 0) return PlanWrite.Done(planId);
        if (open) db.AccessGrants.Add(AccessGrant.ToMembers(org, DataCategory.OrganizationProtocols, org, Now));
        foreach (var grant in live) grant.RevokedAt = Now;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await audit.WriteAsync(AuditEvents.SharingChanged, viewer, null, org, $"plans:protocols-to-members:{(open ? "on" : "off")}", ct);
        return PlanWrite.Done(planId);
    }

    /// <summary>Every plan the viewer may see any part of, with their role on it; soonest review first.</summary>
    /// <summary>
    /// The lessons the viewer's plans point to (open actions linked to a lesson: issue 18), for the library's "from your
    /// security plans". A member of an organization sees only the actions assigned to them, as on the plan page.
    /// </summary>
    public async Task<List<string>> LessonsLinkedAsync(Guid viewer, CancellationToken ct = default)
    {
        var s = AccessSources.Of(db, clock);
        var lessons = new List<string>();
        foreach (var plan in await PlanAccess.Visible(db.SecurityPlans.AsNoTracking(), db.PlanActions, viewer, s).ToListAsync(ct))
        {
            var actions = db.PlanActions.Where(a => a.PlanId == plan.Id && a.LessonId != null
                && (a.Status == PlanActionStatus.Planned || a.Status == PlanActionStatus.InProgress));
            if (await PlanAccess.RoleAsync(db, s, plan, viewer, ct) == PlanRole.Member) actions = actions.Where(a => a.OwnerUserId == viewer);
            lessons.AddRange(await actions.OrderBy(a => a.Position).Select(a => a.LessonId!).ToListAsync(ct));
        }
        return [.. lessons.Distinct()];
    }

    public async Task<List<PlanSummary>> ListAsync(Guid viewer, CancellationToken ct = default)
    {
        var s = AccessSources.Of(db, clock);
        var plans = await PlanAccess.Visible(db.SecurityPlans.AsNoTracking(), db.PlanActions, viewer, s).OrderBy(p => p.NextReviewAt).ToListAsync(ct);
        var list = new List<PlanSummary>(plans.Count);
        foreach (var plan in plans)
        {
            var role = await PlanAccess.RoleAsync(db, s, plan, viewer, ct);
            list.Add(new PlanSummary(plan.Id, plan.OwnerUserId, plan.OwnerOrganizationId, await TitleAsync(plan, await KeyOfAsync(plan, ct), ct),
                role, plan.SharedWithAudience, plan.NextReviewAt, plan.ReviewReason, plan.UpdatedAt));
        }
        return list;
    }

    /// <summary>The plan as the viewer may see it, decrypted; null when they may see nothing of it. A read by anyone but its owner is audited.</summary>
    public async Task<PlanView?> GetAsync(Guid viewer, Guid planId, CancellationToken ct = default)
    {
        if (await PlanAccess.FindAsync(db, clock, planId, viewer, ct: ct) is not { } found) return null;
        var (plan, role) = found;
        var view = await ViewAsync(plan, role, viewer, ct);
        if (role != PlanRole.Owner)
            await audit.WriteAsync(AuditEvents.SensitiveRead, viewer, plan.OwnerUserId ?? plan.Id, plan.OwnerOrganizationId, "plan:" + plan.Id.ToString("N"), ct);
        return view;
    }

    /// <summary>A plan decrypted whole for its owner, e.g. for "export my data" (no audit: it is their own).</summary>
    internal async Task<PlanView> OwnViewAsync(SecurityPlan plan, CancellationToken ct) => await ViewAsync(plan, PlanRole.Owner, plan.OwnerUserId ?? Guid.Empty, ct);

    private async Task<PlanView> ViewAsync(SecurityPlan plan, PlanRole role, Guid viewer, CancellationToken ct)
    {
        var key = await KeyOfAsync(plan, ct);
        var whole = role switch
        {
            PlanRole.Owner or PlanRole.Editor or PlanRole.Reader => true,
            PlanRole.Member => false,
        };
        var s = AccessSources.Of(db, clock);

        var actors = new List<ActorView>();
        var entries = new List<EntryView>();
        if (whole)
        {
            foreach (var a in await db.PlanActors.AsNoTracking().Where(a => a.PlanId == plan.Id).OrderBy(a => a.Position).ToListAsync(ct))
                actors.Add(new ActorView(a.Id, await OpenAsync(key, a.NameCipher, PlanActor.Table, nameof(PlanActor.NameCipher), a.Id, ct), a.Stance,
                    await OpenAsync(key, a.InterestsCipher, PlanActor.Table, nameof(PlanActor.InterestsCipher), a.Id, ct),
                    await OpenAsync(key, a.CapacityCipher, PlanActor.Table, nameof(PlanActor.CapacityCipher), a.Id, ct)));
            foreach (var e in await db.RiskEntries.AsNoTracking().Where(e => e.PlanId == plan.Id).OrderBy(e => e.Position).ToListAsync(ct))
                entries.Add(new EntryView(e.Id,
                    await OpenAsync(key, e.ThreatCipher, RiskEntry.Table, nameof(RiskEntry.ThreatCipher), e.Id, ct),
                    await OpenAsync(key, e.ByWhomCipher, RiskEntry.Table, nameof(RiskEntry.ByWhomCipher), e.Id, ct),
                    await OpenAsync(key, e.IndicatorsCipher, RiskEntry.Table, nameof(RiskEntry.IndicatorsCipher), e.Id, ct),
                    e.IsDirectThreat, e.Domains, e.ThreatLevel, e.VulnerabilityLevel, e.CapacityLevel,
                    await OpenAsync(key, e.VulnerabilitiesCipher, RiskEntry.Table, nameof(RiskEntry.VulnerabilitiesCipher), e.Id, ct),
                    await OpenAsync(key, e.CapacitiesCipher, RiskEntry.Table, nameof(RiskEntry.CapacitiesCipher), e.Id, ct),
                    e.Likelihood, e.Impact));
        }

        // A member: only the actions assigned to them, and never which register entries those address.
        var actionRows = whole
            ? db.PlanActions.AsNoTracking().Where(a => a.PlanId == plan.Id)
            : PlanAccess.AssignedActions(db.PlanActions.AsNoTracking(), db.SecurityPlans, viewer, s).Where(a => a.PlanId == plan.Id);
        var links = whole
            ? (await db.PlanActionEntries.AsNoTracking().Where(x => db.PlanActions.Any(a => a.Id == x.ActionId && a.PlanId == plan.Id)).ToListAsync(ct))
                .ToLookup(x => x.ActionId, x => x.EntryId)
            : Enumerable.Empty<PlanActionEntry>().ToLookup(x => x.ActionId, x => x.EntryId);
        var actions = new List<ActionView>();
        foreach (var a in await actionRows.OrderBy(a => a.Position).ToListAsync(ct))
            actions.Add(new ActionView(a.Id, await OpenAsync(key, a.WhatCipher, PlanAction.Table, nameof(PlanAction.WhatCipher), a.Id, ct),
                a.OwnerUserId, a.DueAt, a.Status, a.EstimatedCost, a.Currency, a.Domains, links[a.Id].ToList(), a.LessonId));

        var protocols = new List<ProtocolView>();
        var seesProtocols = whole || await PlanAccess.ProtocolsReadable(db.SecurityPlans, viewer, s).AnyAsync(p => p.Id == plan.Id, ct);
        if (seesProtocols)
            foreach (var p in await db.PlanProtocols.AsNoTracking().Where(p => p.PlanId == plan.Id).OrderBy(p => p.Position).ToListAsync(ct))
            {
                var steps = await OpenAsync(key, p.StepsCipher, PlanProtocol.Table, nameof(PlanProtocol.StepsCipher), p.Id, ct);
                var visit = await OpenAsync(key, p.VisitCipher, PlanProtocol.Table, nameof(PlanProtocol.VisitCipher), p.Id, ct);
                protocols.Add(new ProtocolView(p.Id, await OpenAsync(key, p.NameCipher, PlanProtocol.Table, nameof(PlanProtocol.NameCipher), p.Id, ct), p.Situation,
                    steps is null ? [] : JsonSerializer.Deserialize<List<string>>(steps, Json) ?? [],
                    visit is null ? null : JsonSerializer.Deserialize<ReadyVisit>(visit, Json)));
            }

        return new PlanView(plan.Id, plan.OwnerUserId, plan.OwnerOrganizationId, role, await TitleAsync(plan, key, ct), plan.TitleIsSensitive, plan.SharedWithAudience,
            whole ? await OpenAsync(key, plan.ContextCipher, SecurityPlan.Table, nameof(SecurityPlan.ContextCipher), plan.Id, ct) : null,
            whole ? await OpenAsync(key, plan.WellBeingCipher, SecurityPlan.Table, nameof(SecurityPlan.WellBeingCipher), plan.Id, ct) : null,
            whole ? await OpenAsync(key, plan.ExhaustionRisksCipher, SecurityPlan.Table, nameof(SecurityPlan.ExhaustionRisksCipher), plan.Id, ct) : null,
            plan.NextReviewAt, plan.ReviewReason, plan.CreatedAt, plan.UpdatedAt, plan.Version, actors, entries, actions, protocols);
    }

    /// <summary>
    /// Actions the person is to do, past their due date and neither done nor dropped, on plans they may still see: assigned to
    /// them, or on their own plan with nobody named. Oldest first.
    /// </summary>
    public async Task<List<OverdueAction>> OverdueActionsAsync(Guid userId, CancellationToken ct = default)
    {
        var now = Now;
        var s = AccessSources.Of(db, clock);
        var whole = PlanAccess.ReadableWhole(db.SecurityPlans, userId, s).Select(p => p.Id);
        var assigned = PlanAccess.AssignedActions(db.PlanActions, db.SecurityPlans, userId, s).Select(a => a.Id);
        var own = db.SecurityPlans.Where(p => p.OwnerUserId == userId).Select(p => p.Id);
        var rows = await db.PlanActions.AsNoTracking()
            .Where(a => a.DueAt != null && a.DueAt < now && (a.Status == PlanActionStatus.Planned || a.Status == PlanActionStatus.InProgress))
            .Where(a => (a.OwnerUserId == userId && (whole.Contains(a.PlanId) || assigned.Contains(a.Id))) || (a.OwnerUserId == null && own.Contains(a.PlanId)))
            .Join(db.SecurityPlans.AsNoTracking(), a => a.PlanId, p => p.Id, (a, p) => new { Action = a, Plan = p })
            .OrderBy(x => x.Action.DueAt)
            .ToListAsync(ct);
        var list = new List<OverdueAction>(rows.Count);
        foreach (var row in rows)
        {
            var key = await KeyOfAsync(row.Plan, ct);
            list.Add(new OverdueAction(row.Plan.Id, row.Action.Id, await TitleAsync(row.Plan, key, ct),
                await OpenAsync(key, row.Action.WhatCipher, PlanAction.Table, nameof(PlanAction.WhatCipher), row.Action.Id, ct), row.Action.DueAt!.Value));
        }
        return list;
    }

    // ---- the plan's own sections ----

    /// <summary>Title, context, well-being and review date. <paramref name="expectedVersion"/>: the version the form was shown (a later save wins nothing silently).</summary>
    public async Task<PlanWrite> UpdateAsync(Guid viewer, Guid planId, PlanInput input, int? expectedVersion = null, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input, Now);
        return await EditAsync(viewer, planId, expectedVersion, async (plan, key) =>
        {
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            await WriteSectionsAsync(plan, key, input, ct);
            if (input.NextReviewAt is { } at) plan.NextReviewAt = at;
            return PlanWrite.Done(plan.Id);
        }, ct);
    }

    /// <summary>Opens a person's plan to the audience of their "security plan" sharing category, or closes it. Only its owner; a change is audited.</summary>
    public async Task<PlanWrite> SetSharedAsync(Guid viewer, Guid planId, bool shared, CancellationToken ct = default)
    {
        var changed = false;
        var result = await EditAsync(viewer, planId, null, (plan, _) =>
        {
            if (plan.OwnerUserId != viewer) return Task.FromResult(PlanWrite.NotAllowed);
            changed = plan.SharedWithAudience != shared;
            plan.SharedWithAudience = shared;
            return Task.FromResult(PlanWrite.Done(plan.Id));
        }, ct);
        if (result.Status == PlanWriteStatus.Done && changed)
            await audit.WriteAsync(AuditEvents.SharingChanged, viewer, viewer, detail: $"plan:{planId:N}:{(shared ? "on" : "off")}", ct: ct);
        return result;
    }

    /// <summary>"The context changed": the review is due now, and the plan says why.</summary>
    public Task<PlanWrite> MarkContextChangedAsync(Guid viewer, Guid planId, CancellationToken ct = default) =>
        EditAsync(viewer, planId, null, (plan, _) =>
        {
            plan.NextReviewAt = Now;
            plan.ReviewReason = ReviewReason.ContextChanged;
            return Task.FromResult(PlanWrite.Done(plan.Id));
        }, ct);

    /// <summary>The plan was reviewed: the next review is in three months (or on the given date), for the scheduled reason.</summary>
    public Task<PlanWrite> MarkReviewedAsync(Guid viewer, Guid planId, DateTime? next = null, CancellationToken ct = default) =>
        EditAsync(viewer, planId, null, (plan, _) =>
        {
            var now = Now;
            if (next is { } at && (at <= now || at > now.AddYears(5)))
                return Task.FromResult(PlanWrite.Invalid(new() { ["NextReviewAt"] = "Plans.Error.ReviewDate" }));
            plan.NextReviewAt = next ?? DefaultReview(now);
            plan.ReviewReason = ReviewReason.Scheduled;
            return Task.FromResult(PlanWrite.Done(plan.Id));
        }, ct);

    /// <summary>Deletes the plan with everything in it. Its owner or its organization's editors; audited.</summary>
    public async Task<PlanWrite> DeleteAsync(Guid viewer, Guid planId, CancellationToken ct = default)
    {
        if (await PlanAccess.FindAsync(db, clock, planId, viewer, ct: ct) is not { } found) return PlanWrite.NotFound;
        if (!PlanAccess.MayEdit(found.Role)) return PlanWrite.NotAllowed;
        await PlanShares.PlanShareService.EndSharesOfPlanAsync(db, planId, ct); // grants have no foreign key to their item
        await db.SecurityPlans.Where(p => p.Id == planId).ExecuteDeleteAsync(ct);
        await audit.WriteAsync(PlanAudit.Removed, viewer, found.Plan.OwnerUserId ?? planId, found.Plan.OwnerOrganizationId, "plan:" + planId.ToString("N"), ct);
        return PlanWrite.Done(planId);
    }

    // ---- actors ----

    public async Task<PlanWrite> AddActorAsync(Guid viewer, Guid planId, ActorInput input, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input);
        return await EditAsync(viewer, planId, null, async (plan, key) =>
        {
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            var actor = new PlanActor { Id = Guid.NewGuid(), PlanId = plan.Id, Position = await NextPositionAsync(db.PlanActors.Where(a => a.PlanId == plan.Id).Select(a => a.Position), ct) };
            await WriteActorAsync(actor, key, input, ct);
            db.PlanActors.Add(actor);
            return PlanWrite.Done(actor.Id);
        }, ct);
    }

    public async Task<PlanWrite> UpdateActorAsync(Guid viewer, Guid planId, Guid actorId, ActorInput input, int? expectedVersion = null, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input);
        return await EditAsync(viewer, planId, expectedVersion, async (plan, key) =>
        {
            var actor = await db.PlanActors.SingleOrDefaultAsync(a => a.Id == actorId && a.PlanId == plan.Id, ct);
            if (actor is null) return PlanWrite.NotFound;
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            await WriteActorAsync(actor, key, input, ct);
            return PlanWrite.Done(actor.Id);
        }, ct);
    }

    public Task<PlanWrite> RemoveActorAsync(Guid viewer, Guid planId, Guid actorId, CancellationToken ct = default) =>
        RemoveAsync(viewer, planId, "actor", actorId, db.PlanActors.Where(a => a.Id == actorId && a.PlanId == planId), ct);

    private async Task WriteActorAsync(PlanActor actor, Guid key, ActorInput input, CancellationToken ct)
    {
        actor.Stance = input.Stance;
        actor.NameCipher = await SealAsync(key, input.Name, PlanActor.Table, nameof(PlanActor.NameCipher), actor.Id, ct);
        actor.InterestsCipher = await SealAsync(key, input.Interests, PlanActor.Table, nameof(PlanActor.InterestsCipher), actor.Id, ct);
        actor.CapacityCipher = await SealAsync(key, input.Capacity, PlanActor.Table, nameof(PlanActor.CapacityCipher), actor.Id, ct);
    }

    // ---- the risk register ----

    public async Task<PlanWrite> AddEntryAsync(Guid viewer, Guid planId, EntryInput input, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input);
        return await EditAsync(viewer, planId, null, async (plan, key) =>
        {
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            var entry = new RiskEntry { Id = Guid.NewGuid(), PlanId = plan.Id, Position = await NextPositionAsync(db.RiskEntries.Where(e => e.PlanId == plan.Id).Select(e => e.Position), ct) };
            await WriteEntryAsync(entry, key, input, ct);
            db.RiskEntries.Add(entry);
            return PlanWrite.Done(entry.Id);
        }, ct);
    }

    public async Task<PlanWrite> UpdateEntryAsync(Guid viewer, Guid planId, Guid entryId, EntryInput input, int? expectedVersion = null, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input);
        return await EditAsync(viewer, planId, expectedVersion, async (plan, key) =>
        {
            var entry = await db.RiskEntries.SingleOrDefaultAsync(e => e.Id == entryId && e.PlanId == plan.Id, ct);
            if (entry is null) return PlanWrite.NotFound;
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            await WriteEntryAsync(entry, key, input, ct);
            return PlanWrite.Done(entry.Id);
        }, ct);
    }

    /// <summary>Removes a register entry; the actions that addressed it stay, without it.</summary>
    public Task<PlanWrite> RemoveEntryAsync(Guid viewer, Guid planId, Guid entryId, CancellationToken ct = default) =>
        RemoveAsync(viewer, planId, "entry", entryId, db.RiskEntries.Where(e => e.Id == entryId && e.PlanId == planId), ct);

    private async Task WriteEntryAsync(RiskEntry entry, Guid key, EntryInput input, CancellationToken ct)
    {
        entry.IsDirectThreat = input.IsDirectThreat;
        entry.Domains = input.Domains;
        entry.ThreatLevel = input.ThreatLevel;
        entry.VulnerabilityLevel = input.VulnerabilityLevel;
        entry.CapacityLevel = input.CapacityLevel;
        entry.Likelihood = input.Likelihood;
        entry.Impact = input.Impact;
        entry.ThreatCipher = await SealAsync(key, input.Threat, RiskEntry.Table, nameof(RiskEntry.ThreatCipher), entry.Id, ct);
        entry.ByWhomCipher = await SealAsync(key, input.ByWhom, RiskEntry.Table, nameof(RiskEntry.ByWhomCipher), entry.Id, ct);
        entry.IndicatorsCipher = await SealAsync(key, input.Indicators, RiskEntry.Table, nameof(RiskEntry.IndicatorsCipher), entry.Id, ct);
        entry.VulnerabilitiesCipher = await SealAsync(key, input.Vulnerabilities, RiskEntry.Table, nameof(RiskEntry.VulnerabilitiesCipher), entry.Id, ct);
        entry.CapacitiesCipher = await SealAsync(key, input.Capacities, RiskEntry.Table, nameof(RiskEntry.CapacitiesCipher), entry.Id, ct);
    }

    // ---- actions ----

    public async Task<PlanWrite> AddActionAsync(Guid viewer, Guid planId, ActionInput input, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input, Now);
        return await EditAsync(viewer, planId, null, async (plan, key) =>
        {
            await CheckActionAsync(plan, input, errors, ct);
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            var action = new PlanAction { Id = Guid.NewGuid(), PlanId = plan.Id, Position = await NextPositionAsync(db.PlanActions.Where(a => a.PlanId == plan.Id).Select(a => a.Position), ct) };
            await WriteActionAsync(action, key, input, ct);
            db.PlanActions.Add(action);
            return PlanWrite.Done(action.Id);
        }, ct);
    }

    public async Task<PlanWrite> UpdateActionAsync(Guid viewer, Guid planId, Guid actionId, ActionInput input, int? expectedVersion = null, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input, Now);
        return await EditAsync(viewer, planId, expectedVersion, async (plan, key) =>
        {
            var action = await db.PlanActions.SingleOrDefaultAsync(a => a.Id == actionId && a.PlanId == plan.Id, ct);
            if (action is null) return PlanWrite.NotFound;
            await CheckActionAsync(plan, input, errors, ct);
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            // The entries it addresses are replaced (inside the change's transaction: a refused save undoes this too).
            await db.PlanActionEntries.Where(x => x.ActionId == action.Id).ExecuteDeleteAsync(ct);
            await WriteActionAsync(action, key, input, ct);
            return PlanWrite.Done(action.Id);
        }, ct);
    }

    public Task<PlanWrite> RemoveActionAsync(Guid viewer, Guid planId, Guid actionId, CancellationToken ct = default) =>
        RemoveAsync(viewer, planId, "action", actionId, db.PlanActions.Where(a => a.Id == actionId && a.PlanId == planId), ct);

    /// <summary>
    /// Who may be given an action: for an organization's plan, one of its members; for a person's plan, the person, or —
    /// while the plan is shared — someone their "security plan" category reaches today (someone who can read it). The
    /// entries must be this plan's.
    /// </summary>
    private async Task CheckActionAsync(SecurityPlan plan, ActionInput input, Dictionary<string, string> errors, CancellationToken ct)
    {
        if (input.OwnerUserId is { } who && !await MayBeGivenAsync(plan, who, ct)) errors["OwnerUserId"] = "Plans.Error.ActionOwner";
        var ids = (input.EntryIds ?? []).Distinct().ToList();
        if (ids.Count > 0 && ids.Count <= PlanRules.MaxEntriesPerAction
            && await db.RiskEntries.CountAsync(e => e.PlanId == plan.Id && ids.Contains(e.Id), ct) != ids.Count)
            errors["EntryIds"] = "Plans.Error.Entries";
    }

    /// <summary>Whether an action of this plan may be given to the person (the rule of <see cref="CheckActionAsync"/>).</summary>
    private async Task<bool> MayBeGivenAsync(SecurityPlan plan, Guid who, CancellationToken ct) =>
        plan.OwnerOrganizationId is { } org
            ? await db.Memberships.AnyAsync(m => m.OrganizationId == org && m.UserId == who, ct)
            : who == plan.OwnerUserId
                || (plan.SharedWithAudience && await Access.AudienceOf(plan.OwnerUserId!.Value, DataCategory.SecurityPlan, AccessSources.Of(db, clock)).AnyAsync(v => v == who, ct));

    private async Task WriteActionAsync(PlanAction action, Guid key, ActionInput input, CancellationToken ct)
    {
        action.OwnerUserId = input.OwnerUserId;
        action.DueAt = input.DueAt;
        action.Status = input.Status;
        action.EstimatedCost = input.EstimatedCost;
        action.Currency = input.EstimatedCost is null && input.Currency is null ? null : input.Currency;
        action.Domains = input.Domains;
        action.LessonId = input.LessonId ?? action.LessonId; // an edit on the plan page keeps the lesson it came from
        action.WhatCipher = await SealAsync(key, input.What, PlanAction.Table, nameof(PlanAction.WhatCipher), action.Id, ct);
        foreach (var entryId in (input.EntryIds ?? []).Distinct())
            db.PlanActionEntries.Add(new PlanActionEntry { ActionId = action.Id, EntryId = entryId });
    }

    // ---- protocols ----

    public async Task<PlanWrite> AddProtocolAsync(Guid viewer, Guid planId, ProtocolInput input, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input);
        return await EditAsync(viewer, planId, null, async (plan, key) =>
        {
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            var protocol = new PlanProtocol { Id = Guid.NewGuid(), PlanId = plan.Id, Position = await NextPositionAsync(db.PlanProtocols.Where(p => p.PlanId == plan.Id).Select(p => p.Position), ct) };
            await WriteProtocolAsync(protocol, key, input, ct);
            db.PlanProtocols.Add(protocol);
            return PlanWrite.Done(protocol.Id);
        }, ct);
    }

    public async Task<PlanWrite> UpdateProtocolAsync(Guid viewer, Guid planId, Guid protocolId, ProtocolInput input, int? expectedVersion = null, CancellationToken ct = default)
    {
        var errors = PlanRules.Check(input);
        return await EditAsync(viewer, planId, expectedVersion, async (plan, key) =>
        {
            var protocol = await db.PlanProtocols.SingleOrDefaultAsync(p => p.Id == protocolId && p.PlanId == plan.Id, ct);
            if (protocol is null) return PlanWrite.NotFound;
            if (errors.Count > 0) return PlanWrite.Invalid(errors);
            await WriteProtocolAsync(protocol, key, input, ct);
            return PlanWrite.Done(protocol.Id);
        }, ct);
    }

    public Task<PlanWrite> RemoveProtocolAsync(Guid viewer, Guid planId, Guid protocolId, CancellationToken ct = default) =>
        RemoveAsync(viewer, planId, "protocol", protocolId, db.PlanProtocols.Where(p => p.Id == protocolId && p.PlanId == planId), ct);

    private async Task WriteProtocolAsync(PlanProtocol protocol, Guid key, ProtocolInput input, CancellationToken ct)
    {
        protocol.Situation = input.Situation;
        var steps = (input.Steps ?? []).Select(PlanRules.Clean).OfType<string>().ToList();
        var visit = input.Visit is { } v ? v with { PlaceKind = PlanRules.Clean(v.PlaceKind), Message = PlanRules.Clean(v.Message) } : null;
        protocol.NameCipher = await SealAsync(key, input.Name, PlanProtocol.Table, nameof(PlanProtocol.NameCipher), protocol.Id, ct);
        protocol.StepsCipher = await cipher.EncryptAsync(db, key, JsonSerializer.Serialize(steps, Json), PlanProtocol.Table, nameof(PlanProtocol.StepsCipher), protocol.Id, ct);
        protocol.VisitCipher = visit is null ? null
            : await cipher.EncryptAsync(db, key, JsonSerializer.Serialize(visit, Json), PlanProtocol.Table, nameof(PlanProtocol.VisitCipher), protocol.Id, ct);
    }

    // ---- the one way a change is made ----

    /// <summary>
    /// Finds the plan through <see cref="PlanAccess"/>, refuses anyone who may not change it, runs the change and saves it
    /// with the plan's version raised, in one transaction. A change that returns anything but Done is rolled back, with
    /// whatever it had already deleted.
    /// </summary>
    private async Task<PlanWrite> EditAsync(Guid viewer, Guid planId, int? expectedVersion, Func<SecurityPlan, Guid, Task<PlanWrite>> change, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await PlanAccess.FindAsync(db, clock, planId, viewer, tracked: true, ct) is not { } found) return PlanWrite.NotFound;
        var (plan, role) = found;
        if (!PlanAccess.MayEdit(role)) return Refused(PlanWrite.NotAllowed);
        if (expectedVersion is { } v && v != plan.Version) return Refused(PlanWrite.Conflict);
        var key = await KeyOfAsync(plan, ct);
        var result = await change(plan, key);
        if (result.Status != PlanWriteStatus.Done) return Refused(result);
        plan.UpdatedAt = Now;
        plan.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused(PlanWrite.Conflict);
        }
        // Every saved change makes a version: the whole plan as it now stands, read back inside the same transaction.
        await AddVersionAsync(plan, viewer, key, PlanFile.Of(await ViewAsync(plan, PlanRole.Owner, viewer, ct), plan.UpdatedAt), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return result;
    }

    private PlanWrite Refused(PlanWrite result)
    {
        db.ChangeTracker.Clear();
        return result;
    }

    private async Task<PlanWrite> RemoveAsync<T>(Guid viewer, Guid planId, string part, Guid id, IQueryable<T> row, CancellationToken ct)
    {
        Guid? org = null;
        var result = await EditAsync(viewer, planId, null, async (plan, _) =>
        {
            org = plan.OwnerOrganizationId;
            return await row.ExecuteDeleteAsync(ct) == 1 ? PlanWrite.Done(id) : PlanWrite.NotFound;
        }, ct);
        if (result.Status == PlanWriteStatus.Done)
            await audit.WriteAsync(PlanAudit.Removed, viewer, planId, org, $"{part}:{id:N}", ct);
        return result;
    }

    // ---- keys and fields ----

    /// <summary>The owner's data key: the person's, or the organization's.</summary>
    private Task<Guid> KeyOfAsync(SecurityPlan plan, CancellationToken ct) =>
        plan.OwnerOrganizationId is { } org
            ? OrganizationKeys.KeyIdAsync(db, org, ct)
            : db.Users.Where(u => u.Id == plan.OwnerUserId).Select(u => u.DataKeyId).SingleAsync(ct);

    private async Task WriteSectionsAsync(SecurityPlan plan, Guid key, PlanInput input, CancellationToken ct)
    {
        plan.TitleIsSensitive = input.TitleIsSensitive;
        var title = PlanRules.Clean(input.Title);
        plan.PlainTitle = input.TitleIsSensitive ? null : title;
        plan.TitleCipher = input.TitleIsSensitive ? await SealAsync(key, title, SecurityPlan.Table, nameof(SecurityPlan.TitleCipher), plan.Id, ct) : null;
        plan.ContextCipher = await SealAsync(key, input.Context, SecurityPlan.Table, nameof(SecurityPlan.ContextCipher), plan.Id, ct);
        plan.WellBeingCipher = await SealAsync(key, input.WellBeing, SecurityPlan.Table, nameof(SecurityPlan.WellBeingCipher), plan.Id, ct);
        plan.ExhaustionRisksCipher = await SealAsync(key, input.ExhaustionRisks, SecurityPlan.Table, nameof(SecurityPlan.ExhaustionRisksCipher), plan.Id, ct);
    }

    private async Task<string?> TitleAsync(SecurityPlan plan, Guid key, CancellationToken ct) =>
        plan.TitleIsSensitive ? await OpenAsync(key, plan.TitleCipher, SecurityPlan.Table, nameof(SecurityPlan.TitleCipher), plan.Id, ct) : plan.PlainTitle;

    private Task<byte[]?> SealAsync(Guid key, string? text, string table, string column, Guid row, CancellationToken ct) =>
        cipher.EncryptAsync(db, key, PlanRules.Clean(text), table, column, row, ct);

    private Task<string?> OpenAsync(Guid key, byte[]? value, string table, string column, Guid row, CancellationToken ct) =>
        cipher.DecryptAsync(db, key, value, table, column, row, ct);

    private static async Task<int> NextPositionAsync(IQueryable<int> positions, CancellationToken ct) =>
        (await positions.Select(p => (int?)p).MaxAsync(ct) ?? -1) + 1;
}
