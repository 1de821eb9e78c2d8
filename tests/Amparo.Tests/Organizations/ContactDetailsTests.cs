using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Organizations;

/// <summary>A member's phone number reaches a colleague only through the member's own sharing rule, and every read is audited.</summary>
public abstract class ContactDetailsTests(AppFixture app)
{
    private const string Phone = "+52 55 1234 5678";

    private async Task<(Guid Org, OrgKit.Person Admin, OrgKit.Person Focal, OrgKit.Person Member, OrgKit.Person Colleague)> TeamAsync()
    {
        var admin = await app.PersonAsync("admin");
        var org = await app.OrganizationAsync(admin);
        var focal = await app.PersonAsync("focal");
        var member = await app.PersonAsync("member");
        var colleague = await app.PersonAsync("colleague");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        await app.AddMemberAsync(org, member);
        await app.AddMemberAsync(org, colleague);
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var user = await db.Users.SingleAsync(u => u.Id == member.Id);
            await sp.GetRequiredService<AccountService>().SetContactDetailsAsync(user, Phone, null);
            await db.SaveChangesAsync();
            return true;
        });
        return (org, admin, focal, member, colleague);
    }

    private Task<int> ShareContactWithFocalPointsAsync(Guid ownerId, bool on) =>
        app.WithDbAsync(db => db.SharingRules
            .Where(r => r.OwnerId == ownerId && r.Category == DataCategory.ContactDetails && r.Audience == Audience.OrgFocalPoints)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Enabled, on)));

    private static string ContactUrl(Guid org, Guid member) => $"/organizations/{org}/members/{member}/contact";

    [Fact]
    public async Task FocalPoint_SeesContact_OnlyAfterTheMemberShares_AndTheReadIsAudited()
    {
        var (org, _, focal, member, _) = await TeamAsync();
        using var client = await app.SignedInAsync(focal);

        var (before, _) = await client.GetAsync(ContactUrl(org, member.Id));
        Assert.Equal(HttpStatusCode.NotFound, before);

        await ShareContactWithFocalPointsAsync(member.Id, true);
        var (after, html) = await client.GetAsync(ContactUrl(org, member.Id));
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Contains("+525512345678", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e =>
            e.Type == AuditEvents.SensitiveRead && e.ActorId == focal.Id && e.SubjectId == member.Id && e.OrganizationId == org)));

        await ShareContactWithFocalPointsAsync(member.Id, false);
        var (revoked, _) = await client.GetAsync(ContactUrl(org, member.Id));
        Assert.Equal(HttpStatusCode.NotFound, revoked);
    }

    [Fact]
    public async Task OrdinaryMember_NeverSeesAColleaguesContact_EvenWhenSharedWithFocalPoints()
    {
        var (org, _, _, member, colleague) = await TeamAsync();
        await ShareContactWithFocalPointsAsync(member.Id, true);
        using var client = await app.SignedInAsync(colleague);
        var (status, html) = await client.GetAsync(ContactUrl(org, member.Id));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("525512345678", html, StringComparison.Ordinal);
        var (_, orgPage) = await client.GetAsync($"/organizations/{org}");
        Assert.DoesNotContain(ContactUrl(org, member.Id), orgPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FocalPointOfAnotherOrganization_GetsNotFound()
    {
        var (org, _, _, member, _) = await TeamAsync();
        await ShareContactWithFocalPointsAsync(member.Id, true);
        var otherAdmin = await app.PersonAsync("otheradmin");
        var otherOrg = await app.OrganizationAsync(otherAdmin);
        var otherFocal = await app.PersonAsync("otherfocal");
        await app.AddMemberAsync(otherOrg, otherFocal, OrgRole.FocalPoint);
        using var client = await app.SignedInAsync(otherFocal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ContactUrl(org, member.Id))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ContactUrl(otherOrg, member.Id))).Status);
    }

    [Fact]
    public async Task RemovedFocalPoint_LosesAccess_OnTheNextRequest()
    {
        var (org, admin, focal, member, _) = await TeamAsync();
        await ShareContactWithFocalPointsAsync(member.Id, true);
        using var client = await app.SignedInAsync(focal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ContactUrl(org, member.Id))).Status);
        await app.WithServicesAsync(async sp => await sp.GetRequiredService<OrganizationService>().RemoveAsync(org, admin.Id, focal.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ContactUrl(org, member.Id))).Status);
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class ContactDetailsTestsSqlite(SqliteApp app) : ContactDetailsTests(app);
[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class ContactDetailsTestsPostgres(PostgresApp app) : ContactDetailsTests(app);
