using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Plans;

/// <summary>
/// The plans API end to end: a whole plan through every route, its budget and bands in the answer, export and import
/// (equal plan, new ids; bad files refused with the field named and nothing written), and who gets what: another person
/// 404 on every route, a reader 403 on writes, a member of the organization only protocols and their own actions, staff
/// without two-factor where the organization requires it refused.
/// </summary>
public abstract class PlansApiTests(AppFixture app)
{
    private sealed record Caller(OrgKit.Person Person, string Token);

    private async Task<Caller> CallerAsync(string prefix)
    {
        var person = await app.PersonAsync(prefix);
        return await TokenAsync(person);
    }

    private async Task<Caller> TokenAsync(OrgKit.Person person)
    {
        var secret = Tokens.NewUrlSafe();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = person.Id, Name = "test", TokenHash = Tokens.Hash(secret), CreatedAt = now, ExpiresAt = now.AddDays(30) });
            return await db.SaveChangesAsync();
        });
        return new Caller(person, secret);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(Caller who, HttpMethod method, string url, object? body = null)
    {
        using var client = app.NewClient();
        using var response = await client.SendAsync(method, url, who.Token, body is null ? null : JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart()[0] is '{' or '[' ? JsonNode.Parse(text) : JsonValue.Create(text));
    }

    private async Task<Guid> MadeAsync(Caller who, string url, object body)
    {
        var (status, json) = await CallAsync(who, HttpMethod.Post, url, body);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {json?.ToJsonString()}");
        return json!["id"]!.GetValue<Guid>();
    }

    private static string[] Fields(JsonNode? problem) => problem!["errors"]!.AsObject().Select(p => p.Key).ToArray();

    private static object Entry(string threat = "Followed home after hearings") => new
    {
        threat, byWhom = "A private security firm", indicators = "The same car twice a week", isDirectThreat = true,
        domains = new[] { "physical", "genderIdentity" }, threatLevel = 3, vulnerabilityLevel = 2, capacityLevel = 1,
        vulnerabilities = "I walk home alone", capacities = "Neighbours who watch", likelihood = 3, impact = 4,
    };

    private static object Protocol(string name = "If I am detained") => new
    {
        name, situation = "detentionOrArrest", steps = new[] { "Call the lawyer on duty", "Tell the network" },
        visit = new { placeKind = "Police station", durationMinutes = 120, graceMinutes = 15, checkInEveryMinutes = 30, companions = Array.Empty<Guid>(), message = "Ask for the lawyer" },
    };

    private static readonly string[] DigitalPhysical = ["digital", "physical"], Legal = ["legal"], Physical = ["physical"];

    private Task<int> PlanCountAsync() => app.WithDbAsync(db => db.SecurityPlans.CountAsync());

    [Fact]
    public async Task APlan_GoesWholeThroughTheApi_WithBandsAndBudget_AndComesBackEqualFromItsOwnFile()
    {
        var me = await CallerAsync("apiplanner");
        var due = app.Clock.GetUtcNow().AddDays(10);
        var planId = await MadeAsync(me, "/api/v1/plans", new { title = "The land case", context = "Defending the river", wellBeing = "Sunday rest", exhaustionRisks = "Night shifts" });
        var actorId = await MadeAsync(me, $"/api/v1/plans/{planId}/actors", new { name = "The mining company", stance = "adversary", interests = "The concession", capacity = "Guards" });
        var entryId = await MadeAsync(me, $"/api/v1/plans/{planId}/entries", Entry());
        var actionId = await MadeAsync(me, $"/api/v1/plans/{planId}/actions", new
        {
            what = "Install a door camera", ownerUserId = me.Person.Id, dueAt = due, status = "planned", estimatedCost = 120.50m, currency = "USD",
            domains = DigitalPhysical, entryIds = new[] { entryId.ToString() },
        });
        await MadeAsync(me, $"/api/v1/plans/{planId}/actions", new { what = "Lawyer's retainer", status = "done", estimatedCost = 300m, currency = "EUR", domains = Legal });
        await MadeAsync(me, $"/api/v1/plans/{planId}/actions", new { what = "Extra lock", status = "inProgress", estimatedCost = 30m, currency = "USD", domains = Physical });
        var protocolId = await MadeAsync(me, $"/api/v1/plans/{planId}/protocols", Protocol());

        var (status, plan) = await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{planId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("owner", "The land case", "Defending the river"), (plan!["role"]!.GetValue<string>(), plan["title"]!.GetValue<string>(), plan["context"]!.GetValue<string>()));
        var entry = plan["entries"]![0]!;
        // A direct threat is at least High, with its reasons as keys and as words.
        Assert.Equal(("high", true), (entry["band"]!.GetValue<string>(), entry["threatFirst"]!.GetValue<bool>()));
        Assert.Equal(["physical", "genderIdentity"], entry["domains"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Contains(entry["reasons"]!.AsArray(), r => r!["key"]!.GetValue<string>() == "Plans.Reason.DirectThreat" && r["words"]!.GetValue<string>().Length > 0);
        Assert.Equal(plan["actions"]![0]!["entryIds"]![0]!.GetValue<Guid>(), entryId);
        // Budget: the camera under physical (its first domain) with the lock, the retainer apart in EUR, done.
        var lines = plan["budget"]!["lines"]!.AsArray().Select(l => (l!["domain"]!.GetValue<string>(), l["currency"]!.GetValue<string>(), l["open"]!.GetValue<decimal>(), l["done"]!.GetValue<decimal>())).ToList();
        Assert.Equal([("physical", "USD", 150.50m, 0m), ("legal", "EUR", 0m, 300m)], lines);
        Assert.Equal(2, plan["budget"]!["totals"]!.AsArray().Count);

        // Change the plan with the version read; a second save on the old version is a conflict and changes nothing.
        var version = plan["version"]!.GetValue<int>();
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}", new { title = "The land case (2)", context = "Defending the river", version })).Status);
        var (conflict, problem) = await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}", new { title = "Lost", version });
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal(409, problem!["status"]!.GetValue<int>());
        var (bad, invalid) = await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}", new { title = "", context = new string('x', 5000) });
        Assert.Equal((HttpStatusCode.BadRequest, "context,title"), (bad, string.Join(",", Fields(invalid).Order())));
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}/actors/{actorId}", new { name = "The company", stance = "adversary" })).Status);
        // A part changed with the plan version read before someone else's save: 409, and the part keeps its words.
        Assert.Equal(HttpStatusCode.Conflict, (await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}/actors/{actorId}?version={version}", new { name = "Lost too", stance = "ally" })).Status);
        var current = (await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{planId}")).Body!;
        Assert.Equal("The company", current["actors"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}/actors/{actorId}?version={current["version"]!.GetValue<int>()}", new { name = "The company", stance = "adversary" })).Status);
        var (badStance, stanceProblem) = await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}/actors/{actorId}", new { name = "The company", stance = "enemy" });
        Assert.Equal((HttpStatusCode.BadRequest, "stance"), (badStance, string.Join(",", Fields(stanceProblem))));
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Put, $"/api/v1/plans/{planId}/shared", new { shared = true })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Post, $"/api/v1/plans/{planId}/context-changed")).Status);
        Assert.Equal("contextChanged", (await CallAsync(me, HttpMethod.Get, "/api/v1/plans")).Body!.AsArray().Single(p => p!["id"]!.GetValue<Guid>() == planId)!["reviewReason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Post, $"/api/v1/plans/{planId}/reviewed", new { })).Status);

        // Export, then import: an equal plan under new ids, the action still addressing the (new) entry.
        var (_, file) = await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{planId}/export.json");
        Assert.Equal(PlanFile.Format1, file!["format"]!.GetValue<string>());
        var copyId = await MadeAsync(me, "/api/v1/plans/import", file);
        Assert.NotEqual(planId, copyId);
        var original = (await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{planId}")).Body!;
        var copy = (await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{copyId}")).Body!;
        Assert.Equal(Comparable(original), Comparable(copy));
        Assert.NotEqual(original["entries"]![0]!["id"]!.GetValue<Guid>(), copy["entries"]![0]!["id"]!.GetValue<Guid>());
        Assert.Equal(copy["entries"]![0]!["id"]!.GetValue<Guid>(), copy["actions"]![0]!["entryIds"]![0]!.GetValue<Guid>());

        // Markdown: plain and printable, in the caller's words; what people wrote is escaped.
        using (var client = app.NewClient())
        using (var md = await client.SendAsync(HttpMethod.Get, $"/api/v1/plans/{planId}/export.md", me.Token))
        {
            Assert.Equal("text/markdown", md.Content.Headers.ContentType!.MediaType);
            var text = await md.Content.ReadAsStringAsync();
            Assert.StartsWith("# The land case \\(2\\)", text, StringComparison.Ordinal);
            Assert.Contains("## Risk register", text, StringComparison.Ordinal);
            Assert.Contains("| physical | 150.50 USD | 0.00 USD |", text, StringComparison.Ordinal);
            Assert.Contains("1. Call the lawyer on duty", text, StringComparison.Ordinal);
        }

        // Remove each part, then the plan.
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Delete, $"/api/v1/plans/{planId}/actions/{actionId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Delete, $"/api/v1/plans/{planId}/entries/{entryId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Delete, $"/api/v1/plans/{planId}/protocols/{protocolId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(me, HttpMethod.Delete, $"/api/v1/plans/{planId}/protocols/{protocolId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(me, HttpMethod.Delete, $"/api/v1/plans/{planId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{planId}")).Status);

        // The OpenAPI document names the routes.
        using var anonymous = app.NewClient();
        var openApi = await (await anonymous.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).Content.ReadAsStringAsync();
        foreach (var name in new[] { "/api/v1/plans/{id}/export.json", "\"ImportPlan\"", "\"AddAction\"", "The plans I may see" })
            Assert.Contains(name, openApi, StringComparison.Ordinal);
    }

    /// <summary>A plan's answer without ids, times and versions: what an import must reproduce.</summary>
    private static string Comparable(JsonNode plan)
    {
        var copy = plan.DeepClone().AsObject();
        foreach (var drop in new[] { "id", "createdAt", "updatedAt", "version", "shared", "ownerUserId" }) copy.Remove(drop);
        foreach (var list in new[] { "actors", "entries", "actions", "protocols" })
            foreach (var item in copy[list]!.AsArray()) { item!.AsObject().Remove("id"); item.AsObject().Remove("entryIds"); }
        return copy.ToJsonString();
    }

    [Fact]
    public async Task OthersGet404_ReadersCannotWrite_MembersSeeOnlyProtocolsAndTheirActions_StaffNeedTwoFactorWhenRequired()
    {
        var owner = await CallerAsync("apiowner");
        var planId = await MadeAsync(owner, "/api/v1/plans", new { title = "Mine", context = "Private" });
        var entryId = await MadeAsync(owner, $"/api/v1/plans/{planId}/entries", Entry());
        var actorId = await MadeAsync(owner, $"/api/v1/plans/{planId}/actors", new { name = "Someone", stance = "ally" });
        var actionId = await MadeAsync(owner, $"/api/v1/plans/{planId}/actions", new { what = "Do it" });
        var protocolId = await MadeAsync(owner, $"/api/v1/plans/{planId}/protocols", Protocol());
        (HttpMethod, string, object?)[] Every(Guid plan) =>
        [
            (HttpMethod.Get, $"/api/v1/plans/{plan}", null), (HttpMethod.Put, $"/api/v1/plans/{plan}", new { title = "Taken" }),
            (HttpMethod.Put, $"/api/v1/plans/{plan}/shared", new { shared = false }), (HttpMethod.Post, $"/api/v1/plans/{plan}/context-changed", null),
            (HttpMethod.Post, $"/api/v1/plans/{plan}/reviewed", new { }), (HttpMethod.Get, $"/api/v1/plans/{plan}/export.json", null),
            (HttpMethod.Get, $"/api/v1/plans/{plan}/export.md", null),
            (HttpMethod.Post, $"/api/v1/plans/{plan}/actors", new { name = "x" }), (HttpMethod.Put, $"/api/v1/plans/{plan}/actors/{actorId}", new { name = "x" }),
            (HttpMethod.Delete, $"/api/v1/plans/{plan}/actors/{actorId}", null),
            (HttpMethod.Post, $"/api/v1/plans/{plan}/entries", Entry()), (HttpMethod.Put, $"/api/v1/plans/{plan}/entries/{entryId}", Entry()),
            (HttpMethod.Delete, $"/api/v1/plans/{plan}/entries/{entryId}", null),
            (HttpMethod.Post, $"/api/v1/plans/{plan}/actions", new { what = "x" }), (HttpMethod.Put, $"/api/v1/plans/{plan}/actions/{actionId}", new { what = "x" }),
            (HttpMethod.Delete, $"/api/v1/plans/{plan}/actions/{actionId}", null),
            (HttpMethod.Post, $"/api/v1/plans/{plan}/protocols", Protocol()), (HttpMethod.Put, $"/api/v1/plans/{plan}/protocols/{protocolId}", Protocol()),
            (HttpMethod.Delete, $"/api/v1/plans/{plan}/protocols/{protocolId}", null),
            (HttpMethod.Delete, $"/api/v1/plans/{plan}", null),
        ];
        var before = (await CallAsync(owner, HttpMethod.Get, $"/api/v1/plans/{planId}")).Body!.ToJsonString();

        // A stranger: 404 on every route, and not in their list.
        var stranger = await CallerAsync("apistranger");
        foreach (var (method, url, body) in Every(planId))
            Assert.True((await CallAsync(stranger, method, url, body)).Status == HttpStatusCode.NotFound, $"{method} {url}");
        Assert.Empty((await CallAsync(stranger, HttpMethod.Get, "/api/v1/plans")).Body!.AsArray());

        // A focal point who may read the shared plan (category and flag): reads it, and 403 on every write.
        var admin = await app.PersonAsync("apiadmin");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, owner.Person);
        var focal = await TokenAsync(await app.PersonAsync("apifocal"));
        await app.AddMemberAsync(org, focal.Person, OrgRole.FocalPoint);
        await app.WithServicesAsync(sp => sp.GetRequiredService<SharingSettings>().SaveAsync(owner.Person.Id,
            new HashSet<(DataCategory, Audience)> { (DataCategory.VisitsAndAlerts, Audience.OrgFocalPoints), (DataCategory.SecurityPlan, Audience.OrgFocalPoints) }));
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(owner, HttpMethod.Put, $"/api/v1/plans/{planId}/shared", new { shared = true })).Status);
        before = (await CallAsync(owner, HttpMethod.Get, $"/api/v1/plans/{planId}")).Body!.ToJsonString();
        foreach (var (method, url, body) in Every(planId))
        {
            var expected = method == HttpMethod.Get ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            Assert.True((await CallAsync(focal, method, url, body)).Status == expected, $"{method} {url}");
        }
        Assert.Equal(before, (await CallAsync(owner, HttpMethod.Get, $"/api/v1/plans/{planId}")).Body!.ToJsonString());

        // An organization's plan: a member sees its protocols and their own action, nothing else, and changes nothing.
        var adminCaller = await TokenAsync(admin);
        var member = await TokenAsync(await app.PersonAsync("apimember"));
        await app.AddMemberAsync(org, member.Person);
        var orgPlan = await MadeAsync(adminCaller, "/api/v1/plans", new { title = "Office", context = "Our office", organizationId = org });
        var orgEntry = await MadeAsync(adminCaller, $"/api/v1/plans/{orgPlan}/entries", Entry("Someone passes on our calendar"));
        await MadeAsync(adminCaller, $"/api/v1/plans/{orgPlan}/actions", new { what = "Change the locks", ownerUserId = member.Person.Id, estimatedCost = 40m, currency = "EUR", entryIds = new[] { orgEntry.ToString() } });
        await MadeAsync(adminCaller, $"/api/v1/plans/{orgPlan}/actions", new { what = "Review who holds keys", ownerUserId = admin.Id, estimatedCost = 10m, currency = "EUR" });
        await MadeAsync(adminCaller, $"/api/v1/plans/{orgPlan}/protocols", Protocol("Break-in at the office"));
        var (seen, view) = await CallAsync(member, HttpMethod.Get, $"/api/v1/plans/{orgPlan}");
        Assert.Equal((HttpStatusCode.OK, "member"), (seen, view!["role"]!.GetValue<string>()));
        Assert.Null(view["context"]);
        Assert.Empty(view["entries"]!.AsArray());
        Assert.Empty(view["actors"]!.AsArray());
        var mine = Assert.Single(view["actions"]!.AsArray());
        Assert.Equal("Change the locks", mine!["what"]!.GetValue<string>());
        Assert.Empty(mine["entryIds"]!.AsArray());
        Assert.Single(view["protocols"]!.AsArray());
        Assert.Equal(40m, Assert.Single(view["budget"]!["totals"]!.AsArray())!["open"]!.GetValue<decimal>());
        var exported = (await CallAsync(member, HttpMethod.Get, $"/api/v1/plans/{orgPlan}/export.json")).Body!;
        Assert.Empty(exported["entries"]!.AsArray());
        Assert.Single(exported["actions"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(member, HttpMethod.Post, $"/api/v1/plans/{orgPlan}/protocols", Protocol())).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(member, HttpMethod.Post, "/api/v1/plans", new { title = "Ours", organizationId = org })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(member, HttpMethod.Post, $"/api/v1/plans/import?organizationId={org}", new { format = PlanFile.Format1, title = "Ours" })).Status);

        // Whether members see protocols is the organization's: a member and a stranger cannot change it (403, 404), a
        // person's own plan has no such switch (403); the admin closes it and the member no longer sees the protocols.
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(member, HttpMethod.Put, $"/api/v1/plans/{orgPlan}/protocols-for-members", new { open = false })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(stranger, HttpMethod.Put, $"/api/v1/plans/{orgPlan}/protocols-for-members", new { open = false })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(owner, HttpMethod.Put, $"/api/v1/plans/{planId}/protocols-for-members", new { open = true })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(adminCaller, HttpMethod.Put, $"/api/v1/plans/{orgPlan}/protocols-for-members", new { })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(adminCaller, HttpMethod.Put, $"/api/v1/plans/{orgPlan}/protocols-for-members", new { open = false })).Status);
        var closed = (await CallAsync(member, HttpMethod.Get, $"/api/v1/plans/{orgPlan}")).Body!;
        Assert.Empty(closed["protocols"]!.AsArray());
        Assert.Single(closed["actions"]!.AsArray()); // the action assigned to them stays visible to them
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(adminCaller, HttpMethod.Put, $"/api/v1/plans/{orgPlan}/protocols-for-members", new { open = true })).Status);
        Assert.Single((await CallAsync(member, HttpMethod.Get, $"/api/v1/plans/{orgPlan}")).Body!["protocols"]!.AsArray());

        // The organization requires two-factor of its staff: the admin (without it) is refused until it is on; the member is not staff.
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.RequireTwoFactorForStaff, true)));
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(adminCaller, HttpMethod.Get, $"/api/v1/plans/{orgPlan}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(adminCaller, HttpMethod.Get, "/api/v1/plans")).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(member, HttpMethod.Get, $"/api/v1/plans/{orgPlan}")).Status);
    }

    [Fact]
    public async Task BadPlanFiles_AreRefusedWithTheFieldNamed_AndNothingIsWritten()
    {
        var me = await CallerAsync("apiimporter");
        JsonObject Good() => new()
        {
            ["format"] = PlanFile.Format1, ["title"] = "From a file",
            ["entries"] = new JsonArray(new JsonObject { ["id"] = "e1", ["threat"] = "Threat", ["threatLevel"] = 2, ["vulnerabilityLevel"] = 2, ["capacityLevel"] = 2 }),
            ["actions"] = new JsonArray(new JsonObject { ["what"] = "Act", ["entryIds"] = new JsonArray("e1"), ["estimatedCost"] = 10, ["currency"] = "USD" }),
            ["actors"] = new JsonArray(new JsonObject { ["name"] = "Ally", ["stance"] = "ally" }),
        };
        var cases = new (Action<JsonObject> Spoil, string Field)[]
        {
            (f => f["format"] = "amparo-plan/2", "format"),
            (f => f["actors"]![0]!["stance"] = "friend", "actors[0].stance"),
            (f => f["entries"]![0]!["domains"] = new JsonArray("maritime"), "entries[0].domains"),
            (f => f["entries"]![0]!["threatLevel"] = 7, "entries[0].threatLevel"),
            (f => f["title"] = new string('t', PlanRules.MaxTitle + 1), "title"),
            (f => f["entries"]![0]!["indicators"] = new string('i', PlanRules.MaxText + 1), "entries[0].indicators"),
            (f => f["actions"]![0]!["entryIds"] = new JsonArray("e2"), "actions[0].entryIds"),
            (f => f["actions"]![0]!["currency"] = "XYZ", "actions[0].currency"),
            (f => f["actions"]![0]!["status"] = "someday", "actions[0].status"),
        };
        var plans = await PlanCountAsync();
        var entries = await app.WithDbAsync(db => db.RiskEntries.CountAsync());
        foreach (var (spoil, field) in cases)
        {
            var file = Good();
            spoil(file);
            var (status, problem) = await CallAsync(me, HttpMethod.Post, "/api/v1/plans/import", file);
            Assert.True(status == HttpStatusCode.BadRequest, $"{field}: {status}");
            Assert.Contains(field, Fields(problem));
        }
        Assert.Equal((plans, entries), (await PlanCountAsync(), await app.WithDbAsync(db => db.RiskEntries.CountAsync())));

        // The good file imports, with its action matched to its entry.
        var id = await MadeAsync(me, "/api/v1/plans/import", Good());
        var plan = (await CallAsync(me, HttpMethod.Get, $"/api/v1/plans/{id}")).Body!;
        Assert.Equal(plan["entries"]![0]!["id"]!.GetValue<Guid>(), plan["actions"]![0]!["entryIds"]![0]!.GetValue<Guid>());
    }
}

[Collection(nameof(SharedHosts.PlansOnSqlite))]
public sealed class PlansApiTestsSqlite(SqliteApp app) : PlansApiTests(app);
[Collection(nameof(SharedHosts.PlansOnPostgres))]
public sealed class PlansApiTestsPostgres(PostgresApp app) : PlansApiTests(app);
