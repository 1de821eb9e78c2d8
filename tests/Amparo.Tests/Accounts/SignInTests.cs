using System.Net;
using Amparo.Tests.Infrastructure;

namespace Amparo.Tests.Accounts;

public abstract class SignInTests(AppFixture app)
{
    [Fact]
    public async Task SignIn_WithRightPassphrase_OpensHome()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email, name: "Nadia");
        using var client = app.NewClient();
        var response = await client.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (status, html) = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Nadia", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_UnknownEmailAndWrongPassphrase_LookTheSame()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var wrong = await client.SignInAsync(email, "not the right passphrase");
        var unknown = await client.SignInAsync(TestData.Email("nobody"), "not the right passphrase");
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        var a = StripToken(await wrong.Content.ReadAsStringAsync()).Replace(email, "", StringComparison.Ordinal);
        var b = StripToken(await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(Normalize(a), Normalize(b));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }

    private static string StripToken(string html) => System.Text.RegularExpressions.Regex.Replace(html, "value=\"[^\"]*\"", "value=\"\"");
    private static string Normalize(string html) => System.Text.RegularExpressions.Regex.Replace(html, @"\s+", " ");

    [Fact]
    public async Task Anonymous_IsSentToSignIn()
    {
        using var client = app.NewClient();
        var response = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.AccountsOnSqlite))]
public sealed class SignInTestsSqlite(SqliteApp app) : SignInTests(app);
[Collection(nameof(SharedHosts.AccountsOnPostgres))]
public sealed class SignInTestsPostgres(PostgresApp app) : SignInTests(app);
