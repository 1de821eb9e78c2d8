using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Organizations;

public abstract class OrganizationTests(AppFixture app)
{
    [Fact]
    public async Task ServerAdmin_CreatesOrganization_AndBecomesItsAdmin()
    {
        var admin = await app.PersonAsync("admin", serverAdmin: true);
        using var client = await app.SignedInAsync(admin);
        var name = "Casa de Apoyo " + Guid.NewGuid().ToString("N")[..6];

        var response = await client.PostFormAsync("/organizations/new", new Dictionary<string, string> { ["Name"] = name, ["Kind"] = "Practitioner" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var org = await app.WithDbAsync(db => db.Organizations.SingleAsync(o => o.Name == name));
        Assert.Equal(OrganizationKind.Practitioner, org.Kind);
        Assert.Equal($"/organizations/{org.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(OrgRole.OrgAdmin, await app.RoleAsync(org.Id, admin.Id));
        var (_, list) = await client.GetAsync("/organizations");
        Assert.Contains(name, list, StringComparison.Ordinal);
        Assert.Contains("Organization admin", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAdmin_CannotCreateOrganization_AndNothingIsWritten()
    {
        var person = await app.PersonAsync();
        var orgAdmin = await app.PersonAsync("orgadmin");
        await app.OrganizationAsync(orgAdmin);
        var before = await app.CountAsync<Organization>();

        foreach (var who in new[] { person, orgAdmin })
        {
            using var client = await app.SignedInAsync(who);
            OrgKit.AssertRefused(await client.Http.GetAsync(new Uri("/organizations/new", UriKind.Relative)));
            var response = await client.PostFormAsync("/organizations", new Dictionary<string, string> { ["Name"] = "Sneaky", ["Kind"] = "CivilSociety" }, "/organizations/new");
            OrgKit.AssertRefused(response);
            var (_, list) = await client.GetAsync("/organizations");
            Assert.DoesNotContain("/organizations/new", list, StringComparison.Ordinal);
        }
        Assert.Equal(before, await app.CountAsync<Organization>());
    }

    [Fact]
    public async Task OrganizationPage_ShowsMembersWithRoles_ToMembers()
    {
        var admin = await app.PersonAsync("admin");
        var focal = await app.PersonAsync("focal", name: "Focal Fernanda");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, focal, OrgRole.FocalPoint);
        using var client = await app.SignedInAsync(focal);

        var (status, html) = await client.GetAsync($"/organizations/{orgId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Focal Fernanda", html, StringComparison.Ordinal);
        Assert.Contains("Security focal point", html, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Invite", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_CannotInviteOrChangeRoles_AndNothingIsWritten()
    {
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, member);
        var invitations = await app.CountAsync<Invitation>();
        using var client = await app.SignedInAsync(member);

        OrgKit.AssertRefused(await client.OrgActionAsync(orgId, "Invite", new() { ["InviteEmail"] = TestData.Email(), ["InviteRole"] = "OrgAdmin" }));
        OrgKit.AssertRefused(await client.OrgActionAsync(orgId, "Role", new() { ["memberId"] = member.Id.ToString(), ["role"] = "OrgAdmin" }));
        OrgKit.AssertRefused(await client.OrgActionAsync(orgId, "Role", new() { ["memberId"] = admin.Id.ToString(), ["role"] = "Member" }));
        OrgKit.AssertRefused(await client.OrgActionAsync(orgId, "Remove", new() { ["memberId"] = admin.Id.ToString() }));
        OrgKit.AssertRefused(await client.OrgActionAsync(orgId, "TwoFactor", new() { ["required"] = "true" }));

        Assert.Equal(invitations, await app.CountAsync<Invitation>());
        Assert.Equal(OrgRole.Member, await app.RoleAsync(orgId, member.Id));
        Assert.Equal(OrgRole.OrgAdmin, await app.RoleAsync(orgId, admin.Id));
    }

    [Fact]
    public async Task AdminOfAnotherOrganization_GetsNotFound_AndChangesNothing()
    {
        var adminA = await app.PersonAsync("admina");
        var memberA = await app.PersonAsync("membera", name: "Member of A");
        var adminB = await app.PersonAsync("adminb");
        var orgA = await app.OrganizationAsync(adminA, "Org A " + Guid.NewGuid().ToString("N")[..6]);
        await app.OrganizationAsync(adminB);
        await app.AddMemberAsync(orgA, memberA);
        var invitations = await app.CountAsync<Invitation>();
        using var client = await app.SignedInAsync(adminB);

        var (status, html) = await client.GetAsync($"/organizations/{orgA}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("Member of A", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.OrgActionAsync(orgA, "Invite", new() { ["InviteEmail"] = TestData.Email(), ["InviteRole"] = "Member" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.OrgActionAsync(orgA, "Role", new() { ["memberId"] = memberA.Id.ToString(), ["role"] = "OrgAdmin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.OrgActionAsync(orgA, "Remove", new() { ["memberId"] = memberA.Id.ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri($"/organizations/{orgA}/audit", UriKind.Relative))).StatusCode);
        var (_, list) = await client.GetAsync("/organizations");
        Assert.DoesNotContain(orgA.ToString(), list, StringComparison.Ordinal);

        Assert.Equal(invitations, await app.CountAsync<Invitation>());
        Assert.Equal(OrgRole.Member, await app.RoleAsync(orgA, memberA.Id));
    }

    [Fact]
    public async Task LastAdmin_CannotLeave_BeDemoted_OrBeRemoved()
    {
        var admin = await app.PersonAsync("admin");
        var orgId = await app.OrganizationAsync(admin);
        using var client = await app.SignedInAsync(admin);

        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
        {
            ("Leave", new()),
            ("Role", new() { ["memberId"] = admin.Id.ToString(), ["role"] = "Member" }),
            ("Remove", new() { ["memberId"] = admin.Id.ToString() }),
        })
        {
            var response = await client.OrgActionAsync(orgId, handler, fields);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var (_, html) = await client.GetAsync(response.Headers.Location!.OriginalString);
            Assert.Contains("only admin", html, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed", html, StringComparison.Ordinal);
            Assert.Equal(OrgRole.OrgAdmin, await app.RoleAsync(orgId, admin.Id));
        }

        // With a second admin, the first may step down.
        var second = await app.PersonAsync("second");
        await app.AddMemberAsync(orgId, second, OrgRole.OrgAdmin);
        await client.OrgActionAsync(orgId, "Leave", new());
        Assert.Null(await app.RoleAsync(orgId, admin.Id));
    }

    [Fact]
    public async Task RoleChange_IsApplied_AndAudited()
    {
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, member);
        using var client = await app.SignedInAsync(admin);

        var response = await client.OrgActionAsync(orgId, "Role", new() { ["memberId"] = member.Id.ToString(), ["role"] = "FocalPoint" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(OrgRole.FocalPoint, await app.RoleAsync(orgId, member.Id));
        var audited = await app.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Type == AuditEvents.RoleChanged && e.SubjectId == member.Id));
        Assert.Equal(admin.Id, audited.ActorId);
        Assert.Equal(orgId, audited.OrganizationId);
        Assert.Equal("Member->FocalPoint", audited.Detail);
    }

    [Fact]
    public async Task RemovedMember_GetsNotFound_OnTheVeryNextRequest()
    {
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, member);
        using var memberClient = await app.SignedInAsync(member);
        Assert.Equal(HttpStatusCode.OK, (await memberClient.GetAsync($"/organizations/{orgId}")).Status);
        using var adminClient = await app.SignedInAsync(admin);

        var removed = await adminClient.OrgActionAsync(orgId, "Remove", new() { ["memberId"] = member.Id.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync($"/organizations/{orgId}")).Status);
        var (_, list) = await memberClient.GetAsync("/organizations");
        Assert.DoesNotContain(orgId.ToString(), list, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEvents.MemberRemoved && e.SubjectId == member.Id && e.ActorId == admin.Id)));
    }

    [Fact]
    public async Task Member_CanLeave()
    {
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, member);
        using var client = await app.SignedInAsync(member);

        var response = await client.OrgActionAsync(orgId, "Leave", new());

        Assert.Equal("/organizations", response.Headers.Location!.OriginalString);
        Assert.Null(await app.RoleAsync(orgId, member.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/organizations/{orgId}")).Status);
    }

    [Fact]
    public async Task TwoFactorRule_NeedsTheAdminsOwnTwoFactor_AndThenBindsOtherAdmins()
    {
        var admin = await app.PersonAsync("admin");
        var other = await app.PersonAsync("other");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, other, OrgRole.OrgAdmin);
        using var client = await app.SignedInAsync(admin);

        await client.OrgActionAsync(orgId, "TwoFactor", new() { ["required"] = "true" });
        Assert.False(await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == orgId).Select(o => o.RequireTwoFactorForStaff).SingleAsync()));
        Assert.Contains("your own account first", (await client.GetAsync($"/organizations/{orgId}")).Html, StringComparison.Ordinal);

