using System.Globalization;
using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Organizations;

public abstract class AuditPageTests(AppFixture app)
{
    [Fact]
    public async Task OrganizationAuditPage_ShowsOnlyThatOrganizationsEvents()
    {
        var adminA = await app.PersonAsync("admina");
        var memberA = await app.PersonAsync("membera");
        var adminB = await app.PersonAsync("adminb");
        var memberB = await app.PersonAsync("memberb");
        var orgA = await app.OrganizationAsync(adminA);
        var orgB = await app.OrganizationAsync(adminB);
        await app.AddMemberAsync(orgA, memberA);
        await app.AddMemberAsync(orgB, memberB);
        using var clientA = await app.SignedInAsync(adminA);
        using var clientB = await app.SignedInAsync(adminB);
        await clientA.OrgActionAsync(orgA, "Role", new() { ["memberId"] = memberA.Id.ToString(), ["role"] = "FocalPoint" });
        await clientB.OrgActionAsync(orgB, "Role", new() { ["memberId"] = memberB.Id.ToString(), ["role"] = "FocalPoint" });

        var (status, html) = await clientA.GetAsync($"/organizations/{orgA}/audit");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(memberA.Id.ToString(), html, StringComparison.Ordinal);
        Assert.Contains(AuditEvents.RoleChanged, html, StringComparison.Ordinal);
        Assert.DoesNotContain(memberB.Id.ToString(), html, StringComparison.Ordinal);
        Assert.DoesNotContain(adminB.Id.ToString(), html, StringComparison.Ordinal);
        Assert.DoesNotContain(AuditEvents.SignInSucceeded, html.Replace("<option value=\"signin.succeeded\">signin.succeeded</option>", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrganizationAuditPage_IsRefusedToMembersAndOutsiders()
    {
        var admin = await app.PersonAsync("admin");
        var focal = await app.PersonAsync("focal");
        var outsider = await app.PersonAsync("outsider");
        var orgId = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(orgId, focal, OrgRole.FocalPoint);

        using var focalClient = await app.SignedInAsync(focal);
        Assert.Equal(HttpStatusCode.Forbidden, (await focalClient.GetAsync($"/organizations/{orgId}/audit")).Status);
        using var outsiderClient = await app.SignedInAsync(outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.GetAsync($"/organizations/{orgId}/audit")).Status);
    }

    [Fact]
    public async Task AdminPages_AreRefusedToEveryoneButServerAdmins()
    {
        var orgAdmin = await app.PersonAsync("orgadmin");
        await app.OrganizationAsync(orgAdmin);
        using var client = await app.SignedInAsync(orgAdmin);
        foreach (var url in new[] { "/admin", "/admin/audit", "/admin/audit?page=1" })
            OrgKit.AssertRefused(await client.Http.GetAsync(new Uri(url, UriKind.Relative)));
        Assert.DoesNotContain("href=\"/admin\"", (await client.GetAsync("/")).Html, StringComparison.Ordinal);

        var root = await app.PersonAsync("root", serverAdmin: true);
        using var rootClient = await app.SignedInAsync(root);
        var (status, html) = await rootClient.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("/admin/audit", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerAuditPage_FiltersByType_PagesByFifty_AndShowsTimesInTheViewersZone()
    {
        var root = await app.PersonAsync("root", serverAdmin: true);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == root.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, "Asia/Kathmandu")));
        using var client = await app.SignedInAsync(root);
        var orgIds = new List<Guid>();
        for (var i = 0; i < 55; i++) orgIds.Add(await app.OrganizationAsync(root));

        var (status, page0) = await client.GetAsync("/admin/audit?type=" + AuditEvents.OrganizationCreated);
        var (_, page1) = await client.GetAsync("/admin/audit?type=" + AuditEvents.OrganizationCreated + "&page=1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(">" + AuditEvents.SignInSucceeded + "</td>", page0, StringComparison.Ordinal);
        Assert.Contains(">" + AuditEvents.OrganizationCreated + "</td>", page0, StringComparison.Ordinal);
        Assert.Equal(50, CountRows(page0));
        Assert.Contains("page=1", page0, StringComparison.Ordinal);
        Assert.True(CountRows(page1) >= 5);
        var last = orgIds[^1];
        var at = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AuditEvents.OrganizationCreated && e.OrganizationId == last).Select(e => e.At).SingleAsync());
        var expected = LocalTimes.ToLocal(at, "Asia/Kathmandu").ToString("g", CultureInfo.GetCultureInfo("en"));
        Assert.Contains(expected, WebUtility.HtmlDecode(page0), StringComparison.Ordinal);
        Assert.Contains("Asia/Kathmandu", page0, StringComparison.Ordinal);

        var (_, all) = await client.GetAsync("/admin/audit?type=" + AuditEvents.SignInSucceeded);
        Assert.Contains(root.Id.ToString(), all, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/audit?type=nonsense&page=-4")).Status);
    }

    private static int CountRows(string html) =>
        html.Split("<tbody>")[1].Split("</tbody>")[0].Split("<tr>").Length - 1;
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class AuditPageTestsSqlite(SqliteApp app) : AuditPageTests(app);
[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class AuditPageTestsPostgres(PostgresApp app) : AuditPageTests(app);
