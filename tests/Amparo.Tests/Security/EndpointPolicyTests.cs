using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Infrastructure.Web;

namespace Amparo.Tests.Security;

/// <summary>
/// Deny by default: every endpoint states who may use it, and the few public ones are named here.
/// Pages and routes added later are found through the routing data source, so they are covered without edits.
/// </summary>
public abstract class EndpointPolicyTests(AppFixture app)
{
    /// <summary>
    /// The endpoints anyone may reach without signing in. A new public endpoint must be added here on purpose;
    /// anything else anonymous fails <see cref="EveryAnonymousEndpoint_IsOnTheAllowList"/>.
    /// </summary>
    public static readonly IReadOnlySet<string> AnonymousAllowList = new HashSet<string>(StringComparer.Ordinal)
    {
        "PAGE /account/sign-in",
        "PAGE /account/two-factor",
        "PAGE /account/sign-out",
        "PAGE /setup",
        "PAGE /language",
        "PAGE /error",
        "PAGE /forbidden",
        "PAGE /status/{code:int}",
        "PAGE /weather",
        // The lesson library (issue 18): openly licensed lessons anyone may read; progress needs an account.
        "PAGE /learn",
        "PAGE /learn/glossary",
        "PAGE /learn/{id}",
        "PAGE /learn/{id}/steps/{stepId}",
        // Quick exit: signs this browser out (if it was signed in) and leads to the configured neutral page.
        "PAGE /exit",
        // A grantmaker's published "how we protect your data": only the practices it has in place, meant for anyone weighing a request.
        "PAGE /grants/practices/{id:guid}",
        // The network directory: without signing in it finds public entries only, and shows of each only its public contacts.
        "PAGE /directory",
        "PAGE /directory/{id:guid}",
        // Invitation acceptance: the link a person opens before they have an account.
        "PAGE /invitation/{token}",
        // "Your account is deleted": shown after deletion, when the person is no longer signed in. Static text.
        "PAGE /account/deleted",
        // Check-in links: the signed token in the link is the credential (reminder: the PIN is still asked).
        "PAGE /v/{token}",
        "PAGE /c/{token}",
        "PAGE /r/{token}",
        "GET /healthz",
        // The installable app: manifest, favicon and the offline page hold nothing personal (the service worker fetches the page without cookies).
        "GET /manifest.webmanifest",
        "GET /favicon.ico",
        "PAGE /offline",
        "GET /openapi/{documentName}.json",
        "POST /api/v1/auth/token",
        // Inbound SMS from the gateway (and SMSSync's poll): the channel key in the path and the gateway's signature or secret authenticate it.
        "POST|GET /hooks/sms/{adapter}/{channelKey}",
        // A person's calendar feed of review and due dates: the random token in the path is the credential (only its hash is kept).
        "GET /calendar/{token}.ics",
        // An organization's report link for people without an account: the random secret in the path is the credential
        // (only its hash is kept; 404 once revoked; 20 reports an hour per link).
        "PAGE /report/{token}",
        // A network's public page of published hot zones: 404 unless its coordinators turned it on; the grantmakers' rule.
        "PAGE /hot-zones/public/{network:guid}",
        // A public dialogue's read-only pages: 404 unless the dialogue is public and open; only the threads not members-only,
        // only the posts a moderator let through, the curated resources (and their files) and the summary once it is closed.
        "PAGE /dialogues/{id:guid}",
        "PAGE /dialogues/threads/{id:guid}",
        "PAGE /dialogues/{id:guid}/resources",
        "GET /dialogues/resources/{id:guid}/file",
        "GET /dialogues/{id:guid}/export.{format}",
    };

