using System.Net;
using System.Text.Json.Nodes;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using SecurityDomains = Amparo.Web.Features.Plans.SecurityDomains;
using Amparo.Web.Pages.Grants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// The emergency fast track on both databases (issue 14): a request started from the defender's own alert or incident
/// report, with their consent, to an emergency program only — never from someone else's, a drill, or an alert raised by
/// a duress code (which the defender sees nowhere, so the fast track shows exactly what it shows for an alert that does
/// not exist); and the clock: the program's duty officers (or, without any, its program officers) reminded once as it
/// runs low and once when it has run out, with nothing of the request in the message, and never about a request
/// waiting on the applicant or decided.
/// </summary>
public abstract class EmergencyTrackTests(AppFixture app)
{
    private const string Narrative = "Hombres armados rondaron la casa comunal dos noches seguidas y dejaron un panfleto con nuestros nombres.";

    private sealed record Fund(OrgKit.Person Admin, OrgKit.Person Officer, OrgKit.Person Duty, Guid Organization, Guid Emergency, Guid Protection);

    private async Task<Fund> FundAsync(bool withDutyOfficer = true)
    {
        var admin = await app.PersonAsync("efadmin");
        var officer = await app.PersonAsync("efofficer");
        var duty = await app.PersonAsync("efduty");
        var org = await app.OrganizationAsync(admin, "Fondo urgente " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(org, officer);
        await app.AddMemberAsync(org, duty);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var emergency = (await Programs(g => g.CreateAsync(admin.Id, org, new ProgramInput("Respuesta en 72 horas " + Guid.NewGuid().ToString("N")[..6], ProgramKind.Emergency,
            "Apoyo urgente.", "Defensoras en riesgo.", "USD", 5000m, [CostCategories.Legal, CostCategories.Relocation], ["es"], "", ProgramStatus.Rolling, 72)))).Id!.Value;
        var protection = (await Programs(g => g.CreateAsync(admin.Id, org, new ProgramInput("Protección a largo plazo", ProgramKind.ProtectionAndCapacity,
            "Planes.", "Organizaciones.", "USD", 20000m, [CostCategories.PhysicalSecurity], ["es"], "", ProgramStatus.Rolling, null)))).Id!.Value;
        await Programs(g => g.AssignAsync(admin.Id, emergency, officer.Id, ProgramRole.ProgramOfficer, true));
        if (withDutyOfficer) await Programs(g => g.AssignAsync(admin.Id, emergency, duty.Id, ProgramRole.DutyOfficer, true));
        return new Fund(admin, officer, duty, org, emergency, protection);
    }

    private Task<T> Programs<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));

    private Task<Guid> PanicAsync(OrgKit.Person person) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>().PanicAsync(person.Id, "web", null, null, null));

    private Task<Guid> IncidentAsync(OrgKit.Person reporter, string? narrative) => app.WithServicesAsync(async sp =>
        (await sp.GetRequiredService<IncidentService>().CreateAsync(reporter.Id, new IncidentInput(
            null, true, null, false, new DateOnly(2026, 11, 28), DatePrecision.Day, IncidentActs.Threat, IncidentActs.Threat,
            PerpetratorType.Unknown, TargetedGroups.None, SecurityDomains.Physical, null, null, null, narrative))).Id!.Value);

    private Task<int> RequestsOfAsync(OrgKit.Person person) => app.WithDbAsync(db => db.GrantRequests.CountAsync(r => r.ApplicantId == person.Id));

    [Fact]
    public async Task TheFastTrack_StartsFromTheDefendersOwnAlertOrReport_WithConsent_ToAnEmergencyProgram_AndFromNothingElse()
    {
        var fund = await FundAsync();
        var defender = await app.PersonAsync("efdefender");
        var other = await app.PersonAsync("efother");
        var alert = await PanicAsync(defender);
        var othersAlert = await PanicAsync(other);
        // The same alert as a duress code stores it, and a drill: the defender sees neither as an alert of theirs.
        var duress = await PanicAsync(defender);
        var drill = await PanicAsync(defender);
        await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == duress).ExecuteUpdateAsync(s => s.SetProperty(a => a.Kind, AlertKind.Duress)));
        await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == drill).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsDrill, true)));
        var report = await IncidentAsync(defender, Narrative);
        var othersReport = await IncidentAsync(other, "Otra cosa.");

        var fromAlert = await Requests(r => r.SourceAsync(defender.Id, RequestOrigin.Alert, alert));
        Assert.NotNull(fromAlert);
        Assert.StartsWith("Emergency support after the alert of ", fromAlert.Title, StringComparison.Ordinal);
        Assert.Equal("", fromAlert.Need);
        Assert.Equal(Narrative, (await Requests(r => r.SourceAsync(defender.Id, RequestOrigin.Incident, report)))!.Need);
        foreach (var (origin, id) in new[] { (RequestOrigin.Alert, othersAlert), (RequestOrigin.Alert, duress), (RequestOrigin.Alert, drill),
            (RequestOrigin.Alert, Guid.NewGuid()), (RequestOrigin.Incident, othersReport), (RequestOrigin.Incident, alert), (RequestOrigin.Alert, report) })
        {
            Assert.Null(await Requests(r => r.SourceAsync(defender.Id, origin, id)));
            Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.StartFromAsync(defender.Id, fund.Emergency, origin, id, true))).Status);
        }
        // Not to a program that is not an emergency one; not without consent; nothing written by either.
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.StartFromAsync(defender.Id, fund.Protection, RequestOrigin.Alert, alert, true))).Status);
        var noConsent = await Requests(r => r.StartFromAsync(defender.Id, fund.Emergency, RequestOrigin.Alert, alert, false));
        Assert.Equal((RequestWriteStatus.Invalid, "Consent"), (noConsent.Status, Assert.Single(noConsent.Errors!).Key));
        Assert.Equal(0, await RequestsOfAsync(defender));

        // The service: a draft pre-filled from the report, marked as started from it, the defender's alone until sent.
        var started = await Requests(r => r.StartFromAsync(defender.Id, fund.Emergency, RequestOrigin.Incident, report, true));
        Assert.Equal(RequestWriteStatus.Done, started.Status);
        var draft = (await Requests(r => r.GetAsync(defender.Id, started.Id!.Value)))!;
        Assert.Equal((RequestOrigin.Incident, RequestState.Draft, Narrative), (draft.Request.StartedFrom!.Value, draft.Request.State, draft.Answers.Need));
        Assert.Null(await Requests(r => r.GetAsync(fund.Officer.Id, started.Id!.Value)));

        // The pages, without JavaScript: the alert offers the fast track; the duress alert and the drill's fast track are
        // not found, exactly like an alert that does not exist.
        using var client = await app.SignedInAsync(defender);
        Assert.Contains(EmergencyModel.FromAlert(alert), (await client.GetAsync($"/alerts/{alert}")).Html, StringComparison.Ordinal);
        foreach (var hidden in new[] { duress, drill, othersAlert, Guid.NewGuid() })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(EmergencyModel.FromAlert(hidden))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(EmergencyModel.FromIncident(othersReport))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(EmergencyModel.Route)).Status);
        Assert.Contains(EmergencyModel.FromIncident(report), (await client.GetAsync($"/incidents/{report}")).Html, StringComparison.Ordinal);

        var page = EmergencyModel.FromAlert(alert);
        var (status, html) = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        var programName = await app.WithDbAsync(db => db.GrantPrograms.Where(p => p.Id == fund.Emergency).Select(p => p.Name).SingleAsync());
        Assert.Contains(programName, html, StringComparison.Ordinal);
        Assert.Contains("Promises an answer within 72 hours", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Protección a largo plazo", html, StringComparison.Ordinal);
        using (var refused = await client.PostFormAsync(page, new Dictionary<string, string> { ["ProgramId"] = fund.Emergency.ToString() }, page))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Tick the box to agree", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var wrongProgram = await client.PostFormAsync(page, new Dictionary<string, string> { ["ProgramId"] = fund.Protection.ToString(), ["Consent"] = "true" }, page))
            Assert.Equal(HttpStatusCode.BadRequest, wrongProgram.StatusCode);
        Assert.Equal(1, await RequestsOfAsync(defender));
        using (var made = await client.PostFormAsync(page, new Dictionary<string, string> { ["ProgramId"] = fund.Emergency.ToString(), ["Consent"] = "true" }, page))
        {
            Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
            var requestPage = (await client.GetAsync(made.Headers.Location!.OriginalString)).Html;
            Assert.Contains("Started from", requestPage, StringComparison.Ordinal);
            Assert.Contains("an alert", requestPage, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(fromAlert.Title), requestPage, StringComparison.Ordinal);
        }

        // The API: the same rules, in its words.
        var token = await app.ApiTokenAsync(defender);
        using (var api = await client.PostJsonAsync("/api/v1/grants/requests", new { programId = fund.Emergency, from = "incident", fromId = othersReport, consent = true }, token))
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        using (var api = await client.PostJsonAsync("/api/v1/grants/requests", new { programId = fund.Emergency, from = "incident", fromId = report, consent = false }, token))
            Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        using (var api = await client.PostJsonAsync("/api/v1/grants/requests", new { programId = fund.Emergency, from = "incident", fromId = report, consent = true }, token))
        {
            Assert.Equal(HttpStatusCode.Created, api.StatusCode);
            using var read = await client.SendAsync(HttpMethod.Get, api.Headers.Location!.OriginalString, token);
            var json = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
            Assert.Equal(("incident", Narrative), ((string?)json["startedFrom"], (string?)json["need"]));
        }
        Assert.Equal(3, await RequestsOfAsync(defender));
    }

    private async Task<Guid> SentAsync(OrgKit.Person defender, Guid program)
    {
        var id = (await Requests(r => r.StartAsync(defender.Id, program))).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id,
            new RequestAnswers("Reubicación temporal", Narrative, "Signal +57 300 000 0000", [new BudgetLine(CostCategories.Relocation, "Dos semanas fuera", 800m)]), null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(defender.Id, id, RequestState.Submitted, null, null, null))).Status);
        return id;
    }

    private async Task RemindAndSendAsync()
    {
        await app.Services.GetRequiredService<GrantClockReminders>().RunOnceAsync(CancellationToken.None);
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    [Fact]
    public async Task TheClock_RemindsTheDutyOfficers_AsItRunsLowAndWhenItRunsOut_OnceEach_WithNothingOfTheRequest()
    {
        var fund = await FundAsync();
        var noDuty = await FundAsync(withDutyOfficer: false);
        var defender = await app.PersonAsync("efclock");
        var waiting = await SentAsync(defender, fund.Emergency);
        var fallback = await SentAsync(defender, noDuty.Emergency);
        // A program nobody works on: its grantmaker's admin is told.
        var bare = await FundAsync(withDutyOfficer: false);
        await Programs(g => g.AssignAsync(bare.Admin.Id, bare.Emergency, bare.Officer.Id, ProgramRole.ProgramOfficer, false));
        await SentAsync(defender, bare.Emergency);
        var reworked = await SentAsync(defender, fund.Emergency);
        var decided = await SentAsync(defender, fund.Emergency);
        foreach (var id in new[] { reworked, decided })
            await app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(fund.Officer.Id, id, conflict: false));
        foreach (var to in new[] { RequestState.InReview, RequestState.Rework })
            Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(fund.Officer.Id, reworked, to, "Falta el presupuesto detallado.", null, null))).Status);
        foreach (var (to, amount) in new[] { (RequestState.InReview, (decimal?)null), (RequestState.Approved, 800m) })
            Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(fund.Officer.Id, decided, to, null, amount, null))).Status);
        var reference = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == waiting).Select(r => r.Reference).SingleAsync());

        // With most of the clock left: nothing, and the worker says when it next has something to do (no later than 54 hours on).
        var nextWake = await app.Services.GetRequiredService<GrantClockReminders>().RunOnceAsync(CancellationToken.None);
        Assert.True(nextWake is { } wake && wake > app.Now() && wake <= app.Now().AddHours(54), $"next wake {nextWake}");
        await RemindAndSendAsync();
        Assert.Empty(app.MailTo(fund.Duty.Email));

        // A quarter of 72 hours left (18): the duty officer is told once; the program officer is not (there is a duty officer).
        app.Clock.Advance(TimeSpan.FromHours(54) + TimeSpan.FromMinutes(1));
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        var low = Assert.Single(app.MailTo(fund.Duty.Email));
        Assert.Equal("Amparo: an emergency request is waiting for an answer", low.Subject);
        Assert.Contains(reference!, low.TextBody, StringComparison.Ordinal);
        Assert.Contains(GrantRoutes.Request(waiting), low.TextBody, StringComparison.Ordinal);
        Assert.Empty(app.MailTo(fund.Officer.Email));
        // A program with no duty officer: its program officer, so that the promise never rests on nobody.
        Assert.Single(app.MailTo(noDuty.Officer.Email));
        Assert.Empty(app.MailTo(noDuty.Duty.Email));
        Assert.Single(app.MailTo(bare.Admin.Email));

        // Run out: once more, "overdue".
        app.Clock.Advance(TimeSpan.FromHours(18));
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        var mails = app.MailTo(fund.Duty.Email);
        Assert.Equal(2, mails.Count);
        Assert.Equal("Amparo: the answer to an emergency request is overdue", mails[1].Subject);
        Assert.Equal(2, app.MailTo(noDuty.Officer.Email).Count);
        // Only about the request waiting on the grantmaker: the one sent back for rework and the decided one are not named.
        var referenceOf = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == reworked || r.Id == decided).Select(r => r.Reference!).ToListAsync());
        foreach (var mail in mails.Concat(app.MailTo(noDuty.Officer.Email)))
        {
            var all = mail.Subject + mail.TextBody + mail.HtmlBody;
            Assert.DoesNotContain("Reubicación", all, StringComparison.Ordinal);
            Assert.DoesNotContain("panfleto", all, StringComparison.Ordinal);
            Assert.DoesNotContain("Signal", all, StringComparison.Ordinal);
            Assert.DoesNotContain(defender.Email, all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(defender.User.DisplayName!, all, StringComparison.Ordinal);
            foreach (var r in referenceOf) Assert.DoesNotContain(r, all, StringComparison.Ordinal);
        }
        Assert.Equal(2, await app.WithDbAsync(db => db.GrantClockReminders.CountAsync(c => c.RequestId == waiting)));
        Assert.Equal(0, await app.WithDbAsync(db => db.GrantClockReminders.CountAsync(c => c.RequestId == reworked || c.RequestId == decided)));
        Assert.Equal(2, await app.WithDbAsync(db => db.GrantClockReminders.CountAsync(c => c.RequestId == fallback)));
    }

    [Fact]
    public void TheRunningLowReminder_ComesAQuarterOfTheClockBefore_BetweenAnHourAndADay()
    {
        var due = new DateTime(2026, 12, 10, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(due.AddHours(-18), GrantClockReminders.RunningLowAt(due, 72));
        Assert.Equal(due.AddHours(-1), GrantClockReminders.RunningLowAt(due, 2));
        Assert.Equal(due.AddHours(-24), GrantClockReminders.RunningLowAt(due, 240));
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class EmergencyTrackTestsSqlite(SqliteApp app) : EmergencyTrackTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class EmergencyTrackTestsPostgres(PostgresApp app) : EmergencyTrackTests(app);
