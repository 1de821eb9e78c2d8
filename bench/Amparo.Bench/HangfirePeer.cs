using System.Diagnostics;
using Hangfire;
using Hangfire.Storage.SQLite;

namespace Amparo.Bench;

/// <summary>
/// The peer for deadline lateness: Hangfire scheduling the same deadlines (BackgroundJob.Schedule at the same
/// instants) on SQLite storage, with a job that records when it actually ran. Polling as configured: Hangfire's
/// default is 15 s for the scheduler (SchedulePollingInterval) and, for this storage, 15 s for the queue.
/// </summary>
internal static class HangfirePeer
{
    private static DateTime[] _ran = [];

    /// <summary>The job: records when it ran. Public and static so Hangfire can call it.</summary>
    public static void Ran(int index)
    {
        if (index >= 0 && index < _ran.Length) _ran[index] = DateTime.UtcNow;
    }

    public sealed record Result(double[] LatenessMs, int NotRun, double SchedulingSeconds, double LeadSeconds);

    public static async Task<Result> RunAsync(double[] offsetsSeconds, TimeSpan poll, TimeSpan drainLimit)
    {
        var dir = Path.Combine(Path.GetTempPath(), "amparo-hangfire-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var storage = new SQLiteStorage(Path.Combine(dir, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = poll });
            var client = new BackgroundJobClient(storage);
            _ran = new DateTime[offsetsSeconds.Length];

            // Calibrate how fast this storage takes schedules, so that every deadline lies after the last one is written.
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++) client.Schedule(() => Ran(-1), TimeSpan.FromDays(365));
            var perJob = sw.Elapsed.TotalSeconds / 200;
            var lead = TimeSpan.FromSeconds(offsetsSeconds.Length * perJob * 1.5 + 5);
            var t0 = DateTime.UtcNow + lead;
            sw.Restart();
            for (var i = 0; i < offsetsSeconds.Length; i++)
            {
                var index = i;
                client.Schedule(() => Ran(index), new DateTimeOffset(t0.AddSeconds(offsetsSeconds[i]), TimeSpan.Zero));
            }
            var scheduling = sw.Elapsed.TotalSeconds;
            if (DateTime.UtcNow > t0) Console.WriteLine($"  note: Hangfire scheduling ran past the first deadline by {(DateTime.UtcNow - t0).TotalSeconds:0.0} s");

            var options = new BackgroundJobServerOptions { SchedulePollingInterval = poll, ServerName = "amparo-bench" };
            var last = t0.AddSeconds(offsetsSeconds.Max());
            using (new BackgroundJobServer(options, storage))
            {
                while (DateTime.UtcNow < last + drainLimit && _ran.Any(r => r == default))
                    await Task.Delay(250);
            }
            var lateness = new List<double>(offsetsSeconds.Length);
            var notRun = 0;
            for (var i = 0; i < offsetsSeconds.Length; i++)
            {
                if (_ran[i] == default) { notRun++; continue; }
                lateness.Add((_ran[i] - t0.AddSeconds(offsetsSeconds[i])).TotalMilliseconds);
            }
            return new Result([.. lateness.Order()], notRun, scheduling, lead.TotalSeconds);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
