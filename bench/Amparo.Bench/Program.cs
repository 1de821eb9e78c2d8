using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

// Amparo benchmarks. Figures are printed as a table and written as JSON; nothing here asserts.
//   dotnet run -c Release --project bench/Amparo.Bench -- startup [--runs N]
// The web app must be built first in the same configuration (dotnet build -c Release src/Amparo.Web).
var command = args.FirstOrDefault() ?? "startup";
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(7);
var config = args.SkipWhile(a => a != "--configuration").Skip(1).FirstOrDefault() ?? "Release";

var root = FindRoot();
var appDll = Path.Combine(root, "src", "Amparo.Web", "bin", config, "net10.0", "amparo.dll");
if (!File.Exists(appDll))
{
    Console.Error.WriteLine($"Build the app first: dotnet build -c {config} src/Amparo.Web  (missing {appDll})");
    return 2;
}

switch (command)
{
    case "startup":
        return await StartupAsync(appDll, runs, root);
    default:
        Console.Error.WriteLine("usage: startup [--runs N] [--configuration Release|Debug]");
        return 2;
}

static async Task<int> StartupAsync(string appDll, int runs, string root)
{
    // Peer, side by side in the same run: the same process start of `dotnet amparo.dll --help`, which loads the
    // runtime and the app's assembly but no host, database or migrations. The difference is Amparo's own start.
    var cold = new List<double>();
    var warm = new List<double>();
    var peer = new List<double>();
    var memory = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "amparo-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (first, ws) = await TimeToFirst200Async(appDll, dataDir);   // empty data dir: creates DB, key, runs migrations
            var (second, _) = await TimeToFirst200Async(appDll, dataDir);   // existing DB: migrations already current
            cold.Add(first);
            warm.Add(second);
            memory.Add(ws);
            peer.Add(TimeProcess("dotnet", $"\"{appDll}\" --help"));
        }
        finally
        {
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }
    var rows = new[]
    {
        Row("start → first 200, empty install (migrations applied), SQLite", Median(cold), 3000, "ms"),
        Row("start → first 200, existing install, SQLite", Median(warm), 3000, "ms"),
        Row("peer: process start of the same binary without the host (`--help`)", Median(peer), null, "ms"),
        Row("ratio empty-install start / peer", Median(cold) / Median(peer), null, "×"),
        Row("working set right after first 200", Median(memory), 200, "MB"),
    };
    Print($"Startup, median of {runs} runs, {Environment.ProcessorCount} cores", rows);
    var json = Path.Combine(root, "bench", "results-startup.json");
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { measuredAt = DateTime.UtcNow, runs, rows }, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"written: {json}");
    return 0;
}

static async Task<(double Ms, double WorkingSetMb)> TimeToFirst200Async(string appDll, string dataDir)
{
    var port = FreePort();
    var psi = new ProcessStartInfo("dotnet", $"\"{appDll}\" --urls http://127.0.0.1:{port} --Amparo:DataDirectory={dataDir}")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        WorkingDirectory = Path.GetDirectoryName(appDll)!,
    };
    psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var sw = Stopwatch.StartNew();
    using var process = Process.Start(psi)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var ms = sw.Elapsed.TotalMilliseconds;
                    process.Refresh();
                    return (ms, process.WorkingSet64 / 1024.0 / 1024.0);
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(10);
        }
        throw new TimeoutException("Amparo did not answer within 60 s");
    }
    finally
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

static double TimeProcess(string exe, string arguments)
{
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(new ProcessStartInfo(exe, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    p.StandardOutput.ReadToEnd();
    p.StandardError.ReadToEnd();
    p.WaitForExit();
    return sw.Elapsed.TotalMilliseconds;
}

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
}

static BenchRow Row(string what, double value, double? target, string unit) => new(what, Math.Round(value, 2), target, unit);

static void Print(string title, BenchRow[] rows)
{
    Console.WriteLine();
    Console.WriteLine(title);
    Console.WriteLine($"{"what",-72} {"value",10} {"target",8} unit");
    foreach (var r in rows)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.What,-72} {r.Value,10} {r.Target?.ToString(CultureInfo.InvariantCulture) ?? "",8} {r.Unit}"));
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Amparo.slnx"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("run inside the repository");
}

internal sealed record BenchRow(string What, double Value, double? Target, string Unit);
