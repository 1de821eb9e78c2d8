using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Grants;

/// <summary>A table as published: row and column labels, then the counts with the totals as the last row and column (null: hidden).</summary>
public sealed record PortfolioTable(IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, int?[,] Counts);

/// <summary>
/// An emergency program's time from submission to decision over the period: how many were decided (null: 1 to 4), the
/// median and the 90th percentile in hours (null over fewer than five), how many within the program's clock.
/// </summary>
public sealed record DecisionTimes(Guid ProgramId, string Program, int ResponseHours, int? Decided, double? MedianHours, double? P90Hours, int? WithinClock);

/// <summary>
/// A grantmaker's portfolio over the last twelve months (issue 15): requests received and grants made by month and
/// program, requests by kind of program and by cost category, and the emergency programs' decision times against their
/// clock. Counts only, from plain columns — no request is opened, no name or word read; small counts are hidden
/// (<see cref="SmallCells"/>).
/// </summary>
public sealed record Portfolio(Guid OrganizationId, string Grantmaker, DateOnly From, DateOnly To, PortfolioTable Requests, PortfolioTable Grants,
    PortfolioTable ByKind, IReadOnlyList<(CostCategories Category, int? Count)> ByCategory, IReadOnlyList<DecisionTimes> Emergency, PortfolioTable ByRegion);

/// <summary>
/// Who sees a grantmaker's portfolio: its admins (every program) and the program officers of its programs (theirs);
/// anyone else, nothing (null: 404). Decided here, once, for the page and the API.
/// </summary>
public sealed class GrantPortfolio(AmparoDbContext db, TimeProvider clock)
{
    /// <summary>The months the portfolio covers, this one included.</summary>
    public const int Months = 12;

    /// <summary>The states of a grant made: approved, and everything after.</summary>
    private static readonly RequestState[] Granted =
        [RequestState.Approved, RequestState.Disbursed, RequestState.ReportDue, RequestState.ReportReceived, RequestState.Closed];

