using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amparo.Tests.Incidents;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// After the decision, on both databases (issue 15): finance records tranches (never past the amount approved), the
/// program officer asks for the report by a day, the applicant is told and reminded (nothing of the grant in the
/// messages), sends the report with a file, may be asked for more, and the officer closes the grant — each step by
/// the roles that may, each refusal writing nothing.
/// </summary>
public abstract class GrantFollowUpTests(AppFixture app)
{
    private sealed record Fund(OrgKit.Person Admin, OrgKit.Person Officer, OrgKit.Person Reviewer, OrgKit.Person Finance, OrgKit.Person Defender, Guid Program, Guid Request, Guid Org);

    private static readonly RequestAnswers Answers = new("Cámaras para la oficina", "Seguimientos frente a la sede; queremos registrar quién vigila.",
        "Signal +57 300 000 0000", [new BudgetLine(CostCategories.PhysicalSecurity, "Dos cámaras y su instalación", 800m)], Country: "CO");

    /// <summary>A program with an officer, a reviewer and finance, and a request to it approved for 800.</summary>
    private async Task<Fund> ApprovedAsync()
    {
        var admin = await app.PersonAsync("fuadmin");
        var officer = await app.PersonAsync("fuofficer");
        var reviewer = await app.PersonAsync("fureviewer");
        var finance = await app.PersonAsync("fufinance");
        var org = await app.OrganizationAsync(admin, "Fondo Ceiba " + Guid.NewGuid().ToString("N")[..6]);
        foreach (var m in new[] { officer, reviewer, finance }) await app.AddMemberAsync(org, m);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var program = (await Programs(g => g.CreateAsync(admin.Id, org, new ProgramInput("Protección de sedes", ProgramKind.ProtectionAndCapacity, "Medidas de protección.",
            "Organizaciones en riesgo.", "USD", 5000m, [CostCategories.PhysicalSecurity], ["es"], "", ProgramStatus.Rolling, null, "")))).Id!.Value;
        foreach (var (person, role) in new[] { (officer, ProgramRole.ProgramOfficer), (reviewer, ProgramRole.Reviewer), (finance, ProgramRole.Finance) })
            Assert.Equal(AssignmentResult.Done, await Programs(g => g.AssignAsync(admin.Id, program, person.Id, role, true)));
        var defender = await app.PersonAsync("fudefender");
        var id = (await Requests(r => r.StartAsync(defender.Id, program))).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id, Answers, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(defender.Id, id, RequestState.Submitted, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Declare(officer, id)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(officer.Id, id, RequestState.InReview, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(officer.Id, id, RequestState.Approved, "Con factura de la instalación.", 800m, null))).Status);
        return new Fund(admin, officer, reviewer, finance, defender, program, id, org);
    }

    private Task<T> Programs<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));
    private Task<T> Restricted<T>(Func<GrantRestrictedRecords, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRestrictedRecords>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));
    private Task<RequestWrite> Declare(OrgKit.Person who, Guid id) => app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(who.Id, id, false));
    private Task<RequestWrite> Tranche(OrgKit.Person who, Guid id, decimal amount, DateOnly? on = null, int? version = null) =>
        Requests(r => r.RecordTrancheAsync(who.Id, id, amount, on ?? Today, "Transferencia bancaria", version));
    private Task<RequestWrite> AskReport(OrgKit.Person who, Guid id, DateOnly? due, string? note = null) => Requests(r => r.AskForReportAsync(who.Id, id, due, note, null));
    private Task<RequestWrite> Report(OrgKit.Person who, Guid id, string? text, QuestionFile? file = null) => Requests(r => r.SendReportAsync(who.Id, id, text, file, null));
    private Task<(RequestState State, DateOnly? Due, int Entries)> StoredAsync(Guid id) => app.WithDbAsync(async db =>
        (await db.GrantRequests.Where(r => r.Id == id).Select(r => r.State).SingleAsync(), await db.GrantRequests.Where(r => r.Id == id).Select(r => r.ReportDueOn).SingleAsync(),
         await db.GrantRequestEntries.CountAsync(e => e.RequestId == id)));
    private DateOnly Today => DateOnly.FromDateTime(app.Now());

    private async Task RemindAndSendAsync()
    {
        await app.Services.GetRequiredService<GrantReportReminders>().RunOnceAsync(CancellationToken.None);
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FromApprovalToClosure_EachStepByWhoMay_TranchesNeverPassTheApproval_AndTheReportIsAskedRemindedSentAndClosed()
    {
        var f = await ApprovedAsync();
        var stranger = await app.PersonAsync("fustranger");

        // Tranches: finance or the officer, once declared; nobody else — the applicant and the reviewer are refused, a stranger finds nothing.
        Assert.Equal(RequestWriteStatus.NotFound, (await Tranche(stranger, f.Request, 100m)).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Tranche(f.Defender, f.Request, 100m)).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Tranche(f.Reviewer, f.Request, 100m)).Status);
        Assert.Equal("Grants.Request.Error.DeclareFirst", (await Tranche(f.Finance, f.Request, 100m)).Errors!["Declaration"]);
        Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Finance, f.Request)).Status);
        var before = await StoredAsync(f.Request);
        Assert.Equal("Grants.Tranche.Error.Amount", (await Tranche(f.Finance, f.Request, 0m)).Errors!["TrancheAmount"]);
        Assert.Equal("Grants.Tranche.Error.Amount", (await Tranche(f.Finance, f.Request, 10.555m)).Errors!["TrancheAmount"]);
        Assert.Equal("Grants.Tranche.Error.Day", (await Tranche(f.Finance, f.Request, 100m, Today.AddDays(3))).Errors!["PaidOn"]);
        Assert.Equal("Grants.Tranche.Error.Day", (await Tranche(f.Finance, f.Request, 100m, Today.AddDays(-30))).Errors!["PaidOn"]);
        Assert.Equal(before, await StoredAsync(f.Request));

        // The first tranche disburses the grant; the second may not pass the 800 approved; a stale version is refused.
        Assert.Equal(RequestWriteStatus.Done, (await Tranche(f.Finance, f.Request, 500m)).Status);
        Assert.Equal(RequestState.Disbursed, (await StoredAsync(f.Request)).State);
        Assert.Equal("Grants.Tranche.Error.OverApproved", (await Tranche(f.Finance, f.Request, 300.01m)).Errors!["TrancheAmount"]);
        Assert.Equal(RequestWriteStatus.Conflict, (await Tranche(f.Finance, f.Request, 100m, version: 1)).Status);
        var view = (await Requests(r => r.GetAsync(f.Defender.Id, f.Request)))!;
        Assert.Equal((800m, 500m), (view.Approved!.Value, view.Disbursed));
        Assert.Equal(Today, Assert.Single(view.Tranches).Day);
        Assert.Empty(view.Moves); // nothing for the applicant to do yet

        // The report: asked for by the officer only, by a day that is still to come somewhere (two days ago is not).
        Assert.Equal(RequestWriteStatus.Refused, (await AskReport(f.Finance, f.Request, Today.AddDays(20))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await AskReport(f.Defender, f.Request, Today.AddDays(20))).Status);
        Assert.Equal("Grants.Report.Error.DueOn", (await AskReport(f.Officer, f.Request, Today.AddDays(-2))).Errors!["DueOn"]);
        Assert.Equal("Grants.Report.Error.DueOn", (await AskReport(f.Officer, f.Request, null)).Errors!["DueOn"]);
        var due = Today.AddDays(20);
        Assert.Equal(RequestWriteStatus.Done, (await AskReport(f.Officer, f.Request, due, "Fotos de las cámaras instaladas")).Status);
        Assert.Equal((RequestState.ReportDue, (DateOnly?)due), ((await StoredAsync(f.Request)).State, (await StoredAsync(f.Request)).Due));
        // A tranche may still be recorded while the report is awaited.
        Assert.Equal(RequestWriteStatus.Done, (await Tranche(f.Finance, f.Request, 300m)).Status);

        // The applicant is told at once, then a week before the day, then the day after it — once each, whatever the rounds.
        var reference = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == f.Request).Select(r => r.Reference!).SingleAsync());
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        var asked = Assert.Single(app.MailTo(f.Defender.Email));
        Assert.Equal("Amparo: a report is asked for", asked.Subject);
        app.Clock.Advance(TimeSpan.FromDays(13) + TimeSpan.FromHours(1));
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        Assert.Equal(2, app.MailTo(f.Defender.Email).Count);
        Assert.Equal("Amparo: a report is due soon", app.MailTo(f.Defender.Email)[1].Subject);
        // The day itself, even late in it by Greenwich time, is not "passed": it is still that day west of Greenwich.
        Assert.False(GrantReportReminders.IsOverdue(due, due.AddDays(1).ToDateTime(new TimeOnly(11, 59), DateTimeKind.Utc)));
        Assert.True(GrantReportReminders.IsOverdue(due, due.AddDays(1).ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc)));
        app.Clock.Advance(TimeSpan.FromDays(8) + TimeSpan.FromHours(12));
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        var mails = app.MailTo(f.Defender.Email);
        Assert.Equal(3, mails.Count);
        Assert.Equal("Amparo: a report's day has passed", mails[2].Subject);
        foreach (var mail in mails)
        {
            var all = mail.Subject + mail.TextBody + mail.HtmlBody;
            Assert.Contains(reference, all, StringComparison.Ordinal);
            Assert.Contains(GrantRoutes.Request(f.Request), all, StringComparison.Ordinal);
            // (The link's id is random: the amounts are looked for without it.)
            all = all.Replace(GrantRoutes.Request(f.Request), "", StringComparison.Ordinal);
            foreach (var secret in new[] { "Protección", "Fondo Ceiba", "Cámaras", "800", "500", "USD", "Fotos de las cámaras" })
                Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
        // The officer's list shows its day; the grants waiting on the staff list it as overdue, and not before.
        var list = await Requests(r => r.ForProgramAsync(f.Officer.Id, f.Program, 1, 50));
        Assert.Equal(due, Assert.Single(list!).ReportDueOn);
        Assert.Equal(f.Request, Assert.Single((await Requests(r => r.FollowUpAsync(f.Officer.Id, f.Program, 50)))!).Id);
        Assert.Null(await Requests(r => r.FollowUpAsync(f.Defender.Id, f.Program, 50)));

        // The report: by the applicant only, with words; a file kept like evidence (a photo without its metadata), encrypted.
        Assert.Equal(RequestWriteStatus.Refused, (await Report(f.Officer, f.Request, "Informe")).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Report(stranger, f.Request, "Informe")).Status);
        Assert.Equal("Grants.Report.Error.Text", (await Report(f.Defender, f.Request, "   ")).Errors!["Report"]);
        Assert.Equal("Grants.Report.Error.Text", (await Report(f.Defender, f.Request, "a\0b")).Errors!["Report"]);
        Assert.Equal("Grants.Request.Error.File.UnknownType", (await Report(f.Defender, f.Request, "Informe", new QuestionFile(GrantRequestFile.ReportQuestion, "x.exe", [0x4d, 0x5a, 1, 2]))).Errors!["ReportFile"]);
        Assert.Equal(0, await app.WithDbAsync(db => db.GrantRequestFiles.CountAsync(x => x.RequestId == f.Request)));
        const string words = "Instalamos las dos cámaras el martes; la vigilancia frente a la sede bajó.";
        Assert.Equal(RequestWriteStatus.Done, (await Report(f.Defender, f.Request, words, new QuestionFile(GrantRequestFile.ReportQuestion, "camaras.png", EvidenceFiles.Png()))).Status);
        Assert.Equal(RequestState.ReportReceived, (await StoredAsync(f.Request)).State);
        // The program officer is told it arrived — the reference and the link, nothing of the report; finance and the reviewer are not.
        await RemindAndSendAsync();
        var arrived = Assert.Single(app.MailTo(f.Officer.Email));
        Assert.Equal("Amparo: a report has arrived", arrived.Subject);
        Assert.Contains(reference, arrived.TextBody, StringComparison.Ordinal);
        Assert.Contains(GrantRoutes.Request(f.Request), arrived.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("cámaras", arrived.TextBody + arrived.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(app.MailTo(f.Finance.Email));
        Assert.Empty(app.MailTo(f.Reviewer.Email));
        var read = (await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!;
        var report = read.History.Last(x => x.Kind == RequestEntryKind.Report);
        Assert.Equal(words, report.Text);
        var file = read.ReportFile(report.FileId)!;
        Assert.Equal("camaras.png", file.Name);
        Assert.Equal("image/png", (await Requests(r => r.ReadFileAsync(f.Officer.Id, f.Request, file.Id)))!.Value.ContentType);
        Assert.Null(await Requests(r => r.ReadFileAsync(stranger.Id, f.Request, file.Id)));
        var stored = await app.WithDbAsync(db => db.GrantRequestEntries.Where(x => x.RequestId == f.Request && x.Kind == RequestEntryKind.Report).Select(x => x.TextCipher!).SingleAsync());
        Assert.DoesNotContain("cámaras", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        // Once it has come, no more reminders for it.
        app.Clock.Advance(TimeSpan.FromDays(3));
        await RemindAndSendAsync();
        Assert.Equal(3, app.MailTo(f.Defender.Email).Count);

        // Asked again: the officer must say what is missing; the applicant is told again for the new day.
        Assert.Equal("Grants.Report.Error.Reason", (await AskReport(f.Officer, f.Request, Today.AddDays(10))).Errors!["Note"]);
        Assert.Equal(RequestWriteStatus.Done, (await AskReport(f.Officer, f.Request, Today.AddDays(10), "Falta la factura de la instalación.")).Status);
        await RemindAndSendAsync();
        Assert.Equal(4, app.MailTo(f.Defender.Email).Count);
        Assert.Equal(RequestWriteStatus.Done, (await Report(f.Defender, f.Request, "Adjuntamos la factura.")).Status);

        // Closing: the officer only; after a report, a note is optional. Closed, nothing more may be recorded.
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(f.Finance.Id, f.Request, RequestState.Closed, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(f.Defender.Id, f.Request, RequestState.Closed, null, null, null))).Status);
        // The steps with forms of their own are not moves.
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(f.Officer.Id, f.Request, RequestState.ReportDue, "x", null, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(f.Officer.Id, f.Request, RequestState.Closed, null, null, null))).Status);
        Assert.Equal(RequestState.Closed, (await StoredAsync(f.Request)).State);
        Assert.Equal(RequestWriteStatus.Refused, (await Tranche(f.Finance, f.Request, 1m)).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Report(f.Defender, f.Request, "Otra cosa")).Status);
        Assert.Empty((await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!.Moves);
    }

    [Fact]
    public async Task ClosingWithoutAReport_NeedsTheReason_AndTheApiAndPagesTakeEachStep()
    {
        var f = await ApprovedAsync();
        var officerToken = await app.ApiTokenAsync(f.Officer);
        var financeToken = await app.ApiTokenAsync(f.Finance);
        var defenderToken = await app.ApiTokenAsync(f.Defender);
        var reviewerToken = await app.ApiTokenAsync(f.Reviewer);
        using var finance = await app.SignedInAsync(f.Finance);
        using var officer = await app.SignedInAsync(f.Officer);
        using var defender = await app.SignedInAsync(f.Defender);
        var api = $"/api/v1/grants/requests/{f.Request}";
        var page = GrantRoutes.Request(f.Request);

        // The API: finance declares, a body without an amount is a field error, the reviewer may not record a tranche.
        using (var ok = await finance.PostJsonAsync(api + "/declaration", new { conflict = false }, financeToken)) Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using (var bad = await finance.PostJsonAsync(api + "/tranches", new { paidOn = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, financeToken)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var no = await defender.PostJsonAsync(api + "/tranches", new { amount = 100, paidOn = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, defenderToken)) Assert.Equal(HttpStatusCode.Conflict, no.StatusCode);
        using (var reviewer = app.NewClient())
        {
            using (var no = await reviewer.PostJsonAsync(api + "/tranches", new { amount = 100, paidOn = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, reviewerToken))
                Assert.Equal(HttpStatusCode.Conflict, no.StatusCode);
            // Reviewer and finance at once (a small fund): they record tranches, whichever role ranks first.
            Assert.Equal(AssignmentResult.Done, await Programs(g => g.AssignAsync(f.Admin.Id, f.Program, f.Reviewer.Id, ProgramRole.Finance, true)));
            Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Reviewer, f.Request)).Status);
            Assert.Equal(RequestWriteStatus.Done, (await Tranche(f.Reviewer, f.Request, 0.5m)).Status);
        }
        using (var ok = await finance.PostJsonAsync(api + "/tranches", new { amount = 250.5, paidOn = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), note = "Primer pago" }, financeToken)) Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using (var read = await defender.SendAsync(HttpMethod.Get, api, defenderToken))
        {
            var json = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
            Assert.Equal(("disbursed", 800m, 251m), ((string)json["state"]!, (decimal)json["approved"]!, (decimal)json["disbursed"]!));
            var tranche = json["history"]!.AsArray().Last()!;
            Assert.Equal(("tranche", Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "Primer pago"), ((string)tranche["kind"]!, (string)tranche["day"]!, (string)tranche["text"]!));
        }

        // The page without JavaScript: an unreadable amount is named at its field and nothing is written; a good one is recorded.
        var entries = (await StoredAsync(f.Request)).Entries;
        using (var bad = await finance.PostFormAsync(page, new Dictionary<string, string> { ["trancheAmount"] = "mucho", ["paidOn"] = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, page + "?handler=Tranche"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("href=\"#tranche-amount\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(entries, (await StoredAsync(f.Request)).Entries);
        using (var ok = await finance.PostFormAsync(page, new Dictionary<string, string> { ["trancheAmount"] = "100", ["paidOn"] = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, page + "?handler=Tranche"))
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal(351m, (await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!.Disbursed);

        // The report asked for through the API; the applicant's page then offers the report's form, the officer's list its day.
        using (var bad = await officer.PostJsonAsync(api + "/report-call", new { dueOn = Today.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, officerToken)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var ok = await officer.PostJsonAsync(api + "/report-call", new { dueOn = Today.AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, officerToken)) Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var (status, html) = await defender.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("name=\"report\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"trancheAmount\"", html, StringComparison.Ordinal);
        using (var read = await officer.SendAsync(HttpMethod.Get, $"/api/v1/grants/programs/{f.Program}/requests", officerToken))
            Assert.Equal(Today.AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string)JsonNode.Parse(await read.Content.ReadAsStringAsync())!.AsArray().Single()!["reportDueOn"]!);
        // Asked with less than a week to go: the one notice says it; no separate "soon" reminder follows.
        await RemindAndSendAsync();
        await RemindAndSendAsync();
        Assert.Single(app.MailTo(f.Defender.Email));
        // Asked again while awaited, for the same day (a call made again): told again, nothing refused.
        using (var ok = await officer.PostJsonAsync(api + "/report-call", new { dueOn = Today.AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), note = "Recordatorio" }, officerToken))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        await RemindAndSendAsync();
        Assert.Equal(2, app.MailTo(f.Defender.Email).Count);

        // Closing without the report needs the reason the applicant will read.
        using (var bad = await officer.PostJsonAsync(api + "/moves", new { to = "closed" }, officerToken)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var no = await officer.PostJsonAsync(api + "/moves", new { to = "reportReceived" }, officerToken)) Assert.Equal(HttpStatusCode.Conflict, no.StatusCode);
        using (var ok = await officer.PostJsonAsync(api + "/moves", new { to = "closed", note = "Acordamos cerrar sin informe por la situación de seguridad." }, officerToken))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using (var no = await defender.PostJsonAsync(api + "/report", new { text = "Tarde" }, defenderToken)) Assert.Equal(HttpStatusCode.Conflict, no.StatusCode);
        (status, html) = await defender.GetAsync(page);
        Assert.Contains("Acordamos cerrar sin informe", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"report\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGrantThatEnded_IsPurgedOnTime_AfterTellingTheApplicant_KeepingOnlyWhatTheProgramKeeps()
    {
        var f = await ApprovedAsync();
        // The program keeps the amount and the region, not the kinds of cost; its months are checked like any field.
        Assert.Equal("Grants.Error.PurgeAfterMonths", (await Programs(g => g.UpdateAsync(f.Admin.Id, f.Program, new ProgramInput("Protección de sedes",
            ProgramKind.ProtectionAndCapacity, "Medidas de protección.", "Organizaciones en riesgo.", "USD", 5000m, [CostCategories.PhysicalSecurity], ["es"], "",
            ProgramStatus.Rolling, null, "", PurgeAfterMonths: 0)))).Errors!["PurgeAfterMonths"]);
        Assert.Equal(ProgramWriteStatus.Done, (await Programs(g => g.UpdateAsync(f.Admin.Id, f.Program, new ProgramInput("Protección de sedes",
            ProgramKind.ProtectionAndCapacity, "Medidas de protección.", "Organizaciones en riesgo.", "USD", 5000m, [CostCategories.PhysicalSecurity], ["es"], "",
            ProgramStatus.Rolling, null, "", PurgeAfterMonths: 12, Kept: KeptFacts.Amount | KeptFacts.Region)))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Finance, f.Request)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Tranche(f.Finance, f.Request, 800m)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await AskReport(f.Officer, f.Request, Today.AddDays(30))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Report(f.Defender, f.Request, "Instalamos las cámaras.", new QuestionFile(GrantRequestFile.ReportQuestion, "camaras.png", EvidenceFiles.Png()))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.CommentAsync(f.Officer.Id, f.Request, "Gracias por el informe."))).Status);
        // The reviewer steps aside (a conflict): that stays true after the purge.
        Assert.Equal(RequestWriteStatus.Done, (await app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(f.Reviewer.Id, f.Request, true))).Status);

        // The restricted record: finance alone reads and writes it — not the officer, the reviewer, a duty officer, the fund's admin, the applicant or a stranger.
        var stranger = await app.PersonAsync("fustranger");
        var duty = await app.PersonAsync("fuduty");
        await app.AddMemberAsync(f.Org, duty);
        Assert.Equal(AssignmentResult.Done, await Programs(g => g.AssignAsync(f.Admin.Id, f.Program, duty.Id, ProgramRole.DutyOfficer, true)));
        var facts = new RestrictedFacts("Colectivo Ceiba, NIT 900.123.456", "Cámaras para la sede", "Convocatoria abierta, comité de dos personas");
        foreach (var who in new[] { f.Officer, f.Reviewer, duty, f.Admin, f.Defender, stranger })
        {
            Assert.Null(await Restricted(r => r.GetAsync(who.Id, f.Request)));
            Assert.Equal(RequestWriteStatus.NotFound, (await Restricted(r => r.SaveAsync(who.Id, f.Request, facts))).Status);
        }
        Assert.Equal("Grants.Restricted.Error.Recipient", (await Restricted(r => r.SaveAsync(f.Finance.Id, f.Request, facts with { Recipient = " " }))).Errors!["Recipient"]);
        Assert.Equal(RequestWriteStatus.Done, (await Restricted(r => r.SaveAsync(f.Finance.Id, f.Request, facts))).Status);
        using (var officerApi = app.NewClient())
        using (var no = await officerApi.SendAsync(HttpMethod.Get, $"/api/v1/grants/requests/{f.Request}/restricted-record", await app.ApiTokenAsync(f.Officer)))
            Assert.Equal(HttpStatusCode.NotFound, no.StatusCode);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(f.Officer.Id, f.Request, RequestState.Closed, null, null, null))).Status);
        var before = await app.WithDbAsync(db => db.GrantRequests.SingleAsync(r => r.Id == f.Request));
        Assert.Equal(("419", CostCategories.PhysicalSecurity), (before.Region, before.Categories)); // Colombia's region, set when sent
        using var defender = await app.SignedInAsync(f.Defender);
        using var officer = await app.SignedInAsync(f.Officer);
        var page = GrantRoutes.Request(f.Request);
        Assert.Contains("Details will be deleted on", (await defender.GetAsync(page)).Html, StringComparison.Ordinal);

        async Task PurgeRoundAsync()
        {
            await app.Services.GetRequiredService<GrantPurge>().RunOnceAsync(CancellationToken.None);
            await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
        }
        Task BackdateAsync(TimeSpan ended, TimeSpan? told = null) => app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == f.Request).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.EndedAt, app.Now() - ended).SetProperty(r => r.PurgeNoticeAt, r => told == null ? r.PurgeNoticeAt : app.Now() - told)));
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None); // what the steps above queued
        var mailsBefore = app.MailTo(f.Defender.Email).Count;

        // Just ended: nothing yet. A month before the day: the applicant is told the day, nothing of the grant; nothing is purged.
        await PurgeRoundAsync();
        Assert.Equal(mailsBefore, app.MailTo(f.Defender.Email).Count);
        await BackdateAsync(TimeSpan.FromDays(365 - 29));
        await PurgeRoundAsync();
        await PurgeRoundAsync();
        var notice = Assert.Single(app.MailTo(f.Defender.Email).Skip(mailsBefore));
        Assert.Equal("Amparo: records will be deleted", notice.Subject);
        Assert.Contains(before.Reference!, notice.TextBody, StringComparison.Ordinal);
        // Read without its links: the request's id in one may hold "800" by chance (it did once, and failed a run).
        var said = System.Text.RegularExpressions.Regex.Replace(notice.Subject + notice.TextBody + notice.HtmlBody, @"https?://\S+", "");
        foreach (var secret in new[] { "Fondo Ceiba", "Protección de sedes", "800", "cámaras" })
            Assert.DoesNotContain(secret, said, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == f.Request).Select(r => r.AnswersCipher).SingleAsync()));

        // The day has come, but the notice is younger than 30 days: still nothing. Thirty days after the notice: purged.
        await BackdateAsync(TimeSpan.FromDays(370), told: TimeSpan.FromDays(29));
        await PurgeRoundAsync();
        Assert.Null(await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == f.Request).Select(r => r.PurgedAt).SingleAsync()));
        await BackdateAsync(TimeSpan.FromDays(370), told: TimeSpan.FromDays(30) + TimeSpan.FromHours(1));
        await PurgeRoundAsync();

        var after = await app.WithDbAsync(db => db.GrantRequests.SingleAsync(r => r.Id == f.Request));
        Assert.NotNull(after.PurgedAt);
        Assert.Equal((800m, "419", CostCategories.None, RequestState.Closed, before.Reference), (after.KeptAmount, after.Region, after.Categories, after.State, after.Reference));
        Assert.Equal((null, null, null), (after.AnswersCipher, after.ApplicantId, after.OrganizationId));
        var left = await app.WithDbAsync(async db => (
            Key: (await db.DataKeys.SingleAsync(k => k.Id == after.DataKeyId)).Wrapped,
            Files: await db.GrantRequestFiles.CountAsync(x => x.RequestId == f.Request),
            Reviews: await db.GrantRequestReviews.CountAsync(x => x.RequestId == f.Request),
            Declarations: await db.GrantRequestDeclarations.CountAsync(x => x.RequestId == f.Request && !x.HasConflict),
            History: await db.GrantRequestEntries.Where(e => e.RequestId == f.Request).ToListAsync(),
            Messages: await db.Outbox.CountAsync(m => m.IdempotencyKey.Contains(f.Request.ToString("N"))),
            Audit: await db.AuditEvents.Where(e => e.SubjectId == f.Request).Select(e => e.Type).ToListAsync()));
        Assert.Null(left.Key);
        Assert.Equal((0, 0, 0, 0), (left.Files, left.Reviews, left.Declarations, left.Messages));
        Assert.NotEmpty(left.History);
        Assert.All(left.History, e => Assert.True(e.TextCipher is null && e.AmountCipher is null && e.FileId is null && e.ActorId is null));
        Assert.Contains("grants.request-purged", left.Audit);
        Assert.Contains(after.DataKeyId, app.Services.GetRequiredService<Amparo.Web.Infrastructure.Security.MasterKey>().DestroyedKeyIds());
        // The applicant no longer finds it; the officer sees what is left, and nothing can be added to it.
        Assert.Equal(HttpStatusCode.NotFound, (await defender.GetAsync(page)).Status);
        var (status, html) = await officer.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Details deleted on", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Instalamos", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Gracias por el informe", html, StringComparison.Ordinal);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.CommentAsync(f.Officer.Id, f.Request, "¿Sigue ahí?"))).Status);
        Assert.Null(await Requests(r => r.GetAsync(f.Reviewer.Id, f.Request)));
        Assert.DoesNotContain("restricted-recipient", html, StringComparison.Ordinal);

        // The restricted record outlives the purge (the grantmaker's key, not the request's), for finance only, until its own years have passed.
        using (var finance = await app.SignedInAsync(f.Finance))
            Assert.Contains("Colectivo Ceiba, NIT 900.123.456", (await finance.GetAsync(page)).Html, StringComparison.Ordinal);
        Assert.Equal(facts, (await Restricted(r => r.GetAsync(f.Finance.Id, f.Request)))!.Facts);
        await BackdateAsync(TimeSpan.FromDays((365 * 7) - 2));
        await PurgeRoundAsync();
        Assert.NotNull(await Restricted(r => r.GetAsync(f.Finance.Id, f.Request)));
        await BackdateAsync(TimeSpan.FromDays((365 * 7) + 3));
        await PurgeRoundAsync();
        Assert.Equal(0, await app.WithDbAsync(db => db.GrantRestrictedRecords.CountAsync(x => x.RequestId == f.Request)));
    }

    [Fact]
    public async Task ThePublicExport_ShowsEachGrantOnlyAsItsOfficerChose_AndNeverWhatTheApplicantWrote()
    {
        var f = await ApprovedAsync();
        var year = app.Now().Year;
        Task<(string Grantmaker, List<PublicGrant> Grants, int LeftOut)?> Export(OrgKit.Person who) =>
            app.WithServicesAsync(sp => sp.GetRequiredService<GrantExport>().ExportAsync(who.Id, f.Org, year));
        Task<RequestWrite> Publish(PublicRecipient recipient, PublicLocation location, string? description = null, bool excluded = false) =>
            Requests(r => r.SetPublicationAsync(f.Officer.Id, f.Request, new PublicationInput(recipient, location, description, excluded)));
        string Json(List<PublicGrant> grants) => System.Text.Encoding.UTF8.GetString(GrantExport.ToJson(grants));
        string[] applicantWrote = ["Cámaras para la oficina", "Seguimientos", "Signal +57", "Dos cámaras", f.Defender.User.DisplayName];

        // Its admins only: not the officer, finance or the applicant.
        foreach (var who in new[] { f.Officer, f.Finance, f.Defender }) Assert.Null(await Export(who));

        // The defaults: anonymous, the region only, the kind's general description; nothing the applicant wrote, no country.
        var grant = Assert.Single((await Export(f.Admin))!.Value.Grants);
        Assert.Equal((GrantExport.AnonymousId, "Anonymous recipient", "Latin America and the Caribbean", (string?)null, 800m, "Protección de sedes"),
            (grant.RecipientId, grant.RecipientName, grant.LocationName, grant.CountryCode, grant.AmountAwarded, grant.Title));
        Assert.Equal("Protection measures and capacity for human rights work", grant.Description);
        var json = Json([grant]);
        Assert.All(applicantWrote, text => Assert.DoesNotContain(text, json, StringComparison.Ordinal));
        Assert.DoesNotContain("Colombia", json, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Request.ToString(), json, StringComparison.OrdinalIgnoreCase);

        // A person's request is never named; the country and a written description only when chosen; nowhere leaves the location out.
        Assert.Equal("Grants.Publication.Error.Recipient", (await Publish(PublicRecipient.Organization, PublicLocation.Region)).Errors!["PublicRecipient"]);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.SetPublicationAsync(f.Finance.Id, f.Request, new PublicationInput(PublicRecipient.Anonymous, PublicLocation.Country, null, false)))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Publish(PublicRecipient.Anonymous, PublicLocation.Country, "Security equipment for an office")).Status);
        grant = Assert.Single((await Export(f.Admin))!.Value.Grants);
        Assert.Equal(("Colombia", "CO", "Security equipment for an office", "Anonymous recipient"), (grant.LocationName, grant.CountryCode, grant.Description, grant.RecipientName));
        Assert.Equal(RequestWriteStatus.Done, (await Publish(PublicRecipient.Anonymous, PublicLocation.None)).Status);
        Assert.DoesNotContain("beneficiaryLocation", Json((await Export(f.Admin))!.Value.Grants), StringComparison.Ordinal);

        // An organization's request may name the organization, when its officer chooses to; left out, it is not in the file at all.
        var asking = await app.OrganizationAsync(f.Defender, "Colectivo Ceiba " + Guid.NewGuid().ToString("N")[..6]);
        await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == f.Request).ExecuteUpdateAsync(s => s.SetProperty(r => r.OrganizationId, asking)));
        Assert.Equal("Anonymous recipient", Assert.Single((await Export(f.Admin))!.Value.Grants).RecipientName);
        Assert.Equal(RequestWriteStatus.Done, (await Publish(PublicRecipient.Organization, PublicLocation.Region)).Status);
        Assert.StartsWith("Colectivo Ceiba", Assert.Single((await Export(f.Admin))!.Value.Grants).RecipientName, StringComparison.Ordinal);
        Assert.Equal(RequestWriteStatus.Done, (await Publish(PublicRecipient.Organization, PublicLocation.Region, excluded: true)).Status);
        Assert.Empty((await Export(f.Admin))!.Value.Grants);

        // The page without JavaScript gives the files to the admin; the officer finds nothing.
        using var admin = await app.SignedInAsync(f.Admin);
        using var officer = await app.SignedInAsync(f.Officer);
        var page = GrantRoutes.Export(f.Org);
        using (var csv = await admin.SendAsync(HttpMethod.Get, page + "?format=csv"))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
            Assert.Contains("\"Recipient Org:Name\"", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync(page)).Status);
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class GrantFollowUpTestsSqlite(SqliteApp app) : GrantFollowUpTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class GrantFollowUpTestsPostgres(PostgresApp app) : GrantFollowUpTests(app);
