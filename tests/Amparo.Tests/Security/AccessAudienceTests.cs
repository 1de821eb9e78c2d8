using System.Net;
using Amparo.Tests.Accounts;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Security;

/// <summary>
/// The audience kinds the next modules need, end to end on the real databases, each with its negative cases:
/// an organization as owner (staff see everything, members only what is opened to members, other organizations nothing),
/// a named person (only while the grant stands), a grantmaker's assigned staff (only the assigned and the admins, only
/// until the date, only while still in the grantmaker). Both directions of the rule are asked every time.
/// </summary>
public abstract class AccessAudienceTests(AppFixture app)
{
    private Task<bool> SeesAsync(Guid viewer, Guid owner, DataCategory category) =>
        app.WithDbAsync(async db =>
        {
            var sources = AccessSources.Of(db, app.Clock);
            var forward = await Access.OwnersVisibleTo(viewer, category, sources).ContainsAsync(owner);
            var backward = await Access.AudienceOf(owner, category, sources).ContainsAsync(viewer);
            Assert.Equal(forward, backward); // one rule, two directions
            return forward;
        });

    private Task<int> AddAsync(AccessGrant grant, params Guid[] assigned) =>
        app.WithDbAsync(db =>
        {
            db.AccessGrants.Add(grant);
            foreach (var user in assigned) db.AccessGrantAssignees.Add(new AccessGrantAssignee { GrantId = grant.Id, UserId = user, AssignedAt = grant.CreatedAt });
            return db.SaveChangesAsync();
        });

