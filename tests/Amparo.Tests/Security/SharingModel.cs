using System.Globalization;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using CsCheck;

namespace Amparo.Tests.Security;

/// <summary>One step in a generated history of an installation: people join, change roles, leave, share, read.</summary>
public abstract record SharingOp;
public sealed record AddMember(int Org, int Person, OrgRole Role) : SharingOp;
public sealed record ChangeRole(int Org, int Person, OrgRole Role) : SharingOp;
public sealed record RemoveMember(int Org, int Person) : SharingOp;
public sealed record SetRule(int Person, DataCategory Category, Audience Audience, bool Enabled) : SharingOp;
public sealed record AddOrgToNetwork(int Network, int Org) : SharingOp;
public sealed record AddCoordinator(int Network, int Person) : SharingOp;
public sealed record Read(int Viewer, DataCategory Category) : SharingOp;

/// <summary>
/// A small world (6 people, 3 organizations, 2 networks) whose state changes the way the services change it,
/// plus an oracle written straight from the product rules, independent of <see cref="Access"/>:
/// a person sees their own data; an organization's focal points and admins see a member's category when that
/// member opened it to OrgFocalPoints; a network coordinator (a person of a member organization) sees the
/// category of a person of a member organization when that person opened it to NetworkCoordinators.
/// </summary>
public sealed class SharingWorld
{
    public const int People = 6, Orgs = 3, Networks = 2;

    public static readonly Guid[] PersonIds = Ids(0x10, People);
    public static readonly Guid[] OrgIds = Ids(0x20, Orgs);
    public static readonly Guid[] NetworkIds = Ids(0x30, Networks);

    private readonly Dictionary<(int Org, int Person), OrgRole> _members = [];
    private readonly HashSet<(int Network, int Org)> _networkOrgs = [];
    private readonly HashSet<(int Network, int Person)> _coordinators = [];
    private readonly Dictionary<(int Person, DataCategory Category, Audience Audience), bool> _rules = [];
    private readonly DateTime _now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public SharingWorld()
    {
        // What a person has on joining: visits and alerts open to their organization's focal points, nothing else.
        for (var p = 0; p < People; p++)
            foreach (var c in Enum.GetValues<DataCategory>())
                foreach (var a in Enum.GetValues<Audience>())
                    _rules[(p, c, a)] = c == DataCategory.VisitsAndAlerts && a == Audience.OrgFocalPoints;
    }

