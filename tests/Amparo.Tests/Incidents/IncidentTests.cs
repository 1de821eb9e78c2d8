using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Incidents;

/// <summary>
/// Incident reports (issue 12) on both databases: what is kept in clear and what is sealed; who sees a report (its
/// organization's staff, its reporter while a member, a personal record's writer alone) and every refusal; reporting for
/// someone else; the follow-up; "export my data" and "delete my account"; the API and the pages without JavaScript.
/// </summary>
public abstract partial class IncidentTests(AppFixture app)
{
    private Task<T> IncidentsAsync<T>(Func<IncidentService, Task<T>> work) => app.WithServicesAsync(sp => work(sp.GetRequiredService<IncidentService>()));

    private static IncidentInput Report(Guid? org, string narrative = "Two men on a motorbike followed me from the court to my house",
        bool aboutMe = true, string? name = null, bool consent = false, double? lat = null, double? lon = null, string? area = null) =>
        new(org, aboutMe, name, consent, new DateOnly(2026, 11, 12), DatePrecision.Day,
            IncidentActs.Surveillance | IncidentActs.Threat, IncidentActs.Threat, PerpetratorType.PowerfulPrivateActor,
            TargetedGroups.LandOrEnvironmentalDefender | TargetedGroups.WomanDefender, SecurityDomains.Physical, area, lat, lon, narrative);

    private static Guid Made(IncidentWrite result)
    {
        Assert.True(result.Status == IncidentWriteStatus.Done, $"{result.Status}: {string.Join(", ", result.Errors?.Select(e => e.Key + "=" + e.Value) ?? [])}");
        return result.Id!.Value;
    }

    private async Task<(Guid Org, OrgKit.Person Admin, OrgKit.Person Focal, OrgKit.Person Member)> OrganizationAsync()
    {
        var admin = await app.PersonAsync("incadmin");
        var org = await app.OrganizationAsync(admin);
        var focal = await app.PersonAsync("incfocal");
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        var member = await app.PersonAsync("incmember");
        await app.AddMemberAsync(org, member);
        return (org, admin, focal, member);
    }

