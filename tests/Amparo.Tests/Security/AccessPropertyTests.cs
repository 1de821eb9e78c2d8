using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using CsCheck;

namespace Amparo.Tests.Security;

/// <summary>The rule under test in its two directions, over any IQueryable sources (in-memory lists here, DbSets in the SQL variant).</summary>
public sealed record AudienceRule(
    Func<Guid, DataCategory, AccessSources, IQueryable<Guid>> OwnersVisibleTo,
    Func<Guid, DataCategory, AccessSources, IQueryable<Guid>> AudienceOf)
{
    public static AudienceRule Product { get; } = new(Access.OwnersVisibleTo, (owner, category, sources) => Access.AudienceOf(owner, category, sources));
}

/// <summary>
/// Property-based authorization: generated histories (see <see cref="Sequences"/>) of joins, role changes, removals, sharing changes, network
/// changes, grants (to a named person, an organization's members, its assigned staff; withdrawn; ending as time passes) and
/// reads, run in-process against <see cref="Access.OwnersVisibleTo"/> and <see cref="Access.AudienceOf"/> over in-memory
/// lists, compared with an independent oracle (<see cref="SharingWorld.MaySee"/>), and the two directions with each other.
/// </summary>
[RunsLong]
public sealed class AccessPropertyTests
{
    /// <summary>
    /// 500 fresh histories in every suite run (a new seed each time, so runs add up; the suite's time is shared by every
    /// module); the QUALITY.md figure, 10,000 or more, is a run of its own:
    /// <c>AMPARO_ACCESS_HISTORIES=10000 dotnet test --project tests/Amparo.Tests -c Release --filter-class '*AccessPropertyTests'</c>
    /// (about 90 s on 2 cores; docs/performance.md).
    /// </summary>
    public static int Sequences { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("AMPARO_ACCESS_HISTORIES"), System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 500;

    [Fact]
    public void OwnersVisibleTo_AndAudienceOf_AgreeWithTheProductRules_AndWithEachOther_OverGeneratedHistories()
    {
        var tally = Run(AudienceRule.Product, Sequences);
        TestContext.Current.TestOutputHelper?.WriteLine("In-memory: " + tally);
        Console.WriteLine("AccessPropertyTests (in-memory): " + tally);
        Assert.True(tally.Sequences >= Sequences);
        Assert.Equal(0, tally.Forbidden);
        Assert.Equal(0, tally.Missing);
        // The histories must actually exercise sharing and grants, or "0 forbidden" would prove nothing.
        Assert.True(tally.CrossPersonGrants > Sequences, $"too few cross-person grants: {tally}");
        Assert.True(tally.GrantReads > Sequences / 10, $"too few reads through grants: {tally}");
        Assert.True(tally.FallenGrants > Sequences / 10, $"too few withdrawn or ended grants: {tally}");
    }

    /// <summary>The harness itself can fail: a query that forgets to check the role is caught.</summary>
    [Fact]
    public void Harness_CatchesAQueryThatIgnoresTheRole()
    {
        Func<Guid, DataCategory, AccessSources, IQueryable<Guid>> broken = (viewer, category, s) =>
            from r in s.Rules
            where r.Category == category && r.Audience == Audience.OrgFocalPoints && r.Enabled
            join owner in s.Memberships on r.OwnerId equals owner.UserId
            join staff in s.Memberships on owner.OrganizationId equals staff.OrganizationId
            where staff.UserId == viewer // no role check: every member would see every other member
            select r.OwnerId;
        var failure = Assert.ThrowsAny<Exception>(() => Run(AudienceRule.Product with { OwnersVisibleTo = broken }, 1_000));
        Assert.Contains("may not read", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Harness_CatchesAQueryThatIgnoresTheEnabledFlag()
    {
        Func<Guid, DataCategory, AccessSources, IQueryable<Guid>> broken = (viewer, category, s) =>
            Access.OwnersVisibleTo(viewer, category, s with
            {
                Rules = s.Rules.Select(r => new SharingRule { OwnerId = r.OwnerId, Category = r.Category, Audience = r.Audience, Enabled = true, ChangedAt = r.ChangedAt }),
            });
        Assert.ThrowsAny<Exception>(() => Run(AudienceRule.Product with { OwnersVisibleTo = broken }, 1_000));
    }

    /// <summary>A grant that never ends, or a withdrawal that is not honoured, is caught — in the audience direction too.</summary>
    [Fact]
    public void Harness_CatchesAnAudienceThatIgnoresTheEndOfAGrant()
    {
        Func<Guid, DataCategory, AccessSources, IQueryable<Guid>> broken = (owner, category, s) =>
            Access.AudienceOf(owner, category, s with { Now = s.Now.AddYears(-1) });
        Assert.ThrowsAny<Exception>(() => Run(AudienceRule.Product with { AudienceOf = broken }, 1_000));
    }

    [Fact]
    public void Harness_CatchesAssignedStaffWithoutTheAssignment()
    {
        Func<Guid, DataCategory, AccessSources, IQueryable<Guid>> broken = (owner, category, s) =>
            Access.AudienceOf(owner, category, s with
            {
                Assignees = s.Memberships.Select(m => new AccessGrantAssignee { UserId = m.UserId })
                    .SelectMany(a => s.Grants.Select(g => new AccessGrantAssignee { GrantId = g.Id, UserId = a.UserId })),
            });
        Assert.ThrowsAny<Exception>(() => Run(AudienceRule.Product with { AudienceOf = broken }, 1_000));
    }

    public static AccessTally Run(AudienceRule rule, int sequences)
    {
        var tally = new AccessTally();
        // Each thread builds its queries once per (who, category, instant) over list-backed sources and refills the lists
        // for every read: LINQ's EnumerableQuery compiles a query on first enumeration only, and re-enumerating it reads
        // the lists' current contents.
        using var sources = new ThreadLocal<InMemorySources>(() => new InMemorySources(rule));
        SharingWorld.GenHistory.Sample(history =>
        {
            var world = new SharingWorld();
            var memory = sources.Value!;
            foreach (var op in history)
            {
                world.Apply(op);
                if (op is Read(var viewer, var category)) Fail(tally.Compare(world, viewer, category, memory.Visible(world, viewer, category)));
                if (op is ReadAudience(var o, var c))
                {
                    var owner = SharingWorld.OwnerFor(c, o);
                    Fail(tally.CompareAudience(world, owner, c, memory.Audience(world, owner, c)));
                }
            }
            // After the history, the whole relation of every category, both ways.
            foreach (var category in SharingWorld.Categories) Fail(CheckRelation(tally, world, category, memory.Visible, memory.Audience));
            tally.Sequence();
        }, iter: sequences, print: h => string.Join("; ", h.Select(o => o.ToString())));
        return tally;
    }

    /// <summary>Every viewer's OwnersVisibleTo and every owner's AudienceOf, each against the oracle, then against each other.</summary>
    public static string? CheckRelation(AccessTally tally, SharingWorld world, DataCategory category,
        Func<SharingWorld, int, DataCategory, List<Guid>> visible, Func<SharingWorld, Guid, DataCategory, List<Guid>> audience)
    {
        var forward = new Dictionary<int, List<Guid>>();
        for (var viewer = 0; viewer < SharingWorld.People; viewer++)
        {
            forward[viewer] = visible(world, viewer, category);
            if (tally.Compare(world, viewer, category, forward[viewer]) is { } problem) return problem;
        }
        var backward = new Dictionary<Guid, List<Guid>>();
        foreach (var owner in SharingWorld.OwnersOf(category))
        {
            backward[owner] = audience(world, owner, category);
            if (tally.CompareAudience(world, owner, category, backward[owner]) is { } problem) return problem;
        }
        return tally.CompareDirections(world, category, forward, backward);
    }

    private static void Fail(string? problem)
    {
        if (problem is not null) throw new InvalidOperationException(problem);
    }

    private sealed class InMemorySources(AudienceRule rule)
    {
        private readonly List<SharingRule> _rules = [];
        private readonly List<Membership> _memberships = [];
        private readonly List<Amparo.Web.Features.Networks.NetworkOrganization> _networkOrgs = [];
        private readonly List<Amparo.Web.Features.Networks.NetworkCoordinator> _coordinators = [];
        private readonly List<AccessGrant> _grants = [];
        private readonly List<AccessGrantAssignee> _assignees = [];
        private readonly Dictionary<(bool Forward, Guid Who, DataCategory Category), IQueryable<Guid>> _queries = [];

        public List<Guid> Visible(SharingWorld world, int viewer, DataCategory category) =>
            Read(world, true, SharingWorld.PersonIds[viewer], category);

        public List<Guid> Audience(SharingWorld world, Guid owner, DataCategory category) => Read(world, false, owner, category);

        private List<Guid> Read(SharingWorld world, bool forward, Guid who, DataCategory category)
        {
            Refill(_rules, world.RuleRows());
            Refill(_memberships, world.MembershipRows());
            Refill(_networkOrgs, world.NetworkOrgRows());
            Refill(_coordinators, world.CoordinatorRows());
            // Time is shifted into the grants instead of the query (an end 5 hours from now stays 5 hours from the query's
            // instant), so the compiled queries are reused across instants; the SQL variant passes the world's real instant.
            var shift = world.Now - SharingWorld.Start;
            Refill(_grants, world.GrantRows().Select(g => { g.ExpiresAt -= shift; return g; }).ToList());
            Refill(_assignees, world.AssigneeRows());
            var key = (forward, who, category);
            if (!_queries.TryGetValue(key, out var query))
            {
                var sources = new AccessSources(_rules.AsQueryable(), _memberships.AsQueryable(), _networkOrgs.AsQueryable(),
                    _coordinators.AsQueryable(), _grants.AsQueryable(), _assignees.AsQueryable(), SharingWorld.Start);
                _queries[key] = query = forward ? rule.OwnersVisibleTo(who, category, sources) : rule.AudienceOf(who, category, sources);
            }
            return query.ToList();
        }

        private static void Refill<T>(List<T> list, List<T> rows)
        {
            list.Clear();
            list.AddRange(rows);
        }
    }
}
