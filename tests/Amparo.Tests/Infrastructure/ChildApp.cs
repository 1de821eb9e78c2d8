using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Cli;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

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
        try
        {
            await app.WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(60));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
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

    public static int FreePort() => Ports.Free();

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


/// <summary>
/// Prepares a data directory for the child app with the app's own services (accounts, keys, PIN hashes) and writes
/// visits in bulk straight into the database, scheduled by the app's own <see cref="VisitSchedule"/>. Every owner has
/// a check-in PIN, an API token and one confirmed trusted contact with an e-mail channel (and, when asked, a webhook
/// as second channel), so level 1 always has a recipient. Also reads back what happened: alerts, outbox, e-mails.
/// </summary>
public sealed class CheckInSeed : IAsyncDisposable
{
    public const string Pin = "2468";
    private readonly CommandHost _host;
    public IReadOnlyList<SeededOwner> Owners { get; }

    public sealed record SeededOwner(Guid Id, string Token, string ContactEmail);

    private CheckInSeed(CommandHost host, List<SeededOwner> owners)
    {
        _host = host;
        Owners = owners;
    }

    private static CommandHost Open(string dataDirectory) =>
        CommandHost.Create([$"--Amparo:DataDirectory={dataDirectory}", "--Amparo:Argon2MemoryKib=1024", "--Amparo:Argon2Iterations=1"]);

