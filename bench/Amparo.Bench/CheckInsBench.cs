using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Amparo.Tests.Infrastructure;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Durable check-ins per second over HTTP on SQLite (synchronous=FULL; a 200 is sent only after the commit), from
/// concurrent clients with bearer tokens, beside the same endpoint with group commit off (one transaction per
/// request, CheckIns:GroupCommit=false), in the same run on the same database.
/// </summary>
internal static class CheckInsBench
{
    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var seconds = options.Double("seconds", 20);
        var clients = options.Int("clients", 64);
        var owners = options.Int("owners", 1000);
        await using var smtp = new TestSmtpServer { KeepMessages = false };
        var dataDir = ChildApp.NewDataDirectory("amparo-checkins-");
        try
        {
            List<(string Token, Guid Visit)> targets;
            await using (var seed = await CheckInSeed.CreateAsync(dataDir, owners))
            {
                // One visit per owner, due tomorrow with a check-in every hour: a check-in moves the next deadline and keeps the
                // visit open (a check-in on a return-only visit closes it), so nothing falls due during the run.
                var visits = await seed.AddVisitsAsync(seed.Owners.Select(_ => DateTime.UtcNow.AddDays(1)).ToArray(), checkInEveryMinutes: 60);
                targets = seed.Owners.Zip(visits, (o, v) => (o.Token, v)).ToList();
            }
            Console.WriteLine($"checkins: {clients} clients, {owners} people with a token and an active visit, {seconds} s per variant");
            var grouped = await LoadAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port), targets, clients, seconds);
            var settings = CheckInSeed.AppSettings(smtp.Port);
            settings["CheckIns:GroupCommit"] = "false";
            var single = await LoadAsync(appDll, dataDir, settings, targets, clients, seconds);
            var rows = new List<BenchRow>
            {
                Row("durable check-ins per second (peer: one commit per request)", grouped.PerSecond, 1000, "/s", single.PerSecond, "group-commit-off"),
                Row("check-in latency p50", grouped.P50, null, "ms", single.P50, "group-commit-off"),
                Row("check-in latency p99", grouped.P99, 50, "ms", single.P99, "group-commit-off"),
                Row("responses other than 200", grouped.Failures, 0, "count", single.Failures, "group-commit-off"),
                Row("working set under load (VmRSS, max)", grouped.ResidentMb, 200, "MB", single.ResidentMb, "group-commit-off"),
            };
            Print($"Check-ins over HTTP, SQLite synchronous=FULL, {clients} clients, {seconds} s, {Environment.ProcessorCount} cores", rows);
            if (grouped.StatusCounts.Count > 0) Console.WriteLine("  statuses (group commit): " + string.Join(", ", grouped.StatusCounts.Select(kv => $"{kv.Key}×{kv.Value}")));
            if (single.StatusCounts.Count > 0) Console.WriteLine("  statuses (one commit each): " + string.Join(", ", single.StatusCounts.Select(kv => $"{kv.Key}×{kv.Value}")));
            await WriteAsync("checkins", new { seconds, clients, owners }, rows);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    private sealed record Load(double PerSecond, double P50, double P99, int Failures, double ResidentMb, Dictionary<int, int> StatusCounts);

    private static async Task<Load> LoadAsync(string appDll, string dataDir, Dictionary<string, string> settings, List<(string Token, Guid Visit)> targets, int clients, double seconds)
    {
        await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, settings);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var next = -1;
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, int>();
        var body = Encoding.UTF8.GetBytes($$"""{"pin":"{{CheckInSeed.Pin}}"}""");
        var measuring = false;
        var stop = false;

        async Task ClientAsync()
        {
            while (!Volatile.Read(ref stop))
            {
                var (token, visit) = targets[(int)((uint)Interlocked.Increment(ref next) % (uint)targets.Count)];
                using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/visits/{visit}/check-ins") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var sw = Stopwatch.StartNew();
                int status;
                try
                {
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException) { status = -1; }
                catch (TaskCanceledException) { status = -2; }
                if (!Volatile.Read(ref measuring)) continue;
                if (status == 200) latencies.Add(sw.Elapsed.TotalMilliseconds);
                else statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }

        var tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2));   // warm-up: JIT, connections, caches
        Volatile.Write(ref measuring, true);
        var clock = Stopwatch.StartNew();
        double resident = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await Task.Delay(500);
            resident = Math.Max(resident, app.ResidentMb());
        }
        Volatile.Write(ref measuring, false);
        var elapsed = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);
        var sorted = latencies.Order().ToList();
        return new Load(sorted.Count / elapsed, Percentile(sorted, 50), Percentile(sorted, 99), statuses.Values.Sum(), resident, statuses.ToDictionary());
    }
}
