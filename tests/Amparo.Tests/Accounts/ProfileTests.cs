using System.Net;
using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Accounts;

public abstract class ProfileTests(AppFixture app)
{
    private static Dictionary<string, string> Form(string name = "Amal", string language = "en", string timeZone = "Europe/Madrid", string phone = "", string signal = "") =>
        new() { ["DisplayName"] = name, ["Language"] = language, ["TimeZone"] = timeZone, ["Phone"] = phone, ["Signal"] = signal };

    [Fact]
    public async Task Anonymous_IsSentToSignIn()
    {
        using var client = app.NewClient();
        var response = await client.Http.GetAsync(new Uri("/account", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.LocationPath(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_LinksEveryAccountPage()
    {
        var (_, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var (status, html) = await client.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var page in new[] { "/account/security", "/account/sessions", "/account/sharing", "/account/export", "/account/delete" })
            Assert.Contains($"href=\"{page}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SavingProfile_StoresIt_AndTheNextPageSpeaksTheNewLanguage()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var response = await client.PostFormAsync("/account", Form(name: "Amal Nuevo", language: "es", timeZone: "America/Bogota"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(("Amal Nuevo", "es", "America/Bogota"), (saved.DisplayName, saved.Language, saved.TimeZone));
        var (_, html) = await client.GetAsync("/account");
        Assert.Contains("<html lang=\"es\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Amal Nuevo\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadTimeZone_ShowsMessageAtTheField_AndNothingIsSaved()
    {
        var (user, client) = await app.SignedInPersonAsync(name: "Before");
        using var _c = client;
        var response = await client.PostFormAsync("/account", Form(name: "After", language: "fr", timeZone: "Mars/Olympus_Mons", phone: "+52 55 1234 5678"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.BodyAsync();
        Assert.Contains("id=\"timezone-error\"", html, StringComparison.Ordinal);
        Assert.Contains("Choose a time zone from the list.", html, StringComparison.Ordinal);

        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(("Before", "en", "UTC"), (saved.DisplayName, saved.Language, saved.TimeZone));
        Assert.Null(saved.PhoneCipher);
        Assert.Null(saved.PhoneLookup);
    }

    [Fact]
    public async Task BadPhone_ShowsMessageAtTheField_AndNothingIsSaved()
    {
        var (user, client) = await app.SignedInPersonAsync(name: "Before");
        using var _c = client;
        var response = await client.PostFormAsync("/account", Form(name: "After", phone: "call me maybe", signal: "+1 555 0100 200"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.BodyAsync();
        Assert.Contains("id=\"phone-error\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"signal-error\"", html, StringComparison.Ordinal);

        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal("Before", saved.DisplayName);
        Assert.Null(saved.PhoneCipher);
        Assert.Null(saved.SignalCipher);
    }

    [Theory]
    [InlineData("", "en", "UTC", "DisplayName")]
    [InlineData("Name", "de", "UTC", "Language")]
    [InlineData("Name", "en", "", "TimeZone")]
    public async Task OtherBadInput_IsRefusedWithAMessage(string name, string language, string timeZone, string field)
    {
        var (user, client) = await app.SignedInPersonAsync(name: "Before");
        using var _c = client;
        var response = await client.PostFormAsync("/account", Form(name, language, timeZone));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var ids = new Dictionary<string, string> { ["DisplayName"] = "name-error", ["Language"] = "language-error", ["TimeZone"] = "timezone-error" };
        Assert.Contains($"id=\"{ids[field]}\"", await response.BodyAsync(), StringComparison.Ordinal);
        Assert.Equal("Before", await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task PhoneAndSignal_AreStoredOnlyEncrypted_WithALookupHash_AndShownBackDecrypted()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var response = await client.PostFormAsync("/account", Form(phone: "+52 55 8765 4321", signal: "+33 6 12 34 56 78"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.NotNull(saved.PhoneCipher);
        Assert.NotNull(saved.SignalCipher);
        foreach (var clear in new[] { "+525587654321", "525587654321", "87654321", "+52 55 8765 4321" })
        {
            Assert.Equal(-1, saved.PhoneCipher!.AsSpan().IndexOf(Encoding.UTF8.GetBytes(clear)));
            Assert.Equal(-1, saved.PhoneCipher!.AsSpan().IndexOf(Encoding.Unicode.GetBytes(clear)));
        }
        Assert.Equal(-1, saved.SignalCipher!.AsSpan().IndexOf(Encoding.UTF8.GetBytes("33612345678")));
        var expectedLookup = await app.WithServicesAsync(sp => sp.GetRequiredService<AccountService>().PhoneLookupAsync("+525587654321"));
        Assert.Equal(expectedLookup, saved.PhoneLookup);
        Assert.DoesNotContain("87654321", saved.PhoneLookup, StringComparison.Ordinal);

        var html = WebUtility.HtmlDecode((await client.GetAsync("/account")).Html);
        Assert.Contains("value=\"+525587654321\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"+33612345678\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClearingThePhone_RemovesCipherAndLookup()
    {
        var (user, client) = await app.SignedInPersonAsync();
        using var _c = client;
        await client.PostFormAsync("/account", Form(phone: "+52 55 1111 2222"));
        Assert.NotNull(await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PhoneLookup).SingleAsync()));
        await client.PostFormAsync("/account", Form(phone: ""));
        var saved = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Null(saved.PhoneCipher);
        Assert.Null(saved.PhoneLookup);
    }
}

[Collection(nameof(SharedHosts.AccountsOnSqlite))]
public sealed class ProfileTestsSqlite(SqliteApp app) : ProfileTests(app);
[Collection(nameof(SharedHosts.AccountsOnPostgres))]
public sealed class ProfileTestsPostgres(PostgresApp app) : ProfileTests(app);
