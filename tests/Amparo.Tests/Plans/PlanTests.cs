using System.Text;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Plans;

/// <summary>
/// The core of security plans: a person's plan kept whole and encrypted at rest; who may see and change a person's
/// and an organization's plan (the audience rule, with every refusal changing nothing); "export my data" and
/// "delete my account" with plans in them.
/// </summary>
public abstract class PlanTests(AppFixture app)
{
    private Task<T> PlansAsync<T>(Func<PlanService, Task<T>> work) => app.WithServicesAsync(sp => work(sp.GetRequiredService<PlanService>()));

    private Task<PlanView?> GetAsync(OrgKit.Person viewer, Guid planId) => PlansAsync(p => p.GetAsync(viewer.Id, planId));

    private static Guid Made(PlanWrite result)
    {
        Assert.True(result.Status == PlanWriteStatus.Done, $"{result.Status}: {string.Join(", ", result.Errors?.Select(e => e.Key + "=" + e.Value) ?? [])}");
        return result.Id!.Value;
    }

    private static readonly EntryInput Threat = new("Followed home after hearings", "A private security firm", "The same car twice a week",
        true, SecurityDomains.Physical | SecurityDomains.GenderIdentity, PlanLevel.Three, PlanLevel.Two, PlanLevel.One,
        "I walk home alone", "Neighbours who watch the street", PlanLevel.Three, PlanLevel.Four);

    private static ProtocolInput Protocol(string name) => new(name, ProtocolSituation.DetentionOrArrest,
        ["Call the lawyer on duty", "Tell the network"], new ReadyVisit("Police station", 120, 15, 30, [], "Ask for the lawyer at the desk"));

