using System.Text.Json;
using Amparo.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>A version in a list: its number, when, and who saved it (both null when the viewer may not know who: "someone").</summary>
public sealed record PlanVersionSummary(int Number, DateTime At, Guid? ByUserId, string? ByName);

/// <summary>One version with the whole plan as it stood then (null when the owner's key is gone).</summary>
public sealed record PlanVersionView(PlanVersionSummary Version, PlanFile? Content);

/// <summary>Two versions side by side, with what changed from the first to the second.</summary>
public sealed record PlanVersionComparison(PlanVersionView From, PlanVersionView To, PlanComparison Changes, int Latest);

// Versions: every saved change of a plan keeps the whole plan as it then stood (PlanVersion). Those who may read the plan
// whole (its owner, its editors, its readers) may list, read and compare them; members of an organization, who see only
// its protocols and their own actions, never (not there at all, as for a plan they cannot see). Restoring an old version
// is a change like any other (editors only, against the version the form was shown): it makes a new version.
public sealed partial class PlanService
{
    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    /// <summary>Adds the version row for the plan's current <see cref="SecurityPlan.Version"/> (saved by the caller's next SaveChanges).</summary>
    private async Task AddVersionAsync(SecurityPlan plan, Guid viewer, Guid key, PlanFile content, CancellationToken ct)
    {
        var row = new PlanVersion { Id = Guid.NewGuid(), PlanId = plan.Id, Number = plan.Version, At = plan.UpdatedAt, ByUserId = viewer };
        row.ContentCipher = await cipher.EncryptAsync(db, key, JsonSerializer.Serialize(content, Json), PlanVersion.Table, nameof(PlanVersion.ContentCipher), row.Id, ct);
        db.PlanVersions.Add(row);
    }

    private async Task<PlanFile?> ContentAsync(PlanVersion row, Guid key, CancellationToken ct) =>
        await cipher.DecryptAsync(db, key, row.ContentCipher, PlanVersion.Table, nameof(PlanVersion.ContentCipher), row.Id, ct) is { } json
            ? JsonSerializer.Deserialize<PlanFile>(json, Json) : null;

    /// <summary>The plan when the viewer may read it whole (owner, editor, reader); null otherwise (a 404).</summary>
    private async Task<SecurityPlan?> WholeAsync(Guid viewer, Guid planId, CancellationToken ct) =>
        await PlanAccess.FindAsync(db, clock, planId, viewer, ct: ct) is { } found && found.Role switch
        {
            PlanRole.Owner or PlanRole.Editor or PlanRole.Reader => true,
            PlanRole.Member => false,
        } ? found.Plan : null;

    /// <summary>The plan's versions, newest first; null when the viewer may not see them.</summary>
    public async Task<List<PlanVersionSummary>?> VersionsAsync(Guid viewer, Guid planId, CancellationToken ct = default)
    {
        if (await WholeAsync(viewer, planId, ct) is not { } plan) return null;
        var rows = await db.PlanVersions.AsNoTracking().Where(v => v.PlanId == planId).OrderByDescending(v => v.Number)
            .Select(v => new { v.Number, v.At, v.ByUserId }).ToListAsync(ct);
        var names = await NamesAsync(plan, viewer, rows.Select(r => r.ByUserId), ct);
        return rows.Select(r => Summary(r.Number, r.At, r.ByUserId, names)).ToList();
    }

    /// <summary>One version whole; null when there is no such version or the viewer may not see it. A read by anyone but the owner is audited.</summary>
    public async Task<PlanVersionView?> VersionAsync(Guid viewer, Guid planId, int number, CancellationToken ct = default)
    {
        if (await WholeAsync(viewer, planId, ct) is not { } plan) return null;
        var views = await ViewsAsync(plan, viewer, [number], ct);
        return views.Count == 1 ? views[0] : null;
    }

    /// <summary>Two versions compared (from → to); null when either is missing or the viewer may not see them.</summary>
    public async Task<PlanVersionComparison?> CompareAsync(Guid viewer, Guid planId, int from, int to, CancellationToken ct = default)
    {
        if (await WholeAsync(viewer, planId, ct) is not { } plan) return null;
        var views = await ViewsAsync(plan, viewer, [from, to], ct);
        if (views.FirstOrDefault(v => v.Version.Number == from) is not { Content: { } a } older
            || views.FirstOrDefault(v => v.Version.Number == to) is not { Content: { } b } newer) return null;
        return new PlanVersionComparison(older, newer, PlanDiff.Compare(a, b), plan.Version);
    }

