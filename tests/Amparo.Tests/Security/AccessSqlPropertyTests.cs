using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// The same generated histories as <see cref="AccessPropertyTests"/>, fewer of them, with <see cref="Access.OwnersVisibleTo"/>
/// and <see cref="Access.AudienceOf"/> run as SQL over the real DbSets at the world's instant: proves the provider's
/// translation gives the same answers as the oracle, and the same relation both ways. People, organizations and networks
/// are inserted as rows (no passwords hashed); relationship and grant rows are rewritten to the model's state before each read.
/// </summary>
[RunsLong]
public abstract class AccessSqlPropertyTests(AppFixture app)
{
    /// <summary>
    /// 60 histories per database in the suite (each read is a real query); more with
    /// <c>AMPARO_ACCESS_SQL_HISTORIES=500</c> and <c>--filter-class '*AccessSqlPropertyTests*'</c>.
    /// </summary>
    public static int Sequences { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("AMPARO_ACCESS_SQL_HISTORIES"), System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 60;

    [Fact]
    public async Task OwnersVisibleTo_AndAudienceOf_InSql_AgreeWithTheOracle_AndWithEachOther_OverGeneratedHistories()
    {
        await SeedAsync();
        var tally = new AccessTally();
        await SharingWorld.GenHistory.SampleAsync(async history =>
        {
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
            var world = new SharingWorld();
            var dirty = true;
            // State is written inside a transaction that is rolled back, never committed: the queries see it,
            // the next history starts clean, and no commit waits for the disk.
            Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? tx = null;
            foreach (var op in history)
            {
                world.Apply(op);
                switch (op)
                {
                    case Read(var viewer, var category):
                        Fail(tally.Compare(world, viewer, category, await VisibleAsync(viewer, category)));
                        break;
                    case ReadAudience(var o, var category):
                        var owner = SharingWorld.OwnerFor(category, o);
                        Fail(tally.CompareAudience(world, owner, category, await AudienceAsync(owner, category)));
                        break;
                    default:
                        dirty = true;
                        break;
                }
            }
            // After the history, the whole relation of one category, both ways (the histories take turns over the categories;
            // the in-memory run checks every category after every history).
            foreach (var category in new[] { SharingWorld.Categories[history.Length % SharingWorld.Categories.Length] })
            {
                var forward = new Dictionary<int, List<Guid>>();
                for (var viewer = 0; viewer < SharingWorld.People; viewer++)
                {
                    forward[viewer] = await VisibleAsync(viewer, category);
                    Fail(tally.Compare(world, viewer, category, forward[viewer]));
                }
                var backward = new Dictionary<Guid, List<Guid>>();
                foreach (var owner in SharingWorld.OwnersOf(category))
                {
                    backward[owner] = await AudienceAsync(owner, category);
                    Fail(tally.CompareAudience(world, owner, category, backward[owner]));
                }
                Fail(tally.CompareDirections(world, category, forward, backward));
            }
            if (tx is not null) await tx.DisposeAsync();
            tally.Sequence();

            async Task<AccessSources> SourcesAsync()
            {
                if (dirty)
                {
                    if (tx is not null) await tx.DisposeAsync();
                    tx = await db.Database.BeginTransactionAsync();
                    await WriteStateAsync(db, world);
                    dirty = false;
                }
                return Sources(db, world);
            }
            async Task<List<Guid>> VisibleAsync(int viewer, DataCategory category) =>
                await Access.OwnersVisibleTo(SharingWorld.PersonIds[viewer], category, await SourcesAsync()).ToListAsync();
            async Task<List<Guid>> AudienceAsync(Guid owner, DataCategory category) =>
                await Access.AudienceOf(owner, category, await SourcesAsync()).ToListAsync();
        }, iter: Sequences, threads: 1, print: h => string.Join("; ", h.Select(o => o.ToString())));

        TestContext.Current.TestOutputHelper?.WriteLine($"{app.Provider}: {tally}");
        Console.WriteLine($"AccessSqlPropertyTests ({app.Provider}): {tally}");
        Assert.Equal(Sequences, tally.Sequences);
        Assert.Equal(0, tally.Forbidden);
        Assert.Equal(0, tally.Missing);
        Assert.True(tally.CrossPersonGrants > 0);
        Assert.True(tally.GrantReads > 0, tally.ToString());
        Assert.True(tally.FallenGrants > 0, tally.ToString());
    }

    private static void Fail(string? problem)
    {
        if (problem is not null) throw new InvalidOperationException(problem);
    }

    private static AccessSources Sources(AmparoDbContext db, SharingWorld world) =>
        new(db.SharingRules, db.Memberships, db.NetworkOrganizations, db.NetworkCoordinators, db.AccessGrants, db.AccessGrantAssignees, world.Now);

    /// <summary>Roles are stored as text; an ordering comparison in SQL once let every member through ("Member" ≥ "FocalPoint").</summary>
    [Fact]
    public async Task PlainMember_DoesNotSeeAnotherMembersVisits_WhileTheFocalPointAndAdminDo_InSql()
    {
        await SeedAsync();
        var world = new SharingWorld();
        world.Apply(new AddMember(0, 0, OrgRole.Member));
        world.Apply(new AddMember(0, 1, OrgRole.Member));
        world.Apply(new AddMember(0, 2, OrgRole.FocalPoint));
        world.Apply(new AddMember(0, 3, OrgRole.OrgAdmin));
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        await WriteStateAsync(db, world);
        Task<List<Guid>> VisibleTo(int viewer) => Access.OwnersVisibleTo(SharingWorld.PersonIds[viewer], DataCategory.VisitsAndAlerts, Sources(db, world)).ToListAsync();
        Assert.DoesNotContain(SharingWorld.PersonIds[0], await VisibleTo(1));
        Assert.Contains(SharingWorld.PersonIds[0], await VisibleTo(2));
        Assert.Contains(SharingWorld.PersonIds[0], await VisibleTo(3));
        Assert.DoesNotContain(SharingWorld.PersonIds[0], await VisibleTo(4)); // not in the organization at all
    }

    private async Task SeedAsync()
    {
        await app.WithDbAsync(async db =>
        {
            if (await db.Users.AnyAsync(u => u.Id == SharingWorld.PersonIds[0])) return 0;
            var now = app.Clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < SharingWorld.People; i++)
            {
                var email = $"sharing-p{i}@example.org";
                db.Users.Add(new User
                {
                    Id = SharingWorld.PersonIds[i], UserName = email, NormalizedUserName = email.ToUpperInvariant(),
                    Email = email, NormalizedEmail = email.ToUpperInvariant(), DisplayName = "P" + i, DataKeyId = Guid.NewGuid(),
                    SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = now,
                });
            }
            for (var i = 0; i < SharingWorld.Orgs; i++)
                db.Organizations.Add(new Organization { Id = SharingWorld.OrgIds[i], Name = "Org " + i, Kind = OrganizationKind.CivilSociety, CreatedAt = now });
            for (var i = 0; i < SharingWorld.Networks; i++)
                db.Networks.Add(new Network { Id = SharingWorld.NetworkIds[i], Name = "Network " + i, CreatedAt = now });
            return await db.SaveChangesAsync();
        });
    }

