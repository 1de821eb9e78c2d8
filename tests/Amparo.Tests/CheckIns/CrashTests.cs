using Amparo.Tests.Infrastructure;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// The real app as a child process with a real SMTP server, killed with SIGKILL at random moments while alerts fall
/// due, and started again: no alert may be lost, every notification must arrive, and duplicates (the same Message-ID
/// twice, from a send that was in flight at the kill) stay within 1 per 1,000. SQLite only (one instance owns the
/// file; PostgreSQL's several instances are covered elsewhere). The bench runs the same with ≥ 200 cycles.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task KilledAtRandomMoments_WhileAlertsFallDue_LosesNoAlert_AndDeliversEveryNotification()
    {
        var appDll = ChildApp.AppDll();
        await using var smtp = new TestSmtpServer { KeepMessages = false };
        var dataDir = ChildApp.NewDataDirectory("amparo-crash-test-");
        try
        {
            const int visits = 120;
            DateTime lastDue;
            await using (var seed = await CheckInSeed.CreateAsync(dataDir, owners: 12))
            {
                // Alerts fall due over the ~18 s the cycles take, a few at exactly the same instant.
                var t0 = DateTime.UtcNow.AddSeconds(2);
                var random = new Random(20261130);
                var due = Enumerable.Range(0, visits).Select(i => t0.AddSeconds(i % 10 == 0 ? 8 : random.NextDouble() * 18)).ToArray();
                lastDue = due.Max();
                await seed.AddVisitsAsync(due);
            }
            var settings = CheckInSeed.AppSettings(smtp.Port);

            await CrashCycles.RunAsync(appDll, dataDir, settings, cycles: 10, minMs: 200, maxMs: 1500, new Random(77));
            var result = await CrashCycles.DrainAsync(appDll, dataDir, settings, smtp, TimeSpan.FromSeconds(45), lastDue);

            Assert.Equal(visits, result.AlertsExpected);
            Assert.Equal(result.AlertsExpected, result.AlertsExisting);
            Assert.Equal(0, result.ExtraAlerts);
            Assert.True(result.EmailsExpected >= visits, $"every alert queues an e-mail to its contact: {result.EmailsExpected} queued");
            Assert.Equal(0, result.EmailsLost);
            // ≤ 1 per 1,000 notifications; below 1,000 notifications that allows one.
            Assert.True(result.Duplicates <= Math.Max(1, result.EmailsDistinct / 1000),
                $"{result.Duplicates} duplicate e-mails among {result.EmailsDistinct} notifications");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }
}