    private Task<int> WithdrawAsync(Guid grantId) =>
        app.WithDbAsync(db => db.AccessGrants.Where(g => g.Id == grantId).ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, app.Clock.GetUtcNow().UtcDateTime)));

    private DateTime Now => app.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Organization_StaffSeeEveryCategory_MembersOnlyWhatIsOpenedToMembers_OtherOrganizationsNothing()
    {
        var admin = await app.CreateUserAsync(TestData.Email("org-admin"));
        var focal = await app.CreateUserAsync(TestData.Email("org-focal"));
        var member = await app.CreateUserAsync(TestData.Email("org-member"));
        var outsider = await app.CreateUserAsync(TestData.Email("org-outsider"));
        var org = await app.OrganizationAsync("Owning org");
        var other = await app.OrganizationAsync("Other org");
        await app.AddMemberAsync(org, admin.Id, OrgRole.OrgAdmin);
        await app.AddMemberAsync(org, focal.Id, OrgRole.FocalPoint);
        await app.AddMemberAsync(org, member.Id, OrgRole.Member);
        await app.AddMemberAsync(other, outsider.Id, OrgRole.OrgAdmin);
        await AddAsync(AccessGrant.ToMembers(org, DataCategory.OrganizationProtocols, org, Now));

        foreach (var category in DataCategories.OfKind(OwnerKind.Organization))
        {
            Assert.True(await SeesAsync(admin.Id, org, category));
            Assert.True(await SeesAsync(focal.Id, org, category));
            Assert.False(await SeesAsync(outsider.Id, org, category)); // an admin elsewhere is nobody here
        }
        Assert.True(await SeesAsync(member.Id, org, DataCategory.OrganizationProtocols));
        Assert.False(await SeesAsync(member.Id, org, DataCategory.OrganizationSecurityPlan)); // the register may name an insider
        Assert.False(await SeesAsync(member.Id, org, DataCategory.OrganizationIncidents));
        Assert.False(await SeesAsync(outsider.Id, org, DataCategory.OrganizationProtocols));
        // The other organization's own data is not opened by this organization's grant.
        Assert.False(await SeesAsync(member.Id, other, DataCategory.OrganizationProtocols));

        // A member who leaves sees nothing any more; a demoted focal point only what members see.
        await app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == org && m.UserId == member.Id).ExecuteDeleteAsync());
        Assert.False(await SeesAsync(member.Id, org, DataCategory.OrganizationProtocols));
        await app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == org && m.UserId == focal.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrgRole.Member)));
        Assert.False(await SeesAsync(focal.Id, org, DataCategory.OrganizationSecurityPlan));
        Assert.True(await SeesAsync(focal.Id, org, DataCategory.OrganizationProtocols));
    }

    [Fact]
    public async Task ADeletedPerson_TakesTheGrantsTheyGaveAndReceivedWithThem_AndTheirExportListedThem()
    {
        var owner = await app.CreateUserAsync(TestData.Email("grant-owner"));
        var buddy = await app.CreateUserAsync(TestData.Email("grant-buddy"));
        var other = await app.CreateUserAsync(TestData.Email("grant-other"));
        var given = AccessGrant.ToPerson(owner.Id, DataCategory.SecurityPlan, buddy.Id, Now);
        var received = AccessGrant.ToPerson(other.Id, DataCategory.SecurityPlan, owner.Id, Now);
        var unrelated = AccessGrant.ToPerson(other.Id, DataCategory.SecurityPlan, buddy.Id, Now);
        await AddAsync(given);
        await AddAsync(received);
        await AddAsync(unrelated);

        var json = await app.WithServicesAsync(async sp => System.Text.Encoding.UTF8.GetString(
            await sp.GetRequiredService<Amparo.Web.Features.Accounts.DataExport>().JsonAsync(owner)));
        Assert.Contains("\"accessGrants\"", json, StringComparison.Ordinal);
        Assert.Contains("\"given\"", json, StringComparison.Ordinal);
        Assert.Contains("\"received\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(buddy.Id.ToString(), json, StringComparison.OrdinalIgnoreCase); // who received it is not the owner's to export

        Assert.True(await app.WithServicesAsync(sp => sp.GetRequiredService<Amparo.Web.Features.Accounts.AccountDeletion>().DeleteAsync(owner)));
        var left = await app.WithDbAsync(db => db.AccessGrants.Where(g => g.Id == given.Id || g.Id == received.Id || g.Id == unrelated.Id).Select(g => g.Id).ToListAsync());
        Assert.Equal([unrelated.Id], left);
        Assert.False(await SeesAsync(buddy.Id, owner.Id, DataCategory.SecurityPlan));
    }

    [Fact]
    public async Task NamedPerson_SeesOnlyWhatTheGrantOpens_AndNothingOnceItIsWithdrawn()
    {
        var owner = await app.CreateUserAsync(TestData.Email("buddy-owner"));
        var buddy = await app.CreateUserAsync(TestData.Email("buddy"));
        var stranger = await app.CreateUserAsync(TestData.Email("buddy-stranger"));
        var grant = AccessGrant.ToPerson(owner.Id, DataCategory.SecurityPlan, buddy.Id, Now);
        await AddAsync(grant);

        Assert.True(await SeesAsync(buddy.Id, owner.Id, DataCategory.SecurityPlan));
        Assert.False(await SeesAsync(buddy.Id, owner.Id, DataCategory.VisitsAndAlerts)); // only the category granted
        Assert.False(await SeesAsync(stranger.Id, owner.Id, DataCategory.SecurityPlan));
        Assert.False(await SeesAsync(owner.Id, buddy.Id, DataCategory.SecurityPlan)); // a grant is one way

        await WithdrawAsync(grant.Id);
        Assert.False(await SeesAsync(buddy.Id, owner.Id, DataCategory.SecurityPlan));
        Assert.True(await SeesAsync(owner.Id, owner.Id, DataCategory.SecurityPlan));
    }

    [Fact]
    public async Task GrantmakerStaff_OnlyTheAssignedAndTheAdminsSeeASharedSnapshot_OnlyUntilItsDate()
    {
        var defender = await app.CreateUserAsync(TestData.Email("snap-defender"));
        var gmAdmin = await app.CreateUserAsync(TestData.Email("gm-admin"));
        var officer = await app.CreateUserAsync(TestData.Email("gm-officer"));
        var colleague = await app.CreateUserAsync(TestData.Email("gm-colleague"));
        var leaver = await app.CreateUserAsync(TestData.Email("gm-leaver"));
        var otherFunder = await app.CreateUserAsync(TestData.Email("gm-other"));
        var grantmaker = await app.OrganizationAsync("Funder");
        var otherGrantmaker = await app.OrganizationAsync("Other funder");
        await app.AddMemberAsync(grantmaker, gmAdmin.Id, OrgRole.OrgAdmin);
        await app.AddMemberAsync(grantmaker, officer.Id, OrgRole.Member);
        await app.AddMemberAsync(grantmaker, colleague.Id, OrgRole.FocalPoint);
        await app.AddMemberAsync(grantmaker, leaver.Id, OrgRole.Member);
        await app.AddMemberAsync(otherGrantmaker, otherFunder.Id, OrgRole.OrgAdmin);
        var snapshot = Guid.NewGuid();
        var otherSnapshot = Guid.NewGuid();
        await AddAsync(AccessGrant.ToAssignedStaff(snapshot, DataCategory.PlanSnapshot, defender.Id, grantmaker, Now, until: Now.AddDays(7)), officer.Id, leaver.Id, otherFunder.Id);

        Assert.True(await SeesAsync(officer.Id, snapshot, DataCategory.PlanSnapshot));
        Assert.True(await SeesAsync(gmAdmin.Id, snapshot, DataCategory.PlanSnapshot));
        Assert.False(await SeesAsync(colleague.Id, snapshot, DataCategory.PlanSnapshot)); // staff, but not assigned
        Assert.False(await SeesAsync(otherFunder.Id, snapshot, DataCategory.PlanSnapshot)); // assigned, but not of this grantmaker
        Assert.False(await SeesAsync(officer.Id, otherSnapshot, DataCategory.PlanSnapshot)); // only the item shared
        Assert.False(await SeesAsync(officer.Id, defender.Id, DataCategory.SecurityPlan)); // nothing else of the defender
        Assert.False(await SeesAsync(defender.Id, snapshot, DataCategory.PlanSnapshot)); // the item's audience is its grants

        await app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == grantmaker && m.UserId == leaver.Id).ExecuteDeleteAsync());
        Assert.False(await SeesAsync(leaver.Id, snapshot, DataCategory.PlanSnapshot)); // a former member sees nothing

        app.Clock.Advance(TimeSpan.FromDays(7));
        Assert.False(await SeesAsync(officer.Id, snapshot, DataCategory.PlanSnapshot)); // after the date, nobody
        Assert.False(await SeesAsync(gmAdmin.Id, snapshot, DataCategory.PlanSnapshot));
        Assert.Empty(await app.WithDbAsync(db => Access.AudienceOf(snapshot, DataCategory.PlanSnapshot, AccessSources.Of(db, app.Clock)).ToListAsync()));
    }

    [Fact]
    public void AGrant_OnlyOpensWhatItsOwnerKindAllows()
    {
        var someone = Guid.NewGuid();
        // An item grant must name who gives it; a person's or organization's grant is given by the owner themself.
        Assert.Throws<ArgumentException>(() => AccessGrant.ToAssignedStaff(someone, DataCategory.PlanSnapshot, someone, Guid.NewGuid(), Now, Now.AddDays(1)));
        Assert.Throws<ArgumentException>(() => AccessGrant.ToAssignedStaff(someone, DataCategory.SecurityPlan, Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddDays(1)));
        Assert.Throws<ArgumentException>(() => AccessGrant.ToPerson(someone, DataCategory.PlanSnapshot, Guid.NewGuid(), Now));
    }

    [Fact]
    public async Task SharingPage_NamesWhoEachTickedBoxReachesToday_AndThePeopleChosenElsewhere()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var focal = await app.CreateUserAsync(TestData.Email("page-focal"), name: "Fatima Focal");
        var member = await app.CreateUserAsync(TestData.Email("page-member"), name: "Mona Member");
        var buddy = await app.CreateUserAsync(TestData.Email("page-buddy"), name: "Bruno Buddy");
        var org = await app.OrganizationAsync("Page org");
        await app.AddMemberAsync(org, user.Id, OrgRole.Member);
        await app.AddMemberAsync(org, focal.Id, OrgRole.FocalPoint);
        await app.AddMemberAsync(org, member.Id, OrgRole.Member);

        var (status, html) = await client.GetAsync("/account/sharing");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Today that is: <bdi>Fatima Focal</bdi>.", html, StringComparison.Ordinal); // the names keep their own direction
        Assert.DoesNotContain("Mona Member", html, StringComparison.Ordinal);
        Assert.DoesNotContain("People you chose", html, StringComparison.Ordinal);

        var grant = AccessGrant.ToPerson(user.Id, DataCategory.SecurityPlan, buddy.Id, Now);
        await AddAsync(grant);
        (_, html) = await client.GetAsync("/account/sharing");
        Assert.Contains("People you chose", html, StringComparison.Ordinal);
        Assert.Contains("Your security plan: <bdi>Bruno Buddy</bdi>", html, StringComparison.Ordinal);

        await WithdrawAsync(grant.Id);
        (_, html) = await client.GetAsync("/account/sharing");
        Assert.DoesNotContain("Bruno Buddy", html, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.SecurityOnSqlite))]
public sealed class AccessAudienceTestsSqlite(SqliteApp app) : AccessAudienceTests(app);
[Collection(nameof(SharedHosts.SecurityOnPostgres))]
public sealed class AccessAudienceTestsPostgres(PostgresApp app) : AccessAudienceTests(app);
