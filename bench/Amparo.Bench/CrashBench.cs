using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Amparo.Tests.Infrastructure;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// crash: the app killed with SIGKILL at random moments while escalations are due, restarted, ≥ 200 times; then run
/// until everything due is delivered, and count lost alerts, lost e-mails and duplicates (same Message-ID).
/// outage: the SMTP server closes its listener for N real minutes while alerts are due, then comes back.
/// </summary>
internal static class CrashBench
{
    public static async Task<int> CrashAsync(string appDll, Args options)
    {
        var cycles = options.Int("cycles", 200);
        var owners = options.Int("owners", 40);
        var minMs = options.Int("min-ms", 300);
        var maxMs = options.Int("max-ms", 4000);
        // Deadlines spread over the time the cycles are expected to take, so kills fall while escalations are due.
        // Each cycle: the start (~2.3 s, mostly waited out) plus the random delay.
        var expectedSeconds = cycles * (minMs + maxMs) / 2000.0 + cycles * 2.5;
        var visits = options.Int("visits", Math.Max(200, cycles * 10));

        await using var smtp = new TestSmtpServer { KeepMessages = false };
        var dataDir = ChildApp.NewDataDirectory("amparo-crash-");
        try
        {
            DateTime lastDue;
            await using (var seed = await CheckInSeed.CreateAsync(dataDir, owners))
            {
                var t0 = DateTime.UtcNow.AddSeconds(5);
                var random = new Random(7);
                var due = Enumerable.Range(0, visits).Select(_ => t0.AddSeconds(random.NextDouble() * expectedSeconds * 0.9)).ToArray();
                lastDue = due.Max();
                await seed.AddVisitsAsync(due);
            }
            Console.WriteLine($"crash: {visits} visits of {owners} owners due over {expectedSeconds * 0.9:0} s; {cycles} kill -9 cycles of {minMs}–{maxMs} ms");
            var settings = CheckInSeed.AppSettings(smtp.Port);
            var sw = Stopwatch.StartNew();
            var run = await CrashCycles.RunAsync(appDll, dataDir, settings, cycles, minMs, maxMs, new Random(11), progress: i => { if (i % 20 == 0) Console.WriteLine($"  cycle {i}: {smtp.Received} e-mails so far"); });
            var cyclesSeconds = sw.Elapsed.TotalSeconds;
            var final = await CrashCycles.DrainAsync(appDll, dataDir, settings, smtp, TimeSpan.FromSeconds(options.Double("drain", 600)), lastDue);
            var rows = CrashRows(final, run, cycles);
            Print($"Crash: {cycles} SIGKILL cycles at random moments ({cyclesSeconds:0} s), then run until delivered ({final.DrainSeconds:0} s), SQLite", rows);
            await WriteAsync("crash", new { cycles, visits, owners, minMs, maxMs }, rows);
            return 0;
        }
        finally
        {
            if (options.Flag("keep")) Console.WriteLine($"kept: {dataDir}"); else TryDelete(dataDir);
        }
    }

    internal static List<BenchRow> CrashRows(CheckInSeed.Delivery final, CrashCycles.Result run, int cycles) =>
    [
        Row("kill -9 cycles", cycles, 200, "count"),
        Row("  of which killed before /healthz answered (during start)", run.KilledDuringStart, null, "count"),
        Row("alerts that should exist (visits past deadline + grace)", final.AlertsExpected, null, "count"),
        Row("alerts that exist", final.AlertsExisting, null, "count"),
        Row("alerts lost", final.AlertsExpected - final.AlertsExisting, 0, "count"),
        Row("extra alerts for a visit that already had one", final.ExtraAlerts, 0, "count"),
        Row("e-mail notifications queued (outbox, e-mail channel)", final.EmailsExpected, null, "count"),
        Row("distinct e-mails received (by Message-ID)", final.EmailsDistinct, null, "count"),
        Row("e-mail notifications not received", final.EmailsLost, 0, "count"),
        Row("e-mails received in total", final.EmailsReceived, null, "count"),
        Row("duplicates per 1,000 notifications (same Message-ID)", final.DuplicatesPerThousand, 1, "‰"),
    ];

