using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Foundation;

public abstract class DeletionTests(AppFixture app)
{
    [Fact]
    public async Task DeletingAnAccount_RemovesOpenInvitationsToItsAddress_AndDestroysItsKey()
    {
        var admin = await app.PersonAsync("admin");
        var org = await app.OrganizationAsync(admin);
        var leaving = await app.PersonAsync("leaving");
        var other = await app.PersonAsync("other");
        await app.WithServicesAsync(async sp =>
        {
            var orgs = sp.GetRequiredService<OrganizationService>();
            await orgs.InviteAsync(org, admin.Id, leaving.Email.ToUpperInvariant(), OrgRole.Member);
            await orgs.InviteAsync(org, admin.Id, other.Email, OrgRole.Member);
            return true;
        });

        var deleted = await app.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>().Users.SingleAsync(u => u.Id == leaving.Id);
            return await sp.GetRequiredService<AccountDeletion>().DeleteAsync(user);
        });

        Assert.True(deleted);
        var addresses = (await app.WithDbAsync(db => db.Invitations.Select(i => i.Email).ToListAsync())).Select(e => e.ToLowerInvariant()).ToList();
        Assert.DoesNotContain(leaving.Email.ToLowerInvariant(), addresses);
        Assert.Contains(other.Email.ToLowerInvariant(), addresses);
        Assert.Null(await app.WithDbAsync(db => db.DataKeys.Where(k => k.Id == leaving.User.DataKeyId).Select(k => k.Wrapped).SingleAsync()));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == leaving.Id)));
    }
}

[Collection(nameof(SharedHosts.FoundationOnSqlite))]
public sealed class DeletionTestsSqlite(SqliteApp app) : DeletionTests(app);
[Collection(nameof(SharedHosts.FoundationOnPostgres))]
public sealed class DeletionTestsPostgres(PostgresApp app) : DeletionTests(app);
