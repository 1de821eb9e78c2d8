using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Security plans (issue 10), each figure beside a peer in the same run:
/// (a) the plan page of a plan with 200 register entries and 500 actions, p95 of sequential warm requests over loopback
///     (one signed-in browser, no JavaScript), beside the same page for an empty plan;
/// (b) comparing two versions of such a plan in-process: the pure diff, and the service's compare (two versions
///     decrypted and read, then diffed), beside the same for two versions of an empty plan; and one saved change of the
///     big plan (which writes a version holding the whole plan) beside one of the empty plan;
/// (c) the plan page's weight (headers and body, uncompressed, as QUALITY.md counts it) for a typical plan
///     (20 entries, 40 actions), and for the big plan as it is shown folded.
/// The app runs as a child process on SQLite; the data is written with the app's own cipher before it starts.
/// </summary>
internal static partial class PlansBench
{
    private const string Passphrase = "bench passphrase for the planner";

    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var requests = options.Int("requests", 200);
        var runs = options.Int("runs", 50);
        var dataDir = ChildApp.NewDataDirectory("amparo-plans-");
        try
        {
            Guid big, typical, empty;
            List<BenchRow> inProcess;
            await using (var host = CommandHost.Create([$"--Amparo:DataDirectory={dataDir}", "--Amparo:Argon2MemoryKib=1024", "--Amparo:Argon2Iterations=1"]))
            {
                await host.MigrateAsync();
                await StartupKeys.EnsureAsync(host.Get<IServiceProvider>());
                var created = await host.Get<AccountService>().CreateAsync("planner@bench.invalid", "Planner", Passphrase, serverAdmin: true);
                var user = created.User ?? throw new InvalidOperationException(string.Join(", ", created.Errors));
                big = await SeedAsync(host, user, "Big plan", 200, 500);
                typical = await SeedAsync(host, user, "Typical plan", 20, 40);
                empty = await SeedAsync(host, user, "Empty plan", 0, 0);
                Console.WriteLine("plans: seeded a plan of 200 entries and 500 actions, one of 20 and 40, and an empty one");
                inProcess = await VersionsAsync(host, user.Id, big, empty, runs);
            }

            await using var smtp = new TestSmtpServer { KeepMessages = false };
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port));
            var cookies = new CookieContainer();
            using var handler = new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            await SignInAsync(http);

            var bigPage = await PageAsync(http, $"plans/{big}", requests);
            var emptyPage = await PageAsync(http, $"plans/{empty}", requests);
            var allPage = await PageAsync(http, $"plans/{big}?all=actions", Math.Max(20, requests / 4));
            var typicalPage = await PageAsync(http, $"plans/{typical}", 5);
            var rows = new List<BenchRow>
            {
                Row("plan page, 200 entries + 500 actions (folded), p95", bigPage.P95, 100, "ms", emptyPage.P95, "empty plan"),
                Row("plan page, 200 entries + 500 actions (folded), p50", bigPage.P50, null, "ms", emptyPage.P50, "empty plan"),
                Row("plan page, 200 entries + 500 actions, all actions shown, p95", allPage.P95, null, "ms", emptyPage.P95, "empty plan"),
            };
            rows.AddRange(inProcess);
            rows.Add(Row("plan page weight, typical plan (20 entries, 40 actions)", typicalPage.Bytes / 1024.0, 60, "KB", emptyPage.Bytes / 1024.0, "empty plan"));
            rows.Add(Row("plan page weight, 200 entries + 500 actions (folded)", bigPage.Bytes / 1024.0, 60, "KB", emptyPage.Bytes / 1024.0, "empty plan"));
            rows.Add(Row("plan page weight, 200 entries + 500 actions, all actions shown", allPage.Bytes / 1024.0, null, "KB", emptyPage.Bytes / 1024.0, "empty plan"));
            Print($"Security plans: pages over loopback (SQLite, {requests} sequential warm requests), versions in-process ({runs} runs), {Environment.ProcessorCount} cores", rows);
            await WriteAsync("plans", new { requests, runs }, rows);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    /// <summary>A person's plan written straight into the tables, every text encrypted with their key as the service does.</summary>
    private static async Task<Guid> SeedAsync(CommandHost host, User user, string title, int entries, int actions)
    {
        var db = host.Db;
        var cipher = host.Get<FieldCipher>();
        var key = user.DataKeyId;
        var now = DateTime.UtcNow;
        Task<byte[]?> Seal(string text, string table, string column, Guid row) => cipher.EncryptAsync(db, key, text, table, column, row);
        var plan = new SecurityPlan
        {
            Id = Guid.NewGuid(), OwnerUserId = user.Id, TitleIsSensitive = false, PlainTitle = title,
            CreatedAt = now, UpdatedAt = now, NextReviewAt = now.AddMonths(3), ReviewReason = ReviewReason.Scheduled,
        };
        plan.ContextCipher = await Seal("We document land evictions in three valleys and publish what we find.", SecurityPlan.Table, nameof(SecurityPlan.ContextCipher), plan.Id);
        plan.WellBeingCipher = await Seal("Sundays off; a weekly call with a counsellor.", SecurityPlan.Table, nameof(SecurityPlan.WellBeingCipher), plan.Id);
        db.SecurityPlans.Add(plan);
        var entryIds = new List<Guid>();
        var levels = Enum.GetValues<PlanLevel>();
        for (var i = 0; i < entries; i++)
        {
            var e = new RiskEntry
            {
                Id = Guid.NewGuid(), PlanId = plan.Id, Position = i, IsDirectThreat = i % 17 == 0,
                Domains = SecurityDomains.Physical | (i % 2 == 0 ? SecurityDomains.Digital : SecurityDomains.Legal),
                ThreatLevel = levels[i % 4], VulnerabilityLevel = levels[(i / 4) % 4], CapacityLevel = levels[(i / 16) % 4], Likelihood = levels[i % 3],
            };
            e.ThreatCipher = await Seal($"Threat {i}: followed after the hearing in the valley court", RiskEntry.Table, nameof(RiskEntry.ThreatCipher), e.Id);
            e.ByWhomCipher = await Seal("Guards of a private security firm", RiskEntry.Table, nameof(RiskEntry.ByWhomCipher), e.Id);
            e.VulnerabilitiesCipher = await Seal("I walk home alone after dark", RiskEntry.Table, nameof(RiskEntry.VulnerabilitiesCipher), e.Id);
            e.CapacitiesCipher = await Seal("Neighbours who watch the street", RiskEntry.Table, nameof(RiskEntry.CapacitiesCipher), e.Id);
            db.RiskEntries.Add(e);
            entryIds.Add(e.Id);
        }
        for (var i = 0; i < actions; i++)
        {
            var a = new PlanAction
            {
                Id = Guid.NewGuid(), PlanId = plan.Id, Position = i, OwnerUserId = i % 2 == 0 ? user.Id : null,
                DueAt = now.AddDays(i % 60 - 10), Status = (PlanActionStatus)(i % 4), EstimatedCost = i % 3 == 0 ? 120 + i : null,
                Currency = i % 3 == 0 ? "USD" : null, Domains = SecurityDomains.Physical,
            };
            a.WhatCipher = await Seal($"Action {i}: walk home with a colleague after hearings", PlanAction.Table, nameof(PlanAction.WhatCipher), a.Id);
            db.PlanActions.Add(a);
            if (entryIds.Count > 0) db.PlanActionEntries.Add(new PlanActionEntry { ActionId = a.Id, EntryId = entryIds[i % entryIds.Count] });
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return plan.Id;
    }

    /// <summary>Saved changes (each writes a version) and comparisons of versions, big plan beside empty plan.</summary>
    private static async Task<List<BenchRow>> VersionsAsync(CommandHost host, Guid me, Guid big, Guid empty, int runs)
    {
        async Task<List<double>> EditsAsync(Guid planId, int count)
        {
            var times = new List<double>();
            for (var i = 0; i < count; i++)
            {
                using var scope = host.Get<IServiceScopeFactory>().CreateScope();
                var plans = scope.ServiceProvider.GetRequiredService<PlanService>();
                var sw = Stopwatch.StartNew();
                var result = await plans.MarkReviewedAsync(me, planId, null);
                times.Add(sw.Elapsed.TotalMilliseconds);
                if (result.Status != PlanWriteStatus.Done) throw new InvalidOperationException("edit: " + result.Status);
            }
            return times;
        }
        // Versions to compare: the first saved change of each plan, then 20 later ones (the warm-up of the edit figure).
        var edits = Math.Max(10, runs / 2);
        await EditsAsync(big, 1);
        await EditsAsync(empty, 1);
        // The later version of the big plan differs: 20 entries with a capacity raised.
        using (var scope = host.Get<IServiceScopeFactory>().CreateScope())
        {
            var plans = scope.ServiceProvider.GetRequiredService<PlanService>();
            var view = (await plans.GetAsync(me, big))!;
            foreach (var e in view.Entries.Take(20))
                await plans.UpdateEntryAsync(me, big, e.Id, new EntryInput(e.Threat, e.ByWhom, e.Indicators, e.IsDirectThreat, e.Domains,
                    e.ThreatLevel, e.VulnerabilityLevel, PlanLevel.Four, e.Vulnerabilities, e.Capacities, e.Likelihood, e.Impact));
        }
        var bigEdit = await EditsAsync(big, edits);
        var emptyEdit = await EditsAsync(empty, edits);

        async Task<(List<double> Service, List<double> Pure, int Changed)> CompareAsync(Guid planId)
        {
            using var scope = host.Get<IServiceScopeFactory>().CreateScope();
            var plans = scope.ServiceProvider.GetRequiredService<PlanService>();
            var list = (await plans.VersionsAsync(me, planId))!;
            var (from, to) = (list[^1].Number, list[0].Number);
            var service = new List<double>();
            PlanVersionComparison? last = null;
            for (var i = 0; i < runs + 5; i++)
            {
                var sw = Stopwatch.StartNew();
                last = await plans.CompareAsync(me, planId, from, to);
                if (i >= 5) service.Add(sw.Elapsed.TotalMilliseconds);
            }
            var (a, b) = (last!.From.Content!, last.To.Content!);
            var pure = new List<double>();
            for (var i = 0; i < runs + 5; i++)
            {
                var sw = Stopwatch.StartNew();
                PlanDiff.Compare(a, b);
                if (i >= 5) pure.Add(sw.Elapsed.TotalMilliseconds);
            }
            return (service, pure, last.Changes.Entries.Count(DiffState.Changed));
        }
        var bigCompare = await CompareAsync(big);
        var emptyCompare = await CompareAsync(empty);
        Console.WriteLine($"plans: the big plan's two versions differ in {bigCompare.Changed} entries");
        static double P95(List<double> v) => Percentile(v.Order().ToList(), 95);
        async Task<double> VersionKbAsync(Guid planId) =>
            (await host.Db.PlanVersions.AsNoTracking().Where(v => v.PlanId == planId).OrderByDescending(v => v.Number).Select(v => v.ContentCipher!.Length).FirstAsync()) / 1024.0;
        return
        [
            Row("version diff, 200 entries + 500 actions (PlanDiff, pure), p95", P95(bigCompare.Pure), 200, "ms", P95(emptyCompare.Pure), "empty plan"),
            Row("version compare, 200 + 500 (decrypt 2 versions + diff), p95", P95(bigCompare.Service), 200, "ms", P95(emptyCompare.Service), "empty plan"),
            Row("one saved change incl. its version, 200 + 500, p95", P95(bigEdit), null, "ms", P95(emptyEdit), "empty plan"),
            Row("one version as stored (encrypted), 200 + 500", await VersionKbAsync(big), null, "KB", await VersionKbAsync(empty), "empty plan"),
        ];
    }

    internal sealed record PageFigures(double P50, double P95, long Bytes);

    /// <summary>Sequential GETs after 10 unmeasured ones; the weight is the last answer's status line, headers and body.</summary>
    internal static async Task<PageFigures> PageAsync(HttpClient http, string url, int count)
    {
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < count + 10; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsByteArrayAsync();
            var elapsed = sw.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url}: {(int)response.StatusCode}");
            if (i >= 10) times.Add(elapsed);
            bytes = body.Length + $"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n".Length + 2
                + response.Headers.Concat(response.Content.Headers).Sum(h => h.Key.Length + 2 + string.Join(", ", h.Value).Length + 2);
        }
        var sorted = times.Order().ToList();
        return new PageFigures(Percentile(sorted, 50), Percentile(sorted, 95), bytes);
    }

    private static Task SignInAsync(HttpClient http) => SignInAsync(http, "planner@bench.invalid", Passphrase);

    /// <summary>Signs in through the sign-in page, as a browser without JavaScript does; the client keeps the cookie.</summary>
    internal static async Task SignInAsync(HttpClient http, string email, string passphrase)
    {
        var form = await http.GetStringAsync("account/sign-in");
        var token = TokenPattern().Match(form) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no form token on the sign-in page");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = passphrase, ["__af"] = WebUtility.HtmlDecode(token),
        });
        using var response = await http.PostAsync("account/sign-in", content);
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in: {(int)response.StatusCode}");
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
