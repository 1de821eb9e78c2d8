using System.Globalization;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using CsCheck;

namespace Amparo.Tests.Security;

/// <summary>One step in a generated history of an installation: people join, change roles, leave, share, grant, time passes, read.</summary>
public abstract record SharingOp;
public sealed record AddMember(int Org, int Person, OrgRole Role) : SharingOp;
public sealed record ChangeRole(int Org, int Person, OrgRole Role) : SharingOp;
public sealed record RemoveMember(int Org, int Person) : SharingOp;
public sealed record SetRule(int Person, DataCategory Category, Audience Audience, bool Enabled) : SharingOp;
public sealed record AddOrgToNetwork(int Network, int Org) : SharingOp;
public sealed record AddCoordinator(int Network, int Person) : SharingOp;
/// <summary>A grant on the <paramref name="Owner"/>-th owner of the category's kind, to a person or an organization; <paramref name="Days"/> 0 means no end.</summary>
public sealed record Grant(DataCategory Category, int Owner, GranteeKind Kind, int Grantee, int Days) : SharingOp;
public sealed record Withdraw(int Grant) : SharingOp;
public sealed record Assign(int Grant, int Person) : SharingOp;
public sealed record Unassign(int Grant, int Person) : SharingOp;
public sealed record PassTime(int Hours) : SharingOp;
public sealed record Read(int Viewer, DataCategory Category) : SharingOp;
public sealed record ReadAudience(int Owner, DataCategory Category) : SharingOp;

/// <summary>
/// A small world (6 people, 3 organizations, 2 networks, 2 shared items) whose state changes the way the services change
/// it, plus an oracle written straight from the product rules, independent of <see cref="Access"/>:
/// a person sees their own data; an organization's focal points and admins see a member's category when that member
/// opened it to OrgFocalPoints; a network coordinator (a person of a member organization) sees the category of a person
/// of a member organization when that person opened it to NetworkCoordinators; an organization's focal points and admins
/// see all of its categories; and, while a grant stands (not withdrawn, before its end), its named person, every member of
/// its organization, that organization's admins and the members assigned to it, or — for an organization's grant to a
/// network — that network's coordinators while the organization is in it, see what it opens.
/// </summary>
public sealed class SharingWorld
{
    public const int People = 6, Orgs = 3, Networks = 2, Items = 2, MaxGrants = 40;

    public static readonly Guid[] PersonIds = Ids(0x10, People);
    public static readonly Guid[] OrgIds = Ids(0x20, Orgs);
    public static readonly Guid[] NetworkIds = Ids(0x30, Networks);
    public static readonly Guid[] ItemIds = Ids(0x40, Items);
    public static readonly Guid[] GrantIds = Ids(0x50, MaxGrants);

    /// <summary>The categories the histories use: two of a person's, two of an organization's, the shared item's.</summary>
    public static readonly DataCategory[] Categories =
        [DataCategory.VisitsAndAlerts, DataCategory.ContactDetails, DataCategory.OrganizationSecurityPlan, DataCategory.OrganizationProtocols, DataCategory.PlanSnapshot];

    public static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed record GrantState(int Index, DataCategory Category, Guid Owner, GranteeKind Kind, int Grantee, DateTime? Ends)
    {
        public bool Withdrawn { get; set; }
        public HashSet<int> Assigned { get; } = [];
    }

    private readonly Dictionary<(int Org, int Person), OrgRole> _members = [];
    private readonly HashSet<(int Network, int Org)> _networkOrgs = [];
    private readonly HashSet<(int Network, int Person)> _coordinators = [];
    private readonly Dictionary<(int Person, DataCategory Category, Audience Audience), bool> _rules = [];
    private readonly List<GrantState> _grants = [];

    public DateTime Now { get; private set; } = Start;

