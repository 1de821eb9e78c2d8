namespace Amparo.Bench;

internal static class CheckInsBench
{
    public static Task<int> RunAsync(string appDll, Args options) => Task.FromResult(2);
}
