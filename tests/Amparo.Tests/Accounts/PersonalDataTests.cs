using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Accounts;

/// <summary>
/// The personal-data seam: a part a feature registers is in "export my data" and is called by "delete my account",
/// and a part that fails leaves the account and everything of it in place (one transaction across all parts).
/// </summary>
public abstract class PersonalDataTests(AppFixture app)
{
    [Fact]
    public async Task ARegisteredPart_IsInTheExport_AndIsCalledOnDelete()
    {
        var (me, client) = await app.SignedInPersonAsync(name: "Part Export");
        using var _c = client;

        var response = await client.PostFormAsync("/account/export", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.BodyAsync());
        var part = json.RootElement.GetProperty(TestPart.SectionName);
        Assert.Equal("held by the test feature", part.GetProperty("note").GetString());
        Assert.Equal(me.Id, part.GetProperty("owner").GetGuid());
        // The features' own parts are there too, beside Accounts' sections.
        foreach (var section in new[] { "profile", "sessions", "apiTokens", "memberships", "networksCoordinated", "sharingRules", "auditEvents", "visits", "trustedContacts", "alerts" })
            Assert.True(json.RootElement.TryGetProperty(section, out _), section);

        var log = app.Services.GetRequiredService<TestPartLog>();
        Assert.DoesNotContain(me.Id, log.Deleted);
        var deleted = await client.PostFormAsync("/account/delete", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Contains(me.Id, log.Deleted);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == me.Id)));
    }

    [Fact]
    public async Task AFailingPart_LeavesTheAccountAndAllItsDataInPlace()
    {
        var (me, client) = await app.SignedInPersonAsync(name: "Part Failure");
        using var _c = client;
        await client.PostFormAsync("/account", new Dictionary<string, string>
        {
            ["DisplayName"] = "Part Failure", ["Language"] = "en", ["TimeZone"] = "UTC", ["Phone"] = "+254 700 555 666", ["Signal"] = "",
        });
        var org = await app.OrganizationAsync("Failing Part Collective");
        await app.AddMemberAsync(org, me.Id, OrgRole.Member);
        var other = await app.OrganizationAsync("Inviting Collective");
        var admin = await app.CreateUserAsync(TestData.Email("admin"));
        await app.AddMemberAsync(other, admin.Id, OrgRole.OrgAdmin);
        await app.WithServicesAsync(async sp =>
        {
            await sp.GetRequiredService<OrganizationService>().InviteAsync(other, admin.Id, me.Email!, OrgRole.Member);
            var (id, errors) = await sp.GetRequiredService<ContactService>().AddAsync(me.Id, new ContactInput("Amina", "en", [(ChannelKind.Email, "amina@example.org")]));
            Assert.True(id is not null, string.Join(", ", errors.Values));
            return true;
        });
        var before = await CountsAsync(me);
        Assert.True(before.Invitations == 1 && before.Outbox > 0 && before.Contacts == 1 && before.Memberships == 1, before.ToString());

        var log = app.Services.GetRequiredService<TestPartLog>();
        log.FailFor.TryAdd(me.Id, true);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<AmparoDbContext>().Users.SingleAsync(u => u.Id == me.Id);
            return await sp.GetRequiredService<AccountDeletion>().DeleteAsync(user);
        }));

        // The other parts had done their work in the same transaction before the failure (the invitation was gone)...
        Assert.Equal(0, log.InvitationsSeenAtFailure[me.Id]);
        // ...and all of it was undone.
        Assert.Equal(before, await CountsAsync(me));
        Assert.NotNull(await app.WithDbAsync(db => db.DataKeys.Where(k => k.Id == me.DataKeyId).Select(k => k.Wrapped).SingleAsync()));
        Assert.DoesNotContain(me.DataKeyId, app.Services.GetRequiredService<MasterKey>().DestroyedKeyIds());
        var export = await client.PostFormAsync("/account/export", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using var json = JsonDocument.Parse(await export.BodyAsync());
        Assert.Equal("+254700555666", json.RootElement.GetProperty("profile").GetProperty("phone").GetString());
        var contact = Assert.Single(json.RootElement.GetProperty("trustedContacts").EnumerateArray());
        Assert.Equal("amina@example.org", Assert.Single(contact.GetProperty("channels").EnumerateArray()).GetProperty("address").GetString());
    }

    private sealed record Counts(bool User, int Invitations, int Outbox, int Contacts, int Memberships, int SharingRules);

    private Task<Counts> CountsAsync(User me) => app.WithDbAsync(async db => new Counts(
        await db.Users.AnyAsync(u => u.Id == me.Id),
        (await db.Invitations.Select(i => i.Email).ToListAsync()).Count(e => string.Equals(e, me.Email, StringComparison.OrdinalIgnoreCase)),
        await db.Outbox.CountAsync(),
        await db.TrustedContacts.CountAsync(c => c.OwnerId == me.Id),
        await db.Memberships.CountAsync(m => m.UserId == me.Id),
        await db.SharingRules.CountAsync(r => r.OwnerId == me.Id)));
}

/// <summary>What the test feature's part was asked to do, across scopes.</summary>
public sealed class TestPartLog
{
    public ConcurrentBag<Guid> Deleted { get; } = [];
    public ConcurrentDictionary<Guid, bool> FailFor { get; } = new();
    public ConcurrentDictionary<Guid, int> InvitationsSeenAtFailure { get; } = new();
}

/// <summary>A feature's part as a new module would write one, registered by the test host after all of Amparo's.</summary>
public sealed class TestPart(AmparoDbContext db, TestPartLog log) : IPersonalData
{
    public const string SectionName = "testPart";

    public string Section => SectionName;

    public Task<object?> ExportAsync(User person, CancellationToken ct) =>
        Task.FromResult<object?>(new { note = "held by the test feature", owner = person.Id });

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        if (log.FailFor.ContainsKey(person.Id))
        {
            // Inside the deletion's transaction, the Organizations part has already removed the invitation.
            log.InvitationsSeenAtFailure[person.Id] = (await db.Invitations.Select(i => i.Email).ToListAsync(ct))
                .Count(e => string.Equals(e, person.Email, StringComparison.OrdinalIgnoreCase));
            throw new InvalidOperationException("The test part fails.");
        }
        log.Deleted.Add(person.Id);
    }

    public static void Register(IWebHostBuilder builder) => builder.ConfigureServices(services =>
    {
        services.AddSingleton<TestPartLog>();
        services.AddScoped<IPersonalData, TestPart>();
    });
}

public sealed class PersonalDataSqliteApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder) => TestPart.Register(builder);
}

public sealed class PersonalDataPostgresApp : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
    protected override void ConfigureMore(IWebHostBuilder builder) => TestPart.Register(builder);
}

public sealed class PersonalDataTestsSqlite(PersonalDataSqliteApp app) : PersonalDataTests(app), IClassFixture<PersonalDataSqliteApp>;
public sealed class PersonalDataTestsPostgres(PersonalDataPostgresApp app) : PersonalDataTests(app), IClassFixture<PersonalDataPostgresApp>;
