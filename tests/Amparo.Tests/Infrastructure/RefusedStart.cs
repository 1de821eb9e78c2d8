using System.Diagnostics;

namespace Amparo.Tests.Infrastructure;

/// <summary>Starts the real program (amparo.dll beside the tests) with a bad setting and expects it to stop by itself.</summary>
public static class RefusedStart
{
    /// <summary>
    /// Runs Amparo in production mode with <paramref name="environment"/> and waits up to a minute for it to exit;
    /// fails with <paramref name="ifItStarts"/> when it keeps running. Asserts exit code 1 and no unhandled-exception
    /// dump, and returns what it wrote to standard error.
    /// </summary>
    public static async Task<string> RunAsync(IReadOnlyDictionary<string, string> environment, string ifItStarts)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "amparo.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail(ifItStarts);
        }
        var error = await stderr;
        Assert.Equal(1, process.ExitCode);
        Assert.DoesNotContain("Unhandled exception", error + await stdout, StringComparison.Ordinal);
        return error;
    }
}