    public SharingWorld()
    {
        // What a person has on joining: visits and alerts open to their organization's focal points, nothing else.
        for (var p = 0; p < People; p++)
            foreach (var c in DataCategories.OfKind(OwnerKind.Person))
                foreach (var a in Enum.GetValues<Audience>())
                    _rules[(p, c, a)] = c == DataCategory.VisitsAndAlerts && a == Audience.OrgFocalPoints;
    }

    /// <summary>The owners a category can have: people, organizations or items.</summary>
    public static Guid[] OwnersOf(DataCategory category)
    {
        switch (DataCategories.KindOf(category))
        {
            case OwnerKind.Person: return PersonIds;
            case OwnerKind.Organization: return OrgIds;
            case OwnerKind.Item: return ItemIds;
        }
        throw new ArgumentOutOfRangeException(nameof(category));
    }

    private static readonly Gen<DataCategory> GenCategory = Gen.Int[0, Categories.Length - 1].Select(i => Categories[i]);
    private static readonly Gen<DataCategory> GenPersonCategory = Gen.Bool.Select(b => b ? DataCategory.VisitsAndAlerts : DataCategory.ContactDetails);

    public static Gen<SharingOp> GenOp { get; } = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, Orgs - 1], Gen.Int[0, People - 1], Gen.Enum<OrgRole>(), (o, p, r) => (SharingOp)new AddMember(o, p, r))),
        (2, Gen.Select(Gen.Int[0, Orgs - 1], Gen.Int[0, People - 1], Gen.Enum<OrgRole>(), (o, p, r) => (SharingOp)new ChangeRole(o, p, r))),
        (2, Gen.Select(Gen.Int[0, Orgs - 1], Gen.Int[0, People - 1], (o, p) => (SharingOp)new RemoveMember(o, p))),
        (4, Gen.Select(Gen.Int[0, People - 1], GenPersonCategory, Gen.Enum<Audience>(), Gen.Bool, (p, c, a, e) => (SharingOp)new SetRule(p, c, a, e))),
        (2, Gen.Select(Gen.Int[0, Networks - 1], Gen.Int[0, Orgs - 1], (n, o) => (SharingOp)new AddOrgToNetwork(n, o))),
        (2, Gen.Select(Gen.Int[0, Networks - 1], Gen.Int[0, People - 1], (n, p) => (SharingOp)new AddCoordinator(n, p))),
        (4, Gen.Select(GenCategory, Gen.Int[0, People - 1], Gen.Enum<GranteeKind>(), Gen.Int[0, People - 1], Gen.Int[0, 3],
            (c, o, k, g, d) => (SharingOp)new Grant(c, o, k, g, d))),
        (1, Gen.Int[0, MaxGrants - 1].Select(g => (SharingOp)new Withdraw(g))),
        (3, Gen.Select(Gen.Int[0, MaxGrants - 1], Gen.Int[0, People - 1], (g, p) => (SharingOp)new Assign(g, p))),
        (1, Gen.Select(Gen.Int[0, MaxGrants - 1], Gen.Int[0, People - 1], (g, p) => (SharingOp)new Unassign(g, p))),
        (1, Gen.Int[1, 36].Select(h => (SharingOp)new PassTime(h))),
        (2, Gen.Select(Gen.Int[0, People - 1], GenCategory, (v, c) => (SharingOp)new Read(v, c))),
        (2, Gen.Select(Gen.Int[0, People - 1], GenCategory, (o, c) => (SharingOp)new ReadAudience(o, c))));

    public static Gen<SharingOp[]> GenHistory { get; } = GenOp.Array[1, 40];

    /// <summary>The owner an op's owner number names, within the category's kind.</summary>
    public static Guid OwnerFor(DataCategory category, int n) => OwnersOf(category)[n % OwnersOf(category).Length];

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
            case Grant(var c, var o, var k, var g, var d):
                if (_grants.Count == MaxGrants) break;
                _grants.Add(new GrantState(_grants.Count, c, OwnerFor(c, o), k,
                    k == GranteeKind.Person ? g : k == GranteeKind.NetworkCoordinators ? g % Networks : g % Orgs,
                    d == 0 ? null : Now.AddHours(12 * d)));
                break;
            case Withdraw(var g):
                if (g < _grants.Count) _grants[g].Withdrawn = true;
                break;
            case Assign(var g, var p):
                if (g < _grants.Count) _grants[g].Assigned.Add(p);
                break;
            case Unassign(var g, var p):
                if (g < _grants.Count) _grants[g].Assigned.Remove(p);
                break;
            case PassTime(var h):
                Now = Now.AddHours(h);
                break;
            case Read or ReadAudience:
                break;
        }
    }

    private int AdminCount(int org) => _members.Count(m => m.Key.Org == org && m.Value == OrgRole.OrgAdmin);

    private bool IsPersonOfNetwork(int person, int network) =>
        _members.Keys.Any(m => m.Person == person && _networkOrgs.Contains((network, m.Org)));

    private bool IsStaff(int org, int person) => _members.TryGetValue((org, person), out var role) && role is OrgRole.FocalPoint or OrgRole.OrgAdmin;

    /// <summary>The oracle: may <paramref name="viewer"/> read <paramref name="owner"/>'s <paramref name="category"/>?</summary>
    public bool MaySee(int viewer, Guid owner, DataCategory category) => Why(viewer, owner, category) is not null;

    /// <summary>The first reason the product rules give for the read, or null when there is none.</summary>
    public string? Why(int viewer, Guid owner, DataCategory category)
    {
        var personOwner = Array.IndexOf(PersonIds, owner);
        var orgOwner = Array.IndexOf(OrgIds, owner);
        if (DataCategories.KindOf(category) == OwnerKind.Person && personOwner >= 0)
        {
            if (viewer == personOwner) return "self";
            if (_rules[(personOwner, category, Audience.OrgFocalPoints)])
                for (var o = 0; o < Orgs; o++)
                    if (_members.ContainsKey((o, personOwner)) && IsStaff(o, viewer)) return "focal point";
            if (_rules[(personOwner, category, Audience.NetworkCoordinators)])
                for (var n = 0; n < Networks; n++)
                    if (_coordinators.Contains((n, viewer)) && IsPersonOfNetwork(viewer, n) && IsPersonOfNetwork(personOwner, n)) return "coordinator";
        }
        if (DataCategories.KindOf(category) == OwnerKind.Organization && orgOwner >= 0 && IsStaff(orgOwner, viewer)) return "organization staff";
        foreach (var g in _grants)
        {
            if (g.Category != category || g.Owner != owner || g.Withdrawn || (g.Ends is { } ends && Now >= ends)) continue;
            var why = g.Kind switch
            {
                GranteeKind.Person => g.Grantee == viewer ? "named person" : null,
                GranteeKind.OrganizationMembers => _members.ContainsKey((g.Grantee, viewer)) ? "member" : null,
                GranteeKind.AssignedStaff => _members.TryGetValue((g.Grantee, viewer), out var role) && (role == OrgRole.OrgAdmin || g.Assigned.Contains(viewer)) ? "assigned staff" : null,
                // An organization's grant to a network's coordinators: while the organization is in that network.
                GranteeKind.NetworkCoordinators => orgOwner >= 0 && _networkOrgs.Contains((g.Grantee, orgOwner)) && _coordinators.Contains((g.Grantee, viewer)) ? "network share" : null,
            };
            if (why is not null) return why;
        }
        return null;
    }

    public HashSet<Guid> OracleOwners(int viewer, DataCategory category) =>
        OwnersOf(category).Where(owner => MaySee(viewer, owner, category)).ToHashSet();

    public HashSet<Guid> OracleAudience(Guid owner, DataCategory category) =>
        Enumerable.Range(0, People).Where(v => MaySee(v, owner, category)).Select(v => PersonIds[v]).ToHashSet();

    /// <summary>Grants that exist but no longer stand (withdrawn or ended): the histories must exercise these too.</summary>
    public int FallenGrants => _grants.Count(g => g.Withdrawn || (g.Ends is { } ends && Now >= ends));

    public List<SharingRule> RuleRows() => _rules.Select(r => new SharingRule
    {
        OwnerId = PersonIds[r.Key.Person], Category = r.Key.Category, Audience = r.Key.Audience, Enabled = r.Value, ChangedAt = Start,
    }).ToList();

    public List<Membership> MembershipRows() => _members.Select(m => new Membership
    {
        OrganizationId = OrgIds[m.Key.Org], UserId = PersonIds[m.Key.Person], Role = m.Value, JoinedAt = Start,
    }).ToList();

    public List<NetworkOrganization> NetworkOrgRows() =>
        _networkOrgs.Select(x => new NetworkOrganization { NetworkId = NetworkIds[x.Network], OrganizationId = OrgIds[x.Org] }).ToList();

    public List<NetworkCoordinator> CoordinatorRows() =>
        _coordinators.Select(x => new NetworkCoordinator { NetworkId = NetworkIds[x.Network], UserId = PersonIds[x.Person] }).ToList();

    public List<AccessGrant> GrantRows() => _grants.Select(g => new AccessGrant
    {
        Id = GrantIds[g.Index], OwnerId = g.Owner, Category = g.Category,
        GrantedById = DataCategories.KindOf(g.Category) == OwnerKind.Item ? PersonIds[0] : g.Owner,
        GranteeKind = g.Kind,
        GranteeId = g.Kind == GranteeKind.Person ? PersonIds[g.Grantee] : g.Kind == GranteeKind.NetworkCoordinators ? NetworkIds[g.Grantee] : OrgIds[g.Grantee],
        CreatedAt = Start, ExpiresAt = g.Ends, RevokedAt = g.Withdrawn ? Start : null,
    }).ToList();

    public List<AccessGrantAssignee> AssigneeRows() => _grants.SelectMany(g => g.Assigned.Select(p => new AccessGrantAssignee
    {
        GrantId = GrantIds[g.Index], UserId = PersonIds[p], AssignedAt = Start,
    })).ToList();

    public static string Name(Guid id) =>
        Array.IndexOf(PersonIds, id) is var i and >= 0 ? "P" + i.ToString(CultureInfo.InvariantCulture)
        : Array.IndexOf(OrgIds, id) is var o and >= 0 ? "O" + o.ToString(CultureInfo.InvariantCulture)
        : Array.IndexOf(ItemIds, id) is var t and >= 0 ? "I" + t.ToString(CultureInfo.InvariantCulture)
        : id.ToString();

    private static Guid[] Ids(byte kind, int count) =>
        Enumerable.Range(0, count).Select(i => new Guid(new byte[] { kind, (byte)i, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1 })).ToArray();
}

