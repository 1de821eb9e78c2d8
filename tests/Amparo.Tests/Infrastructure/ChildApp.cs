using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// The real app (amparo.dll) as a child process on its own data directory: what the crash tests and the benchmarks
/// start, kill with SIGKILL (<see cref="Kill"/>) and start again. Shared by tests/Amparo.Tests and bench/Amparo.Bench.
/// </summary>
public sealed class ChildApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    public int Port { get; }
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    private ChildApp(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Starts amparo.dll with settings given as --Section:Key=value arguments. Does not wait for it.</summary>
    public static ChildApp Start(string appDll, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, int port = 0)
    {
        port = port == 0 ? FreePort() : port;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
        };
        psi.ArgumentList.Add(appDll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.ArgumentList.Add($"--Amparo:DataDirectory={dataDirectory}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) psi.ArgumentList.Add($"--{key}={value}");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new ChildApp(process, port);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Starts and waits for /healthz to answer 200 (migrations applied, workers registered).</summary>
    public static async Task<ChildApp> StartHealthyAsync(string appDll, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null)
    {
        var app = Start(appDll, dataDirectory, settings);
        await app.WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(60));
        return app;
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Amparo exited with {_process.ExitCode}:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "healthz"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(20);
        }
        throw new TimeoutException($"Amparo did not answer within {timeout.TotalSeconds} s:\n{Tail()}");
    }

    /// <summary>SIGKILL on Linux: no shutdown code runs, exactly like a power cut of the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Resident set size from /proc (Linux), in MB; NaN elsewhere.</summary>
    public double ResidentMb()
    {
        var status = $"/proc/{Pid}/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is null) return double.NaN;
        var kb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }

    /// <summary>The last lines the app printed, for failure messages (the app logs no personal data).</summary>
    public string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 60) _tail.Dequeue();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Amparo.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("run inside the repository");
    }

    /// <summary>src/Amparo.Web/bin/{configuration}/net10.0/amparo.dll; the configuration of the running assembly by default.</summary>
    public static string AppDll(string? configuration = null)
    {
        configuration ??= AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(RepositoryRoot(), "src", "Amparo.Web", "bin", configuration, "net10.0", "amparo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the app first: dotnet build -c {configuration} src/Amparo.Web", dll);
    }

    public static string NewDataDirectory(string prefix = "amparo-child-")
    {
        var dir = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>Placeholder until the check-in services land.</summary>
#pragma warning disable CA1822 // placeholder
public sealed class CheckInSeed : IAsyncDisposable
{
    public static Task<CheckInSeed> CreateAsync(string dataDirectory, int owners) => Task.FromResult(new CheckInSeed());
    public Task AddVisitsAsync(IReadOnlyList<DateTime> alertDueAt) => alertDueAt is null ? Task.CompletedTask : Task.CompletedTask;
    public static Dictionary<string, string> AppSettings(int smtpPort) => new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture), ["Smtp:Security"] = "none" };
    public static Task<int> VisitsWithoutQueuedAlertAsync(string dataDirectory) => Task.FromResult(0);
    public static Task<(List<double> LatenessMs, int Missing)> AlertLatenessAsync(string dataDirectory) => Task.FromResult((new List<double>(), 0));
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
