using System.Net;
using System.Text.Json.Nodes;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// The grantmaker's side before a decision, on both databases (issue 14): every member of the program's staff declares
/// whether they have a conflict of interest before acting on a request, and one who declares a conflict no longer sees
/// it (404 everywhere, the shared plan included, and no clock reminder); content and budget are reviewed separately by
/// the roles that may, content against the program's rubric; a review that asks for rework sends the request back with
/// its reason, in one commit; reviews and declarations are never shown to the applicant.
/// </summary>
public abstract class GrantReviewTests(AppFixture app)
{
    private sealed record Fund(OrgKit.Person Admin, OrgKit.Person Officer, OrgKit.Person Reviewer, OrgKit.Person Finance, OrgKit.Person Duty,
        Guid Program, OrgKit.Person Defender, Guid Request);

    private static readonly RequestAnswers Answers = new("Reubicación temporal", "Amenazas tras la denuncia; salir dos semanas.",
        "Signal +57 300 000 0000", [new BudgetLine(CostCategories.Relocation, "Dos semanas fuera", 800m)]);

    /// <summary>A program with a two-criterion rubric, its four kinds of staff, and a request submitted to it.</summary>
    private async Task<Fund> FundAsync()
    {
        var admin = await app.PersonAsync("rvadmin");
        var officer = await app.PersonAsync("rvofficer");
        var reviewer = await app.PersonAsync("rvreviewer");
        var finance = await app.PersonAsync("rvfinance");
        var duty = await app.PersonAsync("rvduty");
        var org = await app.OrganizationAsync(admin, "Fondo " + Guid.NewGuid().ToString("N")[..6]);
        foreach (var m in new[] { officer, reviewer, finance, duty }) await app.AddMemberAsync(org, m);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var program = (await Programs(g => g.CreateAsync(admin.Id, org, new ProgramInput("Respuesta rápida", ProgramKind.Emergency, "Apoyo urgente.",
            "Defensoras en riesgo.", "USD", 5000m, [CostCategories.Relocation, CostCategories.Legal], ["es"], "", ProgramStatus.Rolling, 72,
            "Urgencia del riesgo\r\n\r\nAjuste al programa  ")))).Id!.Value;
        foreach (var (person, role) in new[] { (officer, ProgramRole.ProgramOfficer), (reviewer, ProgramRole.Reviewer), (finance, ProgramRole.Finance), (duty, ProgramRole.DutyOfficer) })
            Assert.Equal(AssignmentResult.Done, await Programs(g => g.AssignAsync(admin.Id, program, person.Id, role, true)));
        var defender = await app.PersonAsync("rvdefender");
        var id = (await Requests(r => r.StartAsync(defender.Id, program))).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id, Answers, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(defender.Id, id, RequestState.Submitted, null, null, null))).Status);
        return new Fund(admin, officer, reviewer, finance, duty, program, defender, id);
    }

    private Task<T> Programs<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));
    private Task<RequestWrite> Declare(OrgKit.Person who, Guid id, bool conflict) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(who.Id, id, conflict));
    private Task<RequestWrite> Review(OrgKit.Person who, Guid id, ReviewInput input, int? version = null) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().ReviewAsync(who.Id, id, input, version));
    /// <summary>What a refused form's summary says (the assertion's message).</summary>
    private static string ErrorSummary(string html) =>
        html.IndexOf("id=\"error-summary\"", StringComparison.Ordinal) is var i and >= 0 ? html[i..Math.Min(html.Length, i + 600)] : html[..Math.Min(html.Length, 300)];

    private Task<RequestState> StateOf(Guid id) => app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.State).SingleAsync());

    [Fact]
    public async Task ADeclaredConflict_ClosesTheRequestToThatPerson_AndNoDeclaration_MeansNoMove()
    {
        var f = await FundAsync();
        // The rubric is kept as typed, one criterion per line, blank lines and edge spaces left out.
        Assert.Equal(["Urgencia del riesgo", "Ajuste al programa"], GrantRules.Criteria(await app.WithDbAsync(db => db.GrantPrograms.Where(p => p.Id == f.Program).Select(p => p.Rubric).SingleAsync())));

        // Before declaring, staff read the request but may not move it, comment on it or review it.
        var before = (await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!;
        Assert.Equal((false, 0), (before.Staff!.Declared, before.Moves.Count));
        Assert.Equal("Grants.Request.Error.DeclareFirst", (await Requests(r => r.MoveAsync(f.Officer.Id, f.Request, RequestState.InReview, null, null, null))).Errors!["Declaration"]);
        Assert.Equal("Grants.Request.Error.DeclareFirst", (await Requests(r => r.CommentAsync(f.Officer.Id, f.Request, "¿Puede enviar el presupuesto?"))).Errors!["Declaration"]);

        // Only the program's staff declare; the applicant and anyone else find nothing.
        foreach (var someone in new[] { f.Defender, f.Admin, await app.PersonAsync("rvstranger") })
            Assert.Equal(RequestWriteStatus.NotFound, (await Declare(someone, f.Request, conflict: false)).Status);

        // The reviewer has a conflict: from now on the request does not exist for them, and a conflict stands.
        Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Reviewer, f.Request, conflict: true)).Status);
        Assert.Null(await Requests(r => r.GetAsync(f.Reviewer.Id, f.Request)));
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.MoveAsync(f.Reviewer.Id, f.Request, RequestState.InReview, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Declare(f.Reviewer, f.Request, conflict: false)).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Review(f.Reviewer, f.Request, new(ReviewAspect.Content, ReviewVerdict.Sound, [4, 4], null))).Status);
        Assert.DoesNotContain((await Requests(r => r.ForProgramAsync(f.Reviewer.Id, f.Program, 1, 50)))!, x => x.Id == f.Request); // not even a line of the list
        Assert.Contains((await Requests(r => r.ForProgramAsync(f.Officer.Id, f.Program, 1, 50)))!, x => x.Id == f.Request);
        using (var reviewer = await app.SignedInAsync(f.Reviewer))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync(GrantRoutes.Request(f.Request))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync(GrantRoutes.RequestReview(f.Request))).Status);
            var token = await app.ApiTokenAsync(f.Reviewer);
            using var api = await reviewer.SendAsync(HttpMethod.Get, $"/api/v1/grants/requests/{f.Request}", token);
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        }

        // The officer declares no conflict (twice is harmless) and may act; they see who stepped aside.
        Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Officer, f.Request, conflict: false)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Officer, f.Request, conflict: false)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(f.Officer.Id, f.Request, RequestState.InReview, null, null, null))).Status);
        var officerView = (await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!;
        Assert.Equal([f.Reviewer.User.DisplayName], officerView.Staff!.SteppedAside.Select(s => s.Name));
        Assert.Equal([ReviewAspect.Content, ReviewAspect.Budget], officerView.Staff.MayReview);

        // The applicant sees neither declarations nor reviews.
        var mine = (await Requests(r => r.GetAsync(f.Defender.Id, f.Request)))!;
        Assert.Null(mine.Staff);
        // The duty officer who declared a conflict is not reminded of the clock; the one without is (the program officer is not: there is a duty officer).
        Assert.Equal([f.Duty.Id], (await app.WithDbAsync(db => GrantClockReminders.OnDutyAsync(db, f.Program, f.Request, CancellationToken.None))).Select(u => u.Id));
        Assert.Equal(RequestWriteStatus.Done, (await Declare(f.Duty, f.Request, conflict: true)).Status);
        Assert.Equal([f.Officer.Id], (await app.WithDbAsync(db => GrantClockReminders.OnDutyAsync(db, f.Program, f.Request, CancellationToken.None))).Select(u => u.Id));
    }

    [Fact]
    public async Task ContentAndBudget_AreReviewedSeparately_ByTheirRoles_AndEitherMaySendItBackForRework()
    {
        var f = await FundAsync();
        foreach (var person in new[] { f.Officer, f.Reviewer, f.Finance, f.Duty })
            Assert.Equal(RequestWriteStatus.Done, (await Declare(person, f.Request, conflict: false)).Status);
        var sound = new ReviewInput(ReviewAspect.Content, ReviewVerdict.Sound, [5, 4], "Riesgo claro.");

        // Not in review yet: no review.
        Assert.Equal(RequestWriteStatus.Refused, (await Review(f.Reviewer, f.Request, sound)).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(f.Reviewer.Id, f.Request, RequestState.InReview, null, null, null))).Status);

        // Each role its part: the reviewer not the budget, finance not the content, the duty officer neither.
        Assert.Equal(RequestWriteStatus.Refused, (await Review(f.Reviewer, f.Request, new(ReviewAspect.Budget, ReviewVerdict.Sound, [], null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Review(f.Finance, f.Request, sound)).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Review(f.Duty, f.Request, sound)).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Review(f.Defender, f.Request, sound)).Status);

        // The rubric's scores: all of them, 1 to 5, when the content is sound; none for a criterion the program does not have.
        var missing = await Review(f.Reviewer, f.Request, sound with { Scores = [5] });
        Assert.Equal(("Grants.Review.Error.Score", RequestWriteStatus.Invalid), (missing.Errors!["Scores[1]"], missing.Status));
        Assert.Equal("Grants.Review.Error.Score", (await Review(f.Reviewer, f.Request, sound with { Scores = [6, 4] })).Errors!["Scores[0]"]);
        Assert.Equal("Grants.Review.Error.Scores", (await Review(f.Reviewer, f.Request, sound with { Scores = [5, 4, 3] })).Errors!["Scores"]);
        Assert.Equal("Grants.Request.Error.Reason", (await Review(f.Finance, f.Request, new(ReviewAspect.Budget, ReviewVerdict.NeedsRework, [], " "))).Errors!["Note"]);
        Assert.Equal(0, await app.WithDbAsync(db => db.GrantRequestReviews.CountAsync(r => r.RequestId == f.Request)));
        Assert.Equal(RequestWriteStatus.Done, (await Review(f.Reviewer, f.Request, sound)).Status);

        // Finance finds the budget short of detail and sends it back: the request moves to rework with the reason the
        // applicant reads, in the same commit as the review.
        const string reason = "Detalle el costo del alojamiento por noche.";
        var version = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == f.Request).Select(r => r.Version).SingleAsync());
        Assert.Equal(RequestWriteStatus.Conflict, (await Review(f.Finance, f.Request, new(ReviewAspect.Budget, ReviewVerdict.NeedsRework, [], reason), version - 1)).Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.GrantRequestReviews.CountAsync(r => r.RequestId == f.Request)));
        Assert.Equal(RequestWriteStatus.Done, (await Review(f.Finance, f.Request, new(ReviewAspect.Budget, ReviewVerdict.NeedsRework, [], reason), version)).Status);
        Assert.Equal(RequestState.Rework, await StateOf(f.Request));
        var applicant = (await Requests(r => r.GetAsync(f.Defender.Id, f.Request)))!;
        Assert.Equal(reason, applicant.History.Last(e => e.Kind == RequestEntryKind.Moved).Text);
        Assert.Null(applicant.Staff);

        // The staff read both reviews, the content one with its scores against the criteria; both now from the last round.
        var staff = (await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!.Staff!;
        Assert.Equal([(ReviewAspect.Content, ReviewVerdict.Sound, f.Reviewer.User.DisplayName), (ReviewAspect.Budget, ReviewVerdict.NeedsRework, f.Finance.User.DisplayName)],
            staff.Reviews.Select(r => (r.Aspect, r.Verdict, r.Reviewer!)));
        Assert.Equal([new RubricScore("Urgencia del riesgo", 5), new RubricScore("Ajuste al programa", 4)], staff.Reviews[0].Scores);
        Assert.All(staff.Reviews, r => Assert.True(r.ThisRound));

        // Resubmitted: the earlier reviews are history, not this round's.
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(f.Defender.Id, f.Request, Answers with { Need = Answers.Need + " 40 USD por noche." }, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(f.Defender.Id, f.Request, RequestState.Submitted, null, null, null))).Status);
        Assert.All((await Requests(r => r.GetAsync(f.Officer.Id, f.Request)))!.Staff!.Reviews, r => Assert.False(r.ThisRound));

        // Notes and scores are stored encrypted: no word of them in the table.
        var stored = await app.WithDbAsync(db => db.GrantRequestReviews.Where(r => r.RequestId == f.Request).Select(r => new { r.NoteCipher, r.ScoresCipher }).ToListAsync());
        Assert.All(stored, s => Assert.DoesNotContain("Riesgo", System.Text.Encoding.UTF8.GetString(s.NoteCipher ?? []), StringComparison.Ordinal));
        Assert.DoesNotContain(stored, s => s.ScoresCipher is { } c && System.Text.Encoding.UTF8.GetString(c).Contains("Urgencia", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheApiAndThePages_DeclareAndReview_AndRefuseWhoMayNot()
    {
        var f = await FundAsync();
        var officerToken = await app.ApiTokenAsync(f.Officer);
        var defenderToken = await app.ApiTokenAsync(f.Defender);
        using var officer = await app.SignedInAsync(f.Officer);
        using var defender = await app.SignedInAsync(f.Defender);
        var api = $"/api/v1/grants/requests/{f.Request}";

        // The applicant may not declare or review; an unreadable declaration is refused; the officer declares by the API.
        using (var no = await defender.PostJsonAsync(api + "/declaration", new { conflict = false }, defenderToken)) Assert.Equal(HttpStatusCode.NotFound, no.StatusCode);
        using (var no = await defender.PostJsonAsync(api + "/reviews", new { aspect = "content", verdict = "sound" }, defenderToken)) Assert.Equal(HttpStatusCode.NotFound, no.StatusCode);
        using (var bad = await officer.PostJsonAsync(api + "/declaration", new { }, officerToken)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var early = await officer.PostJsonAsync(api + "/moves", new { to = "inReview" }, officerToken)) Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        using (var ok = await officer.PostJsonAsync(api + "/declaration", new { conflict = false }, officerToken)) Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using (var moved = await officer.PostJsonAsync(api + "/moves", new { to = "inReview" }, officerToken)) Assert.Equal(HttpStatusCode.NoContent, moved.StatusCode);

        // A review by the API: words for the aspect and verdict; an unknown word is a field error.
        using (var bad = await officer.PostJsonAsync(api + "/reviews", new { aspect = "everything", verdict = "sound" }, officerToken)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var ok = await officer.PostJsonAsync(api + "/reviews", new { aspect = "budget", verdict = "sound", note = "Costos razonables." }, officerToken)) Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using (var read = await officer.SendAsync(HttpMethod.Get, api, officerToken))
        {
            var json = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
            Assert.True((bool)json["declared"]!);
            Assert.Equal(["content", "budget"], json["mayReview"]!.AsArray().Select(n => (string)n!));
            var review = json["reviews"]!.AsArray().Single()!;
            Assert.Equal(("budget", "sound", "Costos razonables."), ((string)review["aspect"]!, (string)review["verdict"]!, (string)review["note"]!));
        }
        // Finance, not yet declared, reads the request but not the officer's review; nor may they write one.
        var financeToken = await app.ApiTokenAsync(f.Finance);
        using var finance = await app.SignedInAsync(f.Finance);
        using (var undeclared = await finance.SendAsync(HttpMethod.Get, api, financeToken))
        {
            var json = JsonNode.Parse(await undeclared.Content.ReadAsStringAsync())!;
            Assert.Equal(("finance", false), ((string)json["side"]!, (bool)json["declared"]!));
            Assert.Empty(json["reviews"]!.AsArray());
        }
        using (var read = await defender.SendAsync(HttpMethod.Get, api, defenderToken))
        {
            var json = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
            Assert.Empty(json["reviews"]!.AsArray());
            Assert.Null(json["declared"]);
        }

        // The review page: the applicant gets 404; the officer's content review with a score missing is refused, names the
        // criterion's field and writes nothing; complete, it is saved.
        var page = GrantRoutes.RequestReview(f.Request);
        Assert.Equal(HttpStatusCode.NotFound, (await defender.GetAsync(page)).Status);
        var html = (await officer.GetAsync(page)).Html;
        Assert.Contains("Urgencia del riesgo", html, StringComparison.Ordinal);
        var fields = new Dictionary<string, string> { ["aspect"] = "Content", ["verdict"] = "Sound", ["scores[0]"] = "4" };
        using (var refused = await officer.PostFormAsync(page, fields, page))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("href=\"#score-1\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // The second criterion scored, the first left out: the first is named, the second's choice kept.
        using (var gap = await officer.PostFormAsync(page, new Dictionary<string, string> { ["aspect"] = "Content", ["verdict"] = "Sound", ["scores[1]"] = "2" }, page))
        {
            var body = await gap.Content.ReadAsStringAsync();
            Assert.Contains("href=\"#score-0\"", body, StringComparison.Ordinal);
            Assert.Matches("id=\"score-1-2\"[^>]*checked", body);
        }
        using (var unreadable = await officer.PostFormAsync(page, new Dictionary<string, string>(fields) { ["scores[1]"] = "muy bien" }, page))
            Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.GrantRequestReviews.CountAsync(r => r.RequestId == f.Request)));
        using (var saved = await officer.PostFormAsync(page, new Dictionary<string, string>(fields) { ["scores[1]"] = "3" }, page))
            Assert.Contains("done=reviewed", saved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.GrantRequestReviews.CountAsync(r => r.RequestId == f.Request)));
        // The budget form, from the page as it is now (its version moved with the content review).
        using (var budget = await officer.PostFormAsync(page, new Dictionary<string, string> { ["aspect"] = "Budget", ["verdict"] = "Sound", ["note"] = "Bien." }, page))
        {
            if (budget.Headers.Location is null) Assert.Fail(ErrorSummary(await budget.Content.ReadAsStringAsync()));
            Assert.Contains("done=reviewed", budget.Headers.Location.OriginalString, StringComparison.Ordinal);
        }

        // Declaring a conflict by the page: back to the program's page, which says so; the request is then 404.
        var requestPage = GrantRoutes.Request(f.Request);
        using (var aside = await finance.PostFormAsync(requestPage, new Dictionary<string, string> { ["conflict"] = "true" }, requestPage + "?handler=Declare"))
            Assert.Contains("done=steppedAside", aside.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await finance.GetAsync(requestPage)).Status);
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class GrantReviewTestsSqlite(SqliteApp app) : GrantReviewTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class GrantReviewTestsPostgres(PostgresApp app) : GrantReviewTests(app);
