using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// The team side of well-being (issue 11), each figure beside a peer in the same run:
/// (a) the team view of an organization with 100,000 anonymous contribution rows over twelve closed months, p95 of
///     sequential warm requests over loopback (one signed-in admin, no JavaScript), beside the same page of an
///     organization with no rows;
/// (b) the month-close worker over 100,000 contributors' encrypted self-checks (one key each, read cold by a fresh
///     host), beside a plain peer: the same rows read by the same query without decrypting.
/// The app runs as a child process on SQLite; the data is written straight into the tables before it starts.
/// </summary>
internal static partial class WellbeingTeamBench
{
    private const string Passphrase = "bench passphrase for the team";
    private const string Email = "team@bench.invalid";

    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var requests = options.Int("requests", 200);
        var rowsWanted = options.Int("rows", 100_000);
        var checksWanted = options.Int("checks", 100_000);
        var dataDir = ChildApp.NewDataDirectory("amparo-team-");
        string[] hostArgs = [$"--Amparo:DataDirectory={dataDir}", "--Amparo:Argon2MemoryKib=1024", "--Amparo:Argon2Iterations=1"];
        try
        {
            Guid big, empty, closing;
            var month = TeamMonthClose.MonthOf(DateTime.UtcNow).AddMonths(-1);
            await using (var host = CommandHost.Create(hostArgs))
            {
                await host.MigrateAsync();
                await StartupKeys.EnsureAsync(host.Get<IServiceProvider>());
                var created = await host.Get<AccountService>().CreateAsync(Email, "Team admin", Passphrase, serverAdmin: true);
                var admin = created.User ?? throw new InvalidOperationException(string.Join(", ", created.Errors));
                var orgs = host.Get<OrganizationService>();
                big = (await orgs.CreateAsync("Big team", OrganizationKind.CivilSociety, null))!.Id;
                empty = (await orgs.CreateAsync("Empty team", OrganizationKind.CivilSociety, null))!.Id;
                closing = (await orgs.CreateAsync("Closing team", OrganizationKind.CivilSociety, null))!.Id;
                foreach (var org in new[] { big, empty, closing }) await orgs.AddMemberAsync(org, admin.Id, OrgRole.OrgAdmin, null);
                var sw = Stopwatch.StartNew();
                await SeedRowsAsync(host.Db, big, rowsWanted);
                Console.WriteLine($"team: {rowsWanted} contribution rows over 12 months in {sw.Elapsed.TotalSeconds:F0} s");
                sw.Restart();
                await SeedCheckersAsync(host, closing, month, checksWanted);
                Console.WriteLine($"team: {checksWanted} contributors with an encrypted self-check each in {sw.Elapsed.TotalSeconds:F0} s");
            }

            // The worker in a fresh host: no data key is in its cache, as after a restart.
            double plain, close;
            int written;
            await using (var host = CommandHost.Create(hostArgs))
            {
                var db = host.Db;
                var start = month.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                var end = month.AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                var sw = Stopwatch.StartNew();
                var read = await (
                    from c in db.WellbeingSelfChecks.AsNoTracking()
                    join t in db.TeamContributions on c.UserId equals t.UserId
                    join u in db.Users on c.UserId equals u.Id
                    where t.OrganizationId == closing && c.TakenAt >= start && c.TakenAt < end && c.BandsCipher != null
                    select new { c.Id, c.UserId, c.TakenAt, c.BandsCipher, u.DataKeyId }).ToListAsync();
                var latest = read.GroupBy(c => c.UserId).Select(g => g.MaxBy(c => c.TakenAt)!).Count();
                plain = sw.Elapsed.TotalMilliseconds;
                Console.WriteLine($"team: peer read {latest} latest checks without decrypting");
                db.ChangeTracker.Clear();
                sw.Restart();
                if (!await host.Get<TeamMonthCloser>().CloseAsync(closing, month))
                    throw new InvalidOperationException("the month was already closed");
                close = sw.Elapsed.TotalMilliseconds;
                written = await db.TeamMonthBands.CountAsync(b => b.OrganizationId == closing);
            }
            if (written != checksWanted) throw new InvalidOperationException($"closed {written} rows, expected {checksWanted}");

            await using var smtp = new TestSmtpServer { KeepMessages = false };
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port));
            var cookies = new CookieContainer();
            using var handler = new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            await SignInAsync(http);
            var bigPage = await PageAsync(http, $"wellbeing/team/{big}", requests);
            var emptyPage = await PageAsync(http, $"wellbeing/team/{empty}", requests);
            var rows = new List<BenchRow>
            {
                Row($"team view, {rowsWanted:N0} rows over 12 closed months, p95", bigPage.P95, 200, "ms", emptyPage.P95, "no rows"),
                Row($"team view, {rowsWanted:N0} rows over 12 closed months, p50", bigPage.P50, null, "ms", emptyPage.P50, "no rows"),
                Row($"month close, {checksWanted:N0} encrypted self-checks (cold keys)", close / 1000, 60, "s", plain / 1000, "same rows read, not decrypted"),
            };
            Print($"Well-being team: pages over loopback (SQLite, {requests} sequential warm requests), month close in-process, {Environment.ProcessorCount} cores", rows);
            await WriteAsync("wellbeing-team", new { requests, rowsWanted, checksWanted }, rows);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    /// <summary>Anonymous rows as the worker writes them, spread over the last twelve months, each month closed.</summary>
    private static async Task SeedRowsAsync(AmparoDbContext db, Guid org, int count)
    {
        var now = TeamMonthClose.MonthOf(DateTime.UtcNow);
        var bands = Enum.GetValues<WellbeingBand>();
        for (var m = 1; m <= 12; m++) db.TeamMonthsClosed.Add(new TeamMonthClosed { OrganizationId = org, Month = now.AddMonths(-m) });
        for (var i = 0; i < count; i++)
        {
            db.TeamMonthBands.Add(new TeamMonthBands
            {
                Id = Guid.NewGuid(), OrganizationId = org, Month = now.AddMonths(-1 - (i % 12)),
                Satisfaction = bands[i % 3], Burnout = bands[(i / 3) % 3], SecondaryStress = bands[(i / 9) % 3],
            });
            if (i % 5_000 == 4_999) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    /// <summary>Contributors, each an account with their own data key, a membership, the choice, and one self-check encrypted with their key.</summary>
    private static async Task SeedCheckersAsync(CommandHost host, Guid org, DateOnly month, int count)
    {
        var db = host.Db;
        var cipher = host.Get<FieldCipher>();
        var bands = Enum.GetValues<WellbeingBand>();
        var at = month.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            var key = cipher.NewDataKey("user");
            db.DataKeys.Add(key);
            var user = new User
            {
                Id = Guid.NewGuid(), UserName = $"c{i}@bench.invalid", NormalizedUserName = $"C{i}@BENCH.INVALID", Email = $"c{i}@bench.invalid",
                NormalizedEmail = $"C{i}@BENCH.INVALID", DisplayName = $"Contributor {i}", DataKeyId = key.Id, CreatedAt = at,
                SecurityStamp = Guid.NewGuid().ToString("N"),
            };
            db.Users.Add(user);
            db.Memberships.Add(new Membership { OrganizationId = org, UserId = user.Id, Role = OrgRole.Member, JoinedAt = at });
            db.TeamContributions.Add(new TeamContribution { OrganizationId = org, UserId = user.Id });
            var check = new SelfCheck { Id = Guid.NewGuid(), UserId = user.Id, TakenAt = at.AddMinutes(i % 1000) };
            var text = SelfCheckBands.Encode(new Dictionary<WellbeingScale, WellbeingBand>
                { [WellbeingScale.Satisfaction] = bands[i % 3], [WellbeingScale.Burnout] = bands[(i / 3) % 3], [WellbeingScale.SecondaryStress] = bands[(i / 9) % 3] });
            check.BandsCipher = await cipher.EncryptAsync(db, key.Id, text, SelfCheck.Table, nameof(SelfCheck.BandsCipher), check.Id);
            db.WellbeingSelfChecks.Add(check);
            if (i % 2_000 == 1_999) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    private sealed record PageFigures(double P50, double P95);

    private static async Task<PageFigures> PageAsync(HttpClient http, string url, int count)
    {
        var times = new List<double>();
        for (var i = 0; i < count + 10; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            var elapsed = sw.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url}: {(int)response.StatusCode}");
            if (i >= 10) times.Add(elapsed);
        }
        var sorted = times.Order().ToList();
        return new PageFigures(Percentile(sorted, 50), Percentile(sorted, 95));
    }

    private static async Task SignInAsync(HttpClient http)
    {
        var form = await http.GetStringAsync("account/sign-in");
        var token = TokenPattern().Match(form) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no form token on the sign-in page");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Email, ["Password"] = Passphrase, ["__af"] = WebUtility.HtmlDecode(token),
        });
        using var response = await http.PostAsync("account/sign-in", content);
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in: {(int)response.StatusCode}");
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
