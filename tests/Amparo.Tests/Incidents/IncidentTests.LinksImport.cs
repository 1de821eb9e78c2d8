using System.Net;
using System.Text;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Wellbeing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Incidents;

// Reports from people without an account (report links and their review), the CSV import, kept points and the debrief
// offered after a report: the second half of issue 12, on both databases.
public abstract partial class IncidentTests
{
    private Task<T> LinksAsync<T>(Func<ReportLinks, Task<T>> work) => app.WithServicesAsync(sp => work(sp.GetRequiredService<ReportLinks>()));

    private static Dictionary<string, string> LinkForm(string narrative, string? contact = null) => new()
    {
        ["OccurredOn"] = "2026-11-20", ["Precision"] = "Week", ["Acts"] = "Threat", ["Perpetrator"] = "Unknown",
        ["Narrative"] = narrative, ["Contact"] = contact ?? "",
    };

    [Fact]
    public async Task AReportLink_TakesReportsFromPeopleWithoutAnAccount_ThatWaitForStaffReview_UntilItIsRevoked()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var otherAdmin = await app.PersonAsync("inclinkother");
        await app.OrganizationAsync(otherAdmin);

        // Only the organization's staff make links.
        Assert.Null(await LinksAsync(l => l.CreateAsync(member.Id, org, "radio", () => { })));
        Assert.Null(await LinksAsync(l => l.CreateAsync(otherAdmin.Id, org, "radio", () => { })));
        Assert.Null(await LinksAsync(l => l.ListAsync(member.Id, org)));
        using var staff = await app.SignedInAsync(focal);
        var made = await staff.PostFormAsync($"/incidents/organization/{org}", new Dictionary<string, string> { ["Label"] = "Community radio" }, $"/incidents/organization/{org}?handler=Link");
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        Assert.DoesNotContain("/report/", made.Headers.Location!.OriginalString, StringComparison.Ordinal); // the secret is not in the address
        var (_, madePage) = await staff.GetAsync(OrgKit.PathOf(made.Headers.Location!));
        var token = System.Text.RegularExpressions.Regex.Match(madePage, "/report/([A-Za-z0-9_-]{40,})").Groups[1].Value;
        Assert.NotEmpty(token);
        var link = await app.WithDbAsync(db => db.IncidentReportLinks.AsNoTracking().SingleAsync(l => l.OrganizationId == org));
        Assert.Equal(Amparo.Web.Infrastructure.Security.Tokens.Hash(token), link.TokenHash); // only the hash is kept
        AssertSealed(link.LabelCipher, "Community radio");
        Assert.DoesNotContain(token, (await staff.GetAsync($"/incidents/organization/{org}")).Html, StringComparison.Ordinal); // shown only after making it
        using (var otherClient = await app.SignedInAsync(admin)) // not to another person, even of the same organization
            Assert.DoesNotContain(token, (await otherClient.GetAsync(OrgKit.PathOf(made.Headers.Location!))).Html, StringComparison.Ordinal);

        // Someone without an account sends a report; nothing of it is shown back.
        using var anonymous = app.NewClient();
        var (formStatus, form) = await anonymous.GetAsync($"/report/{token}");
        Assert.Equal(HttpStatusCode.OK, formStatus);
        Assert.Contains("You do not need an account", form, StringComparison.Ordinal);
        var sent = await anonymous.PostFormAsync($"/report/{token}", LinkForm("A car waited outside the radio station all night", "Ask for Rosa at the market"));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var (_, thanks) = await anonymous.GetAsync(OrgKit.PathOf(sent.Headers.Location!));
        Assert.Contains("Your report reached", thanks, StringComparison.Ordinal);
        Assert.DoesNotContain("radio station", thanks, StringComparison.Ordinal);
        var row = await app.WithDbAsync(db => db.Incidents.AsNoTracking().SingleAsync(i => i.LinkId == link.Id));
        Assert.Equal((true, (Guid?)null, new DateOnly(2026, 11, 16)), (row.AwaitingReview, row.ReporterId, row.OccurredOn));
        AssertSealed(row.ContactCipher, "Rosa");
        AssertSealed(row.NarrativeCipher, "radio station");

