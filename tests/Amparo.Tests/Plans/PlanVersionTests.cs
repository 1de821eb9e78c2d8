using System.Net;
using System.Net.Http.Json;
using System.Text;
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
/// Versions of a plan: every saved change makes one (encrypted, with who and when), two compare side by side on the
/// page and in the API, restoring an old one makes a new version with the old content; and who may see them — those who
/// read the plan whole — while members, other people, other organizations and former members get nothing, and a reader
/// may not restore.
/// </summary>
public abstract class PlanVersionTests(AppFixture app)
{
    private Task<T> PlansAsync<T>(Func<PlanService, Task<T>> work) => app.WithServicesAsync(sp => work(sp.GetRequiredService<PlanService>()));

    private static Guid Made(PlanWrite result)
    {
        Assert.True(result.Status == PlanWriteStatus.Done, $"{result.Status}");
        return result.Id!.Value;
    }

    private static EntryInput Threat(PlanLevel capacity) => new("Followed home after hearings", "A private security firm", null, false,
        SecurityDomains.Physical, PlanLevel.Three, PlanLevel.Three, capacity, "I walk home alone", null);

    private async Task<string> TokenAsync(OrgKit.Person person)
    {
        var secret = Tokens.NewUrlSafe();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = person.Id, Name = "test", TokenHash = Tokens.Hash(secret), CreatedAt = now, ExpiresAt = now.AddDays(30) });
            return await db.SaveChangesAsync();
        });
        return secret;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(string token, HttpMethod method, string url, object? body = null)
    {
        using var client = app.NewClient();
        using var response = await client.SendAsync(method, url, token, body is null ? null : JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart()[0] is '{' or '[' ? JsonNode.Parse(text) : null);
    }

    private Task<List<PlanVersion>> RowsAsync(Guid planId) =>
        app.WithDbAsync(db => db.PlanVersions.AsNoTracking().Where(v => v.PlanId == planId).OrderBy(v => v.Number).ToListAsync());

    [Fact]
    public async Task EveryChange_MakesAVersion_CompareShowsWhatChanged_AndRestoreMakesANewVersionWithTheOldContent()
    {
        var me = await app.PersonAsync("versioner", name: "Ana Versions");
        var token = await TokenAsync(me);

        // Creation, then each change: one version per saved change, numbered as the plan's version, by me, encrypted.
        var planId = Made(await PlansAsync(p => p.CreateForPersonAsync(me.Id, new PlanInput("The land case", true, "The river community", null, null))));
        var actorId = Made(await PlansAsync(p => p.AddActorAsync(me.Id, planId, new ActorInput("The mining company", ActorStance.Adversary, null, null))));
        var entryId = Made(await PlansAsync(p => p.AddEntryAsync(me.Id, planId, Threat(PlanLevel.One))));
        Made(await PlansAsync(p => p.AddActionAsync(me.Id, planId, new ActionInput("Walk home with a colleague", me.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.Physical, [entryId]))));
        Made(await PlansAsync(p => p.UpdateEntryAsync(me.Id, planId, entryId, Threat(PlanLevel.Four))));
        Made(await PlansAsync(p => p.RemoveActorAsync(me.Id, planId, actorId)));
        Assert.Equal(PlanWriteStatus.Invalid, (await PlansAsync(p => p.AddActorAsync(me.Id, planId, new ActorInput(null, ActorStance.Ally, null, null)))).Status);
        var rows = await RowsAsync(planId);
        var plan = (await PlansAsync(p => p.GetAsync(me.Id, planId)))!;
        Assert.Equal([0, 1, 2, 3, 4, 5], rows.Select(r => r.Number));          // the refused change made none
        Assert.Equal(plan.Version, rows[^1].Number);
        Assert.All(rows, r => Assert.Equal(me.Id, r.ByUserId));
        Assert.All(rows, r => Assert.Equal(-1, r.ContentCipher.AsSpan().IndexOf(Encoding.UTF8.GetBytes("The river community"))));

        // The list and one version, through the API and the service.
        var (status, list) = await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/versions");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([5, 4, 3, 2, 1, 0], list!.AsArray().Select(v => v!["number"]!.GetValue<int>()));
        Assert.Equal("Ana Versions", list[0]!["by"]!.GetValue<string>());
        var (_, first) = await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/versions/0");
        Assert.Equal(("The land case", 0), (first!["content"]!["title"]!.GetValue<string>(), first["content"]!["entries"]!.AsArray().Count));

        // Compare: raising the capacity changed the level and brought the band down; removing the actor shows it removed.
        var (_, compared) = await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/compare?from=3&to=5");
        var entry = Assert.Single(compared!["entries"]!.AsArray())!;
        Assert.Equal(("changed", entryId.ToString()), (entry["state"]!.GetValue<string>(), entry["id"]!.GetValue<string>()));
        Assert.Equal(["capacityLevel", "band"], entry["fields"]!.AsArray().Select(f => f!["field"]!.GetValue<string>()));
        Assert.Equal("removed", Assert.Single(compared["actors"]!.AsArray())!["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/compare?from=3")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/compare?from=3&to=99")).Status);

        // The pages: a link from the plan; the list; the compare page (previous vs latest by default) marks changes in words.
        using var client = await app.SignedInAsync(me);
        Assert.Contains($"/plans/{planId}/versions", (await client.GetAsync($"/plans/{planId}")).Html, StringComparison.Ordinal);
        var (listStatus, listHtml) = await client.GetAsync($"/plans/{planId}/versions");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Contains("Ana Versions", listHtml, StringComparison.Ordinal);
        var (_, compareHtml) = await client.GetAsync($"/plans/{planId}/versions/compare");
        Assert.Contains("Removed:", compareHtml, StringComparison.Ordinal);
        Assert.Contains("The mining company", compareHtml, StringComparison.Ordinal);
        (_, compareHtml) = await client.GetAsync($"/plans/{planId}/versions/compare?from=3&to=4");
        Assert.Contains("Changed:", compareHtml, StringComparison.Ordinal);
        Assert.Contains("Restore version 3", compareHtml, StringComparison.Ordinal);

        // Restore version 2 (actor and entry, no action) from the page: a new version 6 with that content, the same ids.
        var restored = await client.PostFormAsync($"/plans/{planId}/versions/compare?from=2&to=5",
            new Dictionary<string, string> { ["number"] = "2", ["version"] = "5" }, $"/plans/{planId}/versions/compare?handler=Restore");
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        plan = (await PlansAsync(p => p.GetAsync(me.Id, planId)))!;
        Assert.Equal(6, plan.Version);
        Assert.Equal((actorId, "The mining company"), (Assert.Single(plan.Actors).Id, plan.Actors[0].Name));
        Assert.Equal((entryId, PlanLevel.One), (Assert.Single(plan.Entries).Id, plan.Entries[0].CapacityLevel));
        Assert.Empty(plan.Actions);
        var same = (await PlansAsync(p => p.CompareAsync(me.Id, planId, 2, 6)))!;
        Assert.True(same.Changes.Same);

        // Restoring over a newer save: 409 on the page and in the API, nothing written; bad input 400; unknown version 404.
        var stale = await client.PostFormAsync($"/plans/{planId}/versions/compare",
            new Dictionary<string, string> { ["number"] = "5", ["version"] = "5" }, $"/plans/{planId}/versions/compare?handler=Restore");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Someone else saved this plan", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await CallAsync(token, HttpMethod.Post, $"/api/v1/plans/{planId}/versions/5/restore", new { version = 5 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(token, HttpMethod.Post, $"/api/v1/plans/{planId}/versions/5/restore", new { })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, HttpMethod.Post, $"/api/v1/plans/{planId}/versions/99/restore", new { version = 6 })).Status);
        Assert.Equal(7, (await RowsAsync(planId)).Count);

        // Restore the latest state again through the API: version 7, the action back with its entry.
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(token, HttpMethod.Post, $"/api/v1/plans/{planId}/versions/5/restore", new { version = 6 })).Status);
        plan = (await PlansAsync(p => p.GetAsync(me.Id, planId)))!;
        Assert.Equal((7, 0, PlanLevel.Four), (plan.Version, plan.Actors.Count, plan.Entries[0].CapacityLevel));
        Assert.Equal([entryId], Assert.Single(plan.Actions).EntryIds);

        // The routes are in the OpenAPI document like the others.
        using (var anonymous = app.NewClient())
        {
            var openApi = await (await anonymous.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).Content.ReadAsStringAsync();
            foreach (var name in new[] { "/api/v1/plans/{id}/versions/{number}/restore", "/api/v1/plans/{id}/compare", "\"ListPlanVersions\"", "\"GetPlanVersion\"" })
                Assert.Contains(name, openApi, StringComparison.Ordinal);
        }

        // Deleting the plan deletes its versions.
        Made(await PlansAsync(p => p.DeleteAsync(me.Id, planId)));
        Assert.Empty(await RowsAsync(planId));
    }

    [Fact]
    public async Task OnlyThoseWhoReadThePlanWhole_SeeItsVersions_AndOnlyEditorsRestore()
    {
        var admin = await app.PersonAsync("vadmin", name: "Olga Admin");
        var org = await app.OrganizationAsync(admin);
        var focal = await app.PersonAsync("vfocal", name: "Femi Focal");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var member = await app.PersonAsync("vmember");
        await app.AddMemberAsync(org, member);
        var otherAdmin = await app.PersonAsync("votheradmin");
        await app.OrganizationAsync(otherAdmin);
        var stranger = await app.PersonAsync("vstranger");

        // An organization's plan, changed by its staff; a member is given an action (they see it, not the versions).
        var planId = Made(await PlansAsync(p => p.CreateForOrganizationAsync(admin.Id, org, new PlanInput("Office", true, "Our office", null, null))));
        Made(await PlansAsync(p => p.AddActionAsync(focal.Id, planId, new ActionInput("Change the locks", member.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.Physical))));
        Assert.Equal(PlanRole.Member, (await PlansAsync(p => p.GetAsync(member.Id, planId)))!.Role);

        // Staff see every version and, as members of the organization, each other's names; they restore.
        var seen = (await PlansAsync(p => p.VersionsAsync(admin.Id, planId)))!;
        Assert.Equal([("Femi Focal", 1), ("Olga Admin", 0)], seen.Select(v => (v.ByName, v.Number)));

        // A member, another organization's admin, a stranger: not there at all — service, API and pages.
        foreach (var outsider in new[] { member, otherAdmin, stranger })
        {
            Assert.Null(await PlansAsync(p => p.VersionsAsync(outsider.Id, planId)));
            Assert.Null(await PlansAsync(p => p.CompareAsync(outsider.Id, planId, 0, 1)));
            Assert.Equal(PlanWriteStatus.NotFound, (await PlansAsync(p => p.RestoreAsync(outsider.Id, planId, 0, 1))).Status);
            var token = await TokenAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/versions")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/versions/0")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, HttpMethod.Get, $"/api/v1/plans/{planId}/compare?from=0&to=1")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, HttpMethod.Post, $"/api/v1/plans/{planId}/versions/0/restore", new { version = 1 })).Status);
            using var client = await app.SignedInAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/plans/{planId}/versions")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/plans/{planId}/versions/compare")).Status);
        }
        using (var memberClient = await app.SignedInAsync(member))
            Assert.DoesNotContain($"/plans/{planId}/versions", (await memberClient.GetAsync($"/plans/{planId}")).Html, StringComparison.Ordinal);

        // A person's plan shared with their focal point: the focal point reads versions (the owner by name) but may not restore.
        var owner = await app.PersonAsync("vowner", name: "Rosa Owner");
        await app.AddMemberAsync(org, owner);
        var mine = Made(await PlansAsync(p => p.CreateForPersonAsync(owner.Id, new PlanInput("Mine", true, "Private", null, null))));
        Made(await PlansAsync(p => p.SetSharedAsync(owner.Id, mine, true)));
        Assert.Null(await PlansAsync(p => p.VersionsAsync(focal.Id, mine)));      // the flag alone opens nothing
        await app.WithServicesAsync(sp => sp.GetRequiredService<SharingSettings>().SaveAsync(owner.Id,
            new HashSet<(DataCategory, Audience)> { (DataCategory.SecurityPlan, Audience.OrgFocalPoints) }));
        var read = (await PlansAsync(p => p.VersionsAsync(focal.Id, mine)))!;
        Assert.Equal([("Rosa Owner", 1), ("Rosa Owner", 0)], read.Select(v => (v.ByName, v.Number)));
        var focalToken = await TokenAsync(focal);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(focalToken, HttpMethod.Get, $"/api/v1/plans/{mine}/compare?from=0&to=1")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(focalToken, HttpMethod.Post, $"/api/v1/plans/{mine}/versions/0/restore", new { version = 1 })).Status);
        using (var focalClient = await app.SignedInAsync(focal))
        {
            var (_, html) = await focalClient.GetAsync($"/plans/{mine}/versions/compare");
            Assert.DoesNotContain("Restore version", html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await focalClient.PostFormAsync($"/plans/{mine}/versions",
                new Dictionary<string, string> { ["number"] = "0", ["version"] = "1" }, $"/plans/{mine}/versions/compare?handler=Restore")).StatusCode);
        }
        Assert.Equal(2, (await RowsAsync(mine)).Count);
        // Their reads are in the audit trail, by id.
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.ActorId == focal.Id && e.Detail.StartsWith("plan:" + mine.ToString("N") + ":versions"))));

        // A former member of the organization (the focal point, removed): nothing of either plan's versions.
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(org, admin.Id, focal.Id));
        Assert.Null(await PlansAsync(p => p.VersionsAsync(focal.Id, planId)));
        Assert.Null(await PlansAsync(p => p.VersionsAsync(focal.Id, mine)));
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(focalToken, HttpMethod.Get, $"/api/v1/plans/{planId}/versions")).Status);
        // ...and the staff no longer learn their name from the versions they saved.
        Assert.Equal([null, "Olga Admin"], (await PlansAsync(p => p.VersionsAsync(admin.Id, planId)))!.Select(v => v.ByName));
    }
}

[Collection(nameof(SharedHosts.PlansOnSqlite))]
public sealed class PlanVersionTestsSqlite(SqliteApp app) : PlanVersionTests(app);

[Collection(nameof(SharedHosts.PlansOnPostgres))]
public sealed class PlanVersionTestsPostgres(PostgresApp app) : PlanVersionTests(app);