    [Fact]
    public void EveryEndpoint_HasAPolicyOrAnExplicitAnonymousMarker()
    {
        var endpoints = EndpointCatalog.All(app.Services);
        Assert.NotEmpty(endpoints);
        var undeclared = endpoints.Where(e => e.Authorize.Count == 0 && !e.AllowsAnonymous).Select(e => e.Key).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints with neither [Authorize]/RequireAuthorization nor [AllowAnonymous]: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void EveryPage_CarriesTheFolderConventionsAuthorizeMetadata()
    {
        // AuthorizeFolder("/") puts an AuthorizeAttribute on each page endpoint; [AllowAnonymous] on the page opts out.
        var pages = EndpointCatalog.All(app.Services).Where(e => e.IsPage).ToList();
        Assert.Contains(pages, p => p.Pattern == "/");
        var missing = pages.Where(p => p.Authorize.Count == 0).Select(p => p.Key).ToList();
        Assert.True(missing.Count == 0, "Pages without the folder convention's authorization: " + string.Join(", ", missing));
    }

    [Fact]
    public void AdminPages_RequireTheServerAdminPolicy()
    {
        var admin = EndpointCatalog.All(app.Services).Where(e => e.IsPage && e.Pattern.StartsWith("/admin", StringComparison.OrdinalIgnoreCase)).ToList();
        var weak = admin.Where(e => e.AllowsAnonymous || !e.Authorize.Any(a => a.Policy == WebSetup.ServerAdminPolicy)).Select(e => e.Key).ToList();
        Assert.True(weak.Count == 0, "Admin pages without the ServerAdmin policy: " + string.Join(", ", weak));
    }

    [Fact]
    public void EveryAnonymousEndpoint_IsOnTheAllowList()
    {
        var anonymous = EndpointCatalog.All(app.Services).Where(e => e.AllowsAnonymous).ToList();
        Assert.Contains(anonymous, e => e.Key == "POST /api/v1/auth/token");
        var unexpected = anonymous.Where(e => !AnonymousAllowList.Contains(e.Key)).Select(e => e.Key).ToList();
        Assert.True(unexpected.Count == 0,
            "Anonymous endpoints not on the allow-list (add them to EndpointPolicyTests.AnonymousAllowList only if they are meant to be public): "
            + string.Join(", ", unexpected));
    }

    [Fact]
    public void ApiEndpoints_OtherThanTheTokenEndpoint_RequireABearerToken()
    {
        var api = EndpointCatalog.All(app.Services).Where(e => e.IsApi && !e.AllowsAnonymous).ToList();
        Assert.NotEmpty(api);
        var cookieable = api.Where(e => !e.Authorize.Any(a => a.Policy == WebSetup.ApiPolicy)).Select(e => e.Key).ToList();
        Assert.True(cookieable.Count == 0, "API endpoints without the Api (bearer) policy: " + string.Join(", ", cookieable));
    }

    [Fact]
    public async Task EveryProtectedEndpoint_SendsAnAnonymousCallerToSignInOr401()
    {
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in EndpointCatalog.All(app.Services).Where(e => !e.AllowsAnonymous))
        {
            // A client (its own address) per endpoint: the API's per-address limit counts 60 a minute, and there are more.
            using var client = app.NewClient();
            foreach (var method in endpoint.Methods)
            {
                var url = endpoint.SampleUrl();
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
                if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var response = await client.Http.SendAsync(request);
                checkedCount++;
                if (endpoint.IsApi)
                {
                    if (response.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"{method} {url}: {(int)response.StatusCode}, expected 401");
                }
                else if (response.StatusCode != HttpStatusCode.Redirect || !Http.RedirectPath(response).StartsWith("/account/sign-in?", StringComparison.Ordinal))
                {
                    failures.Add($"{method} {url}: {(int)response.StatusCode} {response.Headers.Location}, expected a redirect to sign-in");
                }
            }
        }
        Assert.True(checkedCount > 0);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ApiEndpoints_RejectAnUnknownBearerToken_AndASignedInCookieAlone()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var browser = app.NewClient();
        await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).Status);

        var failures = new List<string>();
        var n = 0;
        foreach (var endpoint in EndpointCatalog.All(app.Services).Where(e => e.IsApi && !e.AllowsAnonymous))
        {
            // Each endpoint from its own address: the API's limit per address (60 a minute) is not what this test is about,
            // and the list of endpoints outgrows it.
            browser.Http.DefaultRequestHeaders.Remove(AppFixture.ClientIpHeader);
            browser.Http.DefaultRequestHeaders.Add(AppFixture.ClientIpHeader, $"10.250.{++n / 256}.{n % 256}");
            foreach (var method in endpoint.Methods)
            {
                var url = endpoint.SampleUrl();
                using var withCookie = await browser.SendAsync(new HttpMethod(method), url);
                if (withCookie.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"cookie only: {method} {url} → {(int)withCookie.StatusCode}");
                using var forged = await browser.SendAsync(new HttpMethod(method), url, bearer: "not-a-real-token-but-long-enough-1234567890");
                if (forged.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"unknown token: {method} {url} → {(int)forged.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AdminEndpoints_AreForbiddenToASignedInPersonWhoIsNotServerAdmin()
    {
        var email = TestData.Email();
        await app.CreateUserAsync(email);
        using var client = app.NewClient();
        await client.SignInAsync(email);
        var failures = new List<string>();
        foreach (var endpoint in EndpointCatalog.All(app.Services).Where(e => e.Authorize.Any(a => a.Policy == WebSetup.ServerAdminPolicy) && !e.AllowsAnonymous))
        {
            var url = endpoint.SampleUrl();
            using var response = await client.Http.GetAsync(new Uri(url, UriKind.Relative));
            var deniedPage = response.StatusCode == HttpStatusCode.Redirect && Http.RedirectPath(response).StartsWith("/forbidden", StringComparison.Ordinal);
            if (!deniedPage && response.StatusCode != HttpStatusCode.Forbidden && response.StatusCode != HttpStatusCode.NotFound)
                failures.Add($"GET {url} → {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

// SQLite only: endpoint policies are the web stack's, the same code whatever the database (the PostgreSQL host is exercised by
// the fuzzers, which crawl every page and form there, and by every feature's classes).
[Collection(nameof(SharedHosts.SecurityOnSqlite))]
public sealed class EndpointPolicyTestsSqlite(SqliteApp app) : EndpointPolicyTests(app);