    [Fact]
    public async Task APersonsPlan_IsKeptWhole_EncryptedAtRest_AndChangedOnlyThroughItsRules()
    {
        var me = await app.PersonAsync("planner");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var planId = Made(await PlansAsync(p => p.CreateForPersonAsync(me.Id, new PlanInput("The land case", true,
            "Defending the river community against the mine", "Sunday rest, a weekly call with my sister", "Night shifts, no holidays since spring"))));
        var actorId = Made(await PlansAsync(p => p.AddActorAsync(me.Id, planId, new ActorInput("The mining company", ActorStance.Adversary, "The concession", "Hires guards and lawyers"))));
        var entryId = Made(await PlansAsync(p => p.AddEntryAsync(me.Id, planId, Threat)));
        var actionId = Made(await PlansAsync(p => p.AddActionAsync(me.Id, planId, new ActionInput("Install a door camera", me.Id, now.AddDays(-1),
            PlanActionStatus.Planned, 120.50m, "USD", SecurityDomains.Physical, [entryId]))));
        var protocolId = Made(await PlansAsync(p => p.AddProtocolAsync(me.Id, planId, Protocol("If I am detained"))));

        // Read back whole, decrypted, in order; the review falls three months after creation.
        var plan = (await GetAsync(me, planId))!;
        Assert.Equal(PlanRole.Owner, plan.Role);
        Assert.Equal(("The land case", "Defending the river community against the mine", "Sunday rest, a weekly call with my sister", "Night shifts, no holidays since spring"),
            (plan.Title, plan.Context, plan.WellBeing, plan.ExhaustionRisks));
        // (PostgreSQL keeps microseconds: instants are compared to the microsecond.)
        Assert.Equal(now.AddMonths(3), plan.NextReviewAt, Microsecond);
        Assert.Equal((ReviewReason.Scheduled, false), (plan.ReviewReason, plan.SharedWithAudience));
        Assert.Equal(new ActorView(actorId, "The mining company", ActorStance.Adversary, "The concession", "Hires guards and lawyers"), Assert.Single(plan.Actors));
        var entry = Assert.Single(plan.Entries);
        Assert.Equal(new EntryView(entryId, Threat.Threat, Threat.ByWhom, Threat.Indicators, true, Threat.Domains, PlanLevel.Three, PlanLevel.Two, PlanLevel.One,
            Threat.Vulnerabilities, Threat.Capacities, PlanLevel.Three, PlanLevel.Four), entry);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(("Install a door camera", me.Id, 120.50m, "USD", PlanActionStatus.Planned), (action.What, action.OwnerUserId, action.EstimatedCost, action.Currency, action.Status));
        Assert.Equal([entryId], action.EntryIds);
        var protocol = Assert.Single(plan.Protocols);
        Assert.Equal(("If I am detained", ProtocolSituation.DetentionOrArrest), (protocol.Name, protocol.Situation));
        Assert.Equal(["Call the lawyer on duty", "Tell the network"], protocol.Steps);
        Assert.Equal(("Police station", 120, 15, "Ask for the lawyer at the desk"), (protocol.Visit!.PlaceKind, protocol.Visit.DurationMinutes, protocol.Visit.GraceMinutes, protocol.Visit.Message));

        // At rest every text is ciphertext bound to its row: the plaintext is nowhere in the stored bytes.
        await app.WithDbAsync(async db =>
        {
            var row = await db.SecurityPlans.AsNoTracking().SingleAsync(p => p.Id == planId);
            Assert.Null(row.PlainTitle);
            AssertSealed(row.TitleCipher, "The land case");
            AssertSealed(row.ContextCipher, "river community");
            AssertSealed(row.WellBeingCipher, "my sister");
            AssertSealed(row.ExhaustionRisksCipher, "Night shifts");
            var a = await db.PlanActors.AsNoTracking().SingleAsync(x => x.Id == actorId);
            AssertSealed(a.NameCipher, "mining");
            AssertSealed(a.InterestsCipher, "concession");
            AssertSealed(a.CapacityCipher, "guards");
            var e = await db.RiskEntries.AsNoTracking().SingleAsync(x => x.Id == entryId);
            AssertSealed(e.ThreatCipher, "Followed");
            AssertSealed(e.ByWhomCipher, "security firm");
            AssertSealed(e.IndicatorsCipher, "same car");
            AssertSealed(e.VulnerabilitiesCipher, "walk home");
            AssertSealed(e.CapacitiesCipher, "Neighbours");
            AssertSealed((await db.PlanActions.AsNoTracking().SingleAsync(x => x.Id == actionId)).WhatCipher, "door camera");
            var pr = await db.PlanProtocols.AsNoTracking().SingleAsync(x => x.Id == protocolId);
            AssertSealed(pr.NameCipher, "detained");
            AssertSealed(pr.StepsCipher, "lawyer");
            AssertSealed(pr.VisitCipher, "Police station");
            return true;
        });

        // A title marked non-sensitive is kept in clear, and only then.
        var open = Made(await PlansAsync(p => p.CreateForPersonAsync(me.Id, new PlanInput("Home", false, null, null, null))));
        var openRow = await app.WithDbAsync(db => db.SecurityPlans.AsNoTracking().SingleAsync(p => p.Id == open));
        Assert.Equal(("Home", null), (openRow.PlainTitle, openRow.TitleCipher));
        Assert.Equal(["The land case", "Home"], (await PlansAsync(p => p.ListAsync(me.Id))).Where(s => s.Id == planId || s.Id == open).Select(s => s.Title).Order().Reverse());

        // Bad input is refused field by field, with a key every language has, and changes nothing.
        var before = (await GetAsync(me, planId))!.Version;
        var bad = await PlansAsync(p => p.AddActionAsync(me.Id, planId, new ActionInput("", null, null, (PlanActionStatus)9, -1m, "usd", (SecurityDomains)4096, [Guid.NewGuid()])));
        Assert.Equal(PlanWriteStatus.Invalid, bad.Status);
        Assert.Equal(new Dictionary<string, string>
        {
            ["What"] = "Plans.Error.Required", ["Status"] = "Plans.Error.Choice", ["Domains"] = "Plans.Error.Choice",
            ["EstimatedCost"] = "Plans.Error.Cost", ["Currency"] = "Plans.Error.Currency", ["EntryIds"] = "Plans.Error.Entries",
        }, bad.Errors);
        Assert.Equal("Plans.Error.Currency", (await PlansAsync(p => p.AddActionAsync(me.Id, planId, new ActionInput("Buy a phone", null, null, PlanActionStatus.Planned, 10m, "ABC", SecurityDomains.Digital)))).Errors!["Currency"]);
        Assert.Equal("Plans.Error.Level", (await PlansAsync(p => p.AddEntryAsync(me.Id, planId, Threat with { CapacityLevel = (PlanLevel)5 }))).Errors!["CapacityLevel"]);
        Assert.Equal("Plans.Error.TooLong", (await PlansAsync(p => p.UpdateAsync(me.Id, planId, new PlanInput(new string('x', 201), true, null, null, null)))).Errors!["Title"]);
        Assert.Equal("Plans.Error.TooLong", (await PlansAsync(p => p.UpdateActorAsync(me.Id, planId, actorId, new ActorInput("Nul\0here", ActorStance.Unknown, null, null)))).Errors!["Name"]);
        Assert.Equal("Plans.Error.Visit", (await PlansAsync(p => p.AddProtocolAsync(me.Id, planId, Protocol("Too long a visit") with { Visit = new ReadyVisit(null, 60 * 24 * 30, null, null, null, null) }))).Errors!["Visit"]);
        // An action can be given only to the person or their plan's audience; a stranger is refused.
        var stranger = await app.PersonAsync("stranger");
        Assert.Equal("Plans.Error.ActionOwner", (await PlansAsync(p => p.AddActionAsync(me.Id, planId, new ActionInput("Drive me", stranger.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.None)))).Errors!["OwnerUserId"]);
        Assert.Equal(before, (await GetAsync(me, planId))!.Version);
        Assert.Single((await GetAsync(me, planId))!.Actions);

        // Saving from a form shown before someone else's save is a conflict, not an overwrite.
        Made(await PlansAsync(p => p.UpdateAsync(me.Id, planId, new PlanInput("The land case", true, "Now also the water permit", "Sunday rest", null), before)));
        Assert.Equal(PlanWriteStatus.Conflict, (await PlansAsync(p => p.UpdateAsync(me.Id, planId, new PlanInput("Stale", true, null, null, null), before))).Status);
        Assert.Equal(("The land case", "Now also the water permit", null), ((await GetAsync(me, planId))!.Title, (await GetAsync(me, planId))!.Context, (await GetAsync(me, planId))!.ExhaustionRisks));

        // The overdue action is on my home page; "context changed" makes the review due now and says why.
        Assert.Contains(await PlansAsync(p => p.OverdueActionsAsync(me.Id)), o => o.ActionId == actionId && o.What == "Install a door camera" && o.PlanTitle == "The land case");
        Made(await PlansAsync(p => p.MarkContextChangedAsync(me.Id, planId)));
        plan = (await GetAsync(me, planId))!;
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, plan.NextReviewAt, Microsecond);
        Assert.Equal(ReviewReason.ContextChanged, plan.ReviewReason);

