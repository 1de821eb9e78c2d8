using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.Wellbeing;

/// <summary>
/// The team side of well-being on both databases: contributing, the month-close worker (once, latest check only,
/// withdrawals, nothing before the close), the team view and its threshold, the exhaustion page, the assessment, the
/// API, and who may see what (admins and focal points; not members, other organizations or strangers: 404).
/// </summary>
public abstract class WellbeingTeamTests(AppFixture app)
{
    private static readonly Dictionary<WellbeingScale, WellbeingBand> Calm = new()
        { [WellbeingScale.Satisfaction] = WellbeingBand.High, [WellbeingScale.Burnout] = WellbeingBand.Low, [WellbeingScale.SecondaryStress] = WellbeingBand.Low };
    private static readonly Dictionary<WellbeingScale, WellbeingBand> Tired = new()
        { [WellbeingScale.Satisfaction] = WellbeingBand.Moderate, [WellbeingScale.Burnout] = WellbeingBand.High, [WellbeingScale.SecondaryStress] = WellbeingBand.Moderate };

    /// <summary>A self-check as the self-check service stores it: the bands encrypted with the person's key, bound to the row.</summary>
    public static Task<Guid> SelfCheckAsync(AppFixture app, Guid userId, DateTime at, IReadOnlyDictionary<WellbeingScale, WellbeingBand> bands) =>
        app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var cipher = sp.GetRequiredService<FieldCipher>();
            var key = await db.Users.Where(u => u.Id == userId).Select(u => u.DataKeyId).SingleAsync();
            var check = new SelfCheck { Id = Guid.NewGuid(), UserId = userId, TakenAt = at };
            check.BandsCipher = await cipher.EncryptAsync(db, key, SelfCheckBands.Encode(bands), SelfCheck.Table, nameof(SelfCheck.BandsCipher), check.Id);
            db.WellbeingSelfChecks.Add(check);
            await db.SaveChangesAsync();
            return check.Id;
        });

    private static readonly string[] OneAnswer = ["yes"];

    private Task<bool> ContributeAsync(Guid userId, Guid org, bool on = true) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<TeamService>().SetContributingAsync(userId, org, on));

    private Task<int> RowsAsync(Guid org) => app.WithDbAsync(db => db.TeamMonthBands.CountAsync(b => b.OrganizationId == org));

    private Task<TeamView?> ViewAsync(Guid viewer, Guid org) => app.WithServicesAsync(sp => sp.GetRequiredService<TeamService>().ViewAsync(viewer, org));

    /// <summary>Moves the clock to just after the start of the next UTC month and runs the month-close worker.</summary>
    private async Task<DateOnly> CloseTheMonthAsync()
    {
        var now = app.Now();
        var month = TeamMonthClose.MonthOf(now);
        var next = month.AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddMinutes(5);
        app.Clock.Advance(next - now);
        await app.Services.GetRequiredService<TeamMonthClose>().RunOnceAsync(CancellationToken.None);
        return month;
    }

    [Fact]
    public async Task Contributions_CountOnceAtTheClose_OnlyFromThoseStillContributing_AndOnlyStaffSeeTheView()
    {
        var admin = await app.PersonAsync("wbadmin");
        var org = await app.OrganizationAsync(admin);
        var focal = await app.PersonAsync("wbfocal");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var members = new List<Person>();
        for (var i = 0; i < 8; i++)
        {
            var p = await app.PersonAsync("wbmember");
            await app.AddMemberAsync(org, p);
            members.Add(p);
        }
        var outsider = await app.PersonAsync("wbstranger");
        var otherAdmin = await app.PersonAsync("wbotheradmin");
        var otherOrg = await app.OrganizationAsync(otherAdmin);
        var now = app.Now();
        var monthStart = TeamMonthClose.MonthOf(now).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        // Off by default; a non-member cannot contribute (404), nor to another organization.
        Assert.Empty(await app.WithDbAsync(db => db.TeamContributions.Where(c => c.OrganizationId == org).ToListAsync()));
        Assert.False(await ContributeAsync(outsider.Id, org));
        Assert.False(await ContributeAsync(members[0].Id, otherOrg));

        // Six contribute (one of them twice this month: the latest counts), one contributes then withdraws, one never does.
        for (var i = 0; i < 6; i++)
        {
            Assert.True(await ContributeAsync(members[i].Id, org));
            await SelfCheckAsync(app, members[i].Id, monthStart.AddHours(1), i == 0 ? Calm : Tired);
        }
        await SelfCheckAsync(app, members[0].Id, monthStart.AddHours(3), Tired); // members[0]'s latest: Tired
        Assert.True(await ContributeAsync(members[6].Id, org));
        await SelfCheckAsync(app, members[6].Id, monthStart.AddHours(2), Calm);
        Assert.True(await ContributeAsync(members[6].Id, org, false));
        await SelfCheckAsync(app, members[7].Id, monthStart.AddHours(2), Calm);
        // A check of last month does not count for this one.
        await SelfCheckAsync(app, members[1].Id, monthStart.AddDays(-1), Calm);

        // While the month is open nothing about it exists outside people's own data: no rows, no month in the view.
        await app.Services.GetRequiredService<TeamMonthClose>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(0, await app.WithDbAsync(db => db.TeamMonthBands.CountAsync(b => b.OrganizationId == org && b.Month == TeamMonthClose.MonthOf(now))));
        Assert.DoesNotContain((await ViewAsync(admin.Id, org))!.Months, m => m.Month == TeamMonthClose.MonthOf(now));

        var closed = await CloseTheMonthAsync();
        Assert.Equal(6, await RowsAsync(org));
        var bands = await app.WithDbAsync(db => db.TeamMonthBands.Where(b => b.OrganizationId == org).ToListAsync());
        Assert.All(bands, b => Assert.Equal(closed, b.Month));
        Assert.All(bands, b => Assert.Equal((WellbeingBand.Moderate, WellbeingBand.High, WellbeingBand.Moderate), (b.Satisfaction, b.Burnout, b.SecondaryStress)));
        // No row id is derived from a person or a check.
        var personIds = members.Select(m => m.Id).ToHashSet();
        var checkIds = await app.WithDbAsync(db => db.WellbeingSelfChecks.Select(c => c.Id).ToListAsync());
        Assert.All(bands, b => Assert.DoesNotContain(b.Id, personIds.Concat(checkIds)));

        // Once: another round, and closing directly again, write nothing.
        await app.Services.GetRequiredService<TeamMonthClose>().RunOnceAsync(CancellationToken.None);
        Assert.False(await app.WithServicesAsync(sp => sp.GetRequiredService<TeamMonthCloser>().CloseAsync(org, closed)));
        Assert.Equal(6, await RowsAsync(org));

        // The view: admin and focal point see six responses, everyone tired (one band holds everyone: count only).
        foreach (var staff in new[] { admin, focal })
        {
            var view = (await ViewAsync(staff.Id, org))!;
            var month = Assert.Single(view.Months, m => m.Month == closed);
            Assert.True(month.Enough);
            Assert.Equal(6, month.Responses);
            Assert.All(month.Scales, s => Assert.Null(s.Groups));
        }
        // Members, strangers and another organization's admin: not there.
        Assert.Null(await ViewAsync(members[0].Id, org));
        Assert.Null(await ViewAsync(outsider.Id, org));
        Assert.Null(await ViewAsync(otherAdmin.Id, org));

        // Withdrawing after the close changes nothing of the closed month.
        Assert.True(await ContributeAsync(members[0].Id, org, false));
        Assert.Equal(6, (await ViewAsync(admin.Id, org))!.Months.Single(m => m.Month == closed).Responses);

        // Pages: staff 200, others 404 — the view, the exhaustion page, the assessment.
        using var adminClient = await app.SignedInAsync(admin);
        using var memberClient = await app.SignedInAsync(members[1]);
        using var otherClient = await app.SignedInAsync(otherAdmin);
        foreach (var url in new[] { $"/wellbeing/team/{org}", $"/wellbeing/team/exhaustion/{org}", $"/wellbeing/assessment/{org}" })
        {
            var (status, html) = await adminClient.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync(url)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync(url)).Status);
            Assert.DoesNotContain(members[1].User.DisplayName, html, StringComparison.Ordinal);
        }
        var (_, teamPage) = await memberClient.GetAsync("/wellbeing/team");
        Assert.Contains("You contribute to this organization", teamPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BelowFive_NotEnough_AtFive_TheDistribution_AndTheAssessment_Pages_Api_AndDeletion()
    {
        var admin = await app.PersonAsync("wb2admin");
        var org = await app.OrganizationAsync(admin);
        var member = await app.PersonAsync("wb2member");
        await app.AddMemberAsync(org, member);
        var people = new List<Person> { member };
        for (var i = 0; i < 4; i++)
        {
            var p = await app.PersonAsync("wb2m");
            await app.AddMemberAsync(org, p);
            people.Add(p);
        }

        // The member contributes through the page: without ticking "I understand", nothing changes.
        using var memberClient = await app.SignedInAsync(member);
        var refused = await memberClient.PostFormAsync("/wellbeing/team", new Dictionary<string, string> { ["Org"] = org.ToString(), ["Contribute"] = "true" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("tick the box", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.TeamContributions.CountAsync(c => c.OrganizationId == org)));
        var agreed = await memberClient.PostFormAsync("/wellbeing/team", new Dictionary<string, string> { ["Org"] = org.ToString(), ["Contribute"] = "true", ["Understood"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        Assert.Contains("You contribute", (await memberClient.GetAsync("/wellbeing/team")).Html, StringComparison.Ordinal);

        // Four contribute this month: not enough.
        for (var i = 1; i < 4; i++) Assert.True(await ContributeAsync(people[i].Id, org));
        for (var i = 0; i < 4; i++) await SelfCheckAsync(app, people[i].Id, app.Now(), i < 2 ? Calm : Tired);
        var small = await CloseTheMonthAsync();
        using var adminClient = await app.SignedInAsync(admin);
        var (_, html) = await adminClient.GetAsync($"/wellbeing/team/{org}");
        Assert.Contains("Not enough responses to protect anonymity.", html, StringComparison.Ordinal);
        Assert.Contains("Responses: 4", html, StringComparison.Ordinal);
        var month = (await ViewAsync(admin.Id, org))!.Months.Single(m => m.Month == small);
        Assert.False(month.Enough);
        Assert.Empty(month.Scales);

        // Five the next month: two calm, three tired — shown, bands merged where needed.
        Assert.True(await ContributeAsync(people[4].Id, org));
        for (var i = 0; i < 5; i++) await SelfCheckAsync(app, people[i].Id, app.Now(), i < 2 ? Calm : Tired);
        var five = await CloseTheMonthAsync();
        // A month later the sessions have ended: sign in again.
        adminClient.Dispose();
        memberClient.Dispose();
        using var admin2 = await app.SignedInAsync(admin);
        using var member2 = await app.SignedInAsync(member);
        var shown = (await ViewAsync(admin.Id, org))!.Months.Single(m => m.Month == five);
        Assert.True(shown.Enough);
        Assert.Equal(5, shown.Responses);
        var burnout = shown.Scales.Single(s => s.Scale == WellbeingScale.Burnout).Groups!;
        Assert.Equal([new BandGroup(WellbeingBand.Low, WellbeingBand.Moderate, 2), new BandGroup(WellbeingBand.High, WellbeingBand.High, 3)], burnout);
        (_, html) = await admin2.GetAsync($"/wellbeing/team/{org}");
        Assert.Contains("Responses: 5", html, StringComparison.Ordinal);
        (_, html) = await admin2.GetAsync($"/wellbeing/team/exhaustion/{org}");
        Assert.Contains("Making exhaustion visible", html, StringComparison.Ordinal);

        // The assessment: the admin answers through the page; a member may not (404); the profile shows gaps and next steps.
        var fields = AssessmentQuestions.All.ToDictionary(q => AssessmentQuestions.Field(q.Area, q.Number),
            q => q.Area == AssessmentArea.RoomForFear ? "0" : "3");
        var missing = await admin2.PostFormAsync($"/wellbeing/assessment/{org}", new Dictionary<string, string>(fields.Skip(1)));
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("Please choose an answer", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin2.PostFormAsync($"/wellbeing/assessment/{org}", fields)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member2.PostFormAsync("/wellbeing/team", fields, $"/wellbeing/assessment/{org}")).StatusCode);
        (_, html) = await admin2.GetAsync($"/wellbeing/assessment/{org}");
        Assert.Contains("Room to say", html, StringComparison.Ordinal);
        Assert.Contains("let leaders be the first", html, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.OrganizationAssessments.SingleAsync(a => a.OrganizationId == org));
        Assert.DoesNotContain("3333", System.Text.Encoding.UTF8.GetString(stored.AnswersCipher!), StringComparison.Ordinal);

        // The API: same rules.
        var adminToken = await TokenAsync(admin);
        var memberToken = await TokenAsync(member);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(adminToken, HttpMethod.Get, $"/api/v1/wellbeing/team/organizations/{org}/months")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(memberToken, HttpMethod.Get, $"/api/v1/wellbeing/team/organizations/{org}/months")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(memberToken, HttpMethod.Get, $"/api/v1/wellbeing/team/organizations/{org}/exhaustion")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(memberToken, HttpMethod.Get, $"/api/v1/wellbeing/team/organizations/{org}/assessments")).Status);
        var (_, months) = await CallAsync(adminToken, HttpMethod.Get, $"/api/v1/wellbeing/team/organizations/{org}/months");
        Assert.Contains("\"responses\":5", months!.ToJsonString(), StringComparison.Ordinal);
        var answers = AssessmentQuestions.All.Select(_ => "mostly").ToArray();
        Assert.Equal(HttpStatusCode.Created, (await CallAsync(adminToken, HttpMethod.Post, $"/api/v1/wellbeing/team/organizations/{org}/assessments", new { answers })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(memberToken, HttpMethod.Post, $"/api/v1/wellbeing/team/organizations/{org}/assessments", new { answers })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(adminToken, HttpMethod.Post, $"/api/v1/wellbeing/team/organizations/{org}/assessments", new { answers = OneAnswer })).Status);
        var (_, history) = await CallAsync(adminToken, HttpMethod.Get, $"/api/v1/wellbeing/team/organizations/{org}/assessments");
        Assert.Contains("\"changeSincePrevious\":4", history!.ToJsonString(), StringComparison.Ordinal); // room for fear: 0 → 4
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(adminToken, HttpMethod.Put, $"/api/v1/wellbeing/team/organizations/{Guid.NewGuid()}/contributing", new { contributing = true })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await CallAsync(memberToken, HttpMethod.Put, $"/api/v1/wellbeing/team/organizations/{org}/contributing", new { contributing = false })).Status);
        var (_, mine) = await CallAsync(memberToken, HttpMethod.Get, "/api/v1/wellbeing/team/organizations");
        Assert.Contains("\"contributing\":false", mine!.ToJsonString(), StringComparison.Ordinal);

        // Personal data: the choice is exported; deleting the account leaves the anonymous rows of closed months.
        var export = await app.WithServicesAsync(async sp => await new WellbeingTeamPersonalData(sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>())
            .ExportAsync(people[1].User, CancellationToken.None));
        Assert.Contains(org.ToString(), System.Text.Json.JsonSerializer.Serialize(export), StringComparison.Ordinal);
        var before = await RowsAsync(org);
        await app.WithServicesAsync(async sp => { await sp.GetRequiredService<AccountDeletion>().DeleteAsync(people[1].User, CancellationToken.None); return true; });
        Assert.Equal(before, await RowsAsync(org));
        Assert.Equal(0, await app.WithDbAsync(db => db.TeamContributions.CountAsync(c => c.UserId == people[1].Id)));

        // Deleting the organization removes its rows, closed months and assessments.
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().DeleteAsync(org, null));
        Assert.Equal(0, await RowsAsync(org));
        Assert.Equal(0, await app.WithDbAsync(db => db.TeamMonthsClosed.CountAsync(c => c.OrganizationId == org)));
        Assert.Equal(0, await app.WithDbAsync(db => db.OrganizationAssessments.CountAsync(c => c.OrganizationId == org)));
    }

    private async Task<string> TokenAsync(Person person)
    {
        var secret = Tokens.NewUrlSafe();
        var now = app.Now();
        await app.WithDbAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = person.Id, Name = "test", TokenHash = Tokens.Hash(secret), CreatedAt = now, ExpiresAt = now.AddDays(400) });
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
}

[Collection(nameof(SharedHosts.WellbeingOnSqlite))]
public sealed class WellbeingTeamTestsSqlite(SqliteApp app) : WellbeingTeamTests(app);
[Collection(nameof(SharedHosts.WellbeingOnPostgres))]
public sealed class WellbeingTeamTestsPostgres(PostgresApp app) : WellbeingTeamTests(app);
