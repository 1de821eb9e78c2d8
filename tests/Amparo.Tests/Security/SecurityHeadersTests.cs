using System.Net;
using Amparo.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.Security;

/// <summary>Browser-facing controls: headers on every page, cookies, and what sign-out leaves behind.</summary>
public abstract class SecurityHeadersTests(AppFixture app)
{
    /// <summary>Written out here, not taken from the code, so that weakening the policy fails this test.</summary>
    private const string ExpectedCsp =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; " +
        "manifest-src 'self'; worker-src 'self'";

    [Fact]
    public async Task EveryPage_AnonymousOrSignedIn_CarriesTheStrictHeaders_AndNoStore()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var anonymous = app.NewClient();
        using var signedIn = app.NewClient();
        await signedIn.SignInAsync(email);
        var urls = EndpointCatalog.All(app.Services).Where(e => e.IsPage).Select(e => e.SampleUrl())
            .Concat(["/healthz", "/api/v1/auth/tokens", "/no-such-page", "/openapi/v1.json"])
            // Quick exit signs the client out: last, so every other page is seen signed in.
            .OrderBy(u => u == Amparo.Web.Pages.QuickExitModel.Route).ToList();
        var failures = new List<string>();
        foreach (var client in new[] { anonymous, signedIn })
        {
            foreach (var url in urls)
            {
                using var response = await client.Http.GetAsync(new Uri(url, UriKind.Relative));
                failures.AddRange(Check(response, url, mayBeCached: false));
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task StaticFiles_MayBeCached_ButKeepCspAndNosniff()
    {
        using var client = app.NewClient();
        using var response = await client.Http.GetAsync(new Uri("/css/site.css", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(Check(response, "/css/site.css", mayBeCached: true));
    }

    [Fact]
    public async Task NoDirectoryListings_AndNoTrace()
    {
        using var client = app.NewClient();
        foreach (var folder in new[] { "/css/", "/js/", "/css" })
        {
            using var listing = await client.Http.GetAsync(new Uri(folder, UriKind.Relative));
            Assert.NotEqual(HttpStatusCode.OK, listing.StatusCode);
        }
        foreach (var url in new[] { "/", "/account/sign-in", "/api/v1/auth/token" })
        {
            using var trace = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Trace, new Uri(url, UriKind.Relative)));
            Assert.True((int)trace.StatusCode is 302 or 400 or 401 or 404 or 405, $"TRACE {url}: {(int)trace.StatusCode}");
            Assert.DoesNotContain("TRACE", await trace.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    /// <summary>Every passphrase field on every page is masked and lets password managers fill it (no autocomplete=off).</summary>
    [Fact]
    public async Task PassphraseFields_OnEveryReachablePage_AreMasked_AndWelcomePasswordManagers()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var anonymous = app.NewClient();
        using var signedIn = app.NewClient();
        await signedIn.SignInAsync(email);
        var found = 0;
        foreach (var client in new[] { anonymous, signedIn })
        {
            foreach (var url in EndpointCatalog.All(app.Services).Where(e => e.IsPage && !e.HasParameters && e.Pattern != Amparo.Web.Pages.QuickExitModel.Route).Select(e => e.Pattern))
            {
                var (status, html) = await client.GetAsync(url);
                if (status != HttpStatusCode.OK) continue;
                foreach (System.Text.RegularExpressions.Match input in System.Text.RegularExpressions.Regex.Matches(html, "<input\\b[^>]*>"))
                {
                    var tag = input.Value;
                    if (!System.Text.RegularExpressions.Regex.IsMatch(tag, "name=\"[^\"]*(Password|Passphrase)[^\"]*\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase)) continue;
                    found++;
                    Assert.Contains("type=\"password\"", tag, StringComparison.Ordinal);
                    Assert.DoesNotContain("autocomplete=\"off\"", tag, StringComparison.Ordinal);
                    Assert.Contains("autocomplete=\"", tag, StringComparison.Ordinal);
                }
            }
        }
        Assert.True(found >= 1, "no passphrase field was found; is the sign-in page still there?");
    }

    [Fact]
    public async Task Cookies_AreHttpOnly_AndSameSiteStrict()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        var (_, _) = await client.GetAsync("/account/sign-in");
        using var page = await client.Http.GetAsync(new Uri("/account/sign-in", UriKind.Relative));
        using var signIn = await client.SignInAsync(email);
        var cookies = page.Headers.Concat(signIn.Headers).Where(h => h.Key == "Set-Cookie").SelectMany(h => h.Value).ToList();
        Assert.Contains(cookies, c => c.StartsWith("amparo=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("amparo_device=", StringComparison.Ordinal));
        foreach (var cookie in cookies.Where(c => c.StartsWith("amparo", StringComparison.Ordinal)))
        {
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task SignOutFromTheMenu_ClearsSiteData_EndsTheSessionOnTheServer_AndTheOldCookieNoLongerWorks()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        using var signIn = await client.SignInAsync(email);
        var sessionCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("amparo=", StringComparison.Ordinal)).Split(';')[0];

        // The sign-out button in the menu of every page: a form with its own antiforgery token.
        var (_, home) = await client.GetAsync("/");
        var form = HtmlForms.Forms("/", home).Single(f => f.Action == "/account/sign-out");
        using var signOut = await client.Http.PostAsync(new Uri(form.Action, UriKind.Relative), new FormUrlEncodedContent(form.Fields));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        AssertClearsSiteData(signOut);

        // Someone who copied the cookie before sign-out gets nothing: the session row is gone.
        await AssertSessionEndedAsync(sessionCookie);
    }

    [Fact]
    public async Task QuickExit_OneLinkWithoutJavaScript_EndsTheSession_ClearsSiteData_AndLeadsOnlyToTheNeutralPage()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        using var signIn = await client.SignInAsync(email);
        var sessionCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("amparo=", StringComparison.Ordinal)).Split(';')[0];

        // The link on every page leads to Amparo's exit endpoint (not straight to the neutral page: that would not sign out).
        var (_, home) = await client.GetAsync("/");
        Assert.Matches("<a class=\"quick-exit\" id=\"quick-exit\" href=\"/exit\"", home);
        // A crafted link cannot send anyone elsewhere: the query is ignored, only the configured page is used.
        using var exit = await client.Http.GetAsync(new Uri("/exit?returnUrl=https%3A%2F%2Fevil.example%2F&url=%2F%2Fevil.example&QuickExitUrl=https://evil.example", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, exit.StatusCode);
        Assert.Equal("/weather", exit.Headers.Location!.OriginalString);
        AssertClearsSiteData(exit);

        // The session is over on the server: a copy of the old cookie opens nothing.
        await AssertSessionEndedAsync(sessionCookie);

        // The neutral page: nothing on it names this service; in the browser's language when the operator set none.
        using var weatherRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/weather", UriKind.Relative));
        weatherRequest.Headers.Add("Accept-Language", "es");
        using var stranger = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var weather = await stranger.SendAsync(weatherRequest);
        var neutral = System.Net.WebUtility.HtmlDecode(await weather.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, weather.StatusCode);
        Assert.Contains("<html lang=\"es\"", neutral, StringComparison.Ordinal);
        Assert.Contains("<h1>El tiempo</h1>", neutral, StringComparison.Ordinal);
        Assert.DoesNotContain("Amparo", neutral, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The browser is told to forget cookies, storage and cache.</summary>
    private static void AssertClearsSiteData(HttpResponseMessage response)
    {
        var clear = string.Join(",", response.Headers.GetValues("Clear-Site-Data"));
        Assert.Contains("\"cookies\"", clear, StringComparison.Ordinal);
        Assert.Contains("\"storage\"", clear, StringComparison.Ordinal);
        Assert.Contains("\"cache\"", clear, StringComparison.Ordinal);
    }

    /// <summary>Someone who copied the session cookie before gets nothing: the session row is gone on the server.</summary>
    private async Task AssertSessionEndedAsync(string sessionCookie)
    {
        using var thief = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Add("Cookie", sessionCookie);
        using var replay = await thief.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/account/sign-in", Http.RedirectPath(replay), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickExit_GoesToTheOperatorsAddress_AndTheNeutralPageSpeaksTheConfiguredLanguage()
    {
        const string target = "https://news.example.org/today?edition=local";
        await using var configured = app.WithWebHostBuilder(b => b.UseSetting("Amparo:QuickExitUrl", target).UseSetting("Amparo:QuickExitLanguage", "ar"));
        using var client = configured.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var exit = await client.GetAsync(new Uri("/exit?next=https%3A%2F%2Fevil.example%2F", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, exit.StatusCode);
        Assert.Equal(target, exit.Headers.Location!.OriginalString);
        using var weatherRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/weather", UriKind.Relative));
        weatherRequest.Headers.Add("Accept-Language", "es");
        using var weather = await client.SendAsync(weatherRequest);
        var neutral = System.Net.WebUtility.HtmlDecode(await weather.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\"", neutral, StringComparison.Ordinal);
        Assert.Contains("<h1>الطقس</h1>", neutral, StringComparison.Ordinal);

        // What the operator may set: a path of this site or an http(s) address; anything else stops the start.
        Assert.True(Amparo.Web.Infrastructure.AmparoOptions.IsQuickExitTarget("/weather"));
        Assert.True(Amparo.Web.Infrastructure.AmparoOptions.IsQuickExitTarget("https://news.example.org/"));
        foreach (var unsafeTarget in new[] { "//evil.example", "/\\evil.example", "javascript:alert(1)", "weather", "ftp://files.example/", "" })
            Assert.False(Amparo.Web.Infrastructure.AmparoOptions.IsQuickExitTarget(unsafeTarget), unsafeTarget);
    }

    [Fact]
    public async Task LanguageSwitcher_InTheFooter_WorksWithoutJavaScript()
    {
        var email = TestData.Email();
        var user = await app.CreateUserAsync(email);
        using var client = app.NewClient();
        await client.SignInAsync(email);
        var (_, home) = await client.GetAsync("/");
        var form = HtmlForms.Forms("/", home).Single(f => f.Action == "/language");
        var fields = form.Fields.Select(f => f.Key == "language" ? new KeyValuePair<string, string>("language", "ar") : f);
        using var response = await client.Http.PostAsync(new Uri(form.Action, UriKind.Relative), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("ar", await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Language).SingleAsync()));
        var (_, arabic) = await client.GetAsync("/");
        Assert.Contains("dir=\"rtl\"", arabic, StringComparison.Ordinal);
    }

    /// <summary>A phone may be seized: by default the installed app is called "Notes" (in the phone's language) with a neutral icon.</summary>
    [Fact]
    public async Task Manifest_ByDefault_HasANeutralNameAndIcon_AndEveryIconAnswers()
    {
        using var client = app.NewClient();
        var manifest = await InstallableAppChecks.ManifestAsync(client, "en");
        Assert.Equal("Notes", manifest.GetProperty("name").GetString());
        Assert.Equal("Notes", manifest.GetProperty("short_name").GetString());
        Assert.Equal("/", manifest.GetProperty("start_url").GetString());
        Assert.Equal("standalone", manifest.GetProperty("display").GetString());
        Assert.DoesNotContain("amparo", manifest.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var icons = await InstallableAppChecks.IconsAnswerAsync(client, manifest);
        Assert.All(icons, src => Assert.StartsWith("/img/icons/notes", src, StringComparison.Ordinal));
        Assert.Contains(manifest.GetProperty("icons").EnumerateArray(), i => i.GetProperty("sizes").GetString() == "192x192");
        Assert.Contains(manifest.GetProperty("icons").EnumerateArray(), i => i.GetProperty("purpose").GetString() == "maskable");
        Assert.Equal("Notas", (await InstallableAppChecks.ManifestAsync(client, "es")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Favicon_Answers_AndEveryPageLinksTheManifestAndIcon()
    {
        using var client = app.NewClient();
        using var favicon = await client.Http.GetAsync(new Uri("/favicon.ico", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, favicon.StatusCode);
        Assert.Equal("image/x-icon", favicon.Content.Headers.ContentType?.MediaType);
        Assert.Equal("00000100", Convert.ToHexString((await favicon.Content.ReadAsByteArrayAsync())[..4])); // an ICO header
        Assert.Empty(Check(favicon, "/favicon.ico", mayBeCached: true));

        var (_, page) = await client.GetAsync("/account/sign-in");
        Assert.Contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">", page, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.ico\"", page, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"icon\" href=\"/img/icons/notes.svg\" type=\"image/svg+xml\">", page, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"apple-mobile-web-app-title\" content=\"Notes\">", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// The worker updates at once (no-cache), covers the whole site from /sw.js, and declares that it stores only static
    /// files and the offline page — never a page that could hold personal data.
    /// </summary>
    [Fact]
    public async Task ServiceWorker_IsRevalidatedEveryTime_AndStoresOnlyStaticFilesAndTheOfflinePage()
    {
        using var client = app.NewClient();
        using var response = await client.Http.GetAsync(new Uri("/sw.js?lang=es", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentType?.MediaType is "text/javascript" or "application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", string.Join(",", response.Headers.GetValues("Cache-Control")));
        Assert.Empty(Check(response, "/sw.js", mayBeCached: true));
        var worker = await response.Content.ReadAsStringAsync();

        var folders = InstallableAppChecks.DeclaredList(worker, "STATIC_FOLDERS");
        Assert.Subset(new HashSet<string> { "/css/", "/js/", "/img/" }, folders.ToHashSet());
        var precache = InstallableAppChecks.DeclaredList(worker, "PRECACHE");
        Assert.NotEmpty(precache);
        foreach (var url in precache)
        {
            Assert.Contains(folders, f => url.StartsWith(f, StringComparison.Ordinal));
            using var file = await client.Http.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, file.StatusCode); // one missing file and the worker never installs
        }
        Assert.Contains("var OFFLINE_PAGE = '/offline?lang=' + LANG;", worker, StringComparison.Ordinal);
        // The only places it stores anything: the install list (without cookies) and the static-file branch.
        Assert.Equal(1, InstallableAppChecks.Count(worker, "cache.addAll("));
        Assert.Contains("cache.addAll(PRECACHE.concat([OFFLINE_PAGE]).map(function (url) { return new Request(url, { credentials: 'omit' }); }))", worker, StringComparison.Ordinal);
        Assert.Equal(1, InstallableAppChecks.Count(worker, "cache.put("));
        Assert.Equal(1, InstallableAppChecks.Count(worker, "respondWith(staticFile(request))"));
        Assert.Contains("if (request.method === 'GET' && isStatic(new URL(request.url))) event.respondWith(staticFile(request));", worker, StringComparison.Ordinal);
        Assert.DoesNotContain("Service-Worker-Allowed", string.Join(",", response.Headers.Select(h => h.Key)), StringComparison.OrdinalIgnoreCase);

        // Registered from the optional script at the site's root: its scope is the whole site.
        var (_, script) = await client.GetAsync("/js/site.js");
        Assert.Contains("navigator.serviceWorker.register('/sw.js?lang=' + encodeURIComponent(lang), { scope: '/' })", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfflinePage_Anonymous_InEachLanguage_ShowsTheSmsCommands_AndNoNumbersWhenNoneIsSet()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email, name: "Offline Canary Person");
        using var anonymous = app.NewClient();
        foreach (var language in Amparo.Web.Infrastructure.Localization.Cultures.Supported)
        {
            using var response = await anonymous.Http.GetAsync(new Uri("/offline?lang=" + language, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(Check(response, "/offline", mayBeCached: false));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains($"<html lang=\"{language}\"", html, StringComparison.Ordinal);
            foreach (var kind in Amparo.Web.Features.CheckIns.SmsCommands.ShownCommands)
                Assert.Contains(">" + Amparo.Web.Pages.OfflineModel.Example(kind, Amparo.Web.Features.CheckIns.SmsCommands.ShownWord(kind, language)) + "</kbd>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"sms:", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"tel:", html, StringComparison.Ordinal);
        }
        // Signed in, the page is the same: nothing about the person.
        using var signedIn = app.NewClient();
        await signedIn.SignInAsync(email);
        var (status, mine) = await signedIn.GetAsync("/offline?lang=en");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("SOS</kbd>", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("Offline Canary Person", mine, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Check(HttpResponseMessage response, string url, bool mayBeCached)
    {
        string? Header(string name) =>
            response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;
        var status = $"{url} ({(int)response.StatusCode})";
        if (Header("Content-Security-Policy") != ExpectedCsp) yield return $"{status}: CSP is '{Header("Content-Security-Policy")}'";
        if (Header("X-Content-Type-Options") != "nosniff") yield return $"{status}: X-Content-Type-Options is '{Header("X-Content-Type-Options")}'";
        if (Header("X-Frame-Options") != "DENY") yield return $"{status}: X-Frame-Options is '{Header("X-Frame-Options")}'";
        if (Header("Referrer-Policy") != "no-referrer") yield return $"{status}: Referrer-Policy is '{Header("Referrer-Policy")}'";
        if (Header("Server") is not null) yield return $"{status}: names the server ({Header("Server")})";
        if (!mayBeCached && Header("Cache-Control")?.Contains("no-store", StringComparison.Ordinal) != true)
            yield return $"{status}: Cache-Control is '{Header("Cache-Control")}'";
    }
}

// SQLite only: headers, cookies, sign-out and the offline files are the web stack's, the same code whatever the database (the PostgreSQL host is exercised by
// the fuzzers, which crawl every page and form there, and by every feature's classes).
[Collection(nameof(SharedHosts.SecurityOnSqlite))]
public sealed class SecurityHeadersTestsSqlite(SqliteApp app) : SecurityHeadersTests(app);

/// <summary>"A migration is missing": the model must have no changes that no migration captures, on each provider.</summary>
public abstract class MigrationTests(AppFixture app)
{
    [Fact]
    public async Task Model_HasNoChangesWithoutAMigration_AndAllMigrationsAreApplied()
    {
        var (pendingModel, pendingMigrations, provider) = await app.WithDbAsync(async db =>
            (db.Database.HasPendingModelChanges(), (await db.Database.GetPendingMigrationsAsync()).ToList(), db.Database.ProviderName));
        Assert.False(pendingModel, $"The model has changes with no migration for {provider}: add one (docs/adr/0001-migrations-per-provider.md).");
        Assert.Empty(pendingMigrations);
        Assert.Contains(app.Provider == "Postgres" ? "Npgsql" : "Sqlite", provider, StringComparison.Ordinal);
    }
}

[Collection(nameof(SharedHosts.SecurityOnSqlite))]
public sealed class MigrationTestsSqlite(SqliteApp app) : MigrationTests(app);
[Collection(nameof(SharedHosts.SecurityOnPostgres))]
public sealed class MigrationTestsPostgres(PostgresApp app) : MigrationTests(app);
