using Amparo.Tests.Infrastructure;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// The real app as a child process with a real SMTP server, killed with SIGKILL at random moments while alerts fall
/// due, and started again: no alert may be lost, every notification must arrive, and duplicates (the same Message-ID
/// twice) come only from sends in flight at a kill. SQLite only (one instance owns the file; PostgreSQL's several
/// instances are covered elsewhere). The rate per 1,000 is a figure of the bench (`crash`, ≥ 200 cycles), not
/// asserted here: a handful of kills on a busy machine give 0–2 duplicates among ~130 e-mails, which says nothing about a
/// per-mille target. Six kills: each is a start of the whole app (seconds of CPU), and the suite runs on two cores.
/// </summary>
[RunsLong]
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
                // Alerts fall due over the ~12 s the cycles take, a few at exactly the same instant.
                var t0 = DateTime.UtcNow.AddSeconds(2);
                var random = new Random(20261130);
                var due = Enumerable.Range(0, visits).Select(i => t0.AddSeconds(i % 10 == 0 ? 6 : random.NextDouble() * 12)).ToArray();
                lastDue = due.Max();
                await seed.AddVisitsAsync(due);
            }
            var settings = CheckInSeed.AppSettings(smtp.Port);

            const int cycles = 6;
            await CrashCycles.RunAsync(appDll, dataDir, settings, cycles, minMs: 200, maxMs: 1500, new Random(77));
            // The drain ends as soon as everything arrived; the limit is for a slow machine, where the app's start and a
            // batch leased by the last killed instance (its lease runs 60 s) both take their time.
            var result = await CrashCycles.DrainAsync(appDll, dataDir, settings, smtp, TimeSpan.FromSeconds(150), lastDue);

            Assert.Equal(visits, result.AlertsExpected);
            Assert.Equal(result.AlertsExpected, result.AlertsExisting);
            Assert.Equal(0, result.ExtraAlerts);
            Assert.True(result.EmailsExpected >= visits, $"every alert queues an e-mail to its contact: {result.EmailsExpected} queued");
            Assert.Equal(0, result.EmailsLost);
            // A kill resends only what was in flight: at most a round (8) per kill, usually none or one. That is the
            // bound (an earlier one, a whole round for one kill and one for each other, failed once with 15 on a slow
            // machine where several kills landed mid-round); a lost "sent" record or a restart that resends delivered
            // rows would resend what had arrived before each kill, far past it.
            Assert.True(result.Duplicates <= cycles * Amparo.Web.Features.Notifications.OutboxDispatcher.Round,
                $"{result.Duplicates} duplicate e-mails among {result.EmailsDistinct} notifications after {cycles} kills");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }
}