        // Awaiting review: its staff alone see it; it cannot be followed up or exported yet.
        var shown = (await IncidentsAsync(s => s.ReadAsync(focal.Id, row.Id)))!;
        Assert.Equal(("Ask for Rosa at the market", IncidentRole.Staff), (shown.Contact, shown.Role));
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(member.Id, row.Id)));
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(otherAdmin.Id, row.Id)));
        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.FollowUpAsync(admin.Id, row.Id, IncidentStatus.Verified, null, null))).Status);
        Assert.DoesNotContain(await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentExport>().RowsAsync(admin.Id, org)) ?? [], r => r.Id == row.Id);
        var (_, list) = await staff.GetAsync("/incidents");
        Assert.Contains("Awaiting review", list, StringComparison.Ordinal);

        // The review: not by a member; accepted by staff on the page, without JavaScript; once.
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.ReviewAsync(member.Id, row.Id, true))).Status);
        var (_, reviewPage) = await staff.GetAsync($"/incidents/{row.Id}");
        Assert.Contains("This report awaits your review.", reviewPage, StringComparison.Ordinal);
        Assert.Contains("Ask for Rosa at the market", reviewPage, StringComparison.Ordinal);
        // A post without a choice decides nothing (discarding deletes).
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostFormAsync($"/incidents/{row.Id}", new Dictionary<string, string>(), $"/incidents/{row.Id}?handler=Review")).StatusCode);
        var accepted = await staff.PostFormAsync($"/incidents/{row.Id}", new Dictionary<string, string> { ["accept"] = "true" }, $"/incidents/{row.Id}?handler=Review");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Incidents.Where(i => i.Id == row.Id).Select(i => i.AwaitingReview).SingleAsync()));
        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.ReviewAsync(admin.Id, row.Id, false))).Status);
        Made(await IncidentsAsync(s => s.FollowUpAsync(admin.Id, row.Id, IncidentStatus.Verified, null, null)));

        // Another is discarded: deleted.
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.PostFormAsync($"/report/{token}", LinkForm("spam"))).StatusCode);
        var spam = await app.WithDbAsync(db => db.Incidents.Where(i => i.LinkId == link.Id && i.AwaitingReview).Select(i => i.Id).SingleAsync());
        Made(await IncidentsAsync(s => s.ReviewAsync(admin.Id, spam, false)));
        Assert.False(await app.WithDbAsync(db => db.Incidents.AnyAsync(i => i.Id == spam)));

        // Bad input is refused field by field and writes nothing.
        var before = await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.LinkId == link.Id));
        var noActs = LinkForm("x", contact: new string('x', IncidentRules.MaxName + 1));
        noActs.Remove("Acts");
        var bad = await anonymous.PostFormAsync($"/report/{token}", noActs);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Check at least one thing that happened.", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.LinkId == link.Id)));

        // At most 20 reports an hour through one link; the next hour it takes reports again.
        var input = Report(null);
        for (var n = before; n < IncidentReportLink.MaxReportsPerHour; n++)
            Made(await IncidentsAsync(s => s.SubmitThroughLinkAsync(token, input, null)));
        var busy = await IncidentsAsync(s => s.SubmitThroughLinkAsync(token, input, null));
        Assert.Equal("Incidents.Link.Busy", busy.Errors!["Link"]);
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Made(await IncidentsAsync(s => s.SubmitThroughLinkAsync(token, input, null)));

        // Revoked: by a stranger, nothing; by staff, the link answers 404 at once, and what it brought stays.
        Assert.False(await LinksAsync(l => l.RevokeAsync(otherAdmin.Id, org, link.Id)));
        Assert.True(await LinksAsync(l => l.RevokeAsync(admin.Id, org, link.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/report/{token}")).Status);
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.SubmitThroughLinkAsync(token, input, null))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/report/not-a-link")).Status);
        Assert.True(await app.WithDbAsync(db => db.Incidents.AnyAsync(i => i.Id == row.Id)));
    }

    [Fact]
    public async Task Import_ChecksEveryRowFirst_WritesAllOrNothing_AndAnExportComesBackAsItLeft()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var target = await app.OrganizationAsync(admin);
        Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, narrative: "=SUM(A1) was written on the wall", area: "HN-AT"))));
        Made(await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false, name: "Luz Mery", consent: true, lat: 2.4412345, lon: -76.6061234) with { Precision = DatePrecision.Month })));
        var exported = IncidentExport.ToCsv((await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentExport>().RowsAsync(admin.Id, org)))!);

        // Through the pages, without JavaScript: read the file, see the columns mapped by name, import.
        using var client = await app.SignedInAsync(admin);
        var (_, first) = await client.GetAsync($"/incidents/import/{target}");
        using (var upload = new MultipartFormDataContent { { new StringContent(TestClient.AntiforgeryToken(first)!), "__af" }, { new ByteArrayContent(exported), "file", "incidents.csv" } })
        {
            using var read = await client.SendAsync(HttpMethod.Post, $"/incidents/import/{target}?handler=Read", null, upload);
            var mapping = await read.Content.ReadAsStringAsync();
            Assert.Contains("Reports in the file: 2.", mapping, StringComparison.Ordinal);
            var payload = System.Text.RegularExpressions.Regex.Match(mapping, "name=\"Payload\" value=\"([^\"]+)\"").Groups[1].Value;
            var fields = IncidentImport.Fields.ToDictionary(f => $"Map[{f}]", f => Array.IndexOf(IncidentExport.Columns, f).ToString(System.Globalization.CultureInfo.InvariantCulture));
            fields["Payload"] = System.Net.WebUtility.HtmlDecode(payload);
            var imported = await client.PostFormAsync($"/incidents/import/{target}", fields, $"/incidents/import/{target}?handler=Import");
            Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
            Assert.Contains("Reports imported: 2.", (await client.GetAsync(OrgKit.PathOf(imported.Headers.Location!))).Html, StringComparison.Ordinal);
            // Sent again (a second click, the back button): imported once.
            var again = await client.PostFormAsync($"/incidents/import/{target}", fields, $"/incidents/import/{target}?handler=Import");
            Assert.Contains("This file was already imported", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(2, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.OrganizationId == target)));
            // A payload that was tampered with (or from someone else) is not read.
            fields["Payload"] = fields["Payload"][..^8] + "AAAAAAAA";
            var tampered = await client.PostFormAsync($"/incidents/import/{target}", fields, $"/incidents/import/{target}?handler=Import");
            Assert.Contains("no longer available", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var back = await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentExport>().RowsAsync(admin.Id, target));
        var original = await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentExport>().RowsAsync(admin.Id, org));
        Assert.Equal(original!.Select(Same).Order(StringComparer.Ordinal), back!.Select(Same).Order(StringComparer.Ordinal));
        Assert.Contains(back!, r => r.Narrative == "=SUM(A1) was written on the wall" && r.AreaName == "Honduras › Atlántida");
        Assert.All(back!, r => Assert.False(r.AboutReporter)); // the importer wrote them for someone else
        // The importer is recorded as such, not as their reporter: a member the importer may become reads none of them.
        var importedRows = await app.WithDbAsync(db => db.Incidents.AsNoTracking().Where(i => i.OrganizationId == target).ToListAsync());
        Assert.All(importedRows, i => Assert.Equal(((Guid?)null, (Guid?)admin.Id), (i.ReporterId, i.ImportedById)));
        Assert.Contains($"Imported from a file by", (await client.GetAsync($"/incidents/{importedRows[0].Id}")).Html, StringComparison.Ordinal);

        // A file with problems: every one listed by row and column, nothing written.
        var header = "date,what,narrative\r\n";
        var csv = Encoding.UTF8.GetBytes(header + "2026-11-01,threat,ok\r\n2026-13-01,threat,bad date\r\n2026-11-02,teleportation,bad act\r\n2026-11-03,threat,fine\r\n");
        var (rows, error) = IncidentImport.Parse(csv);
        Assert.Null(error);
        var map = new Dictionary<string, int?> { ["occurred_on"] = 0, ["acts"] = 1, ["narrative"] = 2 };
        var before = await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.OrganizationId == target));
        var result = await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentImport>().ImportAsync(focal.Id, org, rows!, map, Guid.NewGuid()));
        Assert.Equal([new ImportProblem(2, "date", "Incidents.Error.Date"), new ImportProblem(3, "what", "Incidents.Error.Choice")], result!.Value.Problems);
        Assert.Equal(before, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.OrganizationId == target)));
        // A required field not mapped; a file that is not CSV; not the organization's staff.
        var unmapped = await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentImport>().ImportAsync(admin.Id, target, rows!, new Dictionary<string, int?> { ["occurred_on"] = 0 }, Guid.NewGuid()));
        Assert.Equal([new ImportProblem(0, "acts", "Incidents.Import.Error.Required")], unmapped!.Value.Problems);
        Assert.Equal("Incidents.Import.Error.Shape", IncidentImport.Parse(Encoding.UTF8.GetBytes("a,b\r\n1\r\n")).Error);
        Assert.Equal("Incidents.Import.Error.Encoding", IncidentImport.Parse([0x61, 0x2C, 0xFF, 0x0A, 0x31, 0x2C, 0x32]).Error);
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentImport>().ImportAsync(member.Id, org, rows!, map, Guid.NewGuid())));
        // A spreadsheet in Spanish or French saves semicolons and decimal commas: read as such.
        var (semicolons, _) = IncidentImport.Parse(Encoding.UTF8.GetBytes("occurred_on;acts;cell_latitude;cell_longitude;narrative\r\n2026-11-01;threat;4,61;-74,08;\"uno; dos\"\r\n"));
        var fromSemicolons = await app.WithServicesAsync(sp => sp.GetRequiredService<IncidentImport>().ImportAsync(admin.Id, target, semicolons!, IncidentImport.GuessMapping(semicolons![0]), Guid.NewGuid()));
        Assert.Equal((1, 0), (fromSemicolons!.Value.Imported, fromSemicolons.Value.Problems.Count));
        Assert.True(await app.WithDbAsync(db => db.Incidents.AnyAsync(i => i.OrganizationId == target && i.CellLatitude == CoarseCell.Snap(4.61, -74.08)!.Value.Latitude)));
        using var memberClient = await app.SignedInAsync(member);
        Assert.Equal(HttpStatusCode.NotFound, (await memberClient.GetAsync($"/incidents/import/{org}")).Status);

        static string Same(IncidentRow r) =>
            $"{r.OccurredOn}|{r.Precision}|{string.Join(",", r.Acts)}|{r.PrimaryAct}|{r.Perpetrator}|{string.Join(",", r.Groups)}|{string.Join(",", r.Domains)}|{r.AreaId}|{r.CellLatitude}|{r.CellLongitude}|{r.ConcernedName}|{r.Narrative}|{r.Status}";
    }

    [Fact]
    public async Task APreciseKeptPoint_IsChosenByAnAdmin_Encrypted_SeenByStaffOnly_AndPurgedOnItsDay()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        // By default no point is kept.
        var plain = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, lat: 2.4412345, lon: -76.6061234))));
        Assert.Null(await app.WithDbAsync(db => db.Incidents.Where(i => i.Id == plain).Select(i => i.PointCipher).SingleAsync()));

        // Only an admin chooses, up to 30 days.
        Assert.Equal(IncidentWriteStatus.NotFound, await LinksAsync(l => l.SetKeepPointDaysAsync(focal.Id, org, 7)));
        Assert.Equal(IncidentWriteStatus.NotFound, await LinksAsync(l => l.SetKeepPointDaysAsync(member.Id, org, 7)));
        Assert.Equal(IncidentWriteStatus.Invalid, await LinksAsync(l => l.SetKeepPointDaysAsync(admin.Id, org, 31)));
        using var adminClient = await app.SignedInAsync(admin);
        var set = await adminClient.PostFormAsync($"/incidents/organization/{org}", new Dictionary<string, string> { ["KeepPointDays"] = "7" }, $"/incidents/organization/{org}?handler=Keep");
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal(7, await LinksAsync(l => l.KeepPointDaysAsync(focal.Id, org)));
        // The form says so before anyone gives a point.
        using (var memberClient = await app.SignedInAsync(member))
            Assert.Contains("keeps the exact point of a report for <bdi>7</bdi> days", (await memberClient.GetAsync("/incidents/new")).Html, StringComparison.Ordinal);

        var kept = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, lat: 2.4412345, lon: -76.6061234))));
        var row = await app.WithDbAsync(db => db.Incidents.AsNoTracking().SingleAsync(i => i.Id == kept));
        AssertSealed(row.PointCipher, "2.4412345");
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddDays(7), row.PointKeptUntil!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal("2.4412345,-76.6061234", (await IncidentsAsync(s => s.ReadAsync(focal.Id, kept)))!.Point);
        Assert.Null((await IncidentsAsync(s => s.ReadAsync(member.Id, kept)))!.Point); // the reporter reads their report, not the kept point

        // Its day comes: the worker removes it; the cell stays.
        var purge = app.Services.GetRequiredService<IncidentPointPurge>();
        app.Clock.Advance(TimeSpan.FromDays(6));
        await purge.RunOnceAsync(CancellationToken.None);
        Assert.NotNull(await app.WithDbAsync(db => db.Incidents.Where(i => i.Id == kept).Select(i => i.PointCipher).SingleAsync()));
        app.Clock.Advance(TimeSpan.FromDays(1).Add(TimeSpan.FromMinutes(1)));
        await purge.RunOnceAsync(CancellationToken.None);
        var after = await app.WithDbAsync(db => db.Incidents.AsNoTracking().SingleAsync(i => i.Id == kept));
        Assert.Equal(((byte[]?)null, (DateTime?)null, row.CellLatitude), (after.PointCipher, after.PointKeptUntil, after.CellLatitude));
        Assert.Null((await IncidentsAsync(s => s.ReadAsync(focal.Id, kept)))!.Point);
    }

    [Fact]
    public async Task ReportingWhatHappenedToYou_OffersADebrief_ReportingForSomeoneElseDoesNot()
    {
        var (org, _, focal, member) = await OrganizationAsync();
        var mine = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org))));
        var theirs = Made(await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false))));
        foreach (var id in new[] { mine, theirs })
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var text = id.ToString();
            while (await app.WithDbAsync(db => db.Set<Amparo.Web.Infrastructure.Events.StoredFact>().AnyAsync(f => f.Payload.Contains(text) && f.DeliveredAt == null)))
            {
                limit.Token.ThrowIfCancellationRequested();
                await app.Services.GetRequiredService<Amparo.Web.Infrastructure.Events.FactWorker>().RunOnceAsync(CancellationToken.None);
                await Task.Yield();
            }
        }
        var marks = await app.WithServicesAsync(sp => sp.GetRequiredService<MarkService>().ListAsync(member.Id));
        var mark = Assert.Single(marks, m => m.Kind == WellbeingMarkKind.Incident);
        Assert.Equal((new DateOnly(2026, 11, 12), Amparo.Web.Features.Wellbeing.DebriefState.Offered, (string?)null), (mark.On, mark.Debrief!.State, mark.Note));
        Assert.Empty(await app.WithServicesAsync(sp => sp.GetRequiredService<MarkService>().ListAsync(focal.Id)));
    }
}
