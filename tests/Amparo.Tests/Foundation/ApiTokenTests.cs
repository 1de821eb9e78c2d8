using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Foundation;

public abstract class ApiTokenTests(AppFixture app)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(TestClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/v1/auth/token", body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Token_IsIssued_Used_Listed_AndRevoked()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var (status, body) = await TokenAsync(client, new { email, password = TestData.Passphrase });
        Assert.Equal(HttpStatusCode.OK, status);
        var token = body.GetProperty("accessToken").GetString()!;
        var expires = body.GetProperty("expiresAt").GetDateTime();
        Assert.True(expires > app.Clock.GetUtcNow().UtcDateTime.AddDays(1));
        Assert.EndsWith("Z", body.GetProperty("expiresAt").GetString(), StringComparison.Ordinal);

        // Stored hashed only.
        Assert.False(await app.WithDbAsync(db => db.ApiTokens.AnyAsync(t => t.TokenHash == token)));

        var list = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var tokens = await list.Content.ReadFromJsonAsync<JsonElement>();
        var id = tokens[0].GetProperty("id").GetString();

        var revoke = await client.SendAsync(HttpMethod.Delete, $"/api/v1/auth/tokens/{id}", token);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        var after = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Token_WrongPassword_AndUnknownEmail_GiveTheSame401()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var (s1, b1) = await TokenAsync(client, new { email, password = "wrong passphrase here" });
        var (s2, b2) = await TokenAsync(client, new { email = TestData.Email("nobody"), password = "wrong passphrase here" });
        Assert.Equal(HttpStatusCode.Unauthorized, s1);
        Assert.Equal(s1, s2);
        Assert.Equal(b1.GetProperty("title").GetString(), b2.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Token_CannotRevokeSomeoneElsesToken()
    {
        var a = TestData.Email();
        var b = TestData.Email();
        await app.CreateUserAsync(a);
        await app.CreateUserAsync(b);
        using var client = app.NewClient();
        var tokenA = (await TokenAsync(client, new { email = a, password = TestData.Passphrase })).Body.GetProperty("accessToken").GetString()!;
        var tokenB = (await TokenAsync(client, new { email = b, password = TestData.Passphrase })).Body.GetProperty("accessToken").GetString()!;
        var listB = await (await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", tokenB)).Content.ReadFromJsonAsync<JsonElement>();
        var idB = listB[0].GetProperty("id").GetString();

        var attempt = await client.SendAsync(HttpMethod.Delete, $"/api/v1/auth/tokens/{idB}", tokenA);
        Assert.Equal(HttpStatusCode.NotFound, attempt.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", tokenB)).StatusCode);
    }

    [Fact]
    public async Task Token_Expires()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var token = (await TokenAsync(client, new { email, password = TestData.Passphrase })).Body.GetProperty("accessToken").GetString()!;
        app.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);
    }

    [Fact]
    public async Task Api_WithSessionCookieOnly_IsRefused()
    {
        // The API takes bearer tokens only, so a page's cookie cannot be ridden by another site.
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        await client.SignInAsync(email);
        var response = await client.Http.GetAsync(new Uri("/api/v1/auth/tokens", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/check-ins")]
    [InlineData("/account/security")]
    [InlineData("/visits")]
    public async Task BearerToken_OnAPage_IsIgnored_TheCallerIsAnonymous_AndSentToSignIn(string page)
    {
        // A token taken from a phone opens the API only: the pages (where PINs are changed) treat its holder as anonymous.
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var token = (await TokenAsync(client, new { email, password = TestData.Passphrase })).Body.GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", token)).StatusCode);

        using var response = await client.SendAsync(HttpMethod.Get, page, token);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/sign-in", response.Headers.Location!.OriginalString.Split('?')[0].Replace("http://localhost", "", StringComparison.Ordinal));
        Assert.DoesNotContain(email, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BearerToken_CannotPostThePinForm()
    {
        var email = TestData.Email();
        var user = await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var token = (await TokenAsync(client, new { email, password = TestData.Passphrase })).Body.GetProperty("accessToken").GetString()!;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Pin"] = "1111" });
        using var response = await client.SendAsync(HttpMethod.Post, "/account/check-ins?handler=Pins", token, content);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"answered {(int)response.StatusCode}");
        Assert.False(await app.WithDbAsync(db => db.CheckInSettings.AnyAsync(s => s.UserId == user.Id && s.PinHash != null)));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"email\": 5, \"password\": []}")]
    [InlineData("[]")]
    [InlineData("")]
    public async Task Token_MalformedBody_Is400_Never500(string body)
    {
        using var client = app.NewClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await client.SendAsync(HttpMethod.Post, "/api/v1/auth/token", content: content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Token_OversizedBody_Is413()
    {
        using var client = app.NewClient();
        using var content = new StringContent("{\"email\":\"" + new string('a', 200_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        var response = await client.SendAsync(HttpMethod.Post, "/api/v1/auth/token", content: content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}

[Collection(nameof(SharedHosts.FoundationOnSqlite))]
public sealed class ApiTokenTestsSqlite(SqliteApp app) : ApiTokenTests(app);
[Collection(nameof(SharedHosts.FoundationOnPostgres))]
public sealed class ApiTokenTestsPostgres(PostgresApp app) : ApiTokenTests(app);