/// <summary>Tallies what a property run did, shared across CsCheck's threads.</summary>
public sealed class AccessTally
{
    private long _sequences, _queries, _reads, _forbidden, _missing, _crossPersonGrants, _grantReads, _fallenGrants, _relations;
    public long Sequences => Interlocked.Read(ref _sequences);
    public long Queries => Interlocked.Read(ref _queries);
    public long Reads => Interlocked.Read(ref _reads);
    public long Forbidden => Interlocked.Read(ref _forbidden);
    public long Missing => Interlocked.Read(ref _missing);
    public long CrossPersonGrants => Interlocked.Read(ref _crossPersonGrants);
    /// <summary>Legitimate reads that only a grant allows (named person, members, assigned staff).</summary>
    public long GrantReads => Interlocked.Read(ref _grantReads);
    /// <summary>Withdrawn or ended grants present when a whole relation was checked.</summary>
    public long FallenGrants => Interlocked.Read(ref _fallenGrants);
    /// <summary>Whole relations (every viewer one way, every owner the other) found equal in both directions.</summary>
    public long Relations => Interlocked.Read(ref _relations);

    public void Sequence() => Interlocked.Increment(ref _sequences);

    /// <summary>Compares OwnersVisibleTo(viewer) with the oracle; returns a description of any difference.</summary>
    public string? Compare(SharingWorld world, int viewer, DataCategory category, IReadOnlyCollection<Guid> actual)
    {
        var expected = world.OracleOwners(viewer, category);
        var self = DataCategories.KindOf(category) == OwnerKind.Person ? 1 : 0;
        Interlocked.Add(ref _crossPersonGrants, expected.Count - self);
        Interlocked.Add(ref _grantReads, expected.Count(o => world.Why(viewer, o, category) is "named person" or "member" or "assigned staff" or "network share"));
        return Diff($"P{viewer} reading {category}", expected, actual, SharingWorld.OwnersOf(category).Length);
    }

