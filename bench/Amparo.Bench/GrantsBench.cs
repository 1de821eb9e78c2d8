using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Security;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Grant requests (issue 14): the program page of a program with 50,000 requests, as its program officer sees it (the
/// first page of 50, those waiting first, and a page deep in the list), p95 of sequential warm requests over loopback,
/// beside the same page of a program with no request. Each request is written as the service writes it: its own data
/// key, its answers encrypted with it; the list opens no key. The app runs as a child process on SQLite. Also the
/// grantmaker's portfolio (issue 15: under 200 ms) over the same 50,000 requests, beside the portfolio of a grantmaker
/// with one empty program.
/// </summary>
internal static class GrantsBench
{
    private const string Passphrase = "bench passphrase for the officer";
    private const string Email = "officer@bench.invalid";

    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var requests = options.Int("requests", 200);
        var rows = options.Int("rows", 50_000);
        var dataDir = ChildApp.NewDataDirectory("amparo-grants-");
        try
        {
            Guid full, empty, fundId, emptyFundId;
            await using (var host = CommandHost.Create([$"--Amparo:DataDirectory={dataDir}", "--Amparo:Argon2MemoryKib=1024", "--Amparo:Argon2Iterations=1"]))
            {
                await host.MigrateAsync();
                await StartupKeys.EnsureAsync(host.Get<IServiceProvider>());
                var created = await host.Get<AccountService>().CreateAsync(Email, "Officer", Passphrase, serverAdmin: true);
                var officer = created.User ?? throw new InvalidOperationException(string.Join(", ", created.Errors));
                var applicant = (await host.Get<AccountService>().CreateAsync("applicant@bench.invalid", "Applicant", Passphrase, serverAdmin: false)).User!;
                var orgs = host.Get<OrganizationService>();
                var fund = (await orgs.CreateAsync("Bench Fund", OrganizationKind.Grantmaker, null))!;
                await orgs.AddMemberAsync(fund.Id, officer.Id, OrgRole.OrgAdmin, null);
                var programs = host.Get<GrantPrograms>();
                ProgramInput Input(string name) => new(name, ProgramKind.Emergency, "Support within three days.", "Defenders at risk.", "USD", 5000m,
                    [CostCategories.Legal, CostCategories.PhysicalSecurity], ["en"], "", ProgramStatus.Rolling, 72);
                full = (await programs.CreateAsync(officer.Id, fund.Id, Input("Full program"))).Id!.Value;
                empty = (await programs.CreateAsync(officer.Id, fund.Id, Input("Empty program"))).Id!.Value;
                await programs.AssignAsync(officer.Id, full, officer.Id, ProgramRole.ProgramOfficer, true);
                await programs.AssignAsync(officer.Id, empty, officer.Id, ProgramRole.ProgramOfficer, true);
                var emptyFund = (await orgs.CreateAsync("Empty Fund", OrganizationKind.Grantmaker, null))!;
                await orgs.AddMemberAsync(emptyFund.Id, officer.Id, OrgRole.OrgAdmin, null);
                await programs.CreateAsync(officer.Id, emptyFund.Id, Input("Nothing yet"));
                (fundId, emptyFundId) = (fund.Id, emptyFund.Id);
                await SeedAsync(host, full, applicant.Id, rows);
                Console.WriteLine($"grants: seeded {rows:N0} requests to one program, none to the other");
            }

            await using var smtp = new TestSmtpServer { KeepMessages = false };
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port));
            var cookies = new CookieContainer();
            using var handler = new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            await PlansBench.SignInAsync(http, Email, Passphrase);

            var first = await PlansBench.PageAsync(http, $"grants/programs/{full}", requests);
            var deep = await PlansBench.PageAsync(http, $"grants/programs/{full}?page={rows / 2 / GrantRequestsApi.RequestPageSize}", requests);
            var none = await PlansBench.PageAsync(http, $"grants/programs/{empty}", requests);
            var portfolio = await PlansBench.PageAsync(http, $"grants/portfolio/{fundId}", requests);
            var noPortfolio = await PlansBench.PageAsync(http, $"grants/portfolio/{emptyFundId}", requests);
            var figures = new List<BenchRow>
            {
                Row($"program page, {rows:N0} requests, first 50, p95", first.P95, 200, "ms", none.P95, "no request"),
                Row($"program page, {rows:N0} requests, first 50, p50", first.P50, null, "ms", none.P50, "no request"),
                Row($"program page, {rows:N0} requests, a page half-way down, p95", deep.P95, 200, "ms", none.P95, "no request"),
                Row("program page weight, 50 requests listed", first.Bytes / 1024.0, 60, "KB", none.Bytes / 1024.0, "no request"),
                Row($"portfolio, {rows:N0} requests, p95", portfolio.P95, 200, "ms", noPortfolio.P95, "one empty program"),
                Row($"portfolio, {rows:N0} requests, p50", portfolio.P50, null, "ms", noPortfolio.P50, "one empty program"),
                Row("portfolio page weight", portfolio.Bytes / 1024.0, 60, "KB", noPortfolio.Bytes / 1024.0, "one empty program"),
            };
            Print($"Grant requests: the program officer's list over loopback (SQLite, {requests} sequential warm requests), {Environment.ProcessorCount} cores", figures);
            await WriteAsync("grants", new { requests, rows }, figures);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    /// <summary>Requests written straight into the tables: each with its own data key and its answers sealed with it; a tenth decided.</summary>
    private static async Task SeedAsync(CommandHost host, Guid program, Guid applicant, int count)
    {
        var db = host.Db;
        var cipher = host.Get<FieldCipher>();
        var start = DateTime.UtcNow.AddDays(-count / 100.0);
        const string answers = """{"Title":"Temporary relocation","Need":"We were followed two nights running.","Contact":"Signal","Lines":[{"Category":256,"Description":"Rent","Amount":1200}]}""";
        for (var i = 0; i < count; i++)
        {
            var key = cipher.NewDataKey(GrantRequest.DataKeyPurpose);
            db.DataKeys.Add(key);
            var submitted = start.AddMinutes(i * 14.4);
            var decided = i % 10 == 0;
            var request = new GrantRequest
            {
                Id = Guid.NewGuid(), ProgramId = program, ApplicantId = applicant, DataKeyId = key.Id, Reference = $"GR-B{i:D7}",
                State = decided ? RequestState.Approved : RequestState.Submitted, CreatedAt = submitted, UpdatedAt = submitted,
                SubmittedAt = submitted, DecidedAt = decided ? submitted.AddHours(20) : null, Closed = decided, Categories = CostCategories.Relocation,
                Region = Regions[i % Regions.Length], // the portfolio's by-region table has something to count (one in six: not said)
            };
            request.AnswersCipher = await cipher.EncryptAsync(db, key.Id, answers, GrantRequest.Table, "Answers", request.Id);
            db.GrantRequests.Add(request);
            if (i % 5000 == 4999)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    private static readonly string?[] Regions = ["419", "202", "145", "035", "034", null];
}