    public static Gen<SharingOp> GenOp { get; } = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, Orgs - 1], Gen.Int[0, People - 1], Gen.Enum<OrgRole>(), (o, p, r) => (SharingOp)new AddMember(o, p, r))),
        (2, Gen.Select(Gen.Int[0, Orgs - 1], Gen.Int[0, People - 1], Gen.Enum<OrgRole>(), (o, p, r) => (SharingOp)new ChangeRole(o, p, r))),
        (2, Gen.Select(Gen.Int[0, Orgs - 1], Gen.Int[0, People - 1], (o, p) => (SharingOp)new RemoveMember(o, p))),
        (4, Gen.Select(Gen.Int[0, People - 1], Gen.Enum<DataCategory>(), Gen.Enum<Audience>(), Gen.Bool, (p, c, a, e) => (SharingOp)new SetRule(p, c, a, e))),
        (2, Gen.Select(Gen.Int[0, Networks - 1], Gen.Int[0, Orgs - 1], (n, o) => (SharingOp)new AddOrgToNetwork(n, o))),
        (2, Gen.Select(Gen.Int[0, Networks - 1], Gen.Int[0, People - 1], (n, p) => (SharingOp)new AddCoordinator(n, p))),
        (3, Gen.Select(Gen.Int[0, People - 1], Gen.Enum<DataCategory>(), (v, c) => (SharingOp)new Read(v, c))));

    public static Gen<SharingOp[]> GenHistory { get; } = GenOp.Array[1, 40];

    /// <summary>Applies a step with the same effect OrganizationService and NetworkService give it.</summary>
    public void Apply(SharingOp op)
    {
        switch (op)
        {
            case AddMember(var o, var p, var r):
                _members[(o, p)] = r;
                break;
            case ChangeRole(var o, var p, var r):
                if (!_members.TryGetValue((o, p), out var before)) break;
                if (before == OrgRole.OrgAdmin && r != OrgRole.OrgAdmin && AdminCount(o) == 1) break; // the last admin stays
                _members[(o, p)] = r;
                break;
            case RemoveMember(var o, var p):
                if (!_members.TryGetValue((o, p), out var role)) break;
                if (role == OrgRole.OrgAdmin && AdminCount(o) == 1) break;
                _members.Remove((o, p));
                // A coordinator seat exists only through an organization of the network.
                _coordinators.RemoveWhere(c => c.Person == p && !IsPersonOfNetwork(p, c.Network));
                break;
            case SetRule(var p, var c, var a, var e):
                _rules[(p, c, a)] = e;
                break;
            case AddOrgToNetwork(var n, var o):
                _networkOrgs.Add((n, o));
                break;
            case AddCoordinator(var n, var p):
                if (IsPersonOfNetwork(p, n)) _coordinators.Add((n, p));
                break;
            case Read:
                break;
        }
    }

    private int AdminCount(int org) => _members.Count(m => m.Key.Org == org && m.Value == OrgRole.OrgAdmin);

    private bool IsPersonOfNetwork(int person, int network) =>
        _members.Keys.Any(m => m.Person == person && _networkOrgs.Contains((network, m.Org)));

    /// <summary>The oracle: may <paramref name="viewer"/> read <paramref name="owner"/>'s <paramref name="category"/>?</summary>
    public bool MaySee(int viewer, int owner, DataCategory category)
    {
        if (viewer == owner) return true;
        if (_rules[(owner, category, Audience.OrgFocalPoints)])
        {
            for (var o = 0; o < Orgs; o++)
            {
                if (_members.ContainsKey((o, owner)) && _members.TryGetValue((o, viewer), out var role) && role is OrgRole.FocalPoint or OrgRole.OrgAdmin)
                    return true;
            }
        }
        if (_rules[(owner, category, Audience.NetworkCoordinators)])
        {
            for (var n = 0; n < Networks; n++)
            {
                if (_coordinators.Contains((n, viewer)) && IsPersonOfNetwork(viewer, n) && IsPersonOfNetwork(owner, n)) return true;
            }
        }
        return false;
    }

    public HashSet<Guid> OracleOwners(int viewer, DataCategory category) =>
        Enumerable.Range(0, People).Where(owner => MaySee(viewer, owner, category)).Select(o => PersonIds[o]).ToHashSet();

    public List<SharingRule> RuleRows() => _rules.Select(r => new SharingRule
    {
        OwnerId = PersonIds[r.Key.Person], Category = r.Key.Category, Audience = r.Key.Audience, Enabled = r.Value, ChangedAt = _now,
    }).ToList();

    public List<Membership> MembershipRows() => _members.Select(m => new Membership
    {
        OrganizationId = OrgIds[m.Key.Org], UserId = PersonIds[m.Key.Person], Role = m.Value, JoinedAt = _now,
    }).ToList();

    public List<NetworkOrganization> NetworkOrgRows() =>
        _networkOrgs.Select(x => new NetworkOrganization { NetworkId = NetworkIds[x.Network], OrganizationId = OrgIds[x.Org] }).ToList();

    public List<NetworkCoordinator> CoordinatorRows() =>
        _coordinators.Select(x => new NetworkCoordinator { NetworkId = NetworkIds[x.Network], UserId = PersonIds[x.Person] }).ToList();

    public static string Name(Guid id) => Array.IndexOf(PersonIds, id) is var i and >= 0 ? "P" + i.ToString(CultureInfo.InvariantCulture) : id.ToString();

    private static Guid[] Ids(byte kind, int count) =>
        Enumerable.Range(0, count).Select(i => new Guid(new byte[] { kind, (byte)i, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1 })).ToArray();
}

/// <summary>Tallies what a property run did, shared across CsCheck's threads.</summary>
public sealed class AccessTally
{
    private long _sequences, _queries, _reads, _forbidden, _missing, _crossPersonGrants;
    public long Sequences => Interlocked.Read(ref _sequences);
    public long Queries => Interlocked.Read(ref _queries);
    public long Reads => Interlocked.Read(ref _reads);
    public long Forbidden => Interlocked.Read(ref _forbidden);
    public long Missing => Interlocked.Read(ref _missing);
    public long CrossPersonGrants => Interlocked.Read(ref _crossPersonGrants);

    public void Sequence() => Interlocked.Increment(ref _sequences);

    /// <summary>Compares what the query returned with the oracle; returns a description of any difference.</summary>
    public string? Compare(SharingWorld world, int viewer, DataCategory category, IReadOnlyCollection<Guid> actual)
    {
        var expected = world.OracleOwners(viewer, category);
        var got = actual.ToHashSet();
        var forbidden = got.Except(expected).ToList();
        var missing = expected.Except(got).ToList();
        Interlocked.Increment(ref _queries);
        Interlocked.Add(ref _reads, SharingWorld.People);
        Interlocked.Add(ref _forbidden, forbidden.Count);
        Interlocked.Add(ref _missing, missing.Count);
        Interlocked.Add(ref _crossPersonGrants, expected.Count - 1);
        if (actual.Count != got.Count) return $"P{viewer} {category}: duplicate owners in the answer";
        if (forbidden.Count == 0 && missing.Count == 0) return null;
        return $"P{viewer} reading {category}: may not read [{string.Join(",", forbidden.Select(SharingWorld.Name))}], " +
               $"missing [{string.Join(",", missing.Select(SharingWorld.Name))}]";
    }

    public override string ToString() =>
        $"{Sequences} sequences, {Queries} queries, {Reads} reads checked (viewer × owner × category), {CrossPersonGrants} legitimate reads of another person, {Forbidden} forbidden reads, {Missing} missing reads";
}
