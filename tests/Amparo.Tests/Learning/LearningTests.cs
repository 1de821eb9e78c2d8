using System.Net;
using System.Net.Http.Json;
using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Learning;

/// <summary>
/// The library (issue 18) on both databases: a person's progress and notes are sealed with their key and reach nobody
/// else (not another person, not their organization's admin, not anyone by an API parameter); a checklist item becomes
/// an action only in a plan the reader may edit; a visitor reads lessons but writes nothing.
/// </summary>
public abstract class LearningTests(AppFixture app)
{
    private static Dictionary<string, string> Form(params (string, string)[] fields) => fields.ToDictionary(f => f.Item1, f => f.Item2);

    [Fact]
    public async Task Progress_IsSealedWithThePersonsKey_AndNobodyElseReadsIt()
    {
        var defender = await app.PersonAsync("learner");
        var admin = await app.PersonAsync("learnadmin");
        var colleague = await app.PersonAsync("learncolleague");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, defender);
        await app.AddMemberAsync(org, colleague);
        const string Note = "hidden under the blue tile";

        using var client = await app.SignedInAsync(defender);
        var saved = await client.PostFormAsync("/learn/lock-up", Form(("item", "lock-set"), ("state", "Done"), ("note", Note)), "/learn/lock-up?handler=Item");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var token = await app.ApiTokenAsync(defender);
        using var put = await client.SendAsync(HttpMethod.Put, "/api/v1/progress/lock-up/steps/why", token, JsonContent.Create(new { state = "done" }));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        // The person sees it all, on the page and in the API.
        var (_, mine) = await client.GetAsync("/learn/lock-up");
        Assert.Contains(Note, mine, StringComparison.Ordinal);
        var progress = await client.Http.SendAsync(Bearer(HttpMethod.Get, "/api/v1/progress", token));
        var body = await progress.Content.ReadAsStringAsync();
        Assert.Contains("\"lesson\":\"lock-up\"", body, StringComparison.Ordinal);
        Assert.Contains(Note, body, StringComparison.Ordinal);