    public static async Task<int> OutageAsync(string appDll, Args options)
    {
        var minutes = options.Double("minutes", 5);
        var owners = options.Int("owners", 20);
        var visits = options.Int("visits", 200);
        await using var smtp = new TestSmtpServer { KeepMessages = false };
        using var hooks = new WebhookListener();
        var dataDir = ChildApp.NewDataDirectory("amparo-outage-");
        try
        {
            var outageStart = DateTime.UtcNow.AddSeconds(30);
            var outageEnd = outageStart.AddMinutes(minutes);
            await using (var seed = await CheckInSeed.CreateAsync(dataDir, owners, webhookUrl: hooks.Url))
            {
                // Alerts fall due from 10 s into the outage until 30 s before its end.
                var random = new Random(5);
                var span = (outageEnd - outageStart).TotalSeconds - 40;
                await seed.AddVisitsAsync(Enumerable.Range(0, visits).Select(_ => outageStart.AddSeconds(10 + random.NextDouble() * span)).ToArray());
            }
            var settings = CheckInSeed.AppSettings(smtp.Port);
            foreach (var (k, v) in CheckInSeed.OutageSettings()) settings[k] = v;
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, settings);
            Console.WriteLine($"outage: {visits} alerts due during a {minutes} min mail outage; contacts have e-mail then a webhook");
            while (DateTime.UtcNow < outageStart) await Task.Delay(200);
            await smtp.StopListeningAsync();
            Console.WriteLine($"  {DateTime.UtcNow:HH:mm:ss} SMTP listener closed");
            while (DateTime.UtcNow < outageEnd) await Task.Delay(500);
            smtp.StartListening();
            var recovered = DateTime.UtcNow;
            Console.WriteLine($"  {recovered:HH:mm:ss} SMTP listener open again; {hooks.Received.Count} webhook calls during the outage");
            var deadline = recovered + TimeSpan.FromSeconds(options.Double("drain", 600));
            CheckInSeed.Delivery d;
            DateTime? allDelivered = null;
            while (true)
            {
                d = await CheckInSeed.DeliveryAsync(dataDir, smtp);
                if (d.AlertsExpected == d.AlertsExisting && d.EmailsLost == 0 && d.EmailsExpected > 0) { allDelivered = DateTime.UtcNow; break; }
                if (DateTime.UtcNow > deadline) break;
                await Task.Delay(1000);
            }
            var fallback = await CheckInSeed.FallbackAsync(dataDir);
            var firstHook = hooks.Received.IsEmpty ? (DateTime?)null : hooks.Received.Min(h => h.At);
            var rows = new List<BenchRow>
            {
                Row("alerts due during the outage", d.AlertsExpected, null, "count"),
                Row("alerts lost", d.AlertsExpected - d.AlertsExisting, 0, "count"),
                Row("e-mail notifications queued", d.EmailsExpected, null, "count"),
                Row("e-mail notifications delivered after recovery", d.EmailsDistinct, null, "count"),
                Row("delivered", d.EmailsExpected == 0 ? 0 : 100.0 * Math.Min(d.EmailsDistinct, d.EmailsExpected) / d.EmailsExpected, 100, "%"),
                Row("recovery → all e-mail delivered", allDelivered is null ? double.NaN : (allDelivered.Value - recovered).TotalSeconds, null, "s"),
                Row("duplicates per 1,000 notifications", d.DuplicatesPerThousand, 1, "‰"),
                Row("notifications that fell back to the webhook", fallback.FallbackMessages, null, "count"),
                Row("webhook calls received", hooks.Received.Count, null, "count"),
                Row("first fallback, seconds after the outage began", firstHook is null ? double.NaN : (firstHook.Value - outageStart).TotalSeconds, null, "s"),
                Row("alert due → its fallback queued, median", fallback.MedianSecondsToFallback, null, "s"),
            };
            Print($"Mail outage of {minutes} real minutes with alerts due, SQLite", rows);
            await WriteAsync("outage", new { minutes, visits, owners }, rows);
            return 0;
        }
        finally
        {
            TryDelete(dataDir);
        }
    }

    internal static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>An HTTP endpoint for the contacts' second channel (a webhook); answers 200 to every POST and notes when.</summary>
internal sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    public string Url { get; }
    public ConcurrentBag<(DateTime At, string Path)> Received { get; } = [];

    public WebhookListener()
    {
        var port = ChildApp.FreePort();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            Received.Add((DateTime.UtcNow, context.Request.Url?.AbsolutePath ?? ""));
            using (var reader = new StreamReader(context.Request.InputStream)) await reader.ReadToEndAsync();
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