        // Sign-in is done; turning two-factor on is the accounts pages' job, so set the flag directly.
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        await client.OrgActionAsync(orgId, "TwoFactor", new() { ["required"] = "true" });
        Assert.True(await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == orgId).Select(o => o.RequireTwoFactorForStaff).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == AuditEvents.TwoFactorRuleChanged && e.OrganizationId == orgId)));

        // The other admin has two-factor off: organization pages send them to turn it on first (the account
        // pages' two-factor filter), and nothing they post there is done.
        using var otherClient = await app.SignedInAsync(other);
        var page = await otherClient.Http.GetAsync(new Uri($"/organizations/{orgId}", UriKind.Relative));
        Assert.Equal("/account/security?required=1", page.Headers.Location!.OriginalString);
        var invitations = await app.CountAsync<Invitation>();
        var invite = await otherClient.PostFormAsync("/account", new Dictionary<string, string> { ["InviteEmail"] = TestData.Email(), ["InviteRole"] = "Member" },
            $"/organizations/{orgId}?handler=Invite");
        Assert.Equal("/account/security?required=1", invite.Headers.Location!.OriginalString);
        Assert.Equal(invitations, await app.CountAsync<Invitation>());
    }

    [Fact]
    public async Task BadInput_OnOrganizationForms_IsRefusedWithoutError()
    {
        var admin = await app.PersonAsync("admin", serverAdmin: true);
        var orgId = await app.OrganizationAsync(admin);
        using var client = await app.SignedInAsync(admin);
        var orgs = await app.CountAsync<Organization>();

        var empty = await client.PostFormAsync("/organizations/new", new Dictionary<string, string> { ["Name"] = "   ", ["Kind"] = "CivilSociety" });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("1 to 200 characters", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostFormAsync("/organizations/new", new Dictionary<string, string> { ["Name"] = "X", ["Kind"] = "Pirates" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.OrgActionAsync(orgId, "Role", new() { ["memberId"] = admin.Id.ToString(), ["role"] = "King" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.OrgActionAsync(orgId, "Role", new() { ["memberId"] = Guid.NewGuid().ToString(), ["role"] = "Member" })).StatusCode);
        var badMail = await client.OrgActionAsync(orgId, "Invite", new() { ["InviteEmail"] = "not an address", ["InviteRole"] = "Member" });
        Assert.Equal(HttpStatusCode.OK, badMail.StatusCode);
        Assert.Contains("field-error", await badMail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(orgs, await app.CountAsync<Organization>());
        Assert.Equal(0, await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.OrganizationId == orgId)));
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class OrganizationTestsSqlite(SqliteApp app) : OrganizationTests(app);
[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class OrganizationTestsPostgres(PostgresApp app) : OrganizationTests(app);