    /// <summary>Compares AudienceOf(owner) with the oracle; returns a description of any difference.</summary>
    public string? CompareAudience(SharingWorld world, Guid owner, DataCategory category, IReadOnlyCollection<Guid> actual) =>
        Diff($"audience of {SharingWorld.Name(owner)}'s {category}", world.OracleAudience(owner, category), actual, SharingWorld.People);

    /// <summary>
    /// The two directions are one rule: viewer ∈ AudienceOf(owner) ⇔ owner ∈ OwnersVisibleTo(viewer), over every viewer and
    /// owner of the category.
    /// </summary>
    public string? CompareDirections(SharingWorld world, DataCategory category,
        IReadOnlyDictionary<int, List<Guid>> visible, IReadOnlyDictionary<Guid, List<Guid>> audience)
    {
        Interlocked.Increment(ref _relations);
        Interlocked.Add(ref _fallenGrants, world.FallenGrants);
        var forward = visible.SelectMany(v => v.Value.Select(o => (Viewer: SharingWorld.PersonIds[v.Key], Owner: o))).ToHashSet();
        var backward = audience.SelectMany(a => a.Value.Select(v => (Viewer: v, Owner: a.Key))).ToHashSet();
        if (forward.SetEquals(backward)) return null;
        return $"{category}: the directions disagree: only in OwnersVisibleTo [{string.Join(",", forward.Except(backward).Select(p => $"{SharingWorld.Name(p.Viewer)}→{SharingWorld.Name(p.Owner)}"))}], " +
               $"only in AudienceOf [{string.Join(",", backward.Except(forward).Select(p => $"{SharingWorld.Name(p.Viewer)}→{SharingWorld.Name(p.Owner)}"))}]";
    }

    private string? Diff(string what, HashSet<Guid> expected, IReadOnlyCollection<Guid> actual, int universe)
    {
        var got = actual.ToHashSet();
        var forbidden = got.Except(expected).ToList();
        var missing = expected.Except(got).ToList();
        Interlocked.Increment(ref _queries);
        Interlocked.Add(ref _reads, universe);
        Interlocked.Add(ref _forbidden, forbidden.Count);
        Interlocked.Add(ref _missing, missing.Count);
        if (actual.Count != got.Count) return $"{what}: duplicates in the answer";
        if (forbidden.Count == 0 && missing.Count == 0) return null;
        return $"{what}: may not read [{string.Join(",", forbidden.Select(SharingWorld.Name))}], " +
               $"missing [{string.Join(",", missing.Select(SharingWorld.Name))}]";
    }

    public override string ToString() =>
        $"{Sequences} sequences, {Queries} queries, {Reads} reads checked, {Relations} whole relations equal both ways, " +
        $"{CrossPersonGrants} legitimate reads of another's data, {GrantReads} of them through a grant, {FallenGrants} fallen grants present, " +
        $"{Forbidden} forbidden reads, {Missing} missing reads";
}
