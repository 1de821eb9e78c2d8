using System.Diagnostics;
using System.Text.Json;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Missed deadline → first alert notification written to the outbox, for Amparo, beside Hangfire scheduling the
/// same deadlines (default polling and tuned to 1 s) in the same run. The three run one after another (on 2 cores,
/// side by side they would measure each other), each on the same pattern of deadlines relative to its own start,
/// and each in a child process of its own (<c>deadlines-part</c>): a peer's native SQLite once died with SIGSEGV and
/// took the whole measurement with it. A part that fails is reported as failed, the others still count, and the
/// bench exits 1.
/// </summary>
internal static class DeadlinesBench
{
    private const string ResultMarker = "DEADLINES-PART-RESULT ";
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>One part's figures, whichever it was; what the child prints on its last line.</summary>
    internal sealed record PartResult(double[] LatenessMs, int Missing, double SeedSeconds, double ReadyBeforeFirstSeconds, double WorkingSetMb, double SchedulingSeconds);

    private static readonly string[] Parts = ["amparo", "hangfire-default", "hangfire-1s"];

    public static async Task<int> RunAsync(string appDll, Args options, string[] args)
    {
        var visits = options.Int("visits", 10_000);
        var window = options.Double("window", 150);
        var owners = options.Int("owners", Math.Clamp(visits / 40, 10, 300));
        var offsets = Offsets(visits, window);
        Console.WriteLine($"deadlines: {visits} visits of {owners} owners, due over {window} s ({offsets.Distinct().Count()} distinct instants), each part in its own process");

        var results = new Dictionary<string, PartResult?>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var part in options.Flag("peer-only") ? Parts.Skip(1) : Parts)
        {
            var (result, failure) = await RunPartAsync(part, appDll, args);
            results[part] = result;
            if (failure is not null) failures.Add($"{part}: {failure}");
        }
        var amparo = results.GetValueOrDefault("amparo");
        var hfDefault = results.GetValueOrDefault("hangfire-default");
        var hfTuned = results.GetValueOrDefault("hangfire-1s");

        var rows = new List<BenchRow>();
        foreach (var (name, p, target) in new (string, double, double?)[] { ("p50", 50, 1000), ("p99", 99, 2000), ("max", 100, null) })
        {
            var a = P(amparo, p);
            rows.Add(Row($"deadline+grace → outbox, {name}, Amparo (peer: Hangfire default)", a, target, "ms", P(hfDefault, p), "hangfire-default"));
            rows.Add(Row($"deadline+grace → outbox, {name}, Amparo (peer: Hangfire 1 s)", a, target, "ms", P(hfTuned, p), "hangfire-1s"));
        }
        rows.Add(Row("alerts missing (Amparo) / jobs not run (peer: Hangfire default)", amparo?.Missing ?? double.NaN, 0, "count", hfDefault?.Missing ?? double.NaN, "hangfire-default"));
        rows.Add(Row("alerts missing (Amparo) / jobs not run (peer: Hangfire 1 s)", amparo?.Missing ?? double.NaN, 0, "count", hfTuned?.Missing ?? double.NaN, "hangfire-1s"));
        if (amparo is not null)
        {
            rows.Add(Row("Amparo p99 / Hangfire default p99", P(amparo, 99) / P(hfDefault, 99), 0.1, "×"));
            rows.Add(Row("Amparo p99 / Hangfire 1 s p99", P(amparo, 99) / P(hfTuned, 99), 1, "×"));
            rows.Add(Row("Amparo working set at the end of the window", amparo.WorkingSetMb, 200, "MB"));
        }
        Print($"Deadline lateness, {visits} active visits due over {window} s, {Environment.ProcessorCount} cores, SQLite", rows);
        await WriteAsync(visits >= 100_000 ? "deadlines-100k" : visits >= 10_000 ? "deadlines-10k" : "deadlines", new { visits, window, owners }, rows,
            failures.Count == 0 ? null : new { failedParts = failures });
        if (failures.Count == 0) return 0;
        Console.Error.WriteLine("deadlines: part(s) failed, their figures are NaN: " + string.Join("; ", failures));
        return 1;

        static double P(PartResult? r, double p) => r is null ? double.NaN : Percentile(r.LatenessMs, p);
    }

    /// <summary>Runs <c>deadlines-part --part NAME</c> with the same arguments in a child process; its progress is passed through.</summary>
    private static async Task<(PartResult? Result, string? Failure)> RunPartAsync(string part, string appDll, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(DeadlinesBench).Assembly.Location);
        psi.ArgumentList.Add("deadlines-part");
        foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--part");
        psi.ArgumentList.Add(part);
        psi.ArgumentList.Add("--app");
        psi.ArgumentList.Add(appDll);
        using var process = Process.Start(psi)!;
        PartResult? result = null;
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line.StartsWith(ResultMarker, StringComparison.Ordinal)) result = JsonSerializer.Deserialize<PartResult>(line[ResultMarker.Length..], Json);
            else Console.WriteLine(line);
        }
        await process.WaitForExitAsync();
        var code = process.ExitCode;
        if (code == 0 && result is not null) return (result, null);
        // On Linux a process killed by a signal reports 128 + the signal (139: SIGSEGV).
        var why = code > 128 ? $"exit code {code} (killed by signal {code - 128})" : code != 0 ? $"exit code {code}" : "no result printed";
        Console.WriteLine($"  {part}: FAILED, {why}");
        return (null, why);
    }

    /// <summary>The child side: one part, its progress on stdout, and its figures as one JSON line at the end.</summary>
    public static async Task<int> RunPartAsync(string appDll, Args options)
    {
        var visits = options.Int("visits", 10_000);
        var window = options.Double("window", 150);
        var owners = options.Int("owners", Math.Clamp(visits / 40, 10, 300));
        var drain = TimeSpan.FromSeconds(options.Double("drain", 120));
        var offsets = Offsets(visits, window);
        PartResult result;
        switch (options.Get("part"))
        {
            case "amparo":
                var amparo = await AmparoAsync(appDll, offsets, owners, drain);
                Console.WriteLine($"  Amparo: {amparo.LatenessMs.Length} alerts, {amparo.Missing} missing; seeded in {amparo.SeedSeconds:0.0} s, app ready {amparo.ReadyBeforeFirstSeconds:0.0} s before the first deadline, working set {amparo.WorkingSetMb:0} MB");
                result = new PartResult(amparo.LatenessMs, amparo.Missing, amparo.SeedSeconds, amparo.ReadyBeforeFirstSeconds, amparo.WorkingSetMb, double.NaN);
                break;
            case "hangfire-default" or "hangfire-1s" when options.Get("part") is { } name:
                var tuned = name == "hangfire-1s";
                Console.WriteLine(tuned ? "  Hangfire, polling tuned to 1 s …" : "  Hangfire, default polling (15 s) …");
                var hf = await HangfirePeer.RunAsync(offsets, TimeSpan.FromSeconds(tuned ? 1 : 15), drain);
                Console.WriteLine($"  … {hf.LatenessMs.Length} ran, {hf.NotRun} not run; scheduling took {hf.SchedulingSeconds:0.0} s");
                result = new PartResult(hf.LatenessMs, hf.NotRun, double.NaN, hf.LeadSeconds, double.NaN, hf.SchedulingSeconds);
                break;
            default:
                Console.Error.WriteLine("deadlines-part: --part amparo|hangfire-default|hangfire-1s");
                return 2;
        }
        Console.WriteLine(ResultMarker + JsonSerializer.Serialize(result, Json));
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
