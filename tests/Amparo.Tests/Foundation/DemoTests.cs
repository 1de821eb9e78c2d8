using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Foundation;

public abstract class DemoTests(AppFixture app)
{
    [Fact]
    public async Task Demo_FillsAnEmptyDatabase_WithEveryRole_ThenRefusesToRunAgain()
    {
        var printed = await app.WithServicesAsync(sp => sp.GetRequiredService<Demo>().FillAsync());
        var roles = await app.WithDbAsync(db => db.Memberships.Select(m => m.Role).Distinct().ToListAsync());
        Assert.Contains(OrgRole.Member, roles);
        Assert.Contains(OrgRole.FocalPoint, roles);
        Assert.Contains(OrgRole.OrgAdmin, roles);
        Assert.True(await app.WithDbAsync(db => db.NetworkCoordinators.AnyAsync()));
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.IsServerAdmin)));

        // The printed sign-in details work.
        var line = printed.Split('\n').First(l => l.Contains("member@demo", StringComparison.Ordinal)).Trim();
        var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        using var client = app.NewClient();
        var response = await client.SignInAsync(parts[0], parts[1].Trim());
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);

        await Assert.ThrowsAsync<Amparo.Web.Infrastructure.StartupRefusedException>(() => app.WithServicesAsync(sp => sp.GetRequiredService<Demo>().FillAsync()));
    }
}

public sealed class DemoTestsSqlite(SqliteApp app) : DemoTests(app), IClassFixture<SqliteApp>;
public sealed class DemoTestsPostgres(PostgresApp app) : DemoTests(app), IClassFixture<PostgresApp>;