    public async Task<Portfolio?> GetAsync(Guid viewer, Guid organizationId, Func<DateOnly, string> monthName, Func<ProgramKind, string> kindName, CancellationToken ct = default)
    {
        var grantmaker = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId && o.Kind == OrganizationKind.Grantmaker)
            .Select(o => o.Name).SingleOrDefaultAsync(ct);
        if (grantmaker is null) return null;
        var admin = await Grantmakers.AdministeredBy(db, viewer).AnyAsync(o => o.Id == organizationId, ct);
        var officerOf = ProgramStaff.CurrentAssignments(db, viewer).Where(a => a.Role == ProgramRole.ProgramOfficer).Select(a => a.ProgramId);
        var programs = await db.GrantPrograms.AsNoTracking()
            .Where(p => p.OrganizationId == organizationId && (admin || officerOf.Contains(p.Id)))
            .OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Name, p.Kind, p.ResponseHours }).ToListAsync(ct);
        if (!admin && programs.Count == 0) return null;

        var now = clock.GetUtcNow().UtcDateTime;
        var first = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-(Months - 1));
        var months = Enumerable.Range(0, Months).Select(m => DateOnly.FromDateTime(first.AddMonths(m))).ToList();
        var ids = programs.Select(p => p.Id).ToList();
        var column = programs.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i);
        int Row(int year, int month) => ((year - first.Year) * 12) + month - first.Month;

        // One pass over the program's requests sent or decided in the period, five plain columns each (an index holds
        // them all, so no row is read): received by the month of the first sending, made by the month of the decision.
        var rows = await db.GrantRequests.AsNoTracking()
            .Where(r => ids.Contains(r.ProgramId) && (r.SubmittedAt >= first || r.DecidedAt >= first))
            .Select(r => new { r.ProgramId, r.SubmittedAt, r.DecidedAt, r.State, r.Categories })
            .ToListAsync(ct);
        var received = rows.Where(r => r.SubmittedAt >= first).ToList();

        // A date past this month (clocks of two servers, a restore) is in no row.
        var requests = new int[Months, programs.Count];
        foreach (var r in received)
            if (Row(r.SubmittedAt!.Value.Year, r.SubmittedAt.Value.Month) is var row and < Months) requests[row, column[r.ProgramId]]++;
        var grants = new int[Months, programs.Count];
        foreach (var r in rows.Where(r => r.DecidedAt >= first && Granted.Contains(r.State)))
            if (Row(r.DecidedAt!.Value.Year, r.DecidedAt.Value.Month) is var row and < Months) grants[row, column[r.ProgramId]]++;
        var publishedRequests = SmallCells.Publish(requests);
        var monthLabels = months.Select(monthName).ToList();
        var programLabels = programs.Select(p => p.Name).ToList();

        // A kind's count is the sum of its programs' totals in the table above: where one of those is hidden, so is the
        // kind's (else a kind with a shown program and a hidden one would give the hidden one away), and so is the whole
        // when the table above hides its grand total.
        var kinds = Enum.GetValues<ProgramKind>().Where(k => programs.Any(p => p.Kind == k)).ToList();
        var byKind = new int[1, kinds.Count];
        var kindHidden = new bool[2, kinds.Count + 1];
        for (var j = 0; j < programs.Count; j++)
        {
            var k = kinds.IndexOf(programs[j].Kind);
            for (var i = 0; i < Months; i++) byKind[0, k] += requests[i, j];
            kindHidden[0, k] |= publishedRequests[Months, j] is null;
        }
        kindHidden[0, kinds.Count] = publishedRequests[Months, programs.Count] is null;

        // A request may ask for several kinds of cost, so these counts do not add up to a total: each is hidden alone when small.
        var byCategory = Flags.Each(Enum.GetValues<CostCategories>().Aggregate(CostCategories.None, (all, c) => all | c))
            .Select(c => (Category: c, Count: received.Count(r => r.Categories.HasFlag(c))))
            .Where(x => x.Count > 0)
            .Select(x => (x.Category, SmallCells.IsSmall(x.Count) ? (int?)null : x.Count)).ToList();

        // Each request has one coarse region or none ("" — the applicant did not say): these add up to the total, so
        // they are hidden with complementary suppression, as a table's row.
        // Counted by the database over the same index (a few groups, not a string per request).
        var regionCounts = (await db.GrantRequests.AsNoTracking().Where(r => ids.Contains(r.ProgramId) && r.SubmittedAt >= first)
                .GroupBy(r => r.Region).Select(g => new { Region = g.Key, Count = g.Count() }).ToListAsync(ct))
            .OrderBy(g => g.Region is null).ThenBy(g => g.Region, StringComparer.Ordinal).ToList();
        var regions = regionCounts.Select(g => g.Region ?? "").ToList();
        var byRegion = new int[1, regions.Count];
        for (var i = 0; i < regionCounts.Count; i++) byRegion[0, i] = regionCounts[i].Count;

        var emergency = new List<DecisionTimes>();
        foreach (var p in programs.Where(p => p.Kind == ProgramKind.Emergency && p.ResponseHours is not null))
        {
            var hours = received.Where(r => r.ProgramId == p.Id && r.DecidedAt is not null).Select(r => (r.DecidedAt!.Value - r.SubmittedAt!.Value).TotalHours).ToList();
            var within = hours.Count(h => h <= p.ResponseHours!.Value);
            emergency.Add(new DecisionTimes(p.Id, p.Name, p.ResponseHours!.Value, SmallCells.IsSmall(hours.Count) ? null : hours.Count,
                SmallCells.Percentile(hours, 50), SmallCells.Percentile(hours, 90),
                hours.Count < SmallCells.MinCount || SmallCells.IsSmall(within) || SmallCells.IsSmall(hours.Count - within) ? null : within));
        }

        return new Portfolio(organizationId, grantmaker, months[0], DateOnly.FromDateTime(now), new PortfolioTable(monthLabels, programLabels, publishedRequests),
            new PortfolioTable(monthLabels, programLabels, SmallCells.Publish(grants)), new PortfolioTable([""], kinds.Select(kindName).ToList(), SmallCells.Publish(byKind, kindHidden)),
            byCategory, emergency, new PortfolioTable([""], regions, SmallCells.Publish(byRegion)));
    }

    /// <summary>The grantmakers whose portfolio the viewer may open (admin of it, or officer of one of its programs).</summary>
    public async Task<List<(Guid Id, string Name)>> OpenToAsync(Guid viewer, CancellationToken ct = default)
    {
        var officerOf = ProgramStaff.CurrentAssignments(db, viewer).Where(a => a.Role == ProgramRole.ProgramOfficer)
            .Join(db.GrantPrograms, a => a.ProgramId, p => p.Id, (a, p) => p.OrganizationId);
        return (await db.Organizations.AsNoTracking()
            .Where(o => o.Kind == OrganizationKind.Grantmaker && (Grantmakers.AdministeredBy(db, viewer).Any(a => a.Id == o.Id) || officerOf.Contains(o.Id)))
            .OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct)).Select(o => (o.Id, o.Name)).ToList();
    }
}
