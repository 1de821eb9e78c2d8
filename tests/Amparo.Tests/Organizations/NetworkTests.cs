using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Organizations;

public abstract class NetworkTests(AppFixture app)
{
    private static async Task<Guid> CreateNetworkAsync(TestClient serverAdmin, string name)
    {
        var response = await serverAdmin.PostFormAsync("/networks", new Dictionary<string, string> { ["Name"] = name }, "/networks?handler=Create");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.OriginalString["/networks/".Length..]);
    }

    private static Task<HttpResponseMessage> NetworkActionAsync(TestClient client, Guid networkId, string handler, Dictionary<string, string> fields) =>
        client.PostFormAsync("/networks", fields, $"/networks/{networkId}?handler={handler}");

    [Fact]
    public async Task ServerAdmin_CreatesNetwork_AddsOrganization_AndCoordinator()
    {
        var serverAdmin = await app.PersonAsync("root", serverAdmin: true);
        var orgAdmin = await app.PersonAsync("orgadmin");
        var coordinator = await app.PersonAsync("coord", name: "Coordinator Carmen");
        var orgId = await app.OrganizationAsync(orgAdmin, "Member Org " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(orgId, coordinator);
        using var client = await app.SignedInAsync(serverAdmin);

        var networkId = await CreateNetworkAsync(client, "Red Andina");
        Assert.Equal(HttpStatusCode.Redirect, (await NetworkActionAsync(client, networkId, "AddOrganization", new() { ["organizationId"] = orgId.ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await NetworkActionAsync(client, networkId, "AddCoordinator", new() { ["CoordinatorEmail"] = coordinator.Email })).StatusCode);

        Assert.True(await app.WithDbAsync(db => db.NetworkOrganizations.AnyAsync(n => n.NetworkId == networkId && n.OrganizationId == orgId)));
        Assert.True(await app.WithDbAsync(db => db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId && c.UserId == coordinator.Id)));
        using var coordinatorClient = await app.SignedInAsync(coordinator);
        var (_, list) = await coordinatorClient.GetAsync("/networks");
        Assert.Contains("Red Andina", list, StringComparison.Ordinal);
        var (status, page) = await coordinatorClient.GetAsync($"/networks/{networkId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Coordinator Carmen", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=AddCoordinator", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coordinator_MustBelongToAMemberOrganization_OtherwiseAClearMessageAndNothingWritten()
    {
        var serverAdmin = await app.PersonAsync("root", serverAdmin: true);
        var outsiderAdmin = await app.PersonAsync("outside");
        await app.OrganizationAsync(outsiderAdmin); // an organization that is not in the network
        using var client = await app.SignedInAsync(serverAdmin);
        var networkId = await CreateNetworkAsync(client, "Red Sur");

        foreach (var email in new[] { outsiderAdmin.Email, TestData.Email("nobody"), "not an address" })
        {
            var response = await NetworkActionAsync(client, networkId, "AddCoordinator", new() { ["CoordinatorEmail"] = email });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("not belong to a member of an organization in this network", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.False(await app.WithDbAsync(db => db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId)));
    }

    [Fact]
    public async Task NetworkPage_IsNotFound_ForPeopleWithNoLinkToIt_AndVisibleToMembersOfMemberOrganizations()
    {
        var serverAdmin = await app.PersonAsync("root", serverAdmin: true);
        var insideAdmin = await app.PersonAsync("inside");
        var insideMember = await app.PersonAsync("insidemember");
        var outsideAdmin = await app.PersonAsync("outside");
        var insideOrg = await app.OrganizationAsync(insideAdmin);
        await app.AddMemberAsync(insideOrg, insideMember);
        await app.OrganizationAsync(outsideAdmin);
        using var client = await app.SignedInAsync(serverAdmin);
        var name = "Red Norte " + Guid.NewGuid().ToString("N")[..6];
        var networkId = await CreateNetworkAsync(client, name);
        await NetworkActionAsync(client, networkId, "AddOrganization", new() { ["organizationId"] = insideOrg.ToString() });

        using var outsider = await app.SignedInAsync(outsideAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/networks/{networkId}")).Status);
        Assert.DoesNotContain(name, (await outsider.GetAsync("/networks")).Html, StringComparison.Ordinal);

        using var member = await app.SignedInAsync(insideMember);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/networks/{networkId}")).Status);
        Assert.Contains(name, (await member.GetAsync("/networks")).Html, StringComparison.Ordinal);

        // Leaving the organization ends the link to the network at once.
        await member.OrgActionAsync(insideOrg, "Leave", new());
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/networks/{networkId}")).Status);
    }

    [Fact]
    public async Task NonServerAdmins_CannotCreateOrChangeNetworks_AndNothingIsWritten()
    {
        var serverAdmin = await app.PersonAsync("root", serverAdmin: true);
        var orgAdmin = await app.PersonAsync("orgadmin");
        var orgId = await app.OrganizationAsync(orgAdmin);
        using var rootClient = await app.SignedInAsync(serverAdmin);
        var networkId = await CreateNetworkAsync(rootClient, "Red Centro");
        await NetworkActionAsync(rootClient, networkId, "AddOrganization", new() { ["organizationId"] = orgId.ToString() });
        var networks = await app.CountAsync<Network>();
        using var client = await app.SignedInAsync(orgAdmin);

        OrgKit.AssertRefused(await client.PostFormAsync("/networks", new Dictionary<string, string> { ["Name"] = "Mine" }, "/networks?handler=Create"));
        OrgKit.AssertRefused(await NetworkActionAsync(client, networkId, "AddCoordinator", new() { ["CoordinatorEmail"] = orgAdmin.Email }));
        var otherOrg = await app.OrganizationAsync(orgAdmin);
        OrgKit.AssertRefused(await NetworkActionAsync(client, networkId, "AddOrganization", new() { ["organizationId"] = otherOrg.ToString() }));

        Assert.Equal(networks, await app.CountAsync<Network>());
        Assert.False(await app.WithDbAsync(db => db.NetworkCoordinators.AnyAsync(c => c.NetworkId == networkId)));
        Assert.False(await app.WithDbAsync(db => db.NetworkOrganizations.AnyAsync(n => n.NetworkId == networkId && n.OrganizationId == otherOrg)));
        Assert.DoesNotContain("handler=Create", (await client.GetAsync("/networks")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovingTheCoordinatorFromTheirOnlyMemberOrganization_EndsTheirSeat()
    {
        var serverAdmin = await app.PersonAsync("root", serverAdmin: true);
        var orgAdmin = await app.PersonAsync("orgadmin");
        var coordinator = await app.PersonAsync("coord");
        var orgId = await app.OrganizationAsync(orgAdmin);
        await app.AddMemberAsync(orgId, coordinator, OrgRole.FocalPoint);
        using var rootClient = await app.SignedInAsync(serverAdmin);
        var networkId = await CreateNetworkAsync(rootClient, "Red Este");
        await NetworkActionAsync(rootClient, networkId, "AddOrganization", new() { ["organizationId"] = orgId.ToString() });
        await NetworkActionAsync(rootClient, networkId, "AddCoordinator", new() { ["CoordinatorEmail"] = coordinator.Email });
        using var coordinatorClient = await app.SignedInAsync(coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinatorClient.GetAsync($"/networks/{networkId}")).Status);

        using var adminClient = await app.SignedInAsync(orgAdmin);
        await adminClient.OrgActionAsync(orgId, "Remove", new() { ["memberId"] = coordinator.Id.ToString() });

        Assert.Equal(HttpStatusCode.NotFound, (await coordinatorClient.GetAsync($"/networks/{networkId}")).Status);
        Assert.False(await app.WithDbAsync(db => db.NetworkCoordinators.AnyAsync(c => c.UserId == coordinator.Id)));
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class NetworkTestsSqlite(SqliteApp app) : NetworkTests(app);
[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class NetworkTestsPostgres(PostgresApp app) : NetworkTests(app);