    private async Task<List<PlanVersionView>> ViewsAsync(SecurityPlan plan, Guid viewer, int[] numbers, CancellationToken ct)
    {
        var rows = await db.PlanVersions.AsNoTracking().Where(v => v.PlanId == plan.Id && numbers.Contains(v.Number)).ToListAsync(ct);
        if (rows.Count == 0) return [];
        var key = await KeyOfAsync(plan, ct);
        var names = await NamesAsync(plan, viewer, rows.Select(r => r.ByUserId), ct);
        var views = new List<PlanVersionView>(rows.Count);
        foreach (var row in rows) views.Add(new PlanVersionView(Summary(row.Number, row.At, row.ByUserId, names), await ContentAsync(row, key, ct)));
        if (plan.OwnerUserId != viewer)
            await audit.WriteAsync(AuditEvents.SensitiveRead, viewer, plan.OwnerUserId ?? plan.Id, plan.OwnerOrganizationId,
                $"plan:{plan.Id:N}:versions:{string.Join(',', rows.Select(r => r.Number))}", ct);
        return views;
    }

    private static PlanVersionSummary Summary(int number, DateTime at, Guid? by, Dictionary<Guid, string> names) =>
        by is { } id && names.TryGetValue(id, out var name) ? new(number, at, id, name) : new(number, at, null, null);

