using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Amparo.Tests.Accounts;

/// <summary>Steps the "My account" tests share: a signed-in person, an organization, two-factor codes.</summary>
public static partial class AccountSteps
{
    public static async Task<(User User, TestClient Client)> SignedInPersonAsync(this AppFixture app, string name = "Test Person")
    {
        var email = TestData.Email();
        var user = await app.CreateUserAsync(email, name: name);
        var client = app.NewClient();
        var response = await client.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (user, client);
    }

    public static async Task<TestClient> SignedInClientAsync(this AppFixture app, string email)
    {
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(email)).StatusCode);
        return client;
    }

    public static Task<Guid> OrganizationAsync(this AppFixture app, string name, bool requireTwoFactor = false) =>
        app.WithServicesAsync(async sp =>
        {
            var org = await sp.GetRequiredService<OrganizationService>().CreateAsync(name, OrganizationKind.CivilSociety, null);
            if (requireTwoFactor)
            {
                var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
                await db.Organizations.Where(o => o.Id == org!.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.RequireTwoFactorForStaff, true));
            }
            return org!.Id;
        });

    public static Task AddMemberAsync(this AppFixture app, Guid orgId, Guid userId, OrgRole role) =>
        app.WithServicesAsync(async sp =>
        {
            await sp.GetRequiredService<OrganizationService>().AddMemberAsync(orgId, userId, role, null);
            return 0;
        });

    public static Task<int> AuditCountAsync(this AppFixture app, string type, Guid actorId, string? detail = null) =>
        app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == type && e.ActorId == actorId && (detail == null || e.Detail == detail)));

    /// <summary>The code an authenticator app would show now, by the app's (fake) clock.</summary>
    public static string CodeNow(this AppFixture app, string secret) =>
        new Totp(Base32Encoding.ToBytes(secret), timeCorrection: new TimeCorrection(app.Clock.GetUtcNow().UtcDateTime)).ComputeTotp();

    /// <summary>Moves to the next 30-second step, so the next code is a fresh one.</summary>
    public static void NextTotpStep(this AppFixture app) => app.Clock.Advance(TimeSpan.FromSeconds(30));

    /// <summary>Starts setup on the security page and reads the key shown in text.</summary>
    public static async Task<string> BeginTwoFactorAsync(this TestClient client)
    {
        var begin = await client.PostFormAsync("/account/security", new Dictionary<string, string>(), "/account/security?handler=Begin");
        Assert.Equal(HttpStatusCode.Redirect, begin.StatusCode);
        var (status, html) = await client.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, status);
        var match = SecretPattern().Match(html);
        Assert.True(match.Success, "the key is shown in text");
        return match.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
    }

    /// <summary>Full setup: begin, confirm with a first code; returns the secret and the recovery codes shown once.</summary>
    public static async Task<(string Secret, List<string> RecoveryCodes)> EnableTwoFactorAsync(this AppFixture app, TestClient client)
    {
        var secret = await client.BeginTwoFactorAsync();
        var confirm = await client.PostFormAsync("/account/security", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase, ["Code"] = app.CodeNow(secret) }, "/account/security?handler=Confirm");
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var codes = RecoveryCodes(await confirm.Content.ReadAsStringAsync());
        Assert.Equal(10, codes.Count);
        return (secret, codes);
    }

    public static List<string> RecoveryCodes(string html) =>
        RecoveryCodePattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The redirect target as a local path, whether the server wrote it relative or absolute.</summary>
    public static string LocationPath(this HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"no redirect ({response.StatusCode})");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    public static async Task<string> BodyAsync(this HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [GeneratedRegex("id=\"secret\">([A-Z2-7 ]+)<")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("<li>([A-Z2-9]{5}-[A-Z2-9]{5})</li>")]
    private static partial Regex RecoveryCodePattern();
}