        // Removing the entry leaves the action without it; removing the protocol and the plan are audited.
        Made(await PlansAsync(p => p.RemoveEntryAsync(me.Id, planId, entryId)));
        Assert.Empty((await GetAsync(me, planId))!.Actions.Single().EntryIds);
        Made(await PlansAsync(p => p.RemoveProtocolAsync(me.Id, planId, protocolId)));
        Made(await PlansAsync(p => p.DeleteAsync(me.Id, open)));
        Assert.Null(await GetAsync(me, open));
        Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.RemoveProtocolAsync(me.Id, planId, protocolId))).Status);
        var removed = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == PlanAudit.Removed && e.ActorId == me.Id).Select(e => e.Detail).ToListAsync());
        Assert.Equal(["entry:" + entryId.ToString("N"), "plan:" + open.ToString("N"), "protocol:" + protocolId.ToString("N")], removed.Order());
    }

    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    private static void AssertSealed(byte[]? stored, string plaintext)
    {
        Assert.NotNull(stored);
        Assert.True(stored.Length > Encoding.UTF8.GetByteCount(plaintext), "too short to hold the text and its tag");
        Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(plaintext)));
    }

    [Fact]
    public async Task APersonsPlan_IsSeenByOthers_OnlyWithTheCategoryAndTheFlagBoth_AndWrittenByNobodyElse()
    {
        var owner = await app.PersonAsync("owner");
        var admin = await app.PersonAsync("admin");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, owner);
        var focal = await app.PersonAsync("focal");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var member = await app.PersonAsync("member");
        await app.AddMemberAsync(org, member);
        var otherAdmin = await app.PersonAsync("otheradmin");
        await app.OrganizationAsync(otherAdmin);

        var shared = Made(await PlansAsync(p => p.CreateForPersonAsync(owner.Id, new PlanInput("Shared one", true, "Context", null, null))));
        var kept = Made(await PlansAsync(p => p.CreateForPersonAsync(owner.Id, new PlanInput("Kept one", true, "Private", null, null))));
        async Task<bool> FocalSeesAsync(Guid plan) =>
            await GetAsync(focal, plan) is not null | (await PlansAsync(p => p.ListAsync(focal.Id))).Any(s => s.Id == plan);

        // Neither the category nor the flag; then the flag alone; then the category alone (on the other plan): nothing.
        Assert.False(await FocalSeesAsync(shared));
        Made(await PlansAsync(p => p.SetSharedAsync(owner.Id, shared, true)));
        Assert.False(await FocalSeesAsync(shared));
        ActionInput ForFocal() => new("Walk me to the hearing", focal.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.Physical);
        Assert.Equal("Plans.Error.ActionOwner", (await PlansAsync(p => p.AddActionAsync(owner.Id, shared, ForFocal()))).Errors!["OwnerUserId"]);
        await SetCategoryAsync(owner, true);
        Assert.Equal("Plans.Error.ActionOwner", (await PlansAsync(p => p.AddActionAsync(owner.Id, kept, ForFocal()))).Errors!["OwnerUserId"]);
        Assert.False(await FocalSeesAsync(kept));

        // Both: the focal point reads it whole, as a reader, and the read is in the audit trail (ids only).
        var seen = (await GetAsync(focal, shared))!;
        Assert.Equal((PlanRole.Reader, "Context"), (seen.Role, seen.Context));
        Assert.Contains(await PlansAsync(p => p.ListAsync(focal.Id)), s => s.Id == shared && s.Role == PlanRole.Reader);
        // Only now can the owner give the focal point an action on it (someone who can read it).
        Made(await PlansAsync(p => p.AddActionAsync(owner.Id, shared, ForFocal())));
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEvents.SensitiveRead && e.ActorId == focal.Id
            && e.SubjectId == owner.Id && e.Detail == "plan:" + shared.ToString("N"))));

        // ...and changes nothing: every write is refused and the plan stays as it was.
        var version = (await GetAsync(owner, shared))!.Version;
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.UpdateAsync(focal.Id, shared, new PlanInput("Taken", true, null, null, null)))).Status);
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.AddEntryAsync(focal.Id, shared, Threat))).Status);
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.SetSharedAsync(focal.Id, shared, false))).Status);
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.DeleteAsync(focal.Id, shared))).Status);
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.MarkContextChangedAsync(focal.Id, shared))).Status);
        var after = (await GetAsync(owner, shared))!;
        Assert.Equal((version, "Shared one", 0), (after.Version, after.Title, after.Entries.Count));

        // A plain member, another organization's admin, a stranger: not there at all, for reading and writing alike.
        foreach (var outsider in new[] { member, otherAdmin, await app.PersonAsync("stranger") })
        {
            Assert.Null(await GetAsync(outsider, shared));
            Assert.DoesNotContain(await PlansAsync(p => p.ListAsync(outsider.Id)), s => s.Id == shared);
            Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.AddActorAsync(outsider.Id, shared, new ActorInput("x", ActorStance.Ally, null, null)))).Status);
        }

        // The flag off again (audited), or the category off with the flag on: nothing, at once.
        Made(await PlansAsync(p => p.SetSharedAsync(owner.Id, shared, false)));
        Assert.False(await FocalSeesAsync(shared));
        Made(await PlansAsync(p => p.SetSharedAsync(owner.Id, shared, true)));
        Assert.True(await FocalSeesAsync(shared));
        await SetCategoryAsync(owner, false);
        Assert.False(await FocalSeesAsync(shared));
        var changes = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AuditEvents.SharingChanged && e.ActorId == owner.Id && e.Detail.StartsWith("plan:")).Select(e => e.Detail).ToListAsync());
        Assert.Equal(3, changes.Count);
    }

    private Task<int> SetCategoryAsync(OrgKit.Person owner, bool on) => app.WithServicesAsync(async sp =>
    {
        var rules = new HashSet<(DataCategory, Audience)> { (DataCategory.VisitsAndAlerts, Audience.OrgFocalPoints) };
        if (on) rules.Add((DataCategory.SecurityPlan, Audience.OrgFocalPoints));
        return await sp.GetRequiredService<SharingSettings>().SaveAsync(owner.Id, rules);
    });

    [Fact]
    public async Task AnOrganizationsPlan_StaffEditAll_MembersSeeProtocolsAndTheirOwnActions_OthersNothing()
    {
        var admin = await app.PersonAsync("orgadmin");
        var org = await app.OrganizationAsync(admin);
        var focal = await app.PersonAsync("orgfocal");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var assignee = await app.PersonAsync("assignee");
        await app.AddMemberAsync(org, assignee);
        var member = await app.PersonAsync("member");
        await app.AddMemberAsync(org, member);
        var otherAdmin = await app.PersonAsync("otheradmin");
        var otherOrg = await app.OrganizationAsync(otherAdmin);
        var now = app.Clock.GetUtcNow().UtcDateTime;

        // Only staff create it; a member asking is told there is no such organization.
        Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.CreateForOrganizationAsync(member.Id, org, new PlanInput("Office", true, null, null, null)))).Status);
        Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.CreateForOrganizationAsync(otherAdmin.Id, org, new PlanInput("Office", true, null, null, null)))).Status);
        var planId = Made(await PlansAsync(p => p.CreateForOrganizationAsync(focal.Id, org, new PlanInput("Office", true, "Our office in the old town", "Team lunch on Fridays", null))));
        Made(await PlansAsync(p => p.AddActorAsync(admin.Id, planId, new ActorInput("The landlord", ActorStance.Neutral, null, null))));
        var entryId = Made(await PlansAsync(p => p.AddEntryAsync(admin.Id, planId, Threat with { Threat = "Someone inside passes on our calendar" })));
        var theirs = Made(await PlansAsync(p => p.AddActionAsync(admin.Id, planId, new ActionInput("Change the office locks", assignee.Id, now.AddDays(-2),
            PlanActionStatus.InProgress, 300m, "EUR", SecurityDomains.Physical, [entryId]))));
        Made(await PlansAsync(p => p.AddActionAsync(focal.Id, planId, new ActionInput("Review who holds keys", admin.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.Physical, [entryId]))));
        Made(await PlansAsync(p => p.AddProtocolAsync(focal.Id, planId, Protocol("Break-in at the office"))));

        // Encrypted with the organization's own key (not the admin's): the admin's key does not open it.
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var cipher = sp.GetRequiredService<Amparo.Web.Infrastructure.Security.FieldCipher>();
            var row = await db.SecurityPlans.AsNoTracking().SingleAsync(p => p.Id == planId);
            Assert.Equal("Our office in the old town", await cipher.DecryptAsync(db, await OrganizationKeys.KeyIdAsync(db, org), row.ContextCipher, SecurityPlan.Table, nameof(SecurityPlan.ContextCipher), planId));
            await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() =>
                cipher.DecryptAsync(db, admin.User.DataKeyId, row.ContextCipher, SecurityPlan.Table, nameof(SecurityPlan.ContextCipher), planId));
            return true;
        });

        // Admin and focal point: editors, everything.
        foreach (var staff in new[] { admin, focal })
        {
            var whole = (await GetAsync(staff, planId))!;
            Assert.Equal((PlanRole.Editor, "Our office in the old town", 1, 1, 2, 1), (whole.Role, whole.Context, whole.Actors.Count, whole.Entries.Count, whole.Actions.Count, whole.Protocols.Count));
        }
        Made(await PlansAsync(p => p.MarkContextChangedAsync(focal.Id, planId)));

        // The assignee: the protocols and their own action, without the entry it addresses; no register, actors, context.
        var mine = (await GetAsync(assignee, planId))!;
        Assert.Equal(PlanRole.Member, mine.Role);
        Assert.Equal((null, null, null), (mine.Context, mine.WellBeing, mine.ExhaustionRisks));
        Assert.Empty(mine.Actors);
        Assert.Empty(mine.Entries);
        var only = Assert.Single(mine.Actions);
        Assert.Equal((theirs, "Change the office locks"), (only.Id, only.What));
        Assert.Empty(only.EntryIds);
        Assert.Equal(["Call the lawyer on duty", "Tell the network"], Assert.Single(mine.Protocols).Steps);
        Assert.Contains(await PlansAsync(p => p.OverdueActionsAsync(assignee.Id)), o => o.ActionId == theirs);
        Assert.Contains(await PlansAsync(p => p.ListAsync(assignee.Id)), s => s.Id == planId && s.Role == PlanRole.Member);
        // ...and no member writes, not even to their own action.
        var version = (await GetAsync(admin, planId))!.Version;
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.UpdateActionAsync(assignee.Id, planId, theirs, new ActionInput("Done", assignee.Id, null, PlanActionStatus.Done, null, null, SecurityDomains.None)))).Status);
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.AddEntryAsync(member.Id, planId, Threat))).Status);
        Assert.Equal(PlanWriteStatus.NotAllowed, (await PlansAsync(p => p.RemoveEntryAsync(member.Id, planId, entryId))).Status);
        Assert.Equal(version, (await GetAsync(admin, planId))!.Version);
        Assert.Single((await GetAsync(admin, planId))!.Entries);

        // Another member: the protocols only.
        var theirView = (await GetAsync(member, planId))!;
        Assert.Equal((PlanRole.Member, 0, 0, 1), (theirView.Role, theirView.Actions.Count, theirView.Entries.Count, theirView.Protocols.Count));

        // Actions go only to members; entries only of this plan.
        Assert.Equal("Plans.Error.ActionOwner", (await PlansAsync(p => p.AddActionAsync(admin.Id, planId, new ActionInput("Outside help", otherAdmin.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.None)))).Errors!["OwnerUserId"]);
        var elsewhere = Made(await PlansAsync(p => p.CreateForOrganizationAsync(otherAdmin.Id, otherOrg, new PlanInput("Theirs", false, null, null, null))));
        var foreignEntry = Made(await PlansAsync(p => p.AddEntryAsync(otherAdmin.Id, elsewhere, Threat)));
        Assert.Equal("Plans.Error.Entries", (await PlansAsync(p => p.UpdateActionAsync(admin.Id, planId, theirs, new ActionInput("Change the office locks", assignee.Id, null, PlanActionStatus.InProgress, null, null, SecurityDomains.None, [foreignEntry])))).Errors!["EntryIds"]);
        Assert.Equal([entryId], (await GetAsync(admin, planId))!.Actions.Single(a => a.Id == theirs).EntryIds);

        // Another organization's admin: nothing, and no change through any door (a part of our plan named with theirs neither).
        Assert.Null(await GetAsync(otherAdmin, planId));
        Assert.DoesNotContain(await PlansAsync(p => p.ListAsync(otherAdmin.Id)), s => s.Id == planId);
        Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.UpdateAsync(otherAdmin.Id, planId, new PlanInput("Taken", false, null, null, null)))).Status);
        Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.RemoveEntryAsync(otherAdmin.Id, elsewhere, entryId))).Status);
        Assert.Single((await GetAsync(admin, planId))!.Entries);

        // A former member: nothing, their action not even on their home page. The organization withdrawing its grant to
        // members: the protocols are gone from the members' view.
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(org, admin.Id, assignee.Id));
        Assert.Null(await GetAsync(assignee, planId));
        Assert.DoesNotContain(await PlansAsync(p => p.OverdueActionsAsync(assignee.Id)), o => o.ActionId == theirs);
        await app.WithDbAsync(db => db.AccessGrants.Where(g => g.OwnerId == org && g.Category == DataCategory.OrganizationProtocols)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.RevokedAt, app.Clock.GetUtcNow().UtcDateTime)));
        Assert.Null(await GetAsync(member, planId));
        Assert.NotNull(await GetAsync(focal, planId));

        // Deleting the organization takes its plans with it.
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().DeleteAsync(org, null));
        Assert.False(await app.WithDbAsync(db => db.SecurityPlans.AnyAsync(p => p.Id == planId)));
        Assert.False(await app.WithDbAsync(db => db.RiskEntries.AnyAsync(e => e.PlanId == planId)));
    }

    [Fact]
    public async Task ExportAndDeleteMyAccount_IncludeMyPlans()
    {
        var me = await app.PersonAsync("exporter");
        var admin = await app.PersonAsync("orgadmin");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, me);
        var mine = Made(await PlansAsync(p => p.CreateForPersonAsync(me.Id, new PlanInput("Journalism", true, "Sources in the ministry", "Swimming", null))));
        var entry = Made(await PlansAsync(p => p.AddEntryAsync(me.Id, mine, Threat)));
        Made(await PlansAsync(p => p.AddActionAsync(me.Id, mine, new ActionInput("Use a separate phone", null, null, PlanActionStatus.Planned, 80m, "KES", SecurityDomains.Digital, [entry]))));
        var orgPlan = Made(await PlansAsync(p => p.CreateForOrganizationAsync(admin.Id, org, new PlanInput("Office", true, null, null, null))));
        var assigned = Made(await PlansAsync(p => p.AddActionAsync(admin.Id, orgPlan, new ActionInput("Back up the archive", me.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.Digital))));

        // The export holds my plan decrypted, whole; not the organization's plan.
        var export = await app.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<UserManager<User>>().FindByIdAsync(me.Id.ToString());
            return JsonSerializer.SerializeToElement(await sp.GetRequiredService<DataExport>().CollectAsync(user!));
        });
        var plans = export.GetProperty("securityPlans");
        var plan = Assert.Single(plans.EnumerateArray());
        Assert.Equal(("Journalism", "Sources in the ministry", "Swimming"), (plan.GetProperty("title").GetString(), plan.GetProperty("context").GetString(), plan.GetProperty("wellBeing").GetString()));
        Assert.Equal("Followed home after hearings", plan.GetProperty("entries")[0].GetProperty("threat").GetString());
        Assert.Equal(("Use a separate phone", "KES"), (plan.GetProperty("actions")[0].GetProperty("what").GetString(), plan.GetProperty("actions")[0].GetProperty("currency").GetString()));
        Assert.DoesNotContain("Back up the archive", export.GetRawText(), StringComparison.Ordinal);

        // Deleting my account deletes my plans; the organization's action I was to do stays, with nobody on it.
        Assert.True(await app.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<UserManager<User>>().FindByIdAsync(me.Id.ToString());
            return await sp.GetRequiredService<AccountDeletion>().DeleteAsync(user!);
        }));
        Assert.False(await app.WithDbAsync(db => db.SecurityPlans.AnyAsync(p => p.Id == mine)));
        Assert.False(await app.WithDbAsync(db => db.RiskEntries.AnyAsync(e => e.Id == entry)));
        Assert.Null(await app.WithDbAsync(db => db.PlanActions.Where(a => a.Id == assigned).Select(a => a.OwnerUserId).SingleAsync()));
    }
}

[Collection(nameof(SharedHosts.PlansOnSqlite))]
public sealed class PlanTestsSqlite(SqliteApp app) : PlanTests(app);
[Collection(nameof(SharedHosts.PlansOnPostgres))]
public sealed class PlanTestsPostgres(PostgresApp app) : PlanTests(app);