    public static async Task<CheckInSeed> CreateAsync(string dataDirectory, int owners, string? webhookUrl = null)
    {
        var host = Open(dataDirectory);
        var db = host.Db;
        // Migrations and the keys step, as the server runs them at start; the check-in keys this seed uses before the
        // app has started are declared by AddCheckIns, which this command host does not run.
        await host.MigrateAsync();
        await host.Get<FieldCipher>().CreateSystemKeysAsync(db, ["pin", "links"]);
        var accounts = host.Get<AccountService>();
        var cipher = host.Get<FieldCipher>();
        var secrets = new CheckInSecrets(cipher);
        var now = DateTime.UtcNow;
        var seeded = new List<SeededOwner>();
        for (var i = 0; i < owners; i++)
        {
            var created = await accounts.CreateAsync($"owner{i}@bench.invalid", $"Owner {i}", $"bench passphrase for owner {i}");
            var user = created.User ?? throw new InvalidOperationException(string.Join(", ", created.Errors));
            db.CheckInSettings.Add(new CheckInSettings { UserId = user.Id, PinHash = await secrets.PinHashAsync(db, user.Id, Pin), ChangedAt = now });
            var contact = new TrustedContact
            {
                Id = Guid.NewGuid(), OwnerId = user.Id, Language = "en", Consent = ConsentState.Confirmed,
                ConsentTokenHash = Tokens.Hash(Tokens.NewUrlSafe()), ConfirmedAt = now, CreatedAt = now,
            };
            contact.NameCipher = await cipher.EncryptAsync(db, user.DataKeyId, $"Contact {i}", TrustedContact.Table, nameof(TrustedContact.NameCipher), contact.Id);
            var email = $"contact{i}@bench.invalid";
            contact.Channels.Add(await ChannelAsync(db, cipher, user.DataKeyId, contact.Id, 0, ChannelKind.Email, email, null));
            if (webhookUrl is not null)
                contact.Channels.Add(await ChannelAsync(db, cipher, user.DataKeyId, contact.Id, 1, ChannelKind.Webhook, webhookUrl + i.ToString(CultureInfo.InvariantCulture), "bench-webhook-secret-" + i.ToString(CultureInfo.InvariantCulture)));
            db.TrustedContacts.Add(contact);
            var token = Tokens.NewUrlSafe();
            db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = user.Id, Name = "bench", TokenHash = Tokens.Hash(token), CreatedAt = now, ExpiresAt = now.AddDays(30) });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            seeded.Add(new SeededOwner(user.Id, token, email));
        }
        return new CheckInSeed(host, seeded);
    }

    private static async Task<ContactChannel> ChannelAsync(AmparoDbContext db, FieldCipher cipher, Guid keyId, Guid contactId, int order, ChannelKind kind, string address, string? secret)
    {
        var channel = new ContactChannel { Id = Guid.NewGuid(), ContactId = contactId, Order = order, Kind = kind };
        channel.AddressCipher = await cipher.EncryptAsync(db, keyId, address, ContactChannel.Table, nameof(ContactChannel.AddressCipher), channel.Id);
        channel.SecretCipher = await cipher.EncryptAsync(db, keyId, secret, ContactChannel.Table, nameof(ContactChannel.SecretCipher), channel.Id);
        return channel;
    }

    /// <summary>
    /// Active visits, one per instant, spread over the owners in turn, whose alert falls due at the given instants
    /// (deadline + grace). Written in bulk, in one transaction; returns the visit ids in the same order.
    /// </summary>
    public async Task<List<Guid>> AddVisitsAsync(IReadOnlyList<DateTime> alertDueAt, int graceMinutes = 0, int? checkInEveryMinutes = null)
    {
        var db = _host.Db;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        var ids = new List<Guid>(alertDueAt.Count);
        await using var tx = await db.Database.BeginTransactionAsync();
        for (var i = 0; i < alertDueAt.Count; i++)
        {
            var due = DateTime.SpecifyKind(alertDueAt[i], DateTimeKind.Utc).AddMinutes(-graceMinutes);
            var id = Guid.NewGuid();
            var visit = new Visit
            {
                Id = id, OwnerId = Owners[i % Owners.Count].Id, GroupId = id, State = VisitState.Active,
                StartsAt = now.AddMinutes(-1), DueAt = due, OriginalDueAt = due, GraceMinutes = graceMinutes,
                ReminderTokenHash = Tokens.Hash(id.ToString("N")), CreatedAt = now, CheckInEveryMinutes = checkInEveryMinutes,
            };
            VisitSchedule.Reschedule(visit, now);
            db.Visits.Add(visit);
            ids.Add(id);
            if (i % 5000 == 4999)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        db.ChangeTracker.Clear();
        return ids;
    }

    /// <summary>The app's settings for a child process: the SMTP server in the test or bench, links to a fixed address.</summary>
    public static Dictionary<string, string> AppSettings(int smtpPort) => new(StringComparer.Ordinal)
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "none",
        ["Smtp:From"] = "amparo@bench.invalid",
        ["Amparo:PublicBaseUrl"] = "http://localhost",
    };

    /// <summary>A short wait before the fallback channel, so a few minutes of outage show it.</summary>
    // The bench's webhook listener is on the loopback address, which the webhook channel refuses unless allowed.
    public static Dictionary<string, string> OutageSettings() => new(StringComparer.Ordinal)
    {
        ["CheckIns:FallbackAfterSeconds"] = "60",
        ["Webhooks:AllowPrivateAddresses"] = "true",
    };

    /// <summary>The Message-ID the app gives the e-mail of an outbox message (see EmailChannel).</summary>
    public static string MessageId(string idempotencyKey) => Tokens.Hash(idempotencyKey)[..32] + "@amparo.invalid";

    /// <param name="AlertsExpected">Visits whose deadline + grace has passed (none is ever checked in here).</param>
    /// <param name="ExtraAlerts">Alerts beyond the first for the same visit (a step repeated after a crash would show here).</param>
    public sealed record Delivery(int AlertsExpected, int AlertsExisting, int ExtraAlerts, int EmailsExpected, int EmailsDistinct, int EmailsLost, int EmailsReceived, int Duplicates, int PendingEmails, double DrainSeconds = 0)
    {
        public double DuplicatesPerThousand => EmailsDistinct == 0 ? 0 : 1000.0 * Duplicates / EmailsDistinct;
        public bool Complete => AlertsExpected == AlertsExisting && EmailsLost == 0 && PendingEmails == 0;
    }

    public static async Task<Delivery> DeliveryAsync(string dataDirectory, TestSmtpServer smtp)
    {
        await using var host = Open(dataDirectory);
        var db = host.Db;
        var now = DateTime.UtcNow;
        var visits = await db.Visits.AsNoTracking().Select(v => new { v.Id, v.DeadlineAt, v.GraceMinutes }).ToListAsync();
        var due = visits.Where(v => v.DeadlineAt.AddMinutes(v.GraceMinutes) <= now).Select(v => v.Id).ToHashSet();
        var alertVisits = await db.Alerts.AsNoTracking().Where(a => a.VisitId != null).Select(a => a.VisitId!.Value).ToListAsync();
        var alerted = alertVisits.ToHashSet();
        var emails = await db.Outbox.AsNoTracking().Where(m => m.Channel == ChannelKind.Email && m.State != OutboxState.Cancelled)
            .Select(m => new { m.IdempotencyKey, m.State }).ToListAsync();
        var received = smtp.MessageIds;
        var expectedIds = emails.Select(m => MessageId(m.IdempotencyKey)).ToList();
        var lost = expectedIds.Count(id => !received.ContainsKey(id));
        var distinct = expectedIds.Count(received.ContainsKey);
        var duplicates = received.Values.Sum(n => n - 1);
        return new Delivery(due.Count, due.Count(alerted.Contains), alertVisits.Count - alerted.Count, emails.Count, distinct, lost, smtp.Received, duplicates, emails.Count(m => m.State == OutboxState.Pending));
    }

    /// <summary>Deadline + grace → first outbox row of the visit's alert, per visit, in ms; and visits due without one.</summary>
    public static async Task<(List<double> LatenessMs, int Missing)> AlertLatenessAsync(string dataDirectory)
    {
        await using var host = Open(dataDirectory);
        var db = host.Db;
        var visits = await db.Visits.AsNoTracking().Select(v => new { v.Id, v.DeadlineAt, v.GraceMinutes }).ToListAsync();
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.VisitId != null).Select(a => new { a.Id, VisitId = a.VisitId!.Value }).ToListAsync();
        var first = await db.Outbox.AsNoTracking().Where(m => m.AlertId != null).GroupBy(m => m.AlertId!.Value)
            .Select(g => new { AlertId = g.Key, At = g.Min(m => m.CreatedAt) }).ToDictionaryAsync(x => x.AlertId, x => x.At);
        var byVisit = alerts.GroupBy(a => a.VisitId).ToDictionary(g => g.Key, g => g.Select(a => first.TryGetValue(a.Id, out var at) ? at : (DateTime?)null).Min());
        var now = DateTime.UtcNow;
        var lateness = new List<double>();
        var missing = 0;
        foreach (var v in visits)
        {
            var alertAt = v.DeadlineAt.AddMinutes(v.GraceMinutes);
            if (alertAt > now) continue;
            if (byVisit.TryGetValue(v.Id, out var queued) && queued is { } q) lateness.Add((q - alertAt).TotalMilliseconds);
            else missing++;
        }
        return (lateness, missing);
    }

    public static async Task<int> VisitsWithoutQueuedAlertAsync(string dataDirectory) => (await AlertLatenessAsync(dataDirectory)).Missing;

    /// <summary>Messages sent on a later channel than the first (the fallback), and the median time from alert to fallback.</summary>
    public static async Task<(int FallbackMessages, double MedianSecondsToFallback)> FallbackAsync(string dataDirectory)
    {
        await using var host = Open(dataDirectory);
        var db = host.Db;
        var rows = await db.Outbox.AsNoTracking().Where(m => m.ChannelIndex > 0 && m.AlertId != null)
            .Join(db.Alerts, m => m.AlertId, a => a.Id, (m, a) => new { m.CreatedAt, AlertAt = a.CreatedAt }).ToListAsync();
        var seconds = rows.Select(r => (r.CreatedAt - r.AlertAt).TotalSeconds).Order().ToList();
        return (rows.Count, seconds.Count == 0 ? double.NaN : seconds[seconds.Count / 2]);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>kill -9 cycles: start the app, wait a random moment (during start or while work is due), SIGKILL; repeat.</summary>
public static class CrashCycles
{
    public sealed record Result(int KilledDuringStart);

    public static async Task<Result> RunAsync(string appDll, string dataDirectory, IReadOnlyDictionary<string, string> settings, int cycles, int minMs, int maxMs, Random random, Action<int>? progress = null)
    {
        var duringStart = 0;
        for (var i = 1; i <= cycles; i++)
        {
            await using var app = ChildApp.Start(appDll, dataDirectory, settings);
            var healthy = app.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            // Most kills land while the app runs (escalations due, e-mails in flight): the wait starts once it answers.
            // One in five lands at a random moment of the start (migrations, key loading).
            if (random.Next(5) != 0)
            {
                try { await healthy; } catch (Exception ex) when (ex is InvalidOperationException or TimeoutException) { }
            }
            await Task.Delay(random.Next(minMs, maxMs));
            if (!healthy.IsCompleted) duringStart++;
            app.Kill();
            try { await healthy; } catch (Exception ex) when (ex is InvalidOperationException or TimeoutException) { }
            progress?.Invoke(i);
        }
        return new Result(duringStart);
    }

    /// <summary>Starts the app once more and lets it run until every due alert exists and every e-mail arrived (or the timeout).</summary>
    public static async Task<CheckInSeed.Delivery> DrainAsync(string appDll, string dataDirectory, IReadOnlyDictionary<string, string> settings, TestSmtpServer smtp, TimeSpan timeout, DateTime? allDueBy = null)
    {
        var sw = Stopwatch.StartNew();
        await using var app = await ChildApp.StartHealthyAsync(appDll, dataDirectory, settings);
        CheckInSeed.Delivery d;
        while (true)
        {
            d = await CheckInSeed.DeliveryAsync(dataDirectory, smtp);
            var allDue = allDueBy is null || DateTime.UtcNow > allDueBy;
            if ((allDue && d.Complete) || sw.Elapsed > timeout) break;
            await Task.Delay(500);
        }
        // Let a late duplicate (a send that was in flight at the last kill) arrive before counting.
        await Task.Delay(1000);
        d = await CheckInSeed.DeliveryAsync(dataDirectory, smtp);
        return d with { DrainSeconds = sw.Elapsed.TotalSeconds };
    }
}