    private static async Task WriteStateAsync(AmparoDbContext db, SharingWorld world)
    {
        await db.AccessGrantAssignees.ExecuteDeleteAsync();
        await db.AccessGrants.ExecuteDeleteAsync();
        await db.SharingRules.ExecuteDeleteAsync();
        await db.Memberships.ExecuteDeleteAsync();
        await db.NetworkCoordinators.ExecuteDeleteAsync();
        await db.NetworkOrganizations.ExecuteDeleteAsync();
        db.SharingRules.AddRange(world.RuleRows());
        db.Memberships.AddRange(world.MembershipRows());
        db.NetworkOrganizations.AddRange(world.NetworkOrgRows());
        db.NetworkCoordinators.AddRange(world.CoordinatorRows());
        db.AccessGrants.AddRange(world.GrantRows());
        db.AccessGrantAssignees.AddRange(world.AssigneeRows());
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }
}

[Collection(nameof(SharedHosts.SecurityOnSqlite))]
public sealed class AccessSqlPropertyTestsSqlite(SqliteApp app) : AccessSqlPropertyTests(app);
[Collection(nameof(SharedHosts.SecurityOnPostgres))]
public sealed class AccessSqlPropertyTestsPostgres(PostgresApp app) : AccessSqlPropertyTests(app);
