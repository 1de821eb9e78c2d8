using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Amparo.Tests.Incidents;
using Amparo.Tests.Infrastructure;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Incident reports over HTTP (issue 12) on SQLite, from concurrent clients with bearer tokens, in one run of one app:
/// reports created per second without a file, and with a photo each (a 640×480 JPEG carrying EXIF and GPS, cleaned
/// and encrypted on the way in: a second request per report), beside durable check-ins per second on the same app.
/// </summary>
internal static class IncidentsBench
{
    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var seconds = options.Double("seconds", 10);
        var clients = options.Int("clients", 16);
        var owners = options.Int("owners", 200);
        await using var smtp = new TestSmtpServer { KeepMessages = false };
        var dataDir = ChildApp.NewDataDirectory("amparo-incidents-");
        try
        {
            List<(string Token, Guid Visit)> targets;
            await using (var seed = await CheckInSeed.CreateAsync(dataDir, owners))
            {
                var visits = await seed.AddVisitsAsync(seed.Owners.Select(_ => DateTime.UtcNow.AddDays(1)).ToArray(), checkInEveryMinutes: 60);
                targets = seed.Owners.Zip(visits, (o, v) => (o.Token, v)).ToList();
            }
            var photo = EvidenceFiles.JpegWithExif(1024, 768, noisy: true);
            Console.WriteLine($"incidents: {clients} clients, {owners} people with a token, {seconds} s per variant, photo {photo.Length / 1024} KB");
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, CheckInSeed.AppSettings(smtp.Port));
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

            var checkIn = Encoding.UTF8.GetBytes($$"""{"pin":"{{CheckInSeed.Pin}}"}""");
            var report = Encoding.UTF8.GetBytes("""{"occurredOn":"2026-11-12","precision":"day","acts":["threat","surveillance"],"primaryAct":"threat","perpetrator":"unknown","latitude":4.6101,"longitude":-74.0801,"narrative":"Two men on a motorbike followed me from the court to my house, and waited outside for an hour."}""");

            var checkIns = await LoadAsync(targets, clients, seconds, async (target) =>
                await SendAsync(http, HttpMethod.Post, $"api/v1/visits/{target.Visit}/check-ins", target.Token, checkIn, "application/json"));
            var plain = await LoadAsync(targets, clients, seconds, async (target) =>
                await SendAsync(http, HttpMethod.Post, "api/v1/incidents", target.Token, report, "application/json"));
            var withPhoto = await LoadAsync(targets, clients, seconds, async (target) =>
            {
                var (status, body) = await SendAsync(http, HttpMethod.Post, "api/v1/incidents", target.Token, report, "application/json");
                if (status != 201) return (status, body);
                var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
                var (fileStatus, fileBody) = await SendAsync(http, HttpMethod.Post, $"api/v1/incidents/{id}/attachments?fileName=IMG.jpg", target.Token, photo, "image/jpeg");
                return (fileStatus == 201 ? 201 : fileStatus, fileBody);
            });
            var rows = new List<BenchRow>
            {
                Row("reports created per second, no file (peer: durable check-ins per second)", plain.PerSecond, null, "/s", checkIns.PerSecond, "check-ins"),
                Row("reports created per second, each with a photo cleaned and encrypted", withPhoto.PerSecond, null, "/s", checkIns.PerSecond, "check-ins"),
                Row("report latency p99, no file", plain.P99, null, "ms", checkIns.P99, "check-ins"),
                Row("report + photo latency p99", withPhoto.P99, null, "ms", checkIns.P99, "check-ins"),
                Row("responses other than 200/201", plain.Failures + withPhoto.Failures, 0, "count", checkIns.Failures, "check-ins"),
            };
            Print($"Incident reports over HTTP, SQLite synchronous=FULL, {clients} clients, {seconds} s each, {Environment.ProcessorCount} cores", rows);
            await WriteAsync("incidents", new { seconds, clients, owners, photoBytes = photo.Length }, rows);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    private static async Task<(int Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string url, string token, byte[] body, string type)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException) { return (-1, ""); }
        catch (TaskCanceledException) { return (-2, ""); }
    }

    private sealed record Load(double PerSecond, double P99, int Failures);

    private static async Task<Load> LoadAsync(List<(string Token, Guid Visit)> targets, int clients, double seconds, Func<(string Token, Guid Visit), Task<(int Status, string Body)>> work)
    {
        var next = -1;
        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        var measuring = false;
        var stop = false;
        async Task ClientAsync()
        {
            while (!Volatile.Read(ref stop))
            {
                var target = targets[(int)((uint)Interlocked.Increment(ref next) % (uint)targets.Count)];
                var sw = Stopwatch.StartNew();
                var (status, _) = await work(target);
                if (!Volatile.Read(ref measuring)) continue;
                if (status is 200 or 201) latencies.Add(sw.Elapsed.TotalMilliseconds);
                else Interlocked.Increment(ref failures);
            }
        }
        var tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2));   // warm-up: JIT, connections, caches
        Volatile.Write(ref measuring, true);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref measuring, false);
        var elapsed = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);
        var sorted = latencies.Order().ToList();
        return new Load(sorted.Count / elapsed, Percentile(sorted, 99), failures);
    }
}
