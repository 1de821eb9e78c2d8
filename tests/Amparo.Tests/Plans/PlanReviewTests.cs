using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.Plans;

/// <summary>
/// Reviews that come back (issue 10): reminders a week before and on the day, once, to the people who keep the plan,
/// with nothing of the plan in them; the secret calendar feed; a review prompted by an alert closed as needs-help,
/// heard through the fact seam on the owner's side (so a duress twin sees exactly what the normal twin sees); the
/// printable view; and who may see what of each.
/// </summary>
public abstract partial class PlanReviewTests(AppFixture app)
{
    private const string SecretTitle = "Night route of the river brigade";
    private const string SecretAction = "Move the archive to the church basement";

    private Task<T> PlansAsync<T>(Func<PlanService, Task<T>> work) => app.WithServicesAsync(sp => work(sp.GetRequiredService<PlanService>()));

    private static Guid Made(PlanWrite result)
    {
        Assert.True(result.Status == PlanWriteStatus.Done, $"{result.Status}: {string.Join(", ", result.Errors?.Select(e => e.Key + "=" + e.Value) ?? [])}");
        return result.Id!.Value;
    }

    private async Task RemindAndSendAsync()
    {
        await app.Services.GetRequiredService<PlanReviewReminders>().RunOnceAsync(CancellationToken.None);
        await app.Services.GetRequiredService<Amparo.Web.Features.Notifications.OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    private Task<SecurityPlan> PlanRowAsync(Guid id) => app.WithDbAsync(db => db.SecurityPlans.AsNoTracking().SingleAsync(p => p.Id == id));

    [Fact]
    public async Task Reminders_GoAWeekBeforeAndOnTheDay_OnceEach_ToWhoKeepsThePlan_WithNothingOfThePlanInThem()
    {
        var now = app.Now();
        var person = await app.PersonAsync("reviewer");
        var personPlan = Made(await PlansAsync(p => p.CreateForPersonAsync(person.Id, new PlanInput(SecretTitle, true, "context", null, null, now.AddDays(10)))));
        var admin = await app.PersonAsync("admin");
        var focal = await app.PersonAsync("focal");
        var member = await app.PersonAsync("member");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        await app.AddMemberAsync(org, member);
        var orgPlan = Made(await PlansAsync(p => p.CreateForOrganizationAsync(admin.Id, org, new PlanInput("Office plan", false, null, null, null, now.AddDays(10)))));

        // Ten days ahead: nothing yet.
        await RemindAndSendAsync();
        Assert.Empty(app.MailTo(person.Email));

        // A week before: "coming up", to the person, and to the organization's admin and focal point — not its member.
        app.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        await RemindAndSendAsync();
        await RemindAndSendAsync(); // a second round (or a restart) sends nothing more
        var soon = Assert.Single(app.MailTo(person.Email));
        Assert.Equal("Amparo: a plan review is coming up", soon.Subject);
        Assert.Contains("/plans/" + personPlan, soon.TextBody, StringComparison.Ordinal);
        Assert.Single(app.MailTo(admin.Email));
        Assert.Single(app.MailTo(focal.Email));
        Assert.Contains("/plans/" + orgPlan, app.MailTo(focal.Email)[0].TextBody, StringComparison.Ordinal);
        Assert.Empty(app.MailTo(member.Email));

        // On the day: "due", once.
        app.Clock.Advance(TimeSpan.FromDays(7));
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        var mails = app.MailTo(person.Email);
        Assert.Equal(2, mails.Count);
        Assert.Equal("Amparo: a plan review is due", mails[1].Subject);
        Assert.Equal(2, app.MailTo(admin.Email).Count);
        Assert.Equal(2, app.MailTo(focal.Email).Count);
        Assert.Empty(app.MailTo(member.Email));
        foreach (var mail in mails.Concat(app.MailTo(admin.Email)))
        {
            var all = mail.Subject + mail.TextBody + mail.HtmlBody;
            Assert.DoesNotContain(SecretTitle, all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Office plan", all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("context", all, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(2, await app.WithDbAsync(db => db.PlanReviewReminders.CountAsync(r => r.PlanId == personPlan)));

        // Reviewed: a new date, three months on, gets reminders of its own (nothing now).
        Made(await PlansAsync(p => p.MarkReviewedAsync(person.Id, personPlan)));
        await RemindAndSendAsync();
        Assert.Equal(2, app.MailTo(person.Email).Count);

        // "The context changed": due now, reminded once, and the page says why.
        Made(await PlansAsync(p => p.MarkContextChangedAsync(person.Id, personPlan)));
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        Assert.Equal(3, app.MailTo(person.Email).Count);
        using var client = await app.SignedInAsync(person);
        var (_, page) = await client.GetAsync($"/plans/{personPlan}");
        Assert.Contains("Someone who keeps this plan noted that the context changed", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCalendarFeed_ListsReviewAndDueDates_WithNoContent_OnlyTheHoldersOwn_AndRenewingEndsTheOldAddress()
    {
        var now = app.Now();
        var person = await app.PersonAsync("feeder");
        var other = await app.PersonAsync("other");
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var org = await app.OrganizationAsync(admin);
        await app.AddMemberAsync(org, member);
        var plan = Made(await PlansAsync(p => p.CreateForPersonAsync(person.Id, new PlanInput(SecretTitle, true, null, null, null, now.AddDays(30)))));
        var action = Made(await PlansAsync(p => p.AddActionAsync(person.Id, plan, new ActionInput(SecretAction, person.Id, now.AddDays(5), PlanActionStatus.Planned, null, null, SecurityDomains.Physical))));
        var done = Made(await PlansAsync(p => p.AddActionAsync(person.Id, plan, new ActionInput("Already done", person.Id, now.AddDays(6), PlanActionStatus.Done, null, null, SecurityDomains.None))));
        var otherPlan = Made(await PlansAsync(p => p.CreateForPersonAsync(other.Id, new PlanInput("Other's plan", true, null, null, null, null))));
        var orgPlan = Made(await PlansAsync(p => p.CreateForOrganizationAsync(admin.Id, org, new PlanInput("Office", true, null, null, null, null))));
        var memberAction = Made(await PlansAsync(p => p.AddActionAsync(admin.Id, orgPlan, new ActionInput("Change the office locks", member.Id, now.AddDays(3), PlanActionStatus.Planned, null, null, SecurityDomains.Physical))));
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == person.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, "es")));

        // The page makes the address and shows it once; the plans list links to the page.
        using var client = await app.SignedInAsync(person);
        Assert.Contains("/plans/calendar", (await client.GetAsync("/plans")).Html, StringComparison.Ordinal);
        var (status, empty) = await client.GetAsync("/plans/calendar");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("/calendar/", empty.Replace("/plans/calendar", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var first = await MakeAddressAsync(client);
        Assert.DoesNotContain(first, (await client.GetAsync("/plans/calendar")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain(await app.WithDbAsync(db => db.PlanCalendarFeeds.Select(f => f.TokenHash).ToListAsync()), h => first.Contains(h, StringComparison.Ordinal));

        // Anonymous, no cookies: the person's review date and their action still to do, titled only, in their language.
        var (feedStatus, type, ics) = await FeedAsync(first);
        Assert.Equal(HttpStatusCode.OK, feedStatus);
        Assert.Equal("text/calendar", type);
        Assert.Contains($"UID:plan-review-{plan:N}@amparo", ics, StringComparison.Ordinal);
        Assert.Contains($"UID:plan-action-{action:N}@amparo", ics, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:Revisión del plan", ics, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:Acción pendiente", ics, StringComparison.Ordinal);
        Assert.DoesNotContain(done.ToString("N"), ics, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretTitle, ics, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAction, ics, StringComparison.Ordinal);
        // Nobody else's plans or actions.
        Assert.DoesNotContain(otherPlan.ToString("N"), ics, StringComparison.Ordinal);
        Assert.DoesNotContain(orgPlan.ToString("N"), ics, StringComparison.Ordinal);
        Assert.DoesNotContain(memberAction.ToString("N"), ics, StringComparison.Ordinal);
        // The same feed again: the same UIDs (calendars update, not duplicate).
        Assert.Equal(Uids(ics), Uids((await FeedAsync(first)).Ics));

        // Staff see the organization's review; a member only the action assigned to them, never the plan's review.
        var adminIcs = await IcsOfAsync(admin);
        Assert.Contains($"plan-review-{orgPlan:N}", adminIcs, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.ToString("N"), adminIcs, StringComparison.Ordinal);
        var memberIcs = await IcsOfAsync(member);
        Assert.Contains($"plan-action-{memberAction:N}", memberIcs, StringComparison.Ordinal);
        Assert.DoesNotContain($"plan-review-{orgPlan:N}", memberIcs, StringComparison.Ordinal);
        Assert.DoesNotContain("Change the office locks", memberIcs, StringComparison.Ordinal);

        // Renew: the old address is gone at once, the new one works. Stop: nothing works. Unknown: 404.
        var second = await MakeAddressAsync(client);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await FeedAsync(first)).Status);
        Assert.Equal(HttpStatusCode.OK, (await FeedAsync(second)).Status);
        var stop = await client.PostFormAsync("/plans/calendar", new Dictionary<string, string>(), "/plans/calendar?handler=Remove");
        Assert.Equal(HttpStatusCode.Redirect, stop.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await FeedAsync(second)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await FeedAsync("not-a-token")).Status);

        // The same through the API: made (shown once), read, stopped; only ever the caller's own.
        var api = await app.TokenAsync(person);
        Assert.True((await app.ApiAsync(api, HttpMethod.Get, "/api/v1/plans/calendar")).Body.GetProperty("madeAt").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.ApiAsync(api, HttpMethod.Post, "/api/v1/plans/calendar")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostAsync(api, "/api/v1/plans/calendar", new { confirm = false })).Status);
        var (made, body) = await app.PostAsync(api, "/api/v1/plans/calendar", new { confirm = true });
        Assert.Equal(HttpStatusCode.OK, made);
        var third = FeedToken().Match(body.GetProperty("address").GetString()!).Groups[1].Value;
        Assert.Contains($"plan-review-{plan:N}", (await FeedAsync(third)).Ics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.ApiAsync(api, HttpMethod.Delete, "/api/v1/plans/calendar")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiAsync(api, HttpMethod.Delete, "/api/v1/plans/calendar")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await FeedAsync(third)).Status);
    }

    private static async Task<string> MakeAddressAsync(TestClient client)
    {
        var made = await client.PostFormAsync("/plans/calendar", new Dictionary<string, string>(), "/plans/calendar?handler=Renew");
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        Assert.Contains("no-store", made.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var html = await made.Content.ReadAsStringAsync();
        return FeedToken().Match(html).Groups[1].Value;
    }

    private async Task<string> IcsOfAsync(Person person)
    {
        var token = await app.WithServicesAsync(sp => sp.GetRequiredService<PlanCalendar>().RenewAsync(person.Id));
        return (await FeedAsync(token)).Ics;
    }

    private async Task<(HttpStatusCode Status, string? Type, string Ics)> FeedAsync(string token)
    {
        using var anonymous = app.NewClient();
        using var response = await anonymous.Http.GetAsync(new Uri($"/calendar/{token}.ics", UriKind.Relative));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static List<string> Uids(string ics) => [.. Uid().Matches(ics).Select(m => m.Value)];

    [GeneratedRegex(@"/calendar/([A-Za-z0-9_\-]{43})\.ics")]
    private static partial Regex FeedToken();

    [GeneratedRegex(@"UID:\S+")]
    private static partial Regex Uid();

    [Fact]
    public async Task AnAlertClosedAsNeedsHelp_CallsTheDefendersOwnPlansBackForReview_AndSaysWhy()
    {
        var w = await app.WorldAsync();
        var plan = Made(await PlansAsync(p => p.CreateForPersonAsync(w.Owner.Id, new PlanInput(SecretTitle, true, null, null, null, null))));
        // The organization's plan is not the person's: it is not touched.
        var orgPlan = Made(await PlansAsync(p => p.CreateForOrganizationAsync(w.OrgAdmin.Id, w.OrgId, new PlanInput("Office", true, null, null, null, null))));

        // An alert closed as safe prompts nothing.
        var safe = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        await ResolveAsync(w, safe, "safe");
        Assert.Equal(ReviewReason.Scheduled, (await PlanRowAsync(plan)).ReviewReason);

        var panic = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        await ResolveAsync(w, panic, "needs-help");
        var row = await PlanRowAsync(plan);
        Assert.Equal(ReviewReason.AfterAlert, row.ReviewReason);
        Assert.True(row.NextReviewAt <= app.Now());
        Assert.Equal(ReviewReason.Scheduled, (await PlanRowAsync(orgPlan)).ReviewReason);
        // Delivered again (at least once): nothing changes.
        var again = await app.WithServicesAsync(async sp =>
        {
            await sp.GetServices<IDurableFactHandler>().OfType<ReviewAfterAlert>().Single()
                .HandleAsync(new AlertResolved(w.Owner.Id, row.NextReviewAt, panic, Amparo.Web.Features.CheckIns.AlertKind.Panic, Amparo.Web.Features.CheckIns.AlertOutcome.NeedsHelp, false), CancellationToken.None);
            return await PlanRowAsync(plan);
        });
        Assert.Equal((row.NextReviewAt, row.ReviewReason, row.Version), (again.NextReviewAt, again.ReviewReason, again.Version));

        using var client = await app.SignedInAsync(w.Owner);
        var (_, page) = await client.GetAsync($"/plans/{plan}");
        Assert.Contains("An alert in Amparo was closed as needing help or as missing", page, StringComparison.Ordinal);
        await RemindAndSendAsync();
        Assert.Contains(app.MailTo(w.Owner.Email), m => m.Subject == "Amparo: a plan review is due");
    }

    private async Task ResolveAsync(World w, Guid alertId, string outcome)
    {
        await app.RunWorkersAsync();
        await app.StepAsync(TimeSpan.FromMinutes(20));
        var focal = await app.TokenAsync(w.Focal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focal, $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focal, $"/api/v1/alerts/{alertId}/resolve", new { outcome, note = "x" })).Status);
        await app.Services.GetRequiredService<FactWorker>().RunOnceAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AfterADuressCheckIn_AndResponders_ClosingTheDuressAlertAsNeedsHelp_TheDefendersPlansLookExactlyAsAfterANormalCheckIn()
    {
        var normal = await app.WorldAsync();
        var duress = await app.WorldAsync();
        var p1 = Made(await PlansAsync(p => p.CreateForPersonAsync(normal.Owner.Id, new PlanInput("Home", true, null, null, null, null))));
        var p2 = Made(await PlansAsync(p => p.CreateForPersonAsync(duress.Owner.Id, new PlanInput("Home", true, null, null, null, null))));
        var v1 = await app.PlanAsync(normal.Token, TimeSpan.FromMinutes(60));
        var v2 = await app.PlanAsync(duress.Token, TimeSpan.FromMinutes(60));
        await app.StepAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(normal.Token, $"/api/v1/visits/{v1}/check-ins", new { pin = CheckInKit.Pin })).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(duress.Token, $"/api/v1/visits/{v2}/check-ins", new { pin = CheckInKit.DuressPin })).Status);
        await app.StepAsync(TimeSpan.FromMinutes(20));

