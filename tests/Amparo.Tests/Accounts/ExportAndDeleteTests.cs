using System.Net;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Accounts;

public abstract class ExportAndDeleteTests(AppFixture app)
{
    private static Dictionary<string, string> Profile(string name, string phone, string signal) =>
        new() { ["DisplayName"] = name, ["Language"] = "en", ["TimeZone"] = "Africa/Nairobi", ["Phone"] = phone, ["Signal"] = signal };

    [Fact]
    public async Task Export_IsAnAttachment_WithMyDataDecrypted_AndNothingOfAnotherPerson()
    {
        var (me, client) = await app.SignedInPersonAsync(name: "Wanjiru Export");
        var (other, otherClient) = await app.SignedInPersonAsync(name: "Somebody Else");
        using var _c = client;
        using var _o = otherClient;
        await client.PostFormAsync("/account", Profile("Wanjiru Export", "+254 700 111 222", "+254 700 333 444"));
        await otherClient.PostFormAsync("/account", Profile("Somebody Else", "+254 799 888 777", ""));
        var org = await app.OrganizationAsync("Export Defenders Collective");
        await app.AddMemberAsync(org, me.Id, OrgRole.FocalPoint);
        await app.AddMemberAsync(org, other.Id, OrgRole.OrgAdmin);
        var otherOrg = await app.OrganizationAsync("Org I am not in");
        await app.AddMemberAsync(otherOrg, other.Id, OrgRole.OrgAdmin);

        var response = await client.PostFormAsync("/account/export", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var text = await response.BodyAsync();
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var profile = root.GetProperty("profile");
        Assert.Equal(me.Id, profile.GetProperty("id").GetGuid());
        Assert.Equal(me.Email, profile.GetProperty("email").GetString());
        Assert.Equal("+254700111222", profile.GetProperty("phone").GetString());
        Assert.Equal("+254700333444", profile.GetProperty("signal").GetString());
        Assert.Equal("Africa/Nairobi", profile.GetProperty("timeZone").GetString());
        var membership = Assert.Single(root.GetProperty("memberships").EnumerateArray());
        Assert.Equal("Export Defenders Collective", membership.GetProperty("organizationName").GetString());
        Assert.Equal("FocalPoint", membership.GetProperty("role").GetString());
        // Three categories a person shares (well-being is never shared: retired in issue 11), two audiences each.
        Assert.Equal(3 * 2, root.GetProperty("sharingRules").GetArrayLength());
        Assert.Single(root.GetProperty("sessions").EnumerateArray());
        Assert.Contains(root.GetProperty("auditEvents").EnumerateArray(), e => e.GetProperty("type").GetString() == AuditEvents.SignInSucceeded);

        foreach (var foreign in new[] { other.Email!, "Somebody Else", "+254799888777", other.Id.ToString(), "Org I am not in" })
            Assert.DoesNotContain(foreign, text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.DataExported, me.Id));
    }

    [Fact]
    public async Task Delete_IsRefusedWhileIAmTheLastAdmin_AndNothingIsDeleted()
    {
        var (me, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var org = await app.OrganizationAsync("Only One Admin Here");
        await app.AddMemberAsync(org, me.Id, OrgRole.OrgAdmin);

        var (status, page) = await client.GetAsync("/account/delete");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Only One Admin Here", page, StringComparison.Ordinal);
        var response = await client.PostFormAsync("/account", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase }, "/account/delete");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("the only admin", await response.BodyAsync(), StringComparison.Ordinal);

        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == me.Id)));
        Assert.NotNull(await app.WithDbAsync(db => db.DataKeys.Where(k => k.Id == me.DataKeyId).Select(k => k.Wrapped).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);

        // With a second admin, the first may go.
        var second = await app.CreateUserAsync(TestData.Email("admin"));
        await app.AddMemberAsync(org, second.Id, OrgRole.OrgAdmin);
        var deleted = await client.PostFormAsync("/account/delete", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Memberships.AnyAsync(m => m.UserId == me.Id)));
        Assert.True(await app.WithDbAsync(db => db.Memberships.AnyAsync(m => m.UserId == second.Id && m.OrganizationId == org)));
    }

    [Fact]
    public async Task Delete_WithWrongPassphrase_DoesNothing()
    {
        var (me, client) = await app.SignedInPersonAsync();
        using var _c = client;
        var response = await client.PostFormAsync("/account/delete", new Dictionary<string, string> { ["Passphrase"] = "this is not it at all" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"passphrase-error\"", await response.BodyAsync(), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == me.Id)));
        Assert.Equal(0, await app.AuditCountAsync(AuditEvents.AccountDeleted, me.Id));
    }

    [Fact]
    public async Task Delete_ShredsTheDataKey_SignsOut_AndTheEmailCannotSignInAgain()
    {
        var (me, client) = await app.SignedInPersonAsync();
        using var _c = client;
        await client.PostFormAsync("/account", Profile("Leaving Person", "+7 912 345 67 89", ""));
        using var other = await app.SignedInClientAsync(me.Email!);

        var response = await client.PostFormAsync("/account/delete", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/deleted", response.LocationPath());
        Assert.True(response.Headers.Contains("Clear-Site-Data"));
        var (status, html) = await client.GetAsync("/account/deleted");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("The account was deleted", html, StringComparison.Ordinal);

        var key = await app.WithDbAsync(db => db.DataKeys.AsNoTracking().SingleAsync(k => k.Id == me.DataKeyId));
        Assert.Null(key.Wrapped);
        Assert.NotNull(key.DestroyedAt);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == me.Id)));
        Assert.False(await app.WithDbAsync(db => db.SharingRules.AnyAsync(r => r.OwnerId == me.Id)));
        Assert.Equal(1, await app.AuditCountAsync(AuditEvents.AccountDeleted, me.Id));

        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Http.GetAsync(new Uri("/account", UriKind.Relative))).StatusCode);
        using var again = app.NewClient();
        var signIn = await again.SignInAsync(me.Email!);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("not right", await signIn.BodyAsync(), StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.AccountsOnSqlite))]
public sealed class ExportAndDeleteTestsSqlite(SqliteApp app) : ExportAndDeleteTests(app);
[Collection(nameof(SharedHosts.AccountsOnPostgres))]
public sealed class ExportAndDeleteTestsPostgres(PostgresApp app) : ExportAndDeleteTests(app);