    private static void AssertSealed(byte[]? stored, string plaintext)
    {
        Assert.NotNull(stored);
        Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(plaintext)));
    }

    [Fact]
    public async Task AReport_IsSealedAtRest_KeepsOnlyTheCellOfItsPoint_AndIsSeenByItsStaffAndReporterOnly()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var otherMember = await app.PersonAsync("incother");
        await app.AddMemberAsync(org, otherMember);
        var otherAdmin = await app.PersonAsync("incotheradmin");
        await app.OrganizationAsync(otherAdmin);
        var stranger = await app.PersonAsync("incstranger");

        var id = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, lat: 2.4412345, lon: -76.6061234))));

        // In clear: what aggregation needs; the point only as its cell's centre (the same cell for a nearby point).
        var row = await app.WithDbAsync(db => db.Incidents.AsNoTracking().SingleAsync(i => i.Id == id));
        Assert.Equal((IncidentActs.Surveillance | IncidentActs.Threat, IncidentActs.Threat, new DateOnly(2026, 11, 12), IncidentStatus.New),
            (row.Acts, row.PrimaryAct, row.OccurredOn, row.Status));
        Assert.Equal(CoarseCell.Snap(2.4412345, -76.6061234), (row.CellLatitude!.Value, row.CellLongitude!.Value));
        Assert.NotEqual(2.4412345, row.CellLatitude);
        AssertSealed(row.NarrativeCipher, "motorbike");
        var raw = await app.WithDbAsync(db => db.Database.SqlQuery<string>($"SELECT CAST(\"CellLatitude\" AS TEXT) AS \"Value\" FROM \"Incidents\" WHERE \"Id\" = {id}").SingleAsync());
        Assert.DoesNotContain("2.4412345", raw, StringComparison.Ordinal);

        // Its organization's admin and focal point follow it up; its reporter reads it; nobody else finds it at all.
        Assert.Equal(IncidentRole.Staff, (await IncidentsAsync(s => s.ReadAsync(admin.Id, id)))!.Role);
        var seen = (await IncidentsAsync(s => s.ReadAsync(focal.Id, id)))!;
        Assert.Equal((IncidentRole.Staff, "Two men on a motorbike followed me from the court to my house"), (seen.Role, seen.Narrative));
        Assert.Equal(IncidentRole.Reporter, (await IncidentsAsync(s => s.ReadAsync(member.Id, id)))!.Role);
        foreach (var outsider in new[] { otherMember, otherAdmin, stranger })
        {
            Assert.Null(await IncidentsAsync(s => s.ReadAsync(outsider.Id, id)));
            Assert.DoesNotContain(await IncidentsAsync(s => s.ListAsync(outsider.Id)), i => i.Id == id);
            Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.AddNoteAsync(outsider.Id, id, "hello"))).Status);
            Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.FollowUpAsync(outsider.Id, id, IncidentStatus.Closed, null, null))).Status);
        }

        // The staff's read is audited (ids only); the reporter's own is not.
        var reads = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AuditEvents.SensitiveRead && e.SubjectId == id).Select(e => e.ActorId).ToListAsync());
        Assert.Equal([admin.Id, focal.Id], reads.Order().ToList(), Comparer.Instance);

        // Former members: a focal point who left no longer sees it; nor does the reporter after leaving.
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(org, admin.Id, focal.Id));
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(org, admin.Id, member.Id));
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(focal.Id, id)));
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(member.Id, id)));
        Assert.NotNull(await IncidentsAsync(s => s.ReadAsync(admin.Id, id)));
    }

    private sealed class Comparer : IEqualityComparer<IEnumerable<Guid?>>
    {
        public static readonly Comparer Instance = new();
        public bool Equals(IEnumerable<Guid?>? x, IEnumerable<Guid?>? y) => x!.Order().SequenceEqual(y!.Order());
        public int GetHashCode(IEnumerable<Guid?> obj) => 0;
    }

    [Fact]
    public async Task ForSomeoneElse_OnlyStaffReport_AndANameIsKeptOnlyWithConsent_NeverToAGrantmaker()
    {
        var (org, _, focal, member) = await OrganizationAsync();
        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, aboutMe: false)))).Status);
        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(null, aboutMe: false)))).Status);
        var noConsent = await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false, name: "Luz Mery")));
        Assert.Equal("Incidents.Error.NameWithoutConsent", noConsent.Errors!["ConcernedName"]);

        var named = Made(await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false, name: "Luz Mery", consent: true))));
        var unnamed = Made(await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false, consent: false))));
        Assert.Equal("Luz Mery", (await IncidentsAsync(s => s.ReadAsync(focal.Id, named)))!.ConcernedName);
        AssertSealed(await app.WithDbAsync(db => db.Incidents.Where(i => i.Id == named).Select(i => i.ConcernedNameCipher).SingleAsync()), "Luz Mery");
        var plain = (await IncidentsAsync(s => s.ReadAsync(focal.Id, unnamed)))!;
        Assert.Equal((false, null), (plain.Incident.AboutReporter, plain.ConcernedName));

        // A grantmaker never holds an incident record: its own members cannot report to it.
        var funderAdmin = await app.PersonAsync("funder");
        var funder = await app.WithServicesAsync(async sp =>
        {
            var orgs = sp.GetRequiredService<OrganizationService>();
            var o = await orgs.CreateAsync("Fund " + Guid.NewGuid().ToString("N")[..6], OrganizationKind.Grantmaker, null);
            await orgs.AddMemberAsync(o!.Id, funderAdmin.Id, OrgRole.OrgAdmin, null);
            return o.Id;
        });
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.CreateAsync(funderAdmin.Id, Report(funder)))).Status);
        Assert.DoesNotContain(await IncidentsAsync(s => s.ReportableOrganizationsAsync(funderAdmin.Id)), o => o.Id == funder);
        // Not a member of the organization: as if it did not exist.
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.CreateAsync(funderAdmin.Id, Report(org)))).Status);
    }

    [Fact]
    public async Task BadInput_IsRefusedFieldByField_AndWritesNothing()
    {
        var (org, _, _, member) = await OrganizationAsync();
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var cases = new (IncidentInput Input, string Field, string Key)[]
        {
            (Report(org) with { OccurredOn = null }, "OccurredOn", "Incidents.Error.Date"),
            (Report(org) with { OccurredOn = today.AddDays(3) }, "OccurredOn", "Incidents.Error.DateRange"),
            (Report(org) with { Acts = IncidentActs.None }, "Acts", "Incidents.Error.Acts"),
            (Report(org) with { Acts = (IncidentActs)(1 << 20) }, "Acts", "Incidents.Error.Choice"),
            (Report(org) with { PrimaryAct = IncidentActs.KillingOrAttempt }, "PrimaryAct", "Incidents.Error.Primary"),
            (Report(org) with { PrimaryAct = IncidentActs.Threat | IncidentActs.Surveillance }, "PrimaryAct", "Incidents.Error.Primary"),
            (Report(org) with { Perpetrator = (PerpetratorType)99 }, "Perpetrator", "Incidents.Error.Choice"),
            (Report(org) with { Precision = (DatePrecision)7 }, "Precision", "Incidents.Error.Choice"),
            (Report(org, area: "XX-NOWHERE"), "AreaId", "Incidents.Error.Choice"),
            (Report(org, area: "CO-CAU", lat: 2.4, lon: -76.6), "Latitude", "Incidents.Error.AreaOrPoint"),
            (Report(org, lat: 91, lon: 0), "Latitude", "Incidents.Error.Point"),
            (Report(org, lat: 4.6), "Latitude", "Incidents.Error.Point"),
            (Report(org, narrative: "a\0b"), "Narrative", "Incidents.Error.Text"),
            (Report(org, narrative: new string('x', IncidentRules.MaxNarrative + 1)), "Narrative", "Incidents.Error.Text"),
        };
        var before = await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.ReporterId == member.Id));
        foreach (var (input, field, key) in cases)
        {
            var result = await IncidentsAsync(s => s.CreateAsync(member.Id, input));
            Assert.True(result.Status == IncidentWriteStatus.Invalid && result.Errors!.GetValueOrDefault(field) == key,
                $"{field}: expected {key}, got {result.Status} {string.Join(", ", result.Errors?.Select(e => e.Key + "=" + e.Value) ?? [])}");
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.ReporterId == member.Id)));

        // A week or a month is kept as its first day; an area of the gazetteer is kept by its id.
        var week = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, area: "CO-CAU-POP") with { Precision = DatePrecision.Week })));
        var month = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org) with { Precision = DatePrecision.Month })));
        var rows = await app.WithDbAsync(db => db.Incidents.Where(i => i.Id == week || i.Id == month).ToDictionaryAsync(i => i.Id));
        Assert.Equal((new DateOnly(2026, 11, 9), "CO-CAU-POP", (double?)null), (rows[week].OccurredOn, rows[week].AreaId, rows[week].CellLatitude));
        Assert.Equal(new DateOnly(2026, 11, 1), rows[month].OccurredOn);
    }

    [Fact]
    public async Task SharingWithANetwork_IsOffByDefault_ByAnAdmin_ReadOnlyForItsCoordinators_AndEndsWhenWithdrawn()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var coordinatorAdmin = await app.PersonAsync("inccoordadmin");
        var coordinatorOrg = await app.OrganizationAsync(coordinatorAdmin);
        var coordinator = await app.PersonAsync("inccoord");
        await app.AddMemberAsync(coordinatorOrg, coordinator);
        var otherCoordinator = await app.PersonAsync("incothercoord");
        await app.AddMemberAsync(coordinatorOrg, otherCoordinator);
        var (network, otherNetwork, strangerNetwork) = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<Amparo.Web.Features.Networks.NetworkService>();
            var n = (await networks.CreateAsync("Red " + Guid.NewGuid().ToString("N")[..6], null))!.Id;
            var other = (await networks.CreateAsync("Other " + Guid.NewGuid().ToString("N")[..6], null))!.Id;
            var stranger = (await networks.CreateAsync("Stranger " + Guid.NewGuid().ToString("N")[..6], null))!.Id;
            foreach (var (net, o) in new[] { (n, org), (n, coordinatorOrg), (other, org), (other, coordinatorOrg), (stranger, coordinatorOrg) })
                await networks.AddOrganizationAsync(net, o, null);
            await networks.AddCoordinatorAsync(n, coordinator.Id, null);
            await networks.AddCoordinatorAsync(other, otherCoordinator.Id, null);
            return (n, other, stranger);
        });
        var id = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org))));

        // Off by default.
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(coordinator.Id, id)));
        Assert.All((await IncidentsAsync(s => s.NetworkSharesAsync(admin.Id, org)))!, n => Assert.False(n.Shared));
        // Only the organization's admin decides, and only for a network the organization is in.
        Assert.Null(await IncidentsAsync(s => s.NetworkSharesAsync(focal.Id, org)));
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.SetNetworkShareAsync(focal.Id, org, network, true))).Status);
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.SetNetworkShareAsync(admin.Id, org, strangerNetwork, true))).Status);
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.SetNetworkShareAsync(coordinatorAdmin.Id, org, network, true))).Status);
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(coordinator.Id, id)));

        Made(await IncidentsAsync(s => s.SetNetworkShareAsync(admin.Id, org, network, true)));
        var seen = (await IncidentsAsync(s => s.ReadAsync(coordinator.Id, id)))!;
        Assert.Equal((IncidentRole.NetworkCoordinator, "Two men on a motorbike followed me from the court to my house"), (seen.Role, seen.Narrative));
        Assert.Contains(await IncidentsAsync(s => s.ListAsync(coordinator.Id)), i => i.Id == id);
        // Read-only; the other network's coordinator sees nothing.
        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.FollowUpAsync(coordinator.Id, id, IncidentStatus.Closed, null, 0))).Status);
        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.AddNoteAsync(coordinator.Id, id, "noted"))).Status);
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(otherCoordinator.Id, id)));
        Assert.Equal([(network, true), (otherNetwork, false)],
            (await IncidentsAsync(s => s.NetworkSharesAsync(admin.Id, org)))!.Select(n => (n.NetworkId, n.Shared)).OrderBy(n => n.Item1 == network ? 0 : 1).ToList());

        Made(await IncidentsAsync(s => s.SetNetworkShareAsync(admin.Id, org, network, false)));
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(coordinator.Id, id)));
        var audited = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AuditEvents.SharingChanged && e.OrganizationId == org).Select(e => e.Detail).ToListAsync());
        Assert.Equal(["incidents:network:off", "incidents:network:on"], audited.Order(StringComparer.Ordinal).ToList());

        // Shared again through the page, as the admin, without JavaScript.
        using var client = await app.SignedInAsync(admin);
        var (_, page) = await client.GetAsync("/incidents");
        Assert.Contains("Sharing with your networks", page, StringComparison.Ordinal);
        var posted = await client.PostFormAsync("/incidents", new Dictionary<string, string>
        {
            ["organization"] = org.ToString(), ["network"] = network.ToString(), ["shared"] = "true",
        }, "/incidents?handler=Share");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.NotNull(await IncidentsAsync(s => s.ReadAsync(coordinator.Id, id)));
        using var coordinatorClient = await app.SignedInAsync(coordinator);
        var (status, shown) = await coordinatorClient.GetAsync($"/incidents/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("handler=Note", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReport_CallsBackForReview_ThePlansOfThoseItConcerns_ThroughTheFactSeam()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var otherAdmin = await app.PersonAsync("incplanother");
        var otherOrg = await app.OrganizationAsync(otherAdmin);
        async Task<Guid> PlanAsync(Func<PlanService, Task<PlanWrite>> make)
        {
            var made = await app.WithServicesAsync(sp => make(sp.GetRequiredService<PlanService>()));
            return made.Id!.Value;
        }
        var memberPlan = await PlanAsync(p => p.CreateForPersonAsync(member.Id, new PlanInput("Mine", true, null, null, null)));
        var focalPlan = await PlanAsync(p => p.CreateForPersonAsync(focal.Id, new PlanInput("Focal's own", true, null, null, null)));
        var orgPlan = await PlanAsync(p => p.CreateForOrganizationAsync(admin.Id, org, new PlanInput("Office", true, null, null, null)));
        var otherPlan = await PlanAsync(p => p.CreateForOrganizationAsync(otherAdmin.Id, otherOrg, new PlanInput("Elsewhere", true, null, null, null)));
        Task<ReviewReason> ReasonAsync(Guid plan) => app.WithDbAsync(db => db.SecurityPlans.Where(p => p.Id == plan).Select(p => p.ReviewReason).SingleAsync());
        // The host's own fact worker runs too: deliver until the report's facts are delivered, whichever worker does it.
        async Task RunFactsAsync(Guid incident)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var id = incident.ToString();
            while (await app.WithDbAsync(db => db.Set<Amparo.Web.Infrastructure.Events.StoredFact>().AnyAsync(f => f.Payload.Contains(id) && f.DeliveredAt == null)))
            {
                limit.Token.ThrowIfCancellationRequested();
                await app.Services.GetRequiredService<Amparo.Web.Infrastructure.Events.FactWorker>().RunOnceAsync(CancellationToken.None);
                await Task.Yield();
            }
        }

        // A focal point reporting for someone else: the organization's plans, not the focal point's own.
        await RunFactsAsync(Made(await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false)))));
        Assert.Equal((ReviewReason.AfterIncident, ReviewReason.Scheduled, ReviewReason.Scheduled, ReviewReason.Scheduled),
            (await ReasonAsync(orgPlan), await ReasonAsync(focalPlan), await ReasonAsync(memberPlan), await ReasonAsync(otherPlan)));

        // The member about themself: their own plans too; another organization's never.
        await RunFactsAsync(Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org)))));
        Assert.Equal((ReviewReason.AfterIncident, ReviewReason.Scheduled), (await ReasonAsync(memberPlan), await ReasonAsync(otherPlan)));
        var due = await app.WithDbAsync(db => db.SecurityPlans.Where(p => p.Id == memberPlan).Select(p => p.NextReviewAt).SingleAsync());
        Assert.True(due <= app.Clock.GetUtcNow().UtcDateTime, "due now");
    }

    [Fact]
    public async Task Export_GivesStaffEveryReportWithHuridocsCodes_AsCsvAndJson_AndNobodyElse()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var otherAdmin = await app.PersonAsync("incexportother");
        await app.OrganizationAsync(otherAdmin);
        Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org, narrative: "=HYPERLINK(\"http://x\") and \"quotes\"", area: "HN-AT"))));
        Made(await IncidentsAsync(s => s.CreateAsync(focal.Id, Report(org, aboutMe: false, name: "Luz Mery", consent: true))));

        using var staff = await app.SignedInAsync(focal);
        using var csvResponse = await staff.SendAsync(HttpMethod.Get, $"/incidents/export?organization={org}&format=csv");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.StartsWith("text/csv", csvResponse.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var csv = await csvResponse.Content.ReadAsStringAsync();
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Join(',', IncidentExport.Columns.Select(c => $"\"{c}\"")), lines[0]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\") and \"\"quotes\"\"\"", csv, StringComparison.Ordinal); // no formula runs, quotes doubled
        Assert.Contains("\"threat; surveillance\",\"020103010000; 020103020000; 020103030000; 120104000000\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"Honduras › Atlántida\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"Luz Mery\"", csv, StringComparison.Ordinal);

        using var json = await staff.SendAsync(HttpMethod.Get, $"/incidents/export?organization={org}&format=json");
        var body = (await json.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal("amparo-incidents/1", body["format"]!.GetValue<string>());
        Assert.Equal(2, body["incidents"]!.AsArray().Count);
        Assert.All(body["incidents"]!.AsArray(), i => Assert.Equal("110000000000", i!["perpetratorCode"]!.GetValue<string>()));
        var exported = await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AuditEvents.DataExported && e.OrganizationId == org));
        Assert.Equal(2, exported);

        // A member, another organization's admin: as if there were nothing there (page and API).
        foreach (var outsider in new[] { member, otherAdmin })
        {
            using var client = await app.SignedInAsync(outsider);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/incidents/export?organization={org}&format=csv")).Status);
            var token = await TokenAsync(outsider);
            using var api = await client.SendAsync(HttpMethod.Get, $"/api/v1/incidents/export?organizationId={org}&format=csv", token);
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        }
        using var adminApi = app.NewClient();
        using var viaApi = await adminApi.SendAsync(HttpMethod.Get, $"/api/v1/incidents/export?organizationId={org}&format=csv", await TokenAsync(admin));
        Assert.Equal(HttpStatusCode.OK, viaApi.StatusCode);
    }

    [Fact]
    public async Task Evidence_APhotoIsStoredWithoutItsMetadata_Encrypted_ShownToThoseWhoSeeTheReport_AndRefusedClearly()
    {
        var (org, admin, _, member) = await OrganizationAsync();
        var stranger = await app.PersonAsync("incevidencestranger");
        var id = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org))));
        using var client = await app.SignedInAsync(member);

        async Task<HttpResponseMessage> UploadAsync(TestClient who, byte[] bytes, string name)
        {
            var (_, form) = await who.GetAsync($"/incidents/{id}/evidence");
            using var content = new MultipartFormDataContent
            {
                { new StringContent(TestClient.AntiforgeryToken(form)!), "__af" },
                { new ByteArrayContent(bytes), "upload", name },
            };
            return await who.SendAsync(HttpMethod.Post, $"/incidents/{id}/evidence", null, content);
        }

        var photo = EvidenceFiles.JpegWithExif();
        var added = await UploadAsync(client, photo, "IMG_2041.jpg");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var (_, page) = await client.GetAsync($"/incidents/{id}");
        Assert.Contains("href=\"/directory?need=Legal\"", page, StringComparison.Ordinal); // help to find, from the incident
        Assert.Contains("Removed before storing: where it was taken (GPS), the phone or camera, when it was taken, other hidden data.", page, StringComparison.Ordinal);
        Assert.Contains("IMG_2041.jpg", page, StringComparison.Ordinal);

        // Stored encrypted: neither the camera's name nor the image's bytes are in the row.
        var row = await app.WithDbAsync(db => db.IncidentAttachments.AsNoTracking().SingleAsync(a => a.IncidentId == id));
        Assert.Equal(-1, row.DataCipher.AsSpan().IndexOf(Encoding.ASCII.GetBytes(EvidenceFiles.Camera)));
        Assert.Equal(-1, row.DataCipher.AsSpan().IndexOf(photo.AsSpan(photo.Length - 64)));
        AssertSealed(row.FileNameCipher, "IMG_2041");

        // Staff download the clean copy; a stranger gets 404 for the page, the file and the upload.
        using var staff = await app.SignedInAsync(admin);
        using var download = await staff.SendAsync(HttpMethod.Get, $"/incidents/{id}/evidence?file={row.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(PhotoMetadata.None, Evidence.Find(bytes));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(EvidenceFiles.Camera)));
        using var other = await app.SignedInAsync(stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/incidents/{id}/evidence?file={row.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/incidents/{id}/evidence")).Status);
        Assert.Equal(IncidentWriteStatus.NotFound, (await IncidentsAsync(s => s.AddEvidenceAsync(stranger.Id, id, "x.png", EvidenceFiles.Png()))).Status);

        // A HEIC photo is refused with a message that says what to do; nothing is written.
        byte[] heic = [0, 0, 0, 24, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8];
        var refused = await UploadAsync(client, heic, "IMG_2042.HEIC");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Save it as JPEG first", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.IncidentAttachments.CountAsync(a => a.IncidentId == id)));

        // The same through the API: the file is the body.
        var token = await TokenAsync(member);
        using var api = app.NewClient();
        using var created = await api.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/attachments?fileName=DSC_0001.jpg", token, new ByteArrayContent(photo));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(["location", "device", "dateTaken", "other"], answer["removed"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray());
        using var fetched = await api.SendAsync(HttpMethod.Get, $"/api/v1/incidents/{id}/attachments/{answer["id"]!.GetValue<Guid>()}", await TokenAsync(admin));
        Assert.Equal(PhotoMetadata.None, Evidence.Find(await fetched.Content.ReadAsByteArrayAsync()));
        using var heicByApi = await api.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/attachments", token, new ByteArrayContent(heic));
        Assert.Equal(HttpStatusCode.BadRequest, heicByApi.StatusCode);
        using var strangers = await api.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/attachments", await TokenAsync(stranger), new ByteArrayContent(photo));
        Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
        // Over 10 MB: refused by its declared length before it is read.
        using var huge = await api.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/attachments", token, new ByteArrayContent(new byte[Evidence.MaxBytes + 2]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(2, await app.WithDbAsync(db => db.IncidentAttachments.CountAsync(a => a.IncidentId == id)));
    }

    [Fact]
    public async Task FromAnAlertClosedAsNeedsHelp_ItsResponderOfTheOrganization_RecordsAnIncident_PrefilledAndLinked_NobodyElse()
    {
        var w = await app.WorldAsync();
        var panic = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        await app.RunWorkersAsync();
        await app.StepAsync(TimeSpan.FromMinutes(20));
        var focalToken = await app.TokenAsync(w.Focal);
        using var client = await app.SignedInAsync(w.Focal);
        // Open: nothing to record yet.
        var (_, openPage) = await client.GetAsync($"/alerts/{panic}");
        Assert.DoesNotContain($"/incidents/new?alert={panic}", openPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{panic}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{panic}/resolve", new { outcome = "needs-help", note = "x" })).Status);

        var (_, page) = await client.GetAsync($"/alerts/{panic}");
        Assert.Contains($"/incidents/new?alert={panic}", page, StringComparison.Ordinal);
        var (status, form) = await client.GetAsync($"/incidents/new?alert={panic}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("From the alert you responded to", form, StringComparison.Ordinal);
        var raisedOn = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-20)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"value=\"{raisedOn}\"", form, StringComparison.Ordinal);
        var sent = await client.PostFormAsync($"/incidents/new?alert={panic}", new Dictionary<string, string>
        {
            ["Alert"] = panic.ToString(), ["To"] = w.OrgId.ToString(), ["AboutSomeoneElse"] = "true", ["OccurredOn"] = raisedOn,
            ["Precision"] = "Day", ["Acts"] = "PhysicalAttackOrTorture", ["Perpetrator"] = "Unknown",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var row = await app.WithDbAsync(db => db.Incidents.AsNoTracking().SingleAsync(i => i.AlertId == panic));
        Assert.Equal((w.OrgId, false, w.Focal.Id), (row.OrganizationId!.Value, row.AboutReporter, row.ReporterId!.Value));

        // The network's coordinator responds too but is no staff of an organization of the person: no link, 404.
        using var coordinator = await app.SignedInAsync(w.Coordinator);
        var (_, coordinatorPage) = await coordinator.GetAsync($"/alerts/{panic}");
        Assert.DoesNotContain("/incidents/new?alert=", coordinatorPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/incidents/new?alert={panic}")).Status);
        // The person themself, and a stranger, cannot link a report to it either.
        Assert.Null(await IncidentsAsync(s => s.AlertForReportAsync(w.Owner.Id, panic)));
        var stranger = await app.PersonAsync("incalertstranger");
        var strangerOrg = await app.OrganizationAsync(stranger);
        Assert.Equal(IncidentWriteStatus.NotFound,
            (await IncidentsAsync(s => s.CreateAsync(stranger.Id, Report(strangerOrg, aboutMe: false) with { AlertId = panic }))).Status);
        // An alert closed as safe is nothing to record.
        var safe = (await app.PostAsync(w.Token, "/api/v1/panic", new { })).Body.GetProperty("alertId").GetGuid();
        await app.RunWorkersAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{safe}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{safe}/resolve", new { outcome = "safe", note = "x" })).Status);
        Assert.Null(await IncidentsAsync(s => s.AlertForReportAsync(w.Focal.Id, safe)));
    }

    [Fact]
    public async Task FollowUp_IsForStaff_WithAStaffHandler_AndTheVersionSeen_NotesFromReporterAndStaff()
    {
        var (org, admin, focal, member) = await OrganizationAsync();
        var id = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org))));

        Assert.Equal(IncidentWriteStatus.NotAllowed, (await IncidentsAsync(s => s.FollowUpAsync(member.Id, id, IncidentStatus.Closed, null, 0))).Status);
        var notStaff = await IncidentsAsync(s => s.FollowUpAsync(focal.Id, id, IncidentStatus.Verified, member.Id, 0));
        Assert.Equal("Incidents.Error.Choice", notStaff.Errors!["HandlerId"]);
        Made(await IncidentsAsync(s => s.FollowUpAsync(focal.Id, id, IncidentStatus.NeedsFollowUp, focal.Id, 0)));
        // The admin had the page open at version 0: told, not overwriting.
        Assert.Equal(IncidentWriteStatus.Conflict, (await IncidentsAsync(s => s.FollowUpAsync(admin.Id, id, IncidentStatus.Closed, null, 0))).Status);

        Made(await IncidentsAsync(s => s.AddNoteAsync(member.Id, id, "They came back on Sunday.")));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Made(await IncidentsAsync(s => s.AddNoteAsync(focal.Id, id, "Called the lawyer; relocation offered.")));
        Assert.Equal("Incidents.Error.NoteEmpty", (await IncidentsAsync(s => s.AddNoteAsync(member.Id, id, "  "))).Errors!["Note"]);
        var view = (await IncidentsAsync(s => s.ReadAsync(admin.Id, id)))!;
        Assert.Equal((IncidentStatus.NeedsFollowUp, focal.Id, 1), (view.Incident.Status, view.Incident.HandlerId, view.Incident.Version));
        Assert.Equal(["They came back on Sunday.", "Called the lawyer; relocation offered."], view.Notes.Select(n => n.Text).ToList());
        var audited = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == IncidentService.StatusChangedEvent && e.SubjectId == id).Select(e => e.Detail).ToListAsync());
        Assert.Equal(["new->needs-follow-up"], audited);
    }

    [Fact]
    public async Task APersonalRecord_IsItsWritersAlone_InTheirExport_AndGoesWithTheirAccount_WhileReportsToTheOrganizationStay()
    {
        var (org, admin, _, member) = await OrganizationAsync();
        var personal = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(null, narrative: "Only for me: the calls at night"))));
        var reported = Made(await IncidentsAsync(s => s.CreateAsync(member.Id, Report(org))));
        Made(await IncidentsAsync(s => s.AddNoteAsync(member.Id, personal, "A third call")));
        Assert.Equal(IncidentRole.Owner, (await IncidentsAsync(s => s.ReadAsync(member.Id, personal)))!.Role);
        Assert.Null(await IncidentsAsync(s => s.ReadAsync(admin.Id, personal)));
        // Sealed with the person's own key.
        var key = await app.WithDbAsync(db => db.Users.Where(u => u.Id == member.Id).Select(u => u.DataKeyId).SingleAsync());
        var text = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var row = await db.Incidents.AsNoTracking().SingleAsync(i => i.Id == personal);
            return await sp.GetRequiredService<FieldCipher>().DecryptAsync(db, key, row.NarrativeCipher, Incident.Table, nameof(Incident.NarrativeCipher), personal);
        });
        Assert.Equal("Only for me: the calls at night", text);

        var export = await app.WithServicesAsync(async sp =>
        {
            var part = sp.GetServices<Amparo.Web.Infrastructure.IPersonalData>().Single(p => p.Section == "incidents");
            var user = await sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>().Users.SingleAsync(u => u.Id == member.Id);
            return System.Text.Json.JsonSerializer.Serialize(await part.ExportAsync(user, default));
        });
        Assert.Contains("Only for me: the calls at night", export, StringComparison.Ordinal);
        Assert.Contains("A third call", export, StringComparison.Ordinal);
        Assert.Contains("motorbike", export, StringComparison.Ordinal);

        using var client = await app.SignedInAsync(member);
        var deleted = await client.PostFormAsync("/account/delete", new Dictionary<string, string> { ["Passphrase"] = TestData.Passphrase });
        Assert.True(deleted.StatusCode is HttpStatusCode.Redirect, $"{deleted.StatusCode}");
        Assert.False(await app.WithDbAsync(db => db.Incidents.AnyAsync(i => i.Id == personal)));
        Assert.False(await app.WithDbAsync(db => db.IncidentNotes.AnyAsync(n => n.IncidentId == personal)));
        var kept = (await IncidentsAsync(s => s.ReadAsync(admin.Id, reported)))!;
        Assert.Equal((null, (string?)null), (kept.Incident.ReporterId, kept.ReporterName));
        Assert.Equal("Two men on a motorbike followed me from the court to my house", kept.Narrative);
    }

    [Fact]
    public async Task Api_ReportsReadsAndFollowsUp_WithHuridocsCodes_AndAnswers404ToOthers()
    {
        var (org, admin, _, member) = await OrganizationAsync();
        var stranger = await app.PersonAsync("incapistranger");
        var (memberToken, adminToken, strangerToken) = (await TokenAsync(member), await TokenAsync(admin), await TokenAsync(stranger));
        using var client = app.NewClient();

        var bad = await client.SendAsync(HttpMethod.Post, "/api/v1/incidents", memberToken, JsonContent.Create(new { organizationId = org, occurredOn = "2026-11-12", acts = ThreatAndUnknown, primaryAct = "threat" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("acts", (await bad.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!.AsObject().Select(p => p.Key));

        var made = await client.SendAsync(HttpMethod.Post, "/api/v1/incidents", memberToken, JsonContent.Create(new
        {
            organizationId = org, occurredOn = "2026-11-12", precision = "week", acts = ArrestAndCharges,
            primaryAct = "arrestOrDetention", perpetrator = "stateSecurityForces", groups = Journalist, domains = Legal,
            areaId = "HN-AT", narrative = "Held for two days without charge",
        }));
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var id = (await made.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<Guid>();

        using var read = await client.SendAsync(HttpMethod.Get, $"/api/v1/incidents/{id}", adminToken);
        var body = (await read.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(("staff", "2026-11-09", "week", "010100000000", "Held for two days without charge"),
            (body["role"]!.GetValue<string>(), body["occurredOn"]!.GetValue<string>(), body["precision"]!.GetValue<string>(),
             body["perpetratorHuridocsCode"]!.GetValue<string>(), body["narrative"]!.GetValue<string>()));
        var acts = body["acts"]!.AsArray().ToDictionary(a => a!["act"]!.GetValue<string>(), a => a!["huridocsCodes"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray());
        Assert.Equal(["030101000000", "030102000000"], acts["arrestOrDetention"]);
        Assert.Equal(["350111000000", "350114000000"], acts["judicialHarassment"]);

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(HttpMethod.Get, $"/api/v1/incidents/{id}", strangerToken)).StatusCode);
        var strangerList = await (await client.SendAsync(HttpMethod.Get, "/api/v1/incidents", strangerToken)).Content.ReadFromJsonAsync<JsonArray>();
        Assert.DoesNotContain(strangerList!, i => i!["id"]!.GetValue<Guid>() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(HttpMethod.Put, $"/api/v1/incidents/{id}/follow-up", strangerToken, JsonContent.Create(new { status = "closed", version = 0 }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(HttpMethod.Put, $"/api/v1/incidents/{id}/follow-up", memberToken, JsonContent.Create(new { status = "closed", version = 0 }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(HttpMethod.Put, $"/api/v1/incidents/{id}/follow-up", adminToken, JsonContent.Create(new { status = "solved", version = 0 }))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Put, $"/api/v1/incidents/{id}/follow-up", adminToken, JsonContent.Create(new { status = "verified", handlerId = admin.Id, version = 0 }))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.SendAsync(HttpMethod.Put, $"/api/v1/incidents/{id}/follow-up", adminToken, JsonContent.Create(new { status = "closed", version = 0 }))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{id}/notes", memberToken, JsonContent.Create(new { text = "Released on Friday" }))).StatusCode);
        var list = await (await client.SendAsync(HttpMethod.Get, "/api/v1/incidents", memberToken)).Content.ReadFromJsonAsync<JsonArray>();
        var mine = list!.Single(i => i!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal(("verified", true), (mine["status"]!.GetValue<string>(), mine["reportedByMe"]!.GetValue<bool>()));
    }

    private static readonly string[] ThreatAndUnknown = ["threat", "flying"], ArrestAndCharges = ["arrestOrDetention", "judicialHarassment"],
        Journalist = ["journalist"], Legal = ["legal"];

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

    [Fact]
    public async Task Pages_ReportWithoutJavaScript_ShowTheReportAndItsFollowUp_ToStaff_And404ToOthers()
    {
        var (org, admin, _, member) = await OrganizationAsync();
        using var client = await app.SignedInAsync(member);
        var (status, form) = await client.GetAsync("/incidents/new");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Popayán", form, StringComparison.Ordinal); // the gazetteer's areas, as "Colombia › Cauca › Popayán"

        var refused = await client.PostFormAsync("/incidents/new", new Dictionary<string, string> { ["To"] = org.ToString(), ["OccurredOn"] = "2026-11-12" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Check at least one thing that happened.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var sent = await client.PostFormAsync("/incidents/new", new Dictionary<string, string>
        {
            ["To"] = org.ToString(), ["OccurredOn"] = "2026-11-12", ["Precision"] = "Day", ["Acts"] = "DigitalAttack",
            ["Perpetrator"] = "Unknown", ["Latitude"] = "4,61", ["Longitude"] = "-74.08", ["Narrative"] = "My e-mail was taken over",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var page = OrgKit.PathOf(sent.Headers.Location!);
        Assert.StartsWith("/incidents/", page, StringComparison.Ordinal);
        var (_, shown) = await client.GetAsync(page);
        Assert.Contains("The report was sent.", shown, StringComparison.Ordinal);
        Assert.Contains("My e-mail was taken over", shown, StringComparison.Ordinal);
        Assert.Contains("Main: Digital attack", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=FollowUp", shown, StringComparison.Ordinal); // the reporter does not follow it up

        using var staff = await app.SignedInAsync(admin);
        var (_, staffPage) = await staff.GetAsync(page);
        Assert.Contains("handler=FollowUp", staffPage, StringComparison.Ordinal);
        var id = page.Split('/', '?')[2];
        var saved = await staff.PostFormAsync(page, new Dictionary<string, string> { ["Status"] = "Verified", ["HandlerId"] = admin.Id.ToString(), ["Version"] = "0" }, $"/incidents/{id}?handler=FollowUp");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var (_, after) = await staff.GetAsync($"/incidents/{id}");
        Assert.Contains("Verified", after, StringComparison.Ordinal);

        var stranger = await app.PersonAsync("incpagestranger");
        using var other = await app.SignedInAsync(stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(page)).Status);
        var (_, list) = await other.GetAsync("/incidents");
        Assert.DoesNotContain(id, list, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.IncidentsOnSqlite))]
public sealed class IncidentTestsSqlite(SqliteApp app) : IncidentTests(app);

[Collection(nameof(SharedHosts.IncidentsOnPostgres))]
public sealed class IncidentTestsPostgres(PostgresApp app) : IncidentTests(app);