        // In the database: one sealed row; neither the lesson nor the note nor the step is readable there.
        var row = await app.WithDbAsync(db => db.LearningProgress.AsNoTracking().SingleAsync(p => p.UserId == defender.Id));
        var raw = Encoding.UTF8.GetString(row.Cipher);
        Assert.DoesNotContain("lock-up", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("blue tile", raw, StringComparison.Ordinal);

        // Nobody else: the organization's admin and a colleague see their own (empty) progress, on the page and in the
        // API, whatever they add to the address.
        foreach (var other in new[] { admin, colleague })
        {
            using var theirs = await app.SignedInAsync(other);
            var (status, html) = await theirs.GetAsync($"/learn/lock-up?user={defender.Id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain(Note, html, StringComparison.Ordinal);
            var otherToken = await app.ApiTokenAsync(other);
            var response = await theirs.Http.SendAsync(Bearer(HttpMethod.Get, $"/api/v1/progress?user={defender.Id}&userId={defender.Id}", otherToken));
            Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        }

        // The export has it; deleting the account takes it (cascade).
        var export = await app.WithServicesAsync(sp => sp.GetServices<Amparo.Web.Infrastructure.IPersonalData>().OfType<LearningPersonalData>().Single().ExportAsync(defender.User, default));
        Assert.Contains(Note, System.Text.Json.JsonSerializer.Serialize(export), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_IsShownToABuddy_OnlyByThePersonsChoice_NeverTheNotes_UntilStopped()
    {
        var defender = await app.PersonAsync("learnshare");
        var buddy = await app.PersonAsync("learnbuddy");
        var colleague = await app.PersonAsync("learnshcolleague");
        var admin = await app.PersonAsync("learnshadmin");
        var outsider = await app.PersonAsync("learnshoutsider");
        var org = await app.OrganizationAsync(admin);
        foreach (var p in new[] { defender, buddy, colleague }) await app.AddMemberAsync(org, p);
        const string Note = "the spare key is with my aunt";
        using var client = await app.SignedInAsync(defender);
        await client.PostFormAsync("/learn/lock-up", Form(("item", "lock-set"), ("state", "Done"), ("note", Note)), "/learn/lock-up?handler=Item");
        using var buddyClient = await app.SignedInAsync(buddy);
        var page = $"/learn/shared/{defender.Id}";
        Assert.Equal(HttpStatusCode.NotFound, (await buddyClient.GetAsync(page)).Status);

        // Only someone of the person's organizations may be chosen.
        var refused = await client.PostFormAsync("/learn/sharing", Form(("person", outsider.Id.ToString())), "/learn/sharing?handler=Share");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Choose someone from your organizations.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var shared = await client.PostFormAsync("/learn/sharing", Form(("person", buddy.Id.ToString())), "/learn/sharing?handler=Share");
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);

        var (status, html) = await buddyClient.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("ENGLISH-ITEM my phone has a lock", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Done</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aunt", html, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type == Amparo.Web.Features.Audit.AuditEvents.SensitiveRead && e.ActorId == buddy.Id && e.SubjectId == defender.Id)));
        foreach (var other in new[] { colleague, admin, outsider })
        {
            using var otherClient = await app.SignedInAsync(other);
            Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync(page)).Status);
        }

        // A buddy who leaves the organization reads nothing more, though the grant still stands; back in, they read again.
        await app.WithDbAsync(db => db.Memberships.Where(m => m.UserId == buddy.Id && m.OrganizationId == org).ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await buddyClient.GetAsync(page)).Status);
        await app.AddMemberAsync(org, buddy);
        Assert.Equal(HttpStatusCode.OK, (await buddyClient.GetAsync(page)).Status);

        // Stopped: the buddy reads nothing any more.
        var grant = await app.WithDbAsync(db => db.AccessGrants.Where(g => g.OwnerId == defender.Id && g.GranteeId == buddy.Id && g.RevokedAt == null).Select(g => g.Id).SingleAsync());
        var stopped = await client.PostFormAsync("/learn/sharing", Form(("grant", grant.ToString())), "/learn/sharing?handler=Stop");
        Assert.Equal(HttpStatusCode.Redirect, stopped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await buddyClient.GetAsync(page)).Status);
    }

    [Fact]
    public async Task ChecklistItem_BecomesAnAction_OnlyInAPlanTheReaderMayEdit()
    {
        var defender = await app.PersonAsync("learnplan");
        var stranger = await app.PersonAsync("learnstranger");
        var plan = await app.WithServicesAsync(sp => sp.GetRequiredService<PlanService>().CreateForPersonAsync(defender.Id, new PlanInput("My plan", false, null, null, null)));
        var planId = plan.Id!.Value;

        using var client = await app.SignedInAsync(defender);
        var added = await client.PostFormAsync("/learn/lock-up", Form(("item", "lock-set"), ("plan", planId.ToString())), "/learn/lock-up?handler=Plan");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains($"added={planId}", added.Headers.Location!.ToString(), StringComparison.Ordinal);
        var view = await app.WithServicesAsync(sp => sp.GetRequiredService<PlanService>().GetAsync(defender.Id, planId));
        var action = Assert.Single(view!.Actions);
        Assert.Equal("lock-up", action.LessonId);
        Assert.Equal("ENGLISH-ITEM my phone has a lock", action.What);
        var (_, planPage) = await client.GetAsync($"/plans/{planId}");
        Assert.Contains("href=\"/learn/lock-up\"", planPage, StringComparison.Ordinal);
        // The library suggests it back, from the plan, to the plan's owner only.
        var (_, library) = await client.GetAsync("/learn");
        Assert.Contains("id=\"from-plans\"", library, StringComparison.Ordinal);

        // Someone else cannot add to it: the page says so, and the plan is unchanged.
        using var other = await app.SignedInAsync(stranger);
        var refused = await other.PostFormAsync("/learn/lock-up", Form(("item", "lock-set"), ("plan", planId.ToString())), "/learn/lock-up?handler=Plan");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Plan-error", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.PlanActions.CountAsync(a => a.PlanId == planId)));
        Assert.DoesNotContain("id=\"from-plans\"", (await other.GetAsync("/learn")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visitor_ReadsTheLibrary_ButWritesNothing()
    {
        using var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/learn")).Status);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/learn/lock-up/steps/why")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/learn/no-such-lesson")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/learn/lock-up/steps/no-such-step")).Status);
        var before = await app.WithDbAsync(db => db.LearningProgress.CountAsync());
        var posted = await visitor.PostFormAsync("/learn/lock-up", Form(("item", "lock-set"), ("state", "Done")), "/learn/lock-up?handler=Item");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Contains("/account/sign-in", posted.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await app.WithDbAsync(db => db.LearningProgress.CountAsync()));
    }

    [Fact]
    public async Task BadProgress_IsRefused_AndNothingIsWritten()
    {
        var defender = await app.PersonAsync("learnbad");
        using var client = await app.SignedInAsync(defender);
        var token = await app.ApiTokenAsync(defender);
        async Task<HttpStatusCode> Put(string url, object body)
        {
            using var r = await client.SendAsync(HttpMethod.Put, url, token, JsonContent.Create(body));
            return r.StatusCode;
        }
        Assert.Equal(HttpStatusCode.BadRequest, await Put("/api/v1/progress/lock-up/steps/why", new { state = "finished" }));
        Assert.Equal(HttpStatusCode.NotFound, await Put("/api/v1/progress/lock-up/steps/nope", new { state = "done" }));
        Assert.Equal(HttpStatusCode.NotFound, await Put("/api/v1/progress/nope/steps/why", new { state = "done" }));
        Assert.Equal(HttpStatusCode.BadRequest, await Put("/api/v1/progress/lock-up/checklist/lock-set", new { state = "done", note = new string('x', 1001) }));
        var tooLong = await client.PostFormAsync("/learn/lock-up", Form(("item", "lock-set"), ("state", "Done"), ("note", new string('x', 1001))), "/learn/lock-up?handler=Item");
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);
        Assert.Contains("Note-error", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.LearningProgress.AnyAsync(p => p.UserId == defender.Id)));
    }

    [Fact]
    public async Task OrganizationLesson_IsReadByItsMembers_AndByItsNetworksOnlyWhenShared()
    {
        var admin = await app.PersonAsync("olessonadmin");
        var member = await app.PersonAsync("olessonmember");
        var neighbour = await app.PersonAsync("olessonneighbour");
        var outsider = await app.PersonAsync("olessonoutsider");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, member);
        var neighbourOrg = await app.OrganizationAsync(neighbour);
        await app.OrganizationAsync(outsider);
        await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<Amparo.Web.Features.Networks.NetworkService>();
            var network = (await networks.CreateAsync("Red de aprendizaje " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, org, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, neighbourOrg, null));
            return true;
        });
        const string Title = "When the office is raided";
        Dictionary<string, string> Lesson(bool shared) => Form(("Title", Title), ("Need", "I want to know what to do if they come to the office."),
            ("Summary", "Our own protocol."), ("Language", "en"), ("Level", "Beginner"), ("Topic", "planning"), ("Minutes", "10"),
            ("Steps", "## Stay calm\nkind: do\nUse a long [passphrase](glossary:passphrase) and read [the lesson](lesson:lock-up).\n\n## What now\nRead it again next month."),
            ("Checklist", "! I know the lawyer's number by heart\nI read the protocol"), ("SharedWithNetworks", shared ? "true" : "false"));

        // A member may not write one: not found, and nothing is saved.
        using var memberClient = await app.SignedInAsync(member);
        Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync($"/learn/write/{org}")).Status);
        using var adminClient = await app.SignedInAsync(admin);
        var written = await adminClient.PostFormAsync($"/learn/write/{org}", Lesson(shared: false));
        Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        var url = written.Headers.Location!.ToString();
        Assert.Contains($"href=\"/learn/write/{org}\"", (await adminClient.GetAsync("/learn")).Html, StringComparison.Ordinal);
        Assert.Matches("^/learn/o-[0-9a-f]{32}$", url);
        var lessonId = url["/learn/".Length..];
        var rowId = OrganizationLesson.RowId(lessonId)!.Value;

        // Its words are sealed with the organization's key.
        var row = await app.WithDbAsync(db => db.OrganizationLessons.AsNoTracking().SingleAsync(l => l.Id == rowId));
        Assert.DoesNotContain("raided", Encoding.UTF8.GetString(row.Cipher), StringComparison.Ordinal);

        // Members read it (and tick it); the network's other organizations do not, until it is shared; outsiders never.
        var (status, html) = await memberClient.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Title, html, StringComparison.Ordinal);
        Assert.Contains("id=\"term-passphrase\"", (await memberClient.GetAsync(url + "/steps/step-1")).Html, StringComparison.Ordinal);
        Assert.Contains(Title, (await memberClient.GetAsync("/learn")).Html, StringComparison.Ordinal);
        var memberPost = await memberClient.PostFormAsync(url, Form(("item", "item-1"), ("state", "Done")), url + "?handler=Item");
        Assert.Equal(HttpStatusCode.Redirect, memberPost.StatusCode);
        Assert.DoesNotContain("/learn/write/", (await memberClient.GetAsync(url)).Html, StringComparison.Ordinal);

        using var neighbourClient = await app.SignedInAsync(neighbour);
        using var outsiderClient = await app.SignedInAsync(outsider);
        using var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.NotFound, (await neighbourClient.GetAsync(url)).Status);
        Assert.DoesNotContain(Title, (await neighbourClient.GetAsync("/learn")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(url)).Status);
        var outsiderToken = await app.ApiTokenAsync(outsider);
        using (var put = await outsiderClient.SendAsync(HttpMethod.Put, $"/api/v1/progress/{lessonId}/steps/step-1", outsiderToken, JsonContent.Create(new { state = "done" })))
            Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        using (var get = await outsiderClient.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{lessonId}", outsiderToken))
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using (var list = await outsiderClient.SendAsync(HttpMethod.Get, "/api/v1/lessons", outsiderToken))
            Assert.DoesNotContain(lessonId, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var memberToken = await app.ApiTokenAsync(member);
        using (var list = await memberClient.SendAsync(HttpMethod.Get, "/api/v1/lessons", memberToken))
            Assert.Contains(lessonId, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var get = await memberClient.SendAsync(HttpMethod.Get, $"/api/v1/lessons/{lessonId}", memberToken))
            Assert.Contains("I know the lawyer", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var shared = await adminClient.PostFormAsync($"/learn/write/{org}/{rowId}", new Dictionary<string, string>(Lesson(shared: true)) { ["Version"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await neighbourClient.GetAsync(url)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.GetAsync(url)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await neighbourClient.GetAsync($"/learn/write/{org}/{rowId}")).Status);

        // A stale version is refused, not written over.
        var stale = await adminClient.PostFormAsync($"/learn/write/{org}/{rowId}", new Dictionary<string, string>(Lesson(shared: false)) { ["Version"] = "1" });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.OrganizationLessons.Where(l => l.Id == rowId).Select(l => l.SharedWithNetworks).SingleAsync()));

        // Deleting takes it away from everyone.
        var deleted = await adminClient.PostFormAsync($"/learn/write/{org}/{rowId}", Form(("confirm", "true")), $"/learn/write/{org}/{rowId}?handler=Delete");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync(url)).Status);
    }

    [Fact]
    public async Task OrganizationLesson_BreakingTheLibrarysRules_IsRefused_AndNothingIsSaved()
    {
        var admin = await app.PersonAsync("olessonrules");
        var org = await app.OrganizationAsync(admin);
        using var client = await app.SignedInAsync(admin);
        var longStep = "## Far too long\n" + string.Join(' ', Enumerable.Repeat("word", 301)) + "\n\n## What now\nSwipe up and tap Settings, see [x](glossary:nothing-like-it).\n<script>alert(1)</script>";
        var refused = await client.PostFormAsync($"/learn/write/{org}", Form(("Title", "Too long"), ("Need", "I want it all."), ("Summary", ""),
            ("Language", "en"), ("Level", "Beginner"), ("Topic", "planning"), ("Minutes", "10"), ("Steps", longStep), ("Checklist", "")));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"Steps-error\"", html, StringComparison.Ordinal);
        Assert.Contains("step 1: 301 words", html, StringComparison.Ordinal);
        Assert.Contains("step 2: names a device gesture", html, StringComparison.Ordinal);
        Assert.Contains("step 2: raw HTML is not allowed", html, StringComparison.Ordinal);
        Assert.Contains("step 2: glossary term nothing-like-it does not exist", html, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.OrganizationLessons.AnyAsync(l => l.OrganizationId == org)));
    }

    [Fact]
    public async Task Api_GivesEachStepsLanguage_AndNeverAStaleCriticalStep()
    {
        var reader = await app.PersonAsync("learnapi");
        using var client = app.NewClient();
        var token = await app.ApiTokenAsync(reader);
        async Task<System.Text.Json.JsonElement> Get(string url)
        {
            using var response = await client.Http.SendAsync(Bearer(HttpMethod.Get, url, token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }
        var list = await Get("/api/v1/lessons?lang=es&audience=women-defenders");
        var line = Assert.Single(list.EnumerateArray());
        Assert.Equal("Bloquéelo", line.GetProperty("title").GetString());
        Assert.Equal(["en", "es"], line.GetProperty("languages").EnumerateArray().Select(l => l.GetString()).Order().ToArray());

        var lesson = await Get("/api/v1/lessons/lock-up?lang=es");
        var steps = lesson.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal("en", steps["set-lock"].GetProperty("language").GetString());
        Assert.True(steps["set-lock"].GetProperty("staleReplaced").GetBoolean());
        Assert.Contains("ENGLISH-SET-V2", steps["set-lock"].GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.True(steps["extra"].GetProperty("stale").GetBoolean());
        Assert.Equal("es", steps["extra"].GetProperty("language").GetString());

        var glossary = await Get("/api/v1/glossary?lang=ar");
        var screenLock = glossary.EnumerateArray().Single(t => t.GetProperty("id").GetString() == "screen-lock");
        Assert.True(screenLock.GetProperty("fallback").GetBoolean());
        Assert.Equal("en", screenLock.GetProperty("language").GetString());
        using var missing = await client.Http.SendAsync(Bearer(HttpMethod.Get, "/api/v1/lessons/no-such-lesson", token));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static HttpRequestMessage Bearer(HttpMethod method, string url, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }
}

[Collection(nameof(SharedHosts.LearningOnSqlite))]
public sealed class LearningTestsSqlite(LearningSqliteApp app) : LearningTests(app);
[Collection(nameof(SharedHosts.LearningOnPostgres))]
public sealed class LearningTestsPostgres(LearningPostgresApp app) : LearningTests(app);