    /// <summary>
    /// The names the viewer may know of those who saved versions: their own; the person whose plan it is; for an
    /// organization's plan, its current members when the viewer is one too. Anyone else is "someone" (a reader from outside
    /// learns no names of the staff; a former member is no longer named).
    /// </summary>
    private async Task<Dictionary<Guid, string>> NamesAsync(SecurityPlan plan, Guid viewer, IEnumerable<Guid?> authors, CancellationToken ct)
    {
        var ids = authors.OfType<Guid>().Distinct().ToList();
        var known = ids.Where(id => id == viewer || id == plan.OwnerUserId).ToList();
        if (plan.OwnerOrganizationId is { } org && await db.Memberships.AnyAsync(m => m.OrganizationId == org && m.UserId == viewer, ct))
            known.AddRange(await db.Memberships.Where(m => m.OrganizationId == org && ids.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct));
        return await db.Users.AsNoTracking().Where(u => known.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }

    /// <summary>
    /// Makes the plan as it was in version <paramref name="number"/> again, as a new version: its title, context and
    /// well-being, and its parts with their ids (a part removed since comes back, one added since goes). The review date,
    /// its reason and the sharing stay as they are now (they are the plan's schedule and a decision, not its content).
    /// An action's person is kept only while they may still be given it. Editors only; members and those who cannot see
    /// the plan: <see cref="PlanWriteStatus.NotFound"/>; <paramref name="expectedVersion"/> as in <see cref="UpdateAsync"/>.
    /// </summary>
    public async Task<PlanWrite> RestoreAsync(Guid viewer, Guid planId, int number, int? expectedVersion, CancellationToken ct = default)
    {
        if (await WholeAsync(viewer, planId, ct) is null) return PlanWrite.NotFound;
        return await EditAsync(viewer, planId, expectedVersion, async (plan, key) =>
        {
            var row = await db.PlanVersions.AsNoTracking().SingleOrDefaultAsync(v => v.PlanId == plan.Id && v.Number == number, ct);
            if (row is null || await ContentAsync(row, key, ct) is not { } content) return PlanWrite.NotFound;
            await ApplyAsync(plan, key, content, ct);
            return PlanWrite.Done(plan.Id);
        }, ct);
    }

    private async Task ApplyAsync(SecurityPlan plan, Guid key, PlanFile content, CancellationToken ct)
    {
        await WriteSectionsAsync(plan, key, new PlanInput(content.Title, content.TitleIsSensitive ?? true, content.Context, content.WellBeing, content.ExhaustionRisks), ct);

        // Links are written again from the version; parts not in it go (their links with them, by the keys).
        await db.PlanActionEntries.Where(x => db.PlanActions.Any(a => a.Id == x.ActionId && a.PlanId == plan.Id)).ExecuteDeleteAsync(ct);

        var actors = await KeepOnlyAsync(db.PlanActors, db.PlanActors.Where(x => x.PlanId == plan.Id), x => x.Id, content.Actors?.Select(a => a.Id), ct);
        foreach (var (body, i) in (content.Actors ?? []).Select((b, i) => (b, i)))
        {
            var actor = Part(actors, body.Id, db.PlanActors, id => new PlanActor { Id = id, PlanId = plan.Id });
            actor.Position = i;
            await WriteActorAsync(actor, key, new ActorInput(body.Name, Word<ActorStance>(body.Stance), body.Interests, body.Capacity), ct);
        }

        var entries = await KeepOnlyAsync(db.RiskEntries, db.RiskEntries.Where(x => x.PlanId == plan.Id), x => x.Id, content.Entries?.Select(e => e.Id), ct);
        var entryIds = new HashSet<Guid>();
        foreach (var (body, i) in (content.Entries ?? []).Select((b, i) => (b, i)))
        {
            var entry = Part(entries, body.Id, db.RiskEntries, id => new RiskEntry { Id = id, PlanId = plan.Id });
            entry.Position = i;
            entryIds.Add(entry.Id);
            await WriteEntryAsync(entry, key, new EntryInput(body.Threat, body.ByWhom, body.Indicators, body.IsDirectThreat ?? false, Domains(body.Domains),
                Level(body.ThreatLevel) ?? PlanLevel.One, Level(body.VulnerabilityLevel) ?? PlanLevel.One, Level(body.CapacityLevel) ?? PlanLevel.One,
                body.Vulnerabilities, body.Capacities, Level(body.Likelihood), Level(body.Impact)), ct);
        }

        var actions = await KeepOnlyAsync(db.PlanActions, db.PlanActions.Where(x => x.PlanId == plan.Id), x => x.Id, content.Actions?.Select(a => a.Id), ct);
        foreach (var (body, i) in (content.Actions ?? []).Select((b, i) => (b, i)))
        {
            var action = Part(actions, body.Id, db.PlanActions, id => new PlanAction { Id = id, PlanId = plan.Id });
            action.Position = i;
            var owner = body.OwnerUserId is { } who && await MayBeGivenAsync(plan, who, ct) ? who : (Guid?)null;
            var links = (body.EntryIds ?? []).Select(e => Guid.TryParse(e, out var g) ? g : Guid.Empty).Where(entryIds.Contains).ToList();
            await WriteActionAsync(action, key, new ActionInput(body.What, owner, body.DueAt?.UtcDateTime, Word<PlanActionStatus>(body.Status),
                body.EstimatedCost, body.Currency, Domains(body.Domains), links), ct);
        }

        var protocols = await KeepOnlyAsync(db.PlanProtocols, db.PlanProtocols.Where(x => x.PlanId == plan.Id), x => x.Id, content.Protocols?.Select(p => p.Id), ct);
        foreach (var (body, i) in (content.Protocols ?? []).Select((b, i) => (b, i)))
        {
            var protocol = Part(protocols, body.Id, db.PlanProtocols, id => new PlanProtocol { Id = id, PlanId = plan.Id });
            protocol.Position = i;
            await WriteProtocolAsync(protocol, key, new ProtocolInput(body.Name, Word<ProtocolSituation>(body.Situation), body.Steps, body.Visit), ct);
        }
    }

    /// <summary>Deletes the plan's parts of one kind that the version does not hold; returns the others, tracked, by id.</summary>
    private static async Task<Dictionary<Guid, T>> KeepOnlyAsync<T>(DbSet<T> set, IQueryable<T> ofPlan, Func<T, Guid> idOf, IEnumerable<string?>? ids, CancellationToken ct)
        where T : class
    {
        var keep = (ids ?? []).Select(i => Guid.TryParse(i, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToHashSet();
        var rows = await ofPlan.ToListAsync(ct);
        var gone = rows.Where(r => !keep.Contains(idOf(r))).ToList();
        set.RemoveRange(gone);
        return rows.Except(gone).ToDictionary(idOf);
    }

    /// <summary>The part with the version's id: the row still there, or a new one with that id (a part removed since comes back as it was).</summary>
    private static T Part<T>(Dictionary<Guid, T> existing, string? id, DbSet<T> set, Func<Guid, T> make) where T : class
    {
        var guid = Guid.TryParse(id, out var g) && g != Guid.Empty ? g : Guid.NewGuid();
        if (existing.TryGetValue(guid, out var row)) return row;
        var made = make(guid);
        set.Add(made);
        existing[guid] = made;
        return made;
    }

    private static T Word<T>(string? word) where T : struct, Enum => PlanWire.TryParse<T>(word, out var v) && Enum.IsDefined(v) ? v : default;

    private static PlanLevel? Level(int? value) => value is { } n && Enum.IsDefined((PlanLevel)n) ? (PlanLevel)n : null;

    private static SecurityDomains Domains(string[]? words) =>
        (words ?? []).Aggregate(SecurityDomains.None, (all, w) => PlanWire.TryParse<SecurityDomains>(w, out var d) ? all | d : all);
}
