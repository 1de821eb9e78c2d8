using System.Net;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Tests.CheckIns;

/// <summary>Errors in sight and onboarding (issue 9): what a person sees when a form comes back, or when they start.</summary>
public abstract partial class PagesTests
{
    /// <summary>
    /// Every form the crawl finds (signed in as an organization's admin who has planned a visit, and the anonymous
    /// sign-in form) is posted once with its fields empty. When the page comes back (200) with a field marked invalid,
    /// it has the error summary at the top — focusable, announced, titled — and each of its links goes to an element
    /// of the page; every field marked invalid is linked from it and points to its message.
    /// </summary>
    [Fact]
    public async Task EveryFormPostedEmpty_ThatComesBackWithFieldErrors_ShowsTheSummary_LinkingToTheFields()
    {
        var world = await app.WorldAsync();
        var admin = await app.SignedInAsync(world.OrgAdmin);
        await PlanAsync(admin, place: "Office");
        var pages = new[] { "/", "/visits", "/visits/new", "/contacts", "/account", "/account/check-ins", "/account/security", "/account/delete", $"/organizations/{world.OrgId}", "/networks" };
        var visit = HtmlForms.Links("/visits", (await admin.GetAsync("/visits")).Html).First(l => VisitLink().IsMatch(l));
        var checkedForms = new List<string>();
        foreach (var page in pages.Append(visit))
        {
            var (status, html) = await admin.GetAsync(page);
            if (status != HttpStatusCode.OK) continue; // not this person's page (e.g. only server admins create organizations)
            foreach (var form in HtmlForms.Forms(page, html).Where(f => f.Method == "POST" && !LeavesOrAlarms().IsMatch(f.Action)).DistinctBy(f => f.Signature))
            {
                if (await PostEmptyAsync(admin, form) is { } returned) { AssertSummary(form, returned); checkedForms.Add(form.ToString()); }
            }
        }
        using var anonymous = app.NewClient();
        var signIn = HtmlForms.Forms("/account/sign-in", (await anonymous.GetAsync("/account/sign-in")).Html).Single(f => f.Action == "/account/sign-in");
        var signInPage = await PostEmptyAsync(anonymous, signIn);
        Assert.NotNull(signInPage);
        AssertSummary(signIn, signInPage);

        // The forms with fields that can be wrong were all reached (a crawl that finds nothing proves nothing).
        foreach (var expected in new[] { "POST /visits/new [", "?handler=Add", "?handler=Pins", "?handler=Settings", "?handler=Invite" })
            Assert.Contains(checkedForms, f => f.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>Posts the form with every field empty (the antiforgery token kept); the HTML when it comes back (200 or 400) with a field marked invalid.</summary>
    private static async Task<string?> PostEmptyAsync(TestClient client, FormSubmission form)
    {
        var fields = form.Fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Key == "__af" ? f.Value : ""));
        using var content = new FormUrlEncodedContent(fields);
        using var response = await client.Http.PostAsync(new Uri(form.Action, UriKind.Relative), content);
        var html = await response.Content.ReadAsStringAsync();
        // Some pages answer a refused form 400 with the form shown again (profile, security): those count too.
        return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest && html.Contains("aria-invalid=\"true\"", StringComparison.Ordinal) ? html : null;
    }