        var alert = await app.WithDbAsync(db => db.Alerts.AsNoTracking().SingleAsync(a => a.OwnerId == duress.Owner.Id && a.Kind == Amparo.Web.Features.CheckIns.AlertKind.Duress));
        var focal = await app.TokenAsync(duress.Focal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focal, $"/api/v1/alerts/{alert.Id}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focal, $"/api/v1/alerts/{alert.Id}/resolve", new { outcome = "needs-help", note = "police called" })).Status);
        await app.Services.GetRequiredService<FactWorker>().RunOnceAsync(CancellationToken.None);
        await RemindAndSendAsync();
        await app.StepAsync(TimeSpan.FromMinutes(1));

        // The truth went to the responders' side only: the duress owner's plan is as untouched as the normal owner's.
        Assert.Equal(ReviewReason.Scheduled, (await PlanRowAsync(p2)).ReviewReason);
        Assert.Equal((await PlanRowAsync(p1)).NextReviewAt, (await PlanRowAsync(p2)).NextReviewAt);
        DefenderView.AssertSame(await DefenderView.CaptureAsync(app, normal), await DefenderView.CaptureAsync(app, duress));
    }

    [Fact]
    public async Task ThePrintView_ShowsTheWholePlanWithoutFormsToWhoMayReadIt_AndIsNotThereForAnyoneElse()
    {
        var owner = await app.PersonAsync("printer");
        var stranger = await app.PersonAsync("stranger");
        var plan = Made(await PlansAsync(p => p.CreateForPersonAsync(owner.Id, new PlanInput(SecretTitle, true, "The mine wants the land", "Sunday rest", null))));
        Made(await PlansAsync(p => p.AddActionAsync(owner.Id, plan, new ActionInput(SecretAction, owner.Id, null, PlanActionStatus.Planned, null, null, SecurityDomains.Physical))));
        var admin = await app.PersonAsync("admin");
        var member = await app.PersonAsync("member");
        var otherAdmin = await app.PersonAsync("otheradmin");
        var org = await app.OrganizationAsync(admin);
        await app.OrganizationAsync(otherAdmin);
        await app.AddMemberAsync(org, member);
        var orgPlan = Made(await PlansAsync(p => p.CreateForOrganizationAsync(admin.Id, org, new PlanInput("Office", false, "Insider risk in the office", null, null))));
        Made(await PlansAsync(p => p.AddProtocolAsync(admin.Id, orgPlan, new ProtocolInput("If the office is raided", ProtocolSituation.BreakIn, ["Call the lawyer"]))));

        using var client = await app.SignedInAsync(owner);
        var (status, html) = await client.GetAsync($"/plans/{plan}/print");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(SecretTitle, html, StringComparison.Ordinal);
        Assert.Contains(SecretAction, html, StringComparison.Ordinal);
        Assert.Contains("The mine wants the land", html, StringComparison.Ordinal);
        Assert.Contains("Print command", html, StringComparison.Ordinal);
        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..html.IndexOf("</main>", StringComparison.Ordinal)];
        Assert.DoesNotContain("<form", main, StringComparison.Ordinal);
        Assert.Contains($"/plans/{plan}/print", (await client.GetAsync($"/plans/{plan}")).Html, StringComparison.Ordinal);

        // Another person, another organization's admin: not there. A member: the protocols, never the context.
        using var strangerClient = await app.SignedInAsync(stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.GetAsync($"/plans/{plan}/print")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.GetAsync($"/plans/{orgPlan}/print")).Status);
        using var otherAdminClient = await app.SignedInAsync(otherAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdminClient.GetAsync($"/plans/{orgPlan}/print")).Status);
        using var memberClient = await app.SignedInAsync(member);
        Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync($"/plans/{plan}/print")).Status);
        var (memberStatus, memberHtml) = await memberClient.GetAsync($"/plans/{orgPlan}/print");
        Assert.Equal(HttpStatusCode.OK, memberStatus);
        Assert.Contains("If the office is raided", memberHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Insider risk in the office", memberHtml, StringComparison.Ordinal);
        // Anonymous: sent to sign in.
        using var anonymous = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/plans/{plan}/print")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/plans/calendar")).Status);
    }
}

public sealed class PlanReviewTestsSqlite(DuressSqliteApp app) : PlanReviewTests(app), IClassFixture<DuressSqliteApp>;
public sealed class PlanReviewTestsPostgres(DuressPostgresApp app) : PlanReviewTests(app), IClassFixture<DuressPostgresApp>;
