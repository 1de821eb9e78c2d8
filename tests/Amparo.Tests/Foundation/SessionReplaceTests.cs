using System.Net;
using Amparo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Foundation;

public abstract class SessionReplaceTests(AppFixture app)
{
    [Fact]
    public async Task SigningInAgainInTheSameBrowser_EndsTheSessionItHad()
    {
        var email = TestData.Email();
        var user = await app.CreateUserAsync(email);
        using var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(email)).StatusCode);
        var first = await app.WithDbAsync(db => db.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Id).SingleAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(email)).StatusCode);

        var sessions = await app.WithDbAsync(db => db.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Id).ToListAsync());
        Assert.Single(sessions);
        Assert.NotEqual(first, sessions[0]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).Status);
    }
}

[Collection(nameof(SharedHosts.FoundationOnSqlite))]
public sealed class SessionReplaceTestsSqlite(SqliteApp app) : SessionReplaceTests(app);
[Collection(nameof(SharedHosts.FoundationOnPostgres))]
public sealed class SessionReplaceTestsPostgres(PostgresApp app) : SessionReplaceTests(app);
