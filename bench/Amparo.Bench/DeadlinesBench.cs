using System.Diagnostics;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Missed deadline → first alert notification written to the outbox, for Amparo, beside Hangfire scheduling the
/// same deadlines (default polling and tuned to 1 s) in the same run. The three run one after another (on 2 cores,
/// side by side they would measure each other), each on the same pattern of deadlines relative to its own start.
/// </summary>
internal static class DeadlinesBench
{
    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var visits = options.Int("visits", 10_000);
        var window = options.Double("window", 150);
        var owners = options.Int("owners", Math.Clamp(visits / 40, 10, 300));
        var drain = TimeSpan.FromSeconds(options.Double("drain", 120));
        var offsets = Offsets(visits, window);
        Console.WriteLine($"deadlines: {visits} visits of {owners} owners, due over {window} s ({offsets.Distinct().Count()} distinct instants)");

        var rows = new List<BenchRow>();
        AmparoResult? amparo = null;
        if (!options.Flag("peer-only"))
        {
            amparo = await AmparoAsync(appDll, offsets, owners, drain);
            Console.WriteLine($"  Amparo: {amparo.LatenessMs.Length} alerts, {amparo.Missing} missing; seeded in {amparo.SeedSeconds:0.0} s, app ready {amparo.ReadyBeforeFirstSeconds:0.0} s before the first deadline, working set {amparo.WorkingSetMb:0} MB");
        }
        Console.WriteLine("  Hangfire, default polling (15 s) …");
        var hfDefault = await HangfirePeer.RunAsync(offsets, TimeSpan.FromSeconds(15), drain);
        Console.WriteLine($"  … {hfDefault.LatenessMs.Length} ran, {hfDefault.NotRun} not run; scheduling took {hfDefault.SchedulingSeconds:0.0} s");
        Console.WriteLine("  Hangfire, polling tuned to 1 s …");
        var hfTuned = await HangfirePeer.RunAsync(offsets, TimeSpan.FromSeconds(1), drain);
        Console.WriteLine($"  … {hfTuned.LatenessMs.Length} ran, {hfTuned.NotRun} not run; scheduling took {hfTuned.SchedulingSeconds:0.0} s");

        foreach (var (name, p, target) in new (string, double, double?)[] { ("p50", 50, 1000), ("p99", 99, 2000), ("max", 100, null) })
        {
            var a = amparo is null ? double.NaN : Percentile(amparo.LatenessMs, p);
            rows.Add(Row($"deadline+grace → outbox, {name}, Amparo (peer: Hangfire default)", a, target, "ms", Percentile(hfDefault.LatenessMs, p), "hangfire-default"));
            rows.Add(Row($"deadline+grace → outbox, {name}, Amparo (peer: Hangfire 1 s)", a, target, "ms", Percentile(hfTuned.LatenessMs, p), "hangfire-1s"));
        }
        rows.Add(Row("alerts missing (Amparo) / jobs not run (peer: Hangfire default)", amparo?.Missing ?? double.NaN, 0, "count", hfDefault.NotRun, "hangfire-default"));
        rows.Add(Row("alerts missing (Amparo) / jobs not run (peer: Hangfire 1 s)", amparo?.Missing ?? double.NaN, 0, "count", hfTuned.NotRun, "hangfire-1s"));
        if (amparo is not null)
        {
            rows.Add(Row("Amparo p99 / Hangfire default p99", Percentile(amparo.LatenessMs, 99) / Percentile(hfDefault.LatenessMs, 99), 0.1, "×"));
            rows.Add(Row("Amparo p99 / Hangfire 1 s p99", Percentile(amparo.LatenessMs, 99) / Percentile(hfTuned.LatenessMs, 99), 1, "×"));
            rows.Add(Row("Amparo working set at the end of the window", amparo.WorkingSetMb, 200, "MB"));
        }
        Print($"Deadline lateness, {visits} active visits due over {window} s, {Environment.ProcessorCount} cores, SQLite", rows);
        await WriteAsync(visits >= 100_000 ? "deadlines-100k" : visits >= 10_000 ? "deadlines-10k" : "deadlines", new { visits, window, owners }, rows);
        return 0;
    }

    /// <summary>
    /// Deadline offsets (seconds from the start of the window): most spread at random, one in ten on one of 20 instants
    /// shared by many visits, as when a group plans the same return time. Seeded, so every run has the same pattern.
    /// </summary>
    public static double[] Offsets(int count, double window)
    {
        var random = new Random(20261130);
        var offsets = new double[count];
        for (var i = 0; i < count; i++)
            offsets[i] = i % 10 == 0 ? Math.Round(window * random.Next(20) / 20.0, 3) : Math.Round(random.NextDouble() * window, 3);
        return offsets;
    }

    internal sealed record AmparoResult(double[] LatenessMs, int Missing, double SeedSeconds, double ReadyBeforeFirstSeconds, double WorkingSetMb);

    private static async Task<AmparoResult> AmparoAsync(string appDll, double[] offsets, int owners, TimeSpan drain)
    {
        await using var smtp = new Tests.Infrastructure.TestSmtpServer { KeepMessages = false };
        var dataDir = Tests.Infrastructure.ChildApp.NewDataDirectory("amparo-deadlines-");
        try
        {
            var sw = Stopwatch.StartNew();
            var seed = await Tests.Infrastructure.CheckInSeed.CreateAsync(dataDir, owners);
            // Visits are written last and fast; the window starts after them plus time for the app to start.
            var t0 = DateTime.UtcNow + TimeSpan.FromSeconds(15 + offsets.Length / 20_000.0 * 5);
            await seed.AddVisitsAsync(offsets.Select(o => t0.AddSeconds(o)).ToArray());
            await seed.DisposeAsync();
            var seedSeconds = sw.Elapsed.TotalSeconds;

            await using var app = await Tests.Infrastructure.ChildApp.StartHealthyAsync(appDll, dataDir, Tests.Infrastructure.CheckInSeed.AppSettings(smtp.Port));
            var ready = (t0 - DateTime.UtcNow).TotalSeconds;
            var last = t0.AddSeconds(offsets.Max());
            double workingSet = 0;
            while (DateTime.UtcNow < last + TimeSpan.FromSeconds(3)) { workingSet = Math.Max(workingSet, app.ResidentMb()); await Task.Delay(500); }
            var until = last + drain;
            while (DateTime.UtcNow < until && await Tests.Infrastructure.CheckInSeed.VisitsWithoutQueuedAlertAsync(dataDir) > 0) await Task.Delay(1000);
            app.Kill();
            var (lateness, missing) = await Tests.Infrastructure.CheckInSeed.AlertLatenessAsync(dataDir);
            return new AmparoResult([.. lateness.Order()], missing, seedSeconds, ready, workingSet);
        }
        finally
        {
            try { Directory.Delete(dataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
