using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.PlanShares;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Plans;

/// <summary>
/// Read-only plan snapshots shared with a grantmaker, with consent, until a date: who sees them (the grantmaker's admins and
/// the staff they assign, while they are members, while the share stands), what they see (a frozen copy; the summary never
/// holds the register, actors or protocols), what the owner sees (who may look, who looked when), and how it ends (revoke,
/// expiry, deleting the plan or the account).
/// </summary>
public abstract class PlanShareTests(AppFixture app)
{
    private sealed record Caller(OrgKit.Person Person, string Token)
    {
        public Guid Id => Person.Id;
    }

    private async Task<Caller> CallerAsync(string prefix, string? name = null)
    {
        var person = await app.PersonAsync(prefix, name: name);
        var secret = Tokens.NewUrlSafe();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = person.Id, Name = "test", TokenHash = Tokens.Hash(secret), CreatedAt = now, ExpiresAt = now.AddYears(3) });
            return await db.SaveChangesAsync();
        });
        return new Caller(person, secret);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, string Text)> CallAsync(Caller who, HttpMethod method, string url, object? body = null)
    {
        using var client = app.NewClient();
        using var response = await client.SendAsync(method, url, who.Token, body is null ? null : JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart()[0] is '{' or '[' ? JsonNode.Parse(text) : null, text);
    }

    private async Task<Guid> MadeAsync(Caller who, string url, object body)
    {
        var (status, json, text) = await CallAsync(who, HttpMethod.Post, url, body);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {text}");
        return json!["id"]!.GetValue<Guid>();
    }

    private Task<Guid> OrganizationAsync(Caller admin, OrganizationKind kind, string name) =>
        app.WithServicesAsync(async sp =>
        {
            var orgs = sp.GetRequiredService<OrganizationService>();
            var org = await orgs.CreateAsync(name + " " + Guid.NewGuid().ToString("N")[..6], kind, null);
            await orgs.AddMemberAsync(org!.Id, admin.Id, OrgRole.OrgAdmin, null);
            return org.Id;
        });

    private Task AddMemberAsync(Guid org, Caller who, OrgRole role = OrgRole.Member) => app.AddMemberAsync(org, who.Person, role);

    private Task<int> LeaveAsync(Guid org, Caller who) =>
        app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == org && m.UserId == who.Id).ExecuteDeleteAsync());

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static object Share(Guid grantmaker, string scope, DateTimeOffset until, bool confirm = true) =>
        new { grantmakerId = grantmaker, scope, expiresAt = until, confirm };

    private static readonly string[] Physical = ["physical"], PhysicalDigital = ["physical", "digital"], Steps = ["Call the lawyer"];

    private static readonly string[] OpenApiNames = ["\"SharePlan\"", "\"RevokePlanShare\"", "\"OpenPlanShare\"", "\"SetPlanShareStaff\"", "/api/v1/plan-shares/{shareId}/staff"];

    private const string Threat = "Followed home by a grey van";
    private const string Actor = "The mining company's guards";
    private const string Protocol = "If I am detained";

    /// <summary>A plan with context, an actor, a threat, a costed and an uncosted action, and a protocol.</summary>
    private async Task<Guid> PlanAsync(Caller owner, Guid? organizationId = null)
    {
        var plan = await MadeAsync(owner, "/api/v1/plans", new { title = "Land case", context = "We defend the river", organizationId });
        await MadeAsync(owner, $"/api/v1/plans/{plan}/actors", new { name = Actor, stance = "adversary" });
        var entry = await MadeAsync(owner, $"/api/v1/plans/{plan}/entries", new
        {
            threat = Threat, isDirectThreat = false, domains = Physical, threatLevel = 3, vulnerabilityLevel = 2, capacityLevel = 2,
        });
        await MadeAsync(owner, $"/api/v1/plans/{plan}/actions", new
        {
            what = "Cameras at the office", status = "planned", estimatedCost = 450.50m, currency = "USD", domains = PhysicalDigital, entryIds = new[] { entry.ToString() },
        });
        await MadeAsync(owner, $"/api/v1/plans/{plan}/actions", new { what = "Talk to the neighbours", status = "planned", domains = Physical });
        await MadeAsync(owner, $"/api/v1/plans/{plan}/protocols", new { name = Protocol, situation = "detentionOrArrest", steps = Steps });
        return plan;
    }

    private static IEnumerable<Guid> Ids(JsonNode? list) => list!.AsArray().Select(x => x!["id"]!.GetValue<Guid>());

    [Fact]
    public async Task AShare_IsSeenByTheGrantmaker_LookedAtOnRecord_FrozenUntilUpdated_AndEndsWhenRevoked()
    {
        var owner = await CallerAsync("owner");
        var admin = await CallerAsync("gm-admin", "Grace Admin");
        var staff = await CallerAsync("gm-staff", "Sam Staff");
        var otherAdmin = await CallerAsync("other-gm");
        var ngoAdmin = await CallerAsync("ngo");
        var grantmaker = await OrganizationAsync(admin, OrganizationKind.Grantmaker, "Fund");
        await AddMemberAsync(grantmaker, staff);
        var otherGrantmaker = await OrganizationAsync(otherAdmin, OrganizationKind.Grantmaker, "Other fund");
        var ngo = await OrganizationAsync(ngoAdmin, OrganizationKind.CivilSociety, "Not a fund");
        var plan = await PlanAsync(owner);
        var url = $"/api/v1/plans/{plan}/shares";

        // Consent is explicit, to a grantmaker, for at most a year: anything else is refused and writes nothing.
        var (status, problem, _) = await CallAsync(owner, HttpMethod.Post, url, Share(ngo, "wholePlan", Now.AddDays(30)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("grantmakerId", problem!["errors"]!.AsObject().Select(p => p.Key));
        (status, problem, _) = await CallAsync(owner, HttpMethod.Post, url, Share(grantmaker, "everything", Now.AddYears(2), confirm: false));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["confirmed", "expiresAt", "scope"], problem!["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShares.CountAsync(s => s.PlanId == plan)));
        // The grantmakers on offer are only grantmakers.
        var offered = await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().GrantmakersAsync());
        Assert.Contains(offered, g => g.Id == grantmaker);
        Assert.DoesNotContain(offered, g => g.Id == ngo);

        var share = await MadeAsync(owner, url, Share(grantmaker, "wholePlan", Now.AddDays(30)));
        // The frozen copy is encrypted with the owner's key, bound to its row.
        Assert.DoesNotContain(Threat, System.Text.Encoding.UTF8.GetString(await app.WithDbAsync(db => db.PlanShares.Where(s => s.Id == share).Select(s => s.SnapshotCipher!).SingleAsync())), StringComparison.Ordinal);

        // The grantmaker's admin sees it, and the look is recorded and audited (ids only).
        var (_, list, _) = await CallAsync(admin, HttpMethod.Get, "/api/v1/plan-shares");
        Assert.Contains(share, Ids(list));
        var (opened, snapshot, text) = await CallAsync(admin, HttpMethod.Get, $"/api/v1/plan-shares/{share}");
        Assert.Equal(HttpStatusCode.OK, opened);
        Assert.Equal("We defend the river", snapshot!["plan"]!["context"]!.GetValue<string>());
        Assert.Contains(Threat, text, StringComparison.Ordinal);
        Assert.Equal("wholePlan", snapshot["share"]!["scope"]!.GetValue<string>());
        Assert.Equal(450.50m, snapshot["budget"]!["totals"]![0]!["open"]!.GetValue<decimal>());
        Assert.DoesNotContain(owner.Id.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(snapshot["staff"]!.AsArray(), s => s!["userId"]!.GetValue<Guid>() == staff.Id && !s["assigned"]!.GetValue<bool>());
        Assert.Equal(1, await app.WithDbAsync(db => db.PlanShareViews.CountAsync(v => v.ShareId == share && v.ViewerId == admin.Id)));
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == PlanShareAudit.Viewed && e.ActorId == admin.Id && e.Detail == $"plan-share:{share:N}")));

        // Staff not assigned, another grantmaker, the NGO: not there at all.
        foreach (var stranger in new[] { staff, otherAdmin, ngoAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(stranger, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Status);
            Assert.DoesNotContain(share, Ids((await CallAsync(stranger, HttpMethod.Get, "/api/v1/plan-shares")).Body));
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(stranger, HttpMethod.Put, $"/api/v1/plan-shares/{share}/staff", new { userIds = new[] { stranger.Id } })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(stranger, HttpMethod.Get, $"{url}/{share}")).Status);
        }
        // The admin assigns only the grantmaker's own members; then the staff member sees it, but may not assign.
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(admin, HttpMethod.Put, $"/api/v1/plan-shares/{share}/staff", new { userIds = new[] { otherAdmin.Id } })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(admin, HttpMethod.Put, $"/api/v1/plan-shares/{share}/staff", new { userIds = new[] { staff.Id } })).Status);
        app.Clock.Advance(TimeSpan.FromSeconds(1)); // the looks are listed newest first
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(staff, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(staff, HttpMethod.Put, $"/api/v1/plan-shares/{share}/staff", new { userIds = Array.Empty<Guid>() })).Status);

        // The owner sees who may look today and who looked when.
        var (_, mine, _) = await CallAsync(owner, HttpMethod.Get, $"{url}/{share}");
        Assert.Equal(["Grace Admin", "Sam Staff"], mine!["readers"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray());
        Assert.Equal(["Sam Staff", "Grace Admin"], mine["looks"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray());
        Assert.True(mine["standing"]!.GetValue<bool>());

        // The copy is frozen: a change to the plan is not seen until the owner updates the snapshot.
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(owner, HttpMethod.Put, $"/api/v1/plans/{plan}", new { title = "Land case", context = "We moved upriver" })).Status);
        Assert.Equal("We defend the river", (await CallAsync(admin, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Body!["plan"]!["context"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(owner, HttpMethod.Post, $"{url}/{share}/refresh")).Status);
        Assert.Equal("We moved upriver", (await CallAsync(admin, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Body!["plan"]!["context"]!.GetValue<string>());

        // The grant is its own consent: closing the plan to the owner's sharing audience does not end it.
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(owner, HttpMethod.Put, $"/api/v1/plans/{plan}/shared", new { shared = false })).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(staff, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Status);

        // A member who leaves the grantmaker loses access at once.
        await LeaveAsync(grantmaker, staff);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(staff, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Status);
        Assert.DoesNotContain(share, Ids((await CallAsync(staff, HttpMethod.Get, "/api/v1/plan-shares")).Body));

        // Revoked: gone at once, the copy erased, the owner's record kept.
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(owner, HttpMethod.Delete, $"{url}/{share}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(admin, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Status);
        Assert.DoesNotContain(share, Ids((await CallAsync(admin, HttpMethod.Get, "/api/v1/plan-shares")).Body));
        Assert.Null(await app.WithDbAsync(db => db.PlanShares.Where(s => s.Id == share).Select(s => s.SnapshotCipher).SingleAsync()));
        (_, mine, _) = await CallAsync(owner, HttpMethod.Get, $"{url}/{share}");
        Assert.False(mine!["standing"]!.GetValue<bool>());
        Assert.Empty(mine["readers"]!.AsArray());
        Assert.Equal(5, mine["looks"]!.AsArray().Count); // the admin three times, the staff member twice
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(owner, HttpMethod.Post, $"{url}/{share}/refresh")).Status);
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == Amparo.Web.Features.Audit.AuditEvents.SharingChanged && e.Detail == $"plan-share:{share:N}:revoked")));

        // The owner's export lists the share, not who at the grantmaker looked.
        var export = await app.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>().Users.SingleAsync(u => u.Id == owner.Id);
            return JsonSerializer.Serialize(await sp.GetRequiredService<DataExport>().CollectAsync(user));
        });
        Assert.Contains(share.ToString(), export, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace Admin", export, StringComparison.Ordinal);

        // Deleting the plan ends its shares: grants, shares, frozen copies and looks go.
        var second = await MadeAsync(owner, url, Share(grantmaker, "summaryAndCostedActions", Now.AddDays(10)));
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(owner, HttpMethod.Delete, $"/api/v1/plans/{plan}")).Status);
        Assert.Equal(0, await app.WithDbAsync(db => db.AccessGrants.CountAsync(g => g.Id == share || g.Id == second)));
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShares.CountAsync(s => s.PlanId == plan)));
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShareViews.CountAsync(v => v.ShareId == share)));
    }

    [Fact]
    public async Task ASummary_HoldsNoRegister_OnlyEditorsMayShare_ExpiryEndsIt_AndDeletingTheAccountEndsAPersonsShares()
    {
        var orgAdmin = await CallerAsync("org-admin");
        var member = await CallerAsync("org-member");
        var stranger = await CallerAsync("stranger");
        var gmAdmin = await CallerAsync("gm-admin");
        var org = await OrganizationAsync(orgAdmin, OrganizationKind.CivilSociety, "Collective");
        await AddMemberAsync(org, member);
        var grantmaker = await OrganizationAsync(gmAdmin, OrganizationKind.Grantmaker, "Fund");
        var plan = await PlanAsync(orgAdmin, org);
        var url = $"/api/v1/plans/{plan}/shares";

        // A member sees the plan's protocols but may not share it; someone outside does not see it at all.
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(member, HttpMethod.Post, url, Share(grantmaker, "wholePlan", Now.AddDays(5)))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(member, HttpMethod.Get, url)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(stranger, HttpMethod.Post, url, Share(grantmaker, "wholePlan", Now.AddDays(5)))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(stranger, HttpMethod.Get, url)).Status);
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShares.CountAsync(s => s.PlanId == plan)));

        // The summary: title, review date, costed actions and their budget; never the register, actors, protocols or context.
        var share = await MadeAsync(orgAdmin, url, Share(grantmaker, "summaryAndCostedActions", Now.AddDays(3)));
        var (status, snapshot, text) = await CallAsync(gmAdmin, HttpMethod.Get, $"/api/v1/plan-shares/{share}");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var secret in new[] { Threat, Actor, Protocol, "We defend the river", "Talk to the neighbours" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        var action = Assert.Single(snapshot!["plan"]!["actions"]!.AsArray());
        Assert.Equal("Cameras at the office", action!["what"]!.GetValue<string>());
        Assert.Empty(action["entryIds"]!.AsArray());
        Assert.Equal("Land case", snapshot["share"]!["title"]!.GetValue<string>());
        Assert.Equal("physical", snapshot["budget"]!["lines"]![0]!["domain"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(orgAdmin, HttpMethod.Get, url)).Status);

        // Expired: 404 and out of the list, at the instant of the clock; the owner sees it ended and its copy is erased.
        app.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(gmAdmin, HttpMethod.Get, $"/api/v1/plan-shares/{share}")).Status);
        Assert.DoesNotContain(share, Ids((await CallAsync(gmAdmin, HttpMethod.Get, "/api/v1/plan-shares")).Body));
        var (_, mine, _) = await CallAsync(orgAdmin, HttpMethod.Get, url);
        Assert.False(mine![0]!["standing"]!.GetValue<bool>());
        Assert.Null(await app.WithDbAsync(db => db.PlanShares.Where(s => s.Id == share).Select(s => s.SnapshotCipher).SingleAsync()));

        // The OpenAPI document names the routes.
        using var anonymous = app.NewClient();
        var openApi = await (await anonymous.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).Content.ReadAsStringAsync();
        foreach (var name in OpenApiNames) Assert.Contains(name, openApi, StringComparison.Ordinal);

        // A person's share ends with their account: grant, share and frozen copy go.
        var person = await CallerAsync("person");
        var own = await PlanAsync(person);
        var personal = await MadeAsync(person, $"/api/v1/plans/{own}/shares", Share(grantmaker, "wholePlan", Now.AddDays(30)));
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(gmAdmin, HttpMethod.Get, $"/api/v1/plan-shares/{personal}")).Status);
        Assert.True(await app.WithServicesAsync(async sp =>
        {
            var user = await sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>().Users.SingleAsync(u => u.Id == person.Id);
            return await sp.GetRequiredService<AccountDeletion>().DeleteAsync(user);
        }));
        Assert.Equal(0, await app.WithDbAsync(db => db.AccessGrants.CountAsync(g => g.Id == personal)));
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShares.CountAsync(s => s.Id == personal)));
        // Another owner's share is left as it was.
        Assert.Equal(1, await app.WithDbAsync(db => db.PlanShares.CountAsync(s => s.Id == share)));
        Assert.Equal(DataCategory.PlanSnapshot, await app.WithDbAsync(db => db.AccessGrants.Where(g => g.Id == share).Select(g => g.Category).SingleAsync()));
    }

    [Fact]
    public async Task ThePages_ShareWithConsentInExactWords_ShowTheGrantmakerItsCopy_LetItsAdminChooseStaff_AndRevokeEndsIt()
    {
        var owner = await CallerAsync("page-owner");
        var admin = await CallerAsync("page-gm-admin", "Gita Admin " + Guid.NewGuid().ToString("N")[..4]);
        var staff = await CallerAsync("page-gm-staff", "Tomas Staff " + Guid.NewGuid().ToString("N")[..4]);
        var grantmaker = await OrganizationAsync(admin, OrganizationKind.Grantmaker, "Page fund");
        await AddMemberAsync(grantmaker, staff);
        var gmName = await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == grantmaker).Select(o => o.Name).SingleAsync());
        var plan = await PlanAsync(owner);
        using var ownerClient = await app.SignedInAsync(owner.Person);
        var page = $"/plans/{plan}/shares";
        Assert.Contains($"href=\"{page}\"", (await ownerClient.GetAsync($"/plans/{plan}")).Html, StringComparison.Ordinal);

        // Not confirmed: refused next to the box, which now says exactly who sees what until when; nothing written.
        var until = Now.UtcDateTime.AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var fields = new Dictionary<string, string> { ["GrantmakerId"] = grantmaker.ToString(), ["Scope"] = nameof(ShareScope.SummaryAndCostedActions), ["Until"] = until };
        var refused = await ownerClient.PostFormAsync(page, fields);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("id=\"Confirmed-error\"", html, StringComparison.Ordinal);
        Assert.Contains($"the admins of {gmName}, and the staff they pick, will be able to read the summary and costed actions of this plan", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShares.CountAsync(s => s.PlanId == plan)));

        fields["Confirmed"] = "true";
        var shared = await ownerClient.PostFormAsync(page, fields);
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);
        var share = await app.WithDbAsync(db => db.PlanShares.Where(s => s.PlanId == plan).Select(s => s.Id).SingleAsync());

        // The grantmaker's admin: the list, the read-only copy without the register, and the staff form.
        using var adminClient = await app.SignedInAsync(admin.Person);
        Assert.Contains($"/grants/plans/{share}", (await adminClient.GetAsync("/grants/plans")).Html, StringComparison.Ordinal);
        var (status, snapshot) = await adminClient.GetAsync($"/grants/plans/{share}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Cameras at the office", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain(Threat, snapshot, StringComparison.Ordinal);
        Assert.Contains("id=\"staff\"", snapshot, StringComparison.Ordinal);
        var assigned = await adminClient.PostFormAsync($"/grants/plans/{share}", new Dictionary<string, string> { ["staff"] = staff.Id.ToString() }, $"/grants/plans/{share}?handler=Staff");
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);

        // The assigned staff member reads it, without the staff form.
        using var staffClient = await app.SignedInAsync(staff.Person);
        (status, snapshot) = await staffClient.GetAsync($"/grants/plans/{share}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("id=\"staff\"", snapshot, StringComparison.Ordinal);

        // The owner sees who may open it and who looked; revoking ends it at once.
        html = WebUtility.HtmlDecode((await ownerClient.GetAsync(page)).Html);
        Assert.Contains(admin.Person.User.DisplayName, html, StringComparison.Ordinal);
        Assert.Contains(staff.Person.User.DisplayName, html, StringComparison.Ordinal);
        Assert.Contains("Who opened it", html, StringComparison.Ordinal);
        var revoked = await ownerClient.PostFormAsync(page, new Dictionary<string, string> { ["shareId"] = share.ToString() }, $"{page}?handler=Revoke");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminClient.GetAsync($"/grants/plans/{share}")).Status);
        Assert.DoesNotContain($"/grants/plans/{share}", (await staffClient.GetAsync("/grants/plans")).Html, StringComparison.Ordinal);
        // The grantmaker may not manage the owner's shares.
        Assert.Equal(HttpStatusCode.NotFound, (await adminClient.GetAsync(page)).Status);
    }
}

[Collection(nameof(SharedHosts.PlansOnSqlite))]
public sealed class PlanShareTestsSqlite(SqliteApp app) : PlanShareTests(app);
[Collection(nameof(SharedHosts.PlansOnPostgres))]
public sealed class PlanShareTestsPostgres(PostgresApp app) : PlanShareTests(app);
