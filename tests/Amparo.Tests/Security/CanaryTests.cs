using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Amparo.Tests.Security;

/// <summary>
/// Plants unique values in every sensitive field, runs a realistic flow over HTTP, then scans the raw database
/// files, everything else in the data directory, and every log line. Sensitive values must appear nowhere.
/// </summary>
[RunsLong]
public abstract class CanaryTests(AppFixture app)
{
    private sealed record Planted(string Email, string Passphrase, string DisplayName, string Phone, string Signal, string TotpSecret, IReadOnlyList<string> RecoveryCodes);

    [Fact]
    public async Task SensitiveValues_AppearInNoDatabaseFileAndNoLogLine()
    {
        var logs = LogRecorder.Of(app);
        var planted = await PlantAsync();
        var apiToken = await RunRealisticFlowAsync(planted);

        // What must never be stored in clear: contact details, the TOTP secret (text and raw bytes),
        // recovery codes, the passphrase and the API token.
        var secrets = new Dictionary<string, byte[]>
        {
            ["phone"] = Utf8(planted.Phone),
            ["phone digits"] = Utf8(planted.Phone.TrimStart('+')),
            ["signal"] = Utf8(planted.Signal),
            ["signal digits"] = Utf8(planted.Signal.TrimStart('+')),
            ["totp secret"] = Utf8(planted.TotpSecret),
            ["totp secret bytes"] = Base32Encoding.ToBytes(planted.TotpSecret),
            ["passphrase"] = Utf8(planted.Passphrase),
            ["api token"] = Utf8(apiToken),
        };
        foreach (var (code, i) in planted.RecoveryCodes.Select((c, i) => (c, i)))
        {
            secrets[$"recovery code {i}"] = Utf8(code);
            secrets[$"recovery code {i} (no dash)"] = Utf8(code.Replace("-", "", StringComparison.Ordinal));
        }

        var files = await StorageFilesAsync();
        Assert.NotEmpty(files);
        var hits = new List<string>();
        var emailFound = false;
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            emailFound |= bytes.AsSpan().IndexOf(Utf8(planted.Email)) >= 0;
            foreach (var (name, value) in secrets)
            {
                if (bytes.AsSpan().IndexOf(value) >= 0) hits.Add($"{name} in {file}");
                if (value.Length > 4 && bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(value))) >= 0)
                    hits.Add($"{name} (UTF-16) in {file}");
            }
        }
        // The scan reads the right files: the e-mail address is stored in clear (it is the sign-in name).
        Assert.True(emailFound, "the scan did not find the e-mail address, so it is not reading the database files: " + string.Join(", ", files));
        Assert.True(hits.Count == 0, "Sensitive values found in storage:\n" + string.Join("\n", hits));

        // Logs: none of the secrets, and also no e-mail address, display name or passphrase.
        var lines = logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("Amparo is ready", StringComparison.Ordinal));
        Assert.True(lines.Count > 50, $"only {lines.Count} log lines were recorded");
        var inLogs = new Dictionary<string, string>
        {
            ["e-mail"] = planted.Email,
            ["e-mail local part"] = planted.Email.Split('@')[0],
            ["display name"] = planted.DisplayName,
            ["passphrase"] = planted.Passphrase,
            ["phone"] = planted.Phone.TrimStart('+'),
            ["signal"] = planted.Signal.TrimStart('+'),
            ["totp secret"] = planted.TotpSecret,
            ["api token"] = apiToken,
        };
        foreach (var (code, i) in planted.RecoveryCodes.Select((c, i) => (c, i))) inLogs[$"recovery code {i}"] = code;
        var logHits = inLogs.SelectMany(kv => logs.Containing(kv.Value).Select(l => $"{kv.Key}: {l}")).ToList();
        Assert.True(logHits.Count == 0, "Sensitive values found in log lines:\n" + string.Join("\n", logHits.Take(20)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{app.Provider}: scanned {files.Count} files and {lines.Count} log lines for {secrets.Count} values");
    }

    [Fact]
    public async Task CheckInValues_VisitsContactsAlerts_AppearInNoDatabaseFileAndNoLogLine()
    {
        var logs = LogRecorder.Of(app);
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        string Canary(string what) => $"canary{what}{tag}";
        // Coordinates with six decimals ending in a non-zero digit, so the stored text is exactly these digits.
        string Coordinate(int whole) => $"{whole}.{Digits(5)}{1 + RandomNumberGenerator.GetInt32(9)}";
        var (lat1, lon1, lat2, lon2, lat3, lon3, lat4, lon4) = (Coordinate(12), Coordinate(45), Coordinate(13), Coordinate(46), Coordinate(14), Coordinate(47), Coordinate(15), Coordinate(48));
        double D(string v) => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture);

        var owner = await app.PersonAsync("canaryowner");
        var focal = await app.PersonAsync("canaryfocal");
        var orgId = await app.OrganizationAsync(focal);
        await app.AddMemberAsync(orgId, owner);
        await app.SetPinsAsync(owner);
        var contactName = Canary("contactname");
        var contactEmail = $"canarycontact{tag}@example.org";
        await app.ConfirmedContactAsync(owner, contactName, (ChannelKind.Email, contactEmail));
        var token = await app.TokenAsync(owner);

        var visitId = await app.PlanAsync(token, TimeSpan.FromMinutes(120), new
        {
            place = Canary("place"), purpose = Canary("purpose"), needs = Canary("needs"), message = Canary("message"),
            latitude = D(lat1), longitude = D(lon1), checkInEveryMinutes = 30,
        });
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin, note = Canary("checkinnote"), latitude = D(lat2), longitude = D(lon2) })).Status);
        var (panicStatus, panic) = await app.PostAsync(token, "/api/v1/panic", new { latitude = D(lat3), longitude = D(lon3), note = Canary("panicnote") });
        Assert.Equal(HttpStatusCode.Created, panicStatus);
        var alertId = panic.GetProperty("alertId").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(token, $"/api/v1/alerts/{alertId}/locations", new { latitude = D(lat4), longitude = D(lon4) })).Status);
        await app.RunWorkersAsync();
        await app.Smtp.WaitForMessageToAsync(contactEmail);
        var focalToken = await app.TokenAsync(focal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{alertId}/acknowledge")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(focalToken, $"/api/v1/alerts/{alertId}/resolve", new { outcome = "safe", note = Canary("resolutionnote") })).Status);
        // The periodic deadline passes: a missed-visit alert, then a late check-in with a note.
        await app.StepAsync(TimeSpan.FromMinutes(45));
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin, note = Canary("latenote") })).Status);
        await app.RunWorkersAsync();
        // The values are really stored (and readable by the owner), so a clean scan means they are encrypted.
        var visit = await app.VisitAsync(token, visitId);
        Assert.Equal(Canary("place"), visit.GetProperty("place").GetString());
        Assert.Equal(D(lat1), visit.GetProperty("latitude").GetDouble());

        var values = new Dictionary<string, string>
        {
            ["place"] = Canary("place"), ["purpose"] = Canary("purpose"), ["needs"] = Canary("needs"), ["message"] = Canary("message"),
            ["check-in note"] = Canary("checkinnote"), ["late note"] = Canary("latenote"), ["panic note"] = Canary("panicnote"),
            ["resolution note"] = Canary("resolutionnote"), ["contact name"] = contactName, ["contact address"] = contactEmail,
            ["visit lat"] = lat1, ["visit lon"] = lon1, ["check-in lat"] = lat2, ["check-in lon"] = lon2,
            ["panic lat"] = lat3, ["panic lon"] = lon3, ["update lat"] = lat4, ["update lon"] = lon4,
        };
        var files = await StorageFilesAsync();
        var hits = new List<string>();
        var ownerFound = false;
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            ownerFound |= bytes.AsSpan().IndexOf(Utf8(owner.Email)) >= 0;
            foreach (var (name, value) in values)
            {
                if (bytes.AsSpan().IndexOf(Utf8(value)) >= 0) hits.Add($"{name} in {file}");
                if (bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value)) >= 0) hits.Add($"{name} (UTF-16) in {file}");
            }
        }
        Assert.True(ownerFound, "the scan did not find the owner's e-mail address, so it is not reading the database files");
        Assert.True(hits.Count == 0, "Check-in values found in storage:\n" + string.Join("\n", hits));
        var logHits = values.SelectMany(kv => logs.Containing(kv.Value).Select(l => $"{kv.Key}: {l}")).ToList();
        Assert.True(logHits.Count == 0, "Check-in values found in log lines:\n" + string.Join("\n", logHits.Take(20)));
    }

    [Fact]
    public async Task IncidentValues_NarrativeNamesNotesKeptPointsFilesAndLinkReports_AppearInNoDatabaseFileAndNoLogLine()
    {
        var logs = LogRecorder.Of(app);
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        string Canary(string what) => $"canary{what}{tag}";
        // A point with six decimals: only its ~28-km cell may be kept, never these digits.
        var (lat, lon) = ($"4.{Digits(5)}{1 + RandomNumberGenerator.GetInt32(9)}", $"-74.{Digits(5)}{1 + RandomNumberGenerator.GetInt32(9)}");
        var admin = await app.PersonAsync("canaryincadmin");
        var org = await app.OrganizationAsync(admin);
        var focal = await app.PersonAsync("canaryincfocal");
        await app.AddMemberAsync(org, focal, Amparo.Web.Features.Organizations.OrgRole.FocalPoint);
        // The organization keeps precise points (encrypted) for a week, and takes reports through a link.
        var token = await app.WithServicesAsync(async sp =>
        {
            var links = sp.GetRequiredService<Amparo.Web.Features.Incidents.ReportLinks>();
            Assert.Equal(Amparo.Web.Features.Incidents.IncidentWriteStatus.Done, await links.SetKeepPointDaysAsync(admin.Id, org, 7));
            return (await links.CreateAsync(admin.Id, org, Canary("linklabel"), () => { }))!;
        });
        var id = await app.WithServicesAsync(async sp =>
        {
            var incidents = sp.GetRequiredService<Amparo.Web.Features.Incidents.IncidentService>();
            var sent = await incidents.SubmitThroughLinkAsync(token, new Amparo.Web.Features.Incidents.IncidentInput(
                null, true, null, false, new DateOnly(2026, 11, 12), Amparo.Web.Features.Incidents.DatePrecision.Day,
                Amparo.Web.Features.Incidents.IncidentActs.Threat, Amparo.Web.Features.Incidents.IncidentActs.Threat,
                Amparo.Web.Features.Incidents.PerpetratorType.Unknown, Amparo.Web.Features.Incidents.TargetedGroups.None,
                Amparo.Web.Features.Plans.SecurityDomains.None, null, null, null, Canary("linknarrative")), Canary("contact"));
            Assert.Equal(Amparo.Web.Features.Incidents.IncidentWriteStatus.Done, sent.Status);
            var made = await incidents.CreateAsync(focal.Id, new Amparo.Web.Features.Incidents.IncidentInput(
                org, false, Canary("concerned"), true, new DateOnly(2026, 11, 12), Amparo.Web.Features.Incidents.DatePrecision.Day,
                Amparo.Web.Features.Incidents.IncidentActs.Threat, Amparo.Web.Features.Incidents.IncidentActs.Threat,
                Amparo.Web.Features.Incidents.PerpetratorType.Unknown, Amparo.Web.Features.Incidents.TargetedGroups.None,
                Amparo.Web.Features.Plans.SecurityDomains.None, null,
                double.Parse(lat, System.Globalization.CultureInfo.InvariantCulture), double.Parse(lon, System.Globalization.CultureInfo.InvariantCulture),
                Canary("narrative")));
            var incident = made.Id!.Value;
            await incidents.AddNoteAsync(admin.Id, incident, Canary("note"));
            var file = await incidents.AddEvidenceAsync(focal.Id, incident, Canary("filename") + ".pdf", [.. "%PDF-1.7\n"u8, .. Utf8(Canary("filebytes"))]);
            Assert.Equal(Amparo.Web.Features.Incidents.IncidentWriteStatus.Done, file.Status);
            return incident;
        });
        // Really stored, and readable by the organization's staff: a clean scan means they are encrypted.
        var view = await app.WithServicesAsync(sp => sp.GetRequiredService<Amparo.Web.Features.Incidents.IncidentService>().ReadAsync(admin.Id, id));
        Assert.Equal((Canary("narrative"), Canary("concerned")), (view!.Narrative, view.ConcernedName));
        Assert.Equal(Canary("filename") + ".pdf", Assert.Single(view.Evidence).FileName);
        Assert.Equal($"{lat},{lon}", view.Point);

        var values = new Dictionary<string, string>
        {
            ["narrative"] = Canary("narrative"), ["concerned name"] = Canary("concerned"), ["note"] = Canary("note"),
            ["file name"] = Canary("filename"), ["file bytes"] = Canary("filebytes"), ["latitude"] = lat, ["longitude"] = lon,
            ["link label"] = Canary("linklabel"), ["link report"] = Canary("linknarrative"), ["link contact"] = Canary("contact"), ["link secret"] = token,
        };
        var files = await StorageFilesAsync();
        var hits = new List<string>();
        var adminFound = false;
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            adminFound |= bytes.AsSpan().IndexOf(Utf8(admin.Email)) >= 0;
            foreach (var (name, value) in values)
            {
                if (bytes.AsSpan().IndexOf(Utf8(value)) >= 0) hits.Add($"{name} in {file}");
                if (bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value)) >= 0) hits.Add($"{name} (UTF-16) in {file}");
            }
        }
        Assert.True(adminFound, "the scan did not find the admin's e-mail address, so it is not reading the database files");
        Assert.True(hits.Count == 0, "Incident values found in storage:\n" + string.Join("\n", hits));
        var logHits = values.SelectMany(kv => logs.Containing(kv.Value).Select(l => $"{kv.Key}: {l}")).ToList();
        Assert.True(logHits.Count == 0, "Incident values found in log lines:\n" + string.Join("\n", logHits.Take(20)));
    }

    private async Task<Planted> PlantAsync()
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var email = $"canary-{tag}@example.org";
        var passphrase = $"canary passphrase {tag} under the bridge";
        var displayName = $"Canaryname{tag}";
        var phone = "+49151" + Digits(8);
        var signal = "+33612" + Digits(7);
        await app.CreateUserAsync(email, passphrase, name: displayName);
        return await app.WithServicesAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<User>>();
            var accounts = sp.GetRequiredService<AccountService>();
            var db = sp.GetRequiredService<AmparoDbContext>();
            var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException("user missing");
            await accounts.SetContactDetailsAsync(user, phone, signal);
            await db.SaveChangesAsync();
            var secret = await accounts.BeginTwoFactorAsync(user);
            var codes = await accounts.ConfirmTwoFactorAsync(user, TotpNow(secret)) ?? throw new InvalidOperationException("2FA not confirmed");
            // The values are really there, encrypted: they decrypt back.
            var (storedPhone, storedSignal) = await accounts.ContactDetailsAsync(user);
            Assert.Equal(phone, storedPhone);
            Assert.Equal(signal, storedSignal);
            return new Planted(email, passphrase, displayName, phone, signal, secret, codes);
        });
    }

    /// <summary>Signs in with two-factor (after typical mistakes), looks around, uses the API, signs out. Returns the API token it got.</summary>
    private async Task<string> RunRealisticFlowAsync(Planted p)
    {
        using var client = app.NewClient();
        // Mistakes people make: a wrong passphrase, and the passphrase typed into the e-mail field.
        Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync(p.Email, "not my passphrase at all")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync(p.Passphrase, p.Passphrase)).StatusCode);

        var step1 = await client.SignInAsync(p.Email, p.Passphrase);
        Assert.Equal(HttpStatusCode.Redirect, step1.StatusCode);
        var twoFactorUrl = Http.RedirectPath(step1);
        Assert.StartsWith("/account/two-factor", twoFactorUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync(twoFactorUrl, new Dictionary<string, string> { ["Code"] = "000000" })).StatusCode);
        NextTotpStep();
        var step2 = await client.PostFormAsync(twoFactorUrl, new Dictionary<string, string> { ["Code"] = TotpNow(p.TotpSecret) });
        Assert.Equal(HttpStatusCode.Redirect, step2.StatusCode);

        // Quick exit is left out: it would sign this client out (its own tests are in SecurityHeadersTests).
        foreach (var page in EndpointCatalog.All(app.Services).Where(e => e.IsPage && !e.HasParameters && e.Pattern != Amparo.Web.Pages.QuickExitModel.Route))
            await client.GetAsync(page.Pattern);
        var (status, _) = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);

        // The API: a token with a TOTP code, another with a recovery code; list them; revoke one.
        NextTotpStep();
        using var first = await client.PostJsonAsync("/api/v1/auth/token", new { email = p.Email, password = p.Passphrase, code = TotpNow(p.TotpSecret), name = "phone app" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var token = (await first.Content.ReadFromJsonAsync<AccountsApi.TokenResponse>())!.AccessToken;
        using var second = await client.PostJsonAsync("/api/v1/auth/token", new { email = p.Email, password = p.Passphrase, code = p.RecoveryCodes[0] });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondToken = (await second.Content.ReadFromJsonAsync<AccountsApi.TokenResponse>())!.AccessToken;
        using var list = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", bearer: token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var tokens = await list.Content.ReadFromJsonAsync<List<AccountsApi.TokenInfo>>();
        Assert.Equal(2, tokens!.Count);
        using var revoke = await client.SendAsync(HttpMethod.Delete, $"/api/v1/auth/tokens/{tokens.Single(t => t.Name == "API").Id}", bearer: token);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var revoked = await client.SendAsync(HttpMethod.Get, "/api/v1/auth/tokens", bearer: secondToken);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);

        using var signOut = await client.PostFormAsync("/account/sign-out", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        return token;
    }

    /// <summary>Every file that holds the installation's data: the data directory (SQLite files, keys) and, on PostgreSQL, the cluster's files.</summary>
    private async Task<List<string>> StorageFilesAsync()
    {
        var files = Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        if (app.Provider == "Postgres")
        {
            var dataDirectory = await app.WithDbAsync(async db =>
            {
                var connection = db.Database.GetDbConnection();
                await connection.OpenAsync();
                await using (var checkpoint = connection.CreateCommand())
                {
                    checkpoint.CommandText = "CHECKPOINT";
                    await checkpoint.ExecuteNonQueryAsync();
                }
                await using var show = connection.CreateCommand();
                show.CommandText = "SHOW data_directory";
                return (string)(await show.ExecuteScalarAsync())!;
            });
            files.AddRange(Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories));
        }
        else
        {
            Assert.Contains(files, f => f.EndsWith("amparo.db", StringComparison.Ordinal));
        }
        return files;
    }

    private static byte[] ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }
        catch (FileNotFoundException) { return []; } // a temporary file that went away while listing
    }

    private void NextTotpStep() => app.Clock.Advance(TimeSpan.FromSeconds(31));

    private string TotpNow(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Digits(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
}

public sealed class CanaryTestsSqlite(LoggedSqliteApp app) : CanaryTests(app), IClassFixture<LoggedSqliteApp>;
public sealed class CanaryTestsPostgres(LoggedPostgresApp app) : CanaryTests(app), IClassFixture<LoggedPostgresApp>;
