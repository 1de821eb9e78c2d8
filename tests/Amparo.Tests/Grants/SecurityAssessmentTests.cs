using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.Json.Nodes;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// The grantmaker's own security self-assessment (issue 15), on both databases: its admins only (every other role and
/// organization 404, by service, page and API); every question answered or nothing saved; strengths, gaps and next
/// steps from the answers, essential steps first; the trend; and a published page that shows only what was answered
/// "yes" — never a gap — to anyone, without signing in.
/// </summary>
public abstract class SecurityAssessmentTests(AppFixture app)
{
    private Task<T> Assessments<T>(Func<SecurityAssessments, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<SecurityAssessments>()));

    private static readonly string[] AllKeys = [.. SecurityAssessments.Questions.Select(q => q.Key)];

    private static Dictionary<string, PracticeAnswer?> AllYesBut(params (string Key, PracticeAnswer? Answer)[] changes)
    {
        var answers = SecurityAssessments.Questions.ToDictionary(q => q.Key, _ => (PracticeAnswer?)PracticeAnswer.Yes, StringComparer.Ordinal);
        foreach (var (key, answer) in changes) answers[key] = answer;
        return answers;
    }

    [Fact]
    public async Task OnlyItsAdmins_TakeIt_SeeTheirGapsAndStepsOverTime_AndPublishOnlyWhatIsInPlace()
    {
        var admin = await app.PersonAsync("saadmin");
        var member = await app.PersonAsync("samember");
        var otherAdmin = await app.PersonAsync("saother");
        var fund = await app.OrganizationAsync(admin, "Fondo Yaku " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(fund, member);
        var other = await app.OrganizationAsync(otherAdmin, "Otro fondo " + Guid.NewGuid().ToString("N")[..6]);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == fund || o.Id == other).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));

        // Nobody but its admins: not a member, not another grantmaker's admin — by the service, the page and the API.
        foreach (var outsider in new[] { member, otherAdmin })
        {
            Assert.Null(await Assessments(a => a.GetAsync(outsider.Id, fund)));
            Assert.False((await Assessments(a => a.TakeAsync(outsider.Id, fund, AllYesBut()))).Found);
            Assert.Equal(PublishResult.NotFound, await Assessments(a => a.PublishAsync(outsider.Id, fund, true, AllKeys)));
            using var client = await app.SignedInAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(GrantRoutes.Security(fund))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(GrantRoutes.SecurityTake(fund))).Status);
            using var api = await client.SendAsync(HttpMethod.Get, $"/api/v1/grants/security/{fund}", await app.ApiTokenAsync(outsider));
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.SecurityAssessments.CountAsync(a => a.OrganizationId == fund)));

        // A question left out: named, nothing saved. Nothing assessed yet: nothing to publish.
        var missing = await Assessments(a => a.TakeAsync(admin.Id, fund, AllYesBut(("Assess.Travel.TravelLight", null))));
        Assert.Equal(["Assess.Travel.TravelLight"], missing.Errors.Keys);
        Assert.Equal(PublishResult.NothingChosen, await Assessments(a => a.PublishAsync(admin.Id, fund, true, AllKeys)));

        // The first assessment: no disk encryption, two-step sign-in only partly, not sure about backups.
        var first = AllYesBut(("Assess.Devices.DiskEncryption", PracticeAnswer.No), ("Assess.Accounts.TwoStepSignIn", PracticeAnswer.Partly),
            ("Assess.Retention.EncryptedBackups", PracticeAnswer.NotSure));
        Assert.Empty((await Assessments(a => a.TakeAsync(admin.Id, fund, first))).Errors);
        app.Clock.Advance(TimeSpan.FromDays(90));
        var view = (await Assessments(a => a.GetAsync(admin.Id, fund)))!;
        var profile = Assert.Single(view.Taken);
        Assert.Equal(["Devices", "Accounts"], profile.Areas.Where(a => a.Gap).Select(a => a.Area));
        Assert.DoesNotContain(profile.Areas, a => a.Area is "Devices" or "Accounts" or "Retention" && a.Strength);
        Assert.Equal((67, 67), (profile.Areas.Single(a => a.Area == "Devices").Percent, profile.Areas.Single(a => a.Area == "Retention").Percent));
        Assert.Equal(["DiskEncryption", "TwoStepSignIn", "EncryptedBackups"], profile.NextSteps.Select(q => q.Id)); // essential first

        // Taken again three months later, through the page without JavaScript: the trend keeps both.
        using var page = await app.SignedInAsync(admin);
        var form = SecurityAssessments.Questions.ToDictionary(q => $"Answers[{q.Key}]", q => q.Key == "Assess.Retention.EncryptedBackups" ? "Partly" : "Yes");
        form.Remove("Answers[Assess.Vendors.VendorTerms]");
        using (var bad = await page.PostFormAsync(GrantRoutes.SecurityTake(fund), form))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("href=\"#q-Vendors-VendorTerms\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        form["Answers[Assess.Vendors.VendorTerms]"] = "Yes";
        using (var ok = await page.PostFormAsync(GrantRoutes.SecurityTake(fund), form)) Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        view = (await Assessments(a => a.GetAsync(admin.Id, fund)))!;
        Assert.Equal(2, view.Taken.Count);
        Assert.Equal((100, 83), (view.Taken[0].Areas.Single(a => a.Area == "Devices").Percent, view.Taken[0].Areas.Single(a => a.Area == "Retention").Percent));
        var (status, html) = await page.GetAsync(GrantRoutes.Security(fund));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("67%", html, StringComparison.Ordinal); // the first assessment's Devices and Retention, in the trend

        // Published: what the admin chose of what is in place, in plain words, for anyone — never a gap (backups, chosen
        // but only partly in place), never a practice not chosen (screen lock), never a step. Nothing chosen: nothing published.
        Assert.Equal(PublishResult.NothingChosen, await Assessments(a => a.PublishAsync(admin.Id, fund, true, [])));
        Assert.Equal(PublishResult.Done, await Assessments(a => a.PublishAsync(admin.Id, fund, true,
            ["Assess.Devices.DiskEncryption", "Assess.Accounts.TwoStepSignIn", "Assess.Retention.EncryptedBackups"])));
        using var anonymous = app.NewClient();
        (status, html) = await anonymous.GetAsync(GrantRoutes.Practices(fund));
        Assert.Equal(HttpStatusCode.OK, status);
        var english = new ResourceManager("Amparo.Web.Resources.SharedResource", typeof(SecurityAssessments).Assembly);
        string Text(string key) => WebUtility.HtmlEncode(english.GetString(key, CultureInfo.InvariantCulture)!);
        Assert.Contains(Text("Assess.Devices.DiskEncryption.Public"), html, StringComparison.Ordinal);
        Assert.Contains(Text("Assess.Accounts.TwoStepSignIn.Public"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(Text("Assess.Retention.EncryptedBackups.Public"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(Text("Assess.Devices.ScreenLock.Public"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(Text("Assess.Retention.EncryptedBackups.Step"), html, StringComparison.Ordinal);
        // Withdrawn through the API: the page is gone.
        var token = await app.ApiTokenAsync(admin);
        using (var json = await page.SendAsync(HttpMethod.Get, $"/api/v1/grants/security/{fund}", token))
        {
            var body = JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
            Assert.Equal(2, body["assessments"]!.AsArray().Count);
            Assert.Equal(["Devices.DiskEncryption", "Accounts.TwoStepSignIn"], body["published"]!["practices"]!.AsArray().Select(p => (string)p!));
        }
        using (var bad = await page.PostJsonAsync($"/api/v1/grants/security/{fund}", new { answers = new Dictionary<string, string> { ["Devices.DiskEncryption"] = "maybe" } }, token))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var off = await page.SendAsync(HttpMethod.Put, $"/api/v1/grants/security/{fund}/published", token, System.Net.Http.Json.JsonContent.Create(new { publish = false }))) Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(GrantRoutes.Practices(fund))).Status);
        Assert.Equal(2, await app.WithDbAsync(db => db.SecurityAssessments.CountAsync(a => a.OrganizationId == fund)));
    }

    [Fact]
    public void EveryQuestionAndArea_HasItsWords_InEveryLanguage()
    {
        var resources = new ResourceManager("Amparo.Web.Resources.SharedResource", typeof(SecurityAssessments).Assembly);
        var keys = SecurityAssessments.Areas.SelectMany(a => new[] { $"Assess.{a}.Title", $"Assess.{a}.Why" })
            .Concat(SecurityAssessments.Questions.SelectMany(q => new[] { q.Key, q.Key + ".Step", q.Key + ".Public" })).ToList();
        Assert.All(SecurityAssessments.Areas, a => Assert.Contains(SecurityAssessments.Questions, q => q.Area == a));
        foreach (var language in new[] { "en", "es", "fr", "ar", "ru" })
        {
            var culture = CultureInfo.GetCultureInfo(language);
            Assert.All(keys, k => Assert.False(string.IsNullOrWhiteSpace(resources.GetString(k, culture)), $"{language}: {k}"));
        }
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class SecurityAssessmentTestsSqlite(SqliteApp app) : SecurityAssessmentTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class SecurityAssessmentTestsPostgres(PostgresApp app) : SecurityAssessmentTests(app);
