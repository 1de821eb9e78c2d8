namespace Amparo.Bench;

internal static class CrashBench
{
    public static Task<int> CrashAsync(string appDll, Args options) => Task.FromResult(2);
    public static Task<int> OutageAsync(string appDll, Args options) => Task.FromResult(2);
}
