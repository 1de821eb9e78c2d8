using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Organizations;

/// <summary>Shared steps for the organization tests: people, organizations and signed-in clients set up directly.</summary>
public static partial class OrgKit
{
    public sealed record Person(User User, string Email)
    {
        public Guid Id => User.Id;
    }

    public static async Task<Person> PersonAsync(this AppFixture app, string prefix = "person", bool serverAdmin = false, string? name = null)
    {
        var email = TestData.Email(prefix);
        var user = await app.CreateUserAsync(email, serverAdmin: serverAdmin, name: name ?? $"{prefix} {Guid.NewGuid().ToString("N")[..6]}");
        return new Person(user, email);
    }

    public static async Task<Guid> OrganizationAsync(this AppFixture app, Person admin, string? name = null) =>
        await app.WithServicesAsync(async sp =>
        {
            var orgs = sp.GetRequiredService<OrganizationService>();
            var org = await orgs.CreateAsync(name ?? "Org " + Guid.NewGuid().ToString("N")[..6], OrganizationKind.CivilSociety, null);
            await orgs.AddMemberAsync(org!.Id, admin.Id, OrgRole.OrgAdmin, null);
            return org.Id;
        });

    /// <summary>A personal API token for the person, valid for 30 days of the app's clock: its secret, for a Bearer header.</summary>
    public static async Task<string> ApiTokenAsync(this AppFixture app, Person person)
    {
        var secret = Amparo.Web.Infrastructure.Security.Tokens.NewUrlSafe();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = person.Id, Name = "test", TokenHash = Amparo.Web.Infrastructure.Security.Tokens.Hash(secret), CreatedAt = now, ExpiresAt = now.AddDays(30) });
            return await db.SaveChangesAsync();
        });
        return secret;
    }

    public static Task AddMemberAsync(this AppFixture app, Guid orgId, Person person, OrgRole role = OrgRole.Member) =>
        app.WithServicesAsync(async sp =>
        {
            await sp.GetRequiredService<OrganizationService>().AddMemberAsync(orgId, person.Id, role, null);
            return true;
        });

    public static async Task<TestClient> SignedInAsync(this AppFixture app, Person person)
    {
        var client = app.NewClient();
        var response = await client.SignInAsync(person.Email);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static Task<OrgRole?> RoleAsync(this AppFixture app, Guid orgId, Guid userId) =>
        app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == orgId && m.UserId == userId).Select(m => (OrgRole?)m.Role).SingleOrDefaultAsync());

    public static Task<int> CountAsync<T>(this AppFixture app) where T : class =>
        app.WithDbAsync(db => db.Set<T>().CountAsync());

    /// <summary>POSTs a page handler of the organization page, with the form token taken from a page the client can open.</summary>
    public static Task<HttpResponseMessage> OrgActionAsync(this TestClient client, Guid orgId, string handler, Dictionary<string, string> fields) =>
        client.PostFormAsync("/organizations", fields, $"/organizations/{orgId}?handler={handler}");

    /// <summary>Invites through the page as <paramref name="client"/>; returns the invitation page it leads to.</summary>
    public static async Task<(Uri Page, string Html, string Link)> InviteAsync(this TestClient client, Guid orgId, string email, OrgRole role = OrgRole.Member)
    {
        var response = await client.OrgActionAsync(orgId, "Invite", new() { ["InviteEmail"] = email, ["InviteRole"] = role.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = response.Headers.Location!;
        var (status, html) = await client.GetAsync(page.OriginalString);
        Assert.Equal(HttpStatusCode.OK, status);
        return (page, html, LinkIn(html) ?? throw new InvalidOperationException("no link on the invitation page"));
    }

    public static string? LinkIn(string text) => LinkPattern().Match(WebUtility.HtmlDecode(text)) is { Success: true } m ? m.Value : null;

    public static string PathOf(string link) => new Uri(link).PathAndQuery;

    public static string PathOf(Uri location) => location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    /// <summary>Accepts an invitation link anonymously with a new account.</summary>
    public static Task<HttpResponseMessage> AcceptAsync(this TestClient client, string link, string name = "New Person", string passphrase = TestData.Passphrase) =>
        client.PostFormAsync(PathOf(link), new Dictionary<string, string> { ["DisplayName"] = name, ["Password"] = passphrase, ["PasswordAgain"] = passphrase, ["Language"] = "en" });

    /// <summary>Refused: 403, 404, or the redirect to the "forbidden" page.</summary>
    public static void AssertRefused(HttpResponseMessage response)
    {
        var status = response.StatusCode;
        var ok = status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden
            || (status == HttpStatusCode.Redirect && PathOf(response.Headers.Location!).StartsWith("/forbidden", StringComparison.Ordinal));
        Assert.True(ok, $"expected a refusal, got {(int)status} {response.Headers.Location}");
    }

    [GeneratedRegex(@"http://localhost/invitation/[A-Za-z0-9_\-]+")]
    private static partial Regex LinkPattern();
}
