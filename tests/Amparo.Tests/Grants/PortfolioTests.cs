using System.Net;
using System.Text.Json.Nodes;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// A grantmaker's portfolio (issue 15), on both databases: counts by month and program, by kind and by kind of cost, and
/// emergency decision times — for its admins (every program) and its program officers (theirs), 404 for anyone else;
/// no small count shown, none to be worked out from the totals; nothing read but plain columns.
/// </summary>
public abstract class PortfolioTests(AppFixture app)
{
    private Task<Portfolio?> PortfolioOf(OrgKit.Person viewer, Guid organization) => app.WithServicesAsync(sp =>
        sp.GetRequiredService<GrantPortfolio>().GetAsync(viewer.Id, organization, m => m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), k => k.ToString()));

    /// <summary>Requests as the portfolio reads them (plain columns only): sent at a time, maybe decided after some hours.</summary>
    private Task<int> AddRequestsAsync(Guid program, int count, DateTime sent, CostCategories categories, RequestState state = RequestState.Submitted, double? decidedAfterHours = null, string? region = null) =>
        app.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
                db.GrantRequests.Add(new GrantRequest
                {
                    Id = Guid.NewGuid(), ProgramId = program, State = state, DataKeyId = Guid.NewGuid(), CreatedAt = sent, UpdatedAt = sent, SubmittedAt = sent,
                    DecidedAt = decidedAfterHours is { } h ? sent.AddHours(h + i) : null, Closed = decidedAfterHours is not null, Categories = categories, Region = region,
                });
            return await db.SaveChangesAsync();
        });

    [Fact]
    public async Task TheAdminSeesEveryProgram_AnOfficerTheirs_OthersNothing_AndNoSmallCountIsShownOrRecoverable()
    {
        var admin = await app.PersonAsync("pfadmin");
        var officer = await app.PersonAsync("pfofficer");
        var reviewer = await app.PersonAsync("pfreviewer");
        var org = await app.OrganizationAsync(admin, "Fondo Yaku " + Guid.NewGuid().ToString("N")[..6]);
        foreach (var m in new[] { officer, reviewer }) await app.AddMemberAsync(org, m);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        async Task<Guid> ProgramAsync(string name, ProgramKind kind, int? hours) => (await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().CreateAsync(admin.Id, org,
            new ProgramInput(name, kind, "Apoyo.", "Defensoras.", "USD", 5000m, [CostCategories.Relocation, CostCategories.Legal, CostCategories.PhysicalSecurity], ["es"], "",
                ProgramStatus.Rolling, hours, "")))).Id!.Value;
        var fast = await ProgramAsync("Respuesta rápida", ProgramKind.Emergency, 72);
        var slow = await ProgramAsync("Fortalecimiento", ProgramKind.ProtectionAndCapacity, null);
        Assert.Equal(AssignmentResult.Done, await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().AssignAsync(admin.Id, fast, officer.Id, ProgramRole.ProgramOfficer, true)));
        Assert.Equal(AssignmentResult.Done, await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().AssignAsync(admin.Id, slow, reviewer.Id, ProgramRole.Reviewer, true)));

        // This month: 11 emergency requests (relocation), 6 of them approved within 12 to 17 hours and 5 declined after 80
        // to 84 hours (past the clock; with communications costs); 2 capacity requests (legal). Two months ago: 12 capacity
        // requests (physical security). Last year: not counted.
        var now = app.Now();
        // Within this month and before now, whatever the day of the month the suite runs on.
        var monthStart = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var sent = monthStart + ((now - monthStart) / 2);
        await AddRequestsAsync(fast, 6, sent, CostCategories.Relocation, RequestState.Approved, decidedAfterHours: 12, region: "419");
        await AddRequestsAsync(fast, 5, sent, CostCategories.Relocation | CostCategories.Communications, RequestState.Declined, decidedAfterHours: 80, region: "202");
        await AddRequestsAsync(slow, 2, sent, CostCategories.Legal, region: "145");
        await AddRequestsAsync(slow, 12, now.AddMonths(-2), CostCategories.PhysicalSecurity);
        await AddRequestsAsync(slow, 30, now.AddMonths(-14), CostCategories.PhysicalSecurity);
        // Another grantmaker's request is in no one's portfolio here.
        var other = await app.PersonAsync("pfother");
        var otherOrg = await app.OrganizationAsync(other, "Otro fondo " + Guid.NewGuid().ToString("N")[..6]);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == otherOrg).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));

        var mine = (await PortfolioOf(admin, org))!;
        Assert.Equal(["Fortalecimiento", "Respuesta rápida"], mine.Requests.Columns);
        Assert.Equal(GrantPortfolio.Months, mine.Requests.Rows.Count);
        var thisMonth = GrantPortfolio.Months - 1;
        // The 2 capacity requests of this month are hidden, and with them the 11 beside them (else 13 − 11 = 2); then, line
        // by line, the capacity column's 12 (else 14 − 12 = 2), and the totals that would give either back. Zeros stay
        // shown (a hidden zero would tell the 2 beside it). Only the year's 25 is left — last year's 30 not counted in it.
        Assert.Equal((null, null, null), (mine.Requests.Counts[thisMonth, 0], mine.Requests.Counts[thisMonth, 1], mine.Requests.Counts[thisMonth, 2]));
        Assert.Equal((null, 0, null), (mine.Requests.Counts[thisMonth - 2, 0], mine.Requests.Counts[thisMonth - 2, 1], mine.Requests.Counts[thisMonth - 2, 2]));
        Assert.Equal((0, 0, 0), (mine.Requests.Counts[thisMonth - 1, 0], mine.Requests.Counts[thisMonth - 1, 1], mine.Requests.Counts[thisMonth - 1, 2]));
        Assert.Equal(25, mine.Requests.Counts[GrantPortfolio.Months, 2]);
        foreach (var table in new[] { mine.Requests, mine.Grants, mine.ByKind })
            AssertNothingSmallOrRecoverable(table.Counts);
        // Grants made: the 6 approvals this month, shown (no other count in their row or column is small).
        Assert.Equal(6, mine.Grants.Counts[thisMonth, 1]);
        Assert.Equal(["Emergency", "ProtectionAndCapacity"], mine.ByKind.Columns);
        // Each kind is one program here, and both programs' totals are hidden above (the 11 goes with the 2 of its month,
        // then its column's total): so are the kinds', or they would give them away; the year's 25 is shown in both.
        Assert.Equal((null, null, 25), (mine.ByKind.Counts[0, 0], mine.ByKind.Counts[0, 1], mine.ByKind.Counts[0, 2]));
        Assert.Equal((null, null), (mine.Requests.Counts[GrantPortfolio.Months, 0], mine.Requests.Counts[GrantPortfolio.Months, 1]));
        // By cost: relocation 11, communications 5, physical security 12; legal 2 is hidden.
        Assert.Equal(new Dictionary<CostCategories, int?> { [CostCategories.PhysicalSecurity] = 12, [CostCategories.Legal] = null, [CostCategories.Relocation] = 11, [CostCategories.Communications] = 5 },
            mine.ByCategory.ToDictionary(c => c.Category, c => c.Count));
        // By region (one each, or none): Western Asia's 2 hidden, and with it the smallest other (Sub-Saharan Africa's 5),
        // else 25 − 6 − 12 would give 7 and then the 2; the 12 who did not say are a column of their own.
        Assert.Equal(["145", "202", "419", ""], mine.ByRegion.Columns);
        Assert.Equal((null, null, 6, 12, 25), (mine.ByRegion.Counts[0, 0], mine.ByRegion.Counts[0, 1], mine.ByRegion.Counts[0, 2], mine.ByRegion.Counts[0, 3], mine.ByRegion.Counts[0, 4]));
        // The emergency program's decision times against its 72 hours: 11 decided, 6 within (and 5 not: neither is small);
        // the median and the 90th percentile by nearest rank over 12–17 and 80–84 hours.
        var times = Assert.Single(mine.Emergency);
        Assert.Equal((fast, 72, (int?)11, (int?)6), (times.ProgramId, times.ResponseHours, times.Decided, times.WithinClock));
        Assert.Equal(17, times.MedianHours);
        Assert.Equal(83, times.P90Hours);

        // The officer sees their program only; the reviewer, the other grantmaker's admin and a stranger see nothing.
        var theirs = (await PortfolioOf(officer, org))!;
        Assert.Equal(["Respuesta rápida"], theirs.Requests.Columns);
        Assert.Equal(11, theirs.Requests.Counts[thisMonth, 0]);
        foreach (var nobody in new[] { reviewer, other, await app.PersonAsync("pfstranger") })
            Assert.Null(await PortfolioOf(nobody, org));
        Assert.Null(await PortfolioOf(admin, otherOrg));

        // The page and the API: 200 for the admin, with the hidden counts marked; 404 for the reviewer.
        using var adminClient = await app.SignedInAsync(admin);
        var (status, html) = await adminClient.GetAsync(GrantRoutes.Portfolio(org));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<abbr title=", html, StringComparison.Ordinal);
        Assert.Contains("Respuesta rápida", html, StringComparison.Ordinal);
        Assert.Contains(GrantRoutes.Portfolio(org), (await adminClient.GetAsync(GrantRoutes.List)).Html, StringComparison.Ordinal);
        using var reviewerClient = await app.SignedInAsync(reviewer);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewerClient.GetAsync(GrantRoutes.Portfolio(org))).Status);
        Assert.DoesNotContain(GrantRoutes.Portfolio(org), (await reviewerClient.GetAsync(GrantRoutes.List)).Html, StringComparison.Ordinal);
        var token = await app.ApiTokenAsync(admin);
        using (var read = await adminClient.SendAsync(HttpMethod.Get, $"/api/v1/grants/portfolio/{org}", token))
        {
            var json = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
            Assert.Equal(5, (int)json["minCount"]!);
            var row = json["requests"]!["counts"]!.AsArray()[thisMonth]!.AsArray();
            Assert.Equal((null, null, null), ((int?)row[0], (int?)row[1], (int?)row[2]));
            Assert.Equal(25, (int?)json["requests"]!["counts"]!.AsArray()[GrantPortfolio.Months]!.AsArray()[2]);
            Assert.Equal(["emergency", "protectionAndCapacity"], json["byKind"]!["columns"]!.AsArray().Select(c => (string)c!));
        }
        var reviewerToken = await app.ApiTokenAsync(reviewer);
        using (var no = await reviewerClient.SendAsync(HttpMethod.Get, $"/api/v1/grants/portfolio/{org}", reviewerToken))
            Assert.Equal(HttpStatusCode.NotFound, no.StatusCode);
    }

    private static void AssertNothingSmallOrRecoverable(int?[,] counts)
    {
        var (rows, columns) = (counts.GetLength(0), counts.GetLength(1));
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
                if (counts[i, j] is { } n) Assert.False(SmallCells.IsSmall(n), $"{n} shown at ({i},{j})");
        for (var i = 0; i < rows; i++) Assert.NotEqual(1, Enumerable.Range(0, columns).Count(j => counts[i, j] is null));
        for (var j = 0; j < columns; j++) Assert.NotEqual(1, Enumerable.Range(0, rows).Count(i => counts[i, j] is null));
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class PortfolioTestsSqlite(SqliteApp app) : PortfolioTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class PortfolioTestsPostgres(PostgresApp app) : PortfolioTests(app);
