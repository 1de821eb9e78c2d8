using System.Diagnostics;
using System.Net;
using Amparo.Bench;
using Amparo.Tests.Infrastructure;
using static Amparo.Bench.Report;

// Amparo benchmarks. Figures are printed as a table (each beside a peer measured in the same run) and written as
// JSON to bench/results-<name>.json; nothing here asserts. Build the app first in the same configuration:
//   dotnet build -c Release src/Amparo.Web
//   dotnet run -c Release --project bench/Amparo.Bench -- startup [--runs N]
//   dotnet run -c Release --project bench/Amparo.Bench -- deadlines --visits 10000 [--window 150] [--owners 300] [--peer-only]
//     (each part — Amparo, Hangfire default, Hangfire 1 s — runs in a child process of its own; exit 1 if one fails)
//   dotnet run -c Release --project bench/Amparo.Bench -- crash --cycles 200
//   dotnet run -c Release --project bench/Amparo.Bench -- outage --minutes 5
//   dotnet run -c Release --project bench/Amparo.Bench -- checkins --seconds 20 [--clients 64]
//   dotnet run -c Release --project bench/Amparo.Bench -- plans [--requests 200] [--runs 50]
//   dotnet run -c Release --project bench/Amparo.Bench -- wellbeing-team [--requests 200] [--rows 100000] [--checks 100000]
//   dotnet run -c Release --project bench/Amparo.Bench -- incidents [--seconds 10] [--clients 16]
//   dotnet run -c Release --project bench/Amparo.Bench -- hot-zones [--sizes 10000,100000,1000000]
//   dotnet run -c Release --project bench/Amparo.Bench -- directory [--requests 200] [--services 10000]
//   dotnet run -c Release --project bench/Amparo.Bench -- dialogues [--requests 200] [--posts 2000]
//   dotnet run -c Release --project bench/Amparo.Bench -- learning [--requests 200] [--lessons 1000]
//   dotnet run -c Release --project bench/Amparo.Bench -- packs [--lessons 50] [--runs 5]
// Any command takes --app PATH/amparo.dll to measure another build of the app, e.g. one published ReadyToRun:
//   dotnet publish src/Amparo.Web -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /tmp/amparo-r2r
var command = args.FirstOrDefault() ?? "startup";
var options = new Args(args);
var config = options.Get("configuration") ?? "Release";

string appDll;
try { appDll = options.Get("app") is { } app ? Path.GetFullPath(app) : ChildApp.AppDll(config); }
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
var root = ChildApp.RepositoryRoot();

switch (command)
{
    case "startup":
        return await StartupAsync(appDll, options.Int("runs", 7), root);
    case "deadlines":
        return await DeadlinesBench.RunAsync(appDll, options, args);
    case "deadlines-part": // one part of `deadlines`, in the child process that command starts
        return await DeadlinesBench.RunPartAsync(appDll, options);
    case "crash":
        return await CrashBench.CrashAsync(appDll, options);
    case "outage":
        return await CrashBench.OutageAsync(appDll, options);
    case "checkins":
        return await CheckInsBench.RunAsync(appDll, options);
    case "plans":
        return await PlansBench.RunAsync(appDll, options);
    case "wellbeing-team":
        return await WellbeingTeamBench.RunAsync(appDll, options);
    case "incidents":
        return await IncidentsBench.RunAsync(appDll, options);
    case "grants":
        return await GrantsBench.RunAsync(appDll, options);
    case "hot-zones":
        return await HotZonesBench.RunAsync(options);
    case "directory":
        return await DirectoryBench.RunAsync(appDll, options);
    case "dialogues":
        return await DialoguesBench.RunAsync(appDll, options);
    case "learning":
        return await LearningBench.RunAsync(appDll, options);
    case "packs":
        return await PacksBench.RunAsync(options);
    default:
        Console.Error.WriteLine("usage: startup [--runs N] | deadlines --visits N [--window S] | crash --cycles N | outage --minutes N | checkins --seconds N [--clients N] | plans [--requests N] [--runs N] | wellbeing-team [--requests N] [--rows N] [--checks N] | incidents [--seconds N] [--clients N] | grants [--requests N] [--rows N] | hot-zones [--sizes N,N,N] | directory [--requests N] [--services N] | dialogues [--requests N] [--posts N] | learning [--requests N] [--lessons N] | packs [--lessons N] [--runs N]   [--configuration Release|Debug]");
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
    await WriteAsync("startup", new { runs }, rows);
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

static int FreePort() => ChildApp.FreePort();