    private static void AssertSummary(FormSubmission form, string html)
    {
        var summary = SummaryBlock().Match(html);
        Assert.True(summary.Success, $"{form}: a field is marked invalid but there is no error summary");
        Assert.True(summary.Index < html.IndexOf("aria-invalid=\"true\"", StringComparison.Ordinal), $"{form}: the summary is not above the fields");
        Assert.Contains("role=\"alert\"", summary.Groups["open"].Value, StringComparison.Ordinal);
        Assert.Contains("tabindex=\"-1\"", summary.Groups["open"].Value, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"error-summary-title\">", summary.Value, StringComparison.Ordinal);
        var targets = FragmentLink().Matches(summary.Value).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(targets);
        var ids = IdAttribute().Matches(html).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var target in targets) Assert.True(ids.Contains(target), $"{form}: the summary links to #{target}, which is not on the page");
        foreach (Match field in InvalidField().Matches(html))
        {
            var id = IdOf().Match(field.Value).Groups[1].Value;
            Assert.True(targets.Contains(id), $"{form}: the invalid field #{id} is not linked from the summary");
            Assert.Matches("aria-describedby=\"[^\"]*-error", field.Value);
        }
    }

    /// <summary>A fresh install (no server admin): the sign-in page says how to reach first-run setup; once there is an admin, it does not.</summary>
    [Fact]
    public async Task TheSignInPage_OfAFreshInstall_SaysHowToReachSetup_AndNotOnceThereIsAnAdmin()
    {
        var admins = await app.WithDbAsync(db => db.Users.Where(u => u.IsServerAdmin).Select(u => u.Id).ToListAsync());
        await app.WithDbAsync(db => db.Users.Where(u => admins.Contains(u.Id)).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsServerAdmin, false)));
        try
        {
            using var anonymous = app.NewClient();
            var (_, fresh) = await anonymous.GetAsync("/account/sign-in");
            Assert.Contains("href=\"/setup\"", fresh, StringComparison.Ordinal);
            Assert.Contains("setup code printed in the server", fresh, StringComparison.Ordinal);
            await app.PersonAsync("root", serverAdmin: true);
            var (_, later) = await anonymous.GetAsync("/account/sign-in");
            Assert.DoesNotContain("href=\"/setup\"", later, StringComparison.Ordinal);
        }
        finally
        {
            await app.WithDbAsync(db => db.Users.Where(u => admins.Contains(u.Id)).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsServerAdmin, true)));
        }
    }

    /// <summary>A defender's home page says what is missing (PIN, confirmed contact) with links to set it; trusted contacts are in the main menu.</summary>
    [Fact]
    public async Task TheHomePage_TellsADefenderWithoutPinOrConfirmedContact_WithLinks_AndTheMenuHasContacts()
    {
        var (person, client) = await PersonAsync("newcomer");
        var (_, home) = await client.GetAsync("/");
        Assert.Contains("id=\"onboarding-pin\"", home, StringComparison.Ordinal);
        Assert.Matches("id=\"onboarding-pin\"[^<]*<a href=\"/account/check-ins\"", home);
        Assert.Matches("id=\"onboarding-contact\"[^<]*<a href=\"/contacts\"", home);
        var nav = Regex.Match(home, "<nav class=\"nav\".*?</nav>", RegexOptions.Singleline).Value;
        Assert.Contains("href=\"/contacts\"", nav, StringComparison.Ordinal);

        await app.SetPinsAsync(person);
        await app.ConfirmedContactAsync(person, "Ana Contact", (Amparo.Web.Features.Notifications.ChannelKind.Email, TestData.Email("ana")));
        var (_, ready) = await client.GetAsync("/");
        Assert.DoesNotContain("onboarding-pin", ready, StringComparison.Ordinal);
        Assert.DoesNotContain("onboarding-contact", ready, StringComparison.Ordinal);
    }

    /// <summary>
    /// In Arabic (right to left) a visit's place keeps its own direction and its coordinates read left to right
    /// ("2.4448, -76.6147", not reversed); the whereabouts board can stack its rows on a phone (each cell names its column).
    /// </summary>
    [Fact]
    public async Task UserTextAndCoordinates_KeepTheirOwnDirection_AndTheBoardCanStackOnAPhone()
    {
        var world = await app.WorldAsync();
        var owner = await app.SignedInAsync(world.Owner);
        var response = await owner.PostFormAsync("/visits/new", new Dictionary<string, string>
        {
            ["Place"] = "Vereda El Tambo", ["Latitude"] = "2.4448", ["Longitude"] = "-76.6147", ["ReturnMode"] = "in", ["InHours"] = "1", ["InMinutes"] = "0",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (_, visit) = await owner.GetAsync(OrgKit.PathOf(response.Headers.Location!));
        Assert.Contains("<dd dir=\"auto\">Vereda El Tambo</dd>", visit, StringComparison.Ordinal);
        Assert.Contains("<bdi dir=\"ltr\">2.4448, -76.6147</bdi>", visit, StringComparison.Ordinal);

        var focal = await app.SignedInAsync(world.Focal);
        var (_, board) = await focal.GetAsync("/whereabouts");
        Assert.Contains("<table class=\"stack-table\">", board, StringComparison.Ordinal);
        Assert.Contains($"<bdi>{WebUtility.HtmlEncode(world.Owner.User.DisplayName)}</bdi>", board, StringComparison.Ordinal);
        Assert.Matches("<td data-label=\"[^\"]+\"><bdi>", board);
    }

    [GeneratedRegex(@"^/visits/[0-9a-f-]{36}$")]
    private static partial Regex VisitLink();

    /// <summary>Forms an empty post would use to leave (sign-out, end sessions), raise an alarm or change the language.</summary>
    [GeneratedRegex(@"^/(?:account/sign-out|account/sessions|panic|language|account/export)|handler=Leave")]
    private static partial Regex LeavesOrAlarms();

    [GeneratedRegex(@"(?<open><div [^>]*id=""error-summary""[^>]*>).*?</div>", RegexOptions.Singleline)]
    private static partial Regex SummaryBlock();

    [GeneratedRegex(@"href=""#([^""]+)""")]
    private static partial Regex FragmentLink();

    [GeneratedRegex(@"\sid=""([^""]+)""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"<(?:input|select|textarea)\b[^>]*aria-invalid=""true""[^>]*>")]
    private static partial Regex InvalidField();

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex IdOf();
}
