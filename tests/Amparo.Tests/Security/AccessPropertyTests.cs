using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using CsCheck;

namespace Amparo.Tests.Security;

/// <summary>The query under test, over any IQueryable sources (in-memory lists here, DbSets in the SQL variant).</summary>
public delegate IQueryable<Guid> VisibleOwners(
    Guid viewer, DataCategory category, IQueryable<SharingRule> rules, IQueryable<Membership> memberships,
    IQueryable<NetworkOrganization> networkOrgs, IQueryable<NetworkCoordinator> coordinators);

/// <summary>
/// Property-based authorization: ≥ 10,000 generated histories of joins, role changes, removals, sharing
/// changes, network changes and reads, run in-process against <see cref="Access.OwnersVisibleTo"/> over
/// in-memory lists and compared with an independent oracle (<see cref="SharingWorld.MaySee"/>).
/// </summary>
public sealed class AccessPropertyTests
{
    public const int Sequences = 10_000;

    [Fact]
    public void OwnersVisibleTo_AgreesWithTheProductRules_Over10000GeneratedHistories()
    {
        var tally = Run(Access.OwnersVisibleTo, Sequences);
        TestContext.Current.TestOutputHelper?.WriteLine("In-memory: " + tally);
        Console.WriteLine("AccessPropertyTests (in-memory): " + tally);
        Assert.True(tally.Sequences >= Sequences);
        Assert.Equal(0, tally.Forbidden);
        Assert.Equal(0, tally.Missing);
        // The histories must actually exercise sharing, or "0 forbidden" would prove nothing.
        Assert.True(tally.CrossPersonGrants > Sequences, $"too few cross-person grants: {tally}");
    }

    /// <summary>The harness itself can fail: a query that forgets to check the role is caught.</summary>
    [Fact]
    public void Harness_CatchesAQueryThatIgnoresTheRole()
    {
        VisibleOwners broken = (viewer, category, rules, memberships, networkOrgs, coordinators) =>
            from r in rules
            where r.Category == category && r.Audience == Audience.OrgFocalPoints && r.Enabled
            join owner in memberships on r.OwnerId equals owner.UserId
            join staff in memberships on owner.OrganizationId equals staff.OrganizationId
            where staff.UserId == viewer // no role check: every member would see every other member
            select r.OwnerId;
        var failure = Assert.ThrowsAny<Exception>(() => Run(broken, 2_000));
        Assert.Contains("may not read", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Harness_CatchesAQueryThatIgnoresTheEnabledFlag()
    {
        VisibleOwners broken = (viewer, category, rules, memberships, networkOrgs, coordinators) =>
            Access.OwnersVisibleTo(viewer, category, rules.Select(r => new SharingRule
            {
                OwnerId = r.OwnerId, Category = r.Category, Audience = r.Audience, Enabled = true, ChangedAt = r.ChangedAt,
            }), memberships, networkOrgs, coordinators);
        Assert.ThrowsAny<Exception>(() => Run(broken, 2_000));
    }

    public static AccessTally Run(VisibleOwners query, int sequences)
    {
        var tally = new AccessTally();
        // Each thread builds the 24 queries (6 viewers × 4 categories) once over list-backed sources and
        // refills the lists for every read: LINQ's EnumerableQuery compiles a query on first enumeration only,
        // and re-enumerating it reads the lists' current contents.
        using var sources = new ThreadLocal<InMemorySources>(() => new InMemorySources(query));
        SharingWorld.GenHistory.Sample(history =>
        {
            var world = new SharingWorld();
            foreach (var op in history)
            {
                world.Apply(op);
                if (op is Read(var viewer, var category)) Check(world, viewer, category);
            }
            // After the history, every person reads every category once more.
            for (var viewer = 0; viewer < SharingWorld.People; viewer++)
                foreach (var category in Enum.GetValues<DataCategory>())
                    Check(world, viewer, category);
            tally.Sequence();

            void Check(SharingWorld w, int viewer, DataCategory category)
            {
                var actual = sources.Value!.Read(w, viewer, category);
                var problem = tally.Compare(w, viewer, category, actual);
                if (problem is not null) throw new InvalidOperationException(problem);
            }
        }, iter: sequences, print: h => string.Join("; ", h.Select(o => o.ToString())));
        return tally;
    }

    private sealed class InMemorySources
    {
        private readonly List<SharingRule> _rules = [];
        private readonly List<Membership> _memberships = [];
        private readonly List<NetworkOrganization> _networkOrgs = [];
        private readonly List<NetworkCoordinator> _coordinators = [];
        private readonly Dictionary<(int, DataCategory), IQueryable<Guid>> _queries = [];

        public InMemorySources(VisibleOwners query)
        {
            for (var viewer = 0; viewer < SharingWorld.People; viewer++)
                foreach (var category in Enum.GetValues<DataCategory>())
                    _queries[(viewer, category)] = query(SharingWorld.PersonIds[viewer], category,
                        _rules.AsQueryable(), _memberships.AsQueryable(), _networkOrgs.AsQueryable(), _coordinators.AsQueryable());
        }

        public List<Guid> Read(SharingWorld world, int viewer, DataCategory category)
        {
            Refill(_rules, world.RuleRows());
            Refill(_memberships, world.MembershipRows());
            Refill(_networkOrgs, world.NetworkOrgRows());
            Refill(_coordinators, world.CoordinatorRows());
            return _queries[(viewer, category)].ToList();
        }

        private static void Refill<T>(List<T> list, List<T> rows)
        {
            list.Clear();
            list.AddRange(rows);
        }
    }
}
