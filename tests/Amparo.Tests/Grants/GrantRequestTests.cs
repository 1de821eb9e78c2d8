using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// Requests to programs on both databases (issue 14): a defender drafts, is reminded (never required) that security and
/// care are fundable, submits with the checklist complete and gets a reference; the program's assigned staff review,
/// send back for rework, and the officer decides; every refused move and every person outside the request is refused
/// (404 for those who may not see it); answers, reasons and comments are encrypted with the request's own key; the
/// applicant sees each opening by the grantmaker's staff; deleting the account takes the drafts and leaves the
/// grantmaker's copy of a submitted request.
/// </summary>
public abstract class GrantRequestTests(AppFixture app)
{
    private sealed record People(OrgKit.Person Defender, OrgKit.Person Officer, OrgKit.Person Reviewer, OrgKit.Person Finance,
        OrgKit.Person FundAdmin, OrgKit.Person OtherOfficer, OrgKit.Person Stranger, Guid Program, Guid OtherProgram);

    private static readonly RequestAnswers Legal = new(
        "Defensa legal tras la detención", "Detuvieron a dos compañeras de la radio comunitaria; necesitamos abogada esta semana.",
        "Signal +57 300 000 0000", [new BudgetLine(CostCategories.Legal, "Honorarios de abogada, 2 semanas", 1200m)]);

    private async Task<People> PeopleAsync()
    {
        var defender = await app.PersonAsync("rqdefender");
        var fundAdmin = await app.PersonAsync("rqadmin");
        var officer = await app.PersonAsync("rqofficer");
        var reviewer = await app.PersonAsync("rqreviewer");
        var finance = await app.PersonAsync("rqfinance");
        var otherAdmin = await app.PersonAsync("rqotheradmin");
        var stranger = await app.PersonAsync("rqstranger");
        var fund = await app.OrganizationAsync(fundAdmin, "Fondo " + Guid.NewGuid().ToString("N")[..6]);
        var otherFund = await app.OrganizationAsync(otherAdmin);
        foreach (var m in new[] { officer, reviewer, finance }) await app.AddMemberAsync(fund, m);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == fund || o.Id == otherFund).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var input = new ProgramInput("Respuesta rápida", ProgramKind.Emergency, "Apoyo urgente tras un ataque.", "Defensoras en riesgo.", "USD", 5000m,
            [CostCategories.Legal, CostCategories.PhysicalSecurity, CostCategories.MedicalAndPsychosocial], ["es"], "", ProgramStatus.Rolling, 72);
        var program = (await Programs(g => g.CreateAsync(fundAdmin.Id, fund, input))).Id!.Value;
        var otherProgram = (await Programs(g => g.CreateAsync(otherAdmin.Id, otherFund, input))).Id!.Value;
        await Programs(g => g.AssignAsync(fundAdmin.Id, program, officer.Id, ProgramRole.ProgramOfficer, true));
        await Programs(g => g.AssignAsync(fundAdmin.Id, program, reviewer.Id, ProgramRole.Reviewer, true));
        await Programs(g => g.AssignAsync(fundAdmin.Id, program, finance.Id, ProgramRole.Finance, true));
        await Programs(g => g.AssignAsync(otherAdmin.Id, otherProgram, otherAdmin.Id, ProgramRole.ProgramOfficer, true));
        return new People(defender, officer, reviewer, finance, fundAdmin, otherAdmin, stranger, program, otherProgram);
    }

    private Task<T> Programs<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));

    /// <summary>A member of the program's staff declares no conflict of interest with the request's applicant (needed before acting).</summary>
    private async Task DeclareAsync(OrgKit.Person who, Guid requestId) =>
        Assert.Equal(RequestWriteStatus.Done, (await app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(who.Id, requestId, conflict: false))).Status);

    [Fact]
    public async Task ADefendersRequest_GoesFromDraftThroughReworkToApproval_AndOnlyTheRightPeopleMayMoveIt()
    {
        var p = await PeopleAsync();
        var started = await Requests(r => r.StartAsync(p.Defender.Id, p.Program));
        Assert.Equal(RequestWriteStatus.Done, started.Status);
        var id = started.Id!.Value;

        // The program's own people may not apply to it; a closed or unknown program is not found.
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.StartAsync(p.Officer.Id, p.Program))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.StartAsync(p.FundAdmin.Id, p.Program))).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.StartAsync(p.Defender.Id, Guid.NewGuid()))).Status);

        // A draft is the applicant's alone: the program's staff do not see it yet.
        Assert.Null(await Requests(r => r.GetAsync(p.Officer.Id, id)));
        var draft = (await Requests(r => r.GetAsync(p.Defender.Id, id)))!;
        // An emergency program's short form: what happened, how much (one figure or lines), how to reach — no title needed.
        Assert.Equal([MissingItem.Need, MissingItem.Contact, MissingItem.Amount], draft.Missing);
        Assert.Equal(RequestWriteStatus.Invalid, (await Requests(r => r.MoveAsync(p.Defender.Id, id, RequestState.Submitted, null, null, null))).Status);

        // Bad answers: refused by field, nothing written (the draft stays empty); a cost the program does not fund is refused.
        var bad = await Requests(r => r.SaveAsync(p.Defender.Id, id, Legal with { Lines = [new BudgetLine(CostCategories.Relocation, "", 0.001m)] }, null));
        Assert.Equal(["Lines[0].Amount", "Lines[0].Category", "Lines[0].Description"], bad.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("", (await Requests(r => r.GetAsync(p.Defender.Id, id)))!.Answers.Title);

        // Saved: the reminder names the security and care this program funds and the budget has no line for — and does not block.
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(p.Defender.Id, id, Legal, null))).Status);
        var saved = (await Requests(r => r.GetAsync(p.Defender.Id, id)))!;
        Assert.Empty(saved.Missing);
        Assert.Equal(CostCategories.PhysicalSecurity | CostCategories.MedicalAndPsychosocial, saved.Reminder);
        var withCare = Legal with { Lines = [.. Legal.Lines, new BudgetLine(CostCategories.MedicalAndPsychosocial, "Acompañamiento psicosocial", 300m)] };
        Assert.Equal(CostCategories.PhysicalSecurity, RequestRules.Reminder(withCare, saved.Program));
        // Over the ceiling: the checklist says so.
        Assert.Contains(MissingItem.OverCeiling, RequestRules.Missing(Legal with { Lines = [new BudgetLine(CostCategories.Legal, "x", 5000.01m)] }, saved.Program));

        // The answers are stored encrypted: the bytes on disk do not hold the words.
        var cipher = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.AnswersCipher).SingleAsync());
        Assert.DoesNotContain("radio comunitaria", Encoding.UTF8.GetString(cipher!), StringComparison.Ordinal);
        Assert.NotEqual(await app.WithDbAsync(db => db.Users.Where(u => u.Id == p.Defender.Id).Select(u => u.DataKeyId).SingleAsync()),
            await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.DataKeyId).SingleAsync()));

        // Submitted: a reference, the clock (72 hours from now), visible to the program's staff only.
        var submittedAt = app.Now();
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Defender.Id, id, RequestState.Submitted, null, null, null))).Status);
        var sent = (await Requests(r => r.GetAsync(p.Defender.Id, id)))!;
        Assert.Matches("^GR-[2-9A-HJKMNP-Z]{8}$", sent.Request.Reference);
        Assert.Equal(submittedAt.AddHours(72), sent.DueAt!.Value, TimeSpan.FromSeconds(1));
        foreach (var outsider in new[] { p.Stranger, p.OtherOfficer, p.FundAdmin })
        {
            Assert.Null(await Requests(r => r.GetAsync(outsider.Id, id)));
            Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.MoveAsync(outsider.Id, id, RequestState.InReview, null, null, null))).Status);
            Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.CommentAsync(outsider.Id, id, "hola"))).Status);
            Assert.Null(await Requests(r => r.ForProgramAsync(outsider.Id, p.Program, 1, 50)));
        }
        Assert.Contains(await Requests(r => r.ForProgramAsync(p.Finance.Id, p.Program, 1, 50)) ?? [], s => s.Id == id && s.DueAt is not null);
        Assert.Equal(RequestSide.Finance, (await Requests(r => r.GetAsync(p.Finance.Id, id)))!.Side); // finance reads it: an opening
        await Requests(r => r.GetAsync(p.Finance.Id, id)); // again within the hour: still one opening

        // Refused moves: the applicant cannot review or decide; finance cannot review; nobody decides before review.
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(p.Defender.Id, id, RequestState.InReview, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(p.Finance.Id, id, RequestState.InReview, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(p.Officer.Id, id, RequestState.Approved, null, 1200m, null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.SaveAsync(p.Defender.Id, id, Legal, null))).Status); // not editable once sent

        // The reviewer takes it into review and sends it back: first the declaration of no conflict of interest, then a
        // reason is required.
        Assert.Equal("Grants.Request.Error.DeclareFirst", (await Requests(r => r.MoveAsync(p.Reviewer.Id, id, RequestState.InReview, null, null, null))).Errors!["Declaration"]);
        await DeclareAsync(p.Reviewer, id);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Reviewer.Id, id, RequestState.InReview, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(p.Reviewer.Id, id, RequestState.Approved, null, 1200m, null))).Status); // only the officer decides
        Assert.Equal("Grants.Request.Error.Reason", (await Requests(r => r.MoveAsync(p.Reviewer.Id, id, RequestState.Rework, " ", null, null))).Errors!["Note"]);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Reviewer.Id, id, RequestState.Rework, "Falta el presupuesto de seguridad.", null, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(p.Defender.Id, id, withCare, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Defender.Id, id, RequestState.Submitted, null, null, null))).Status);
        var reference = sent.Request.Reference;
        Assert.Equal(reference, (await Requests(r => r.GetAsync(p.Defender.Id, id)))!.Request.Reference); // the same reference
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.CommentAsync(p.Defender.Id, id, "Añadí el acompañamiento."))).Status);

        // The officer decides: an amount within the ceiling; a stale version is a conflict and writes nothing.
        await DeclareAsync(p.Officer, id);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Officer.Id, id, RequestState.InReview, null, null, null))).Status);
        var version = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.Version).SingleAsync());
        Assert.Equal(RequestWriteStatus.Conflict, (await Requests(r => r.MoveAsync(p.Officer.Id, id, RequestState.Approved, null, 1500m, version - 1))).Status);
        Assert.Equal("Grants.Request.Error.Amount", (await Requests(r => r.MoveAsync(p.Officer.Id, id, RequestState.Approved, null, 5000.01m, version))).Errors!["Amount"]);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Officer.Id, id, RequestState.Approved, "Informe breve en 30 días.", 1500m, version))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(p.Defender.Id, id, RequestState.Withdrawn, null, null, null))).Status); // decided

        // The applicant reads the whole history: each move with who made it, the staff's openings, the amount and conditions.
        var decided = (await Requests(r => r.GetAsync(p.Defender.Id, id)))!;
        Assert.Equal(RequestState.Approved, decided.Request.State);
        Assert.Null(decided.DueAt); // the clock stops with the decision
        Assert.Equal([RequestState.Submitted, RequestState.InReview, RequestState.Rework, RequestState.Submitted, RequestState.InReview, RequestState.Approved],
            decided.History.Where(e => e.Kind == RequestEntryKind.Moved).Select(e => e.To!.Value));
        var approval = decided.History.Last(e => e.Kind == RequestEntryKind.Moved);
        Assert.Equal((1500m, "Informe breve en 30 días."), (approval.Amount!.Value, approval.Text));
        Assert.Equal([p.Finance.User.DisplayName], decided.History.Where(e => e.Kind == RequestEntryKind.Opened).Select(e => e.Actor));
    }

    [Fact]
    public async Task ThePagesAndTheApi_FollowTheSameRules_WithoutJavaScript()
    {
        var p = await PeopleAsync();
        using var defender = await app.SignedInAsync(p.Defender);

        // Apply from the program's page: a draft opens with the burden statement and the checklist.
        using (var applied = await defender.PostFormAsync(GrantRoutes.Program(p.Program), new Dictionary<string, string>(), GrantRoutes.Program(p.Program) + "?handler=Apply"))
        {
            Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
            Assert.StartsWith("/grants/requests/", applied.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        var id = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.ApplicantId == p.Defender.Id).Select(r => r.Id).SingleAsync());
        var page = GrantRoutes.Request(id);
        var (status, html) = await defender.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"before\"", html, StringComparison.Ordinal);

        // A budget amount that cannot be read: 400, the field named, what was typed kept, nothing saved.
        var form = new Dictionary<string, string>
        {
            ["Title"] = "Cerradura y abogada", ["Need"] = "Amenazas en la puerta de la oficina.", ["Contact"] = "Signal",
            ["Lines[0].Category"] = "Legal", ["Lines[0].Description"] = "Abogada", ["Lines[0].Amount"] = "doce",
            ["Lines[1].Category"] = "", ["Lines[1].Description"] = "", ["Lines[1].Amount"] = "", ["submit"] = "true",
        };
        using (var refused = await defender.PostFormAsync(page, form, page + "?handler=Save"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Contains("id=\"Lines_0__Amount-error\"", body, StringComparison.Ordinal);
            Assert.Contains("value=\"Cerradura y abogada\"", body, StringComparison.Ordinal);
        }
        Assert.Equal("", (await Requests(r => r.GetAsync(p.Defender.Id, id)))!.Answers.Title);

        // Saved and sent in one press: a reference, shown on the page; the reminder was there before sending.
        form["Lines[0].Amount"] = "900";
        form["submit"] = "false";
        using (var saved = await defender.PostFormAsync(page, form, page + "?handler=Save")) Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("id=\"reminder\"", (await defender.GetAsync(page)).Html, StringComparison.Ordinal);
        form["submit"] = "true";
        using (var sent = await defender.PostFormAsync(page, form, page + "?handler=Save"))
            Assert.Contains("done=submitted", sent.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var reference = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.Reference).SingleAsync());
        Assert.Contains(reference!, (await defender.GetAsync(page)).Html, StringComparison.Ordinal);

        // Someone outside: 404 on the page, on each of its forms and on the API.
        using var stranger = await app.SignedInAsync(p.Stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(page)).Status);
        foreach (var (handler, fields) in new[] { ("Save", form), ("Move", new Dictionary<string, string> { ["to"] = "Withdrawn" }), ("Comment", new Dictionary<string, string> { ["comment"] = "hola" }) })
        {
            // The stranger's form token comes from a page they may see; the post itself must find nothing.
            using var refused = await stranger.PostFormAsync(GrantRoutes.List, fields, page + "?handler=" + handler);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        Assert.Equal(RequestState.Submitted, await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.State).SingleAsync()));
        var strangerToken = await app.ApiTokenAsync(p.Stranger);
        using (var api = await stranger.SendAsync(HttpMethod.Get, $"/api/v1/grants/requests/{id}", strangerToken)) Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        using (var api = await stranger.PostJsonAsync($"/api/v1/grants/requests/{id}/moves", new { to = "inReview" }, strangerToken)) Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        using (var api = await stranger.SendAsync(HttpMethod.Get, $"/api/v1/grants/programs/{p.Program}/requests", strangerToken)) Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);

        // The officer, by the pages: the program lists it with its clock; review, then decline with a reason.
        using var officer = await app.SignedInAsync(p.Officer);
        var programPage = (await officer.GetAsync(GrantRoutes.Program(p.Program))).Html;
        Assert.Contains(page, programPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Apply", programPage, StringComparison.Ordinal);
        // Before the declaration of no conflict of interest, the page offers the declaration and no move; a move is refused.
        var undeclared = (await officer.GetAsync(page)).Html;
        Assert.Contains("handler=Declare", undeclared, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Move", undeclared, StringComparison.Ordinal);
        using (var early = await officer.PostFormAsync(page, new Dictionary<string, string> { ["to"] = "InReview" }, page + "?handler=Move"))
            Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        using (var declared = await officer.PostFormAsync(page, new Dictionary<string, string> { ["conflict"] = "false" }, page + "?handler=Declare"))
            Assert.Contains("done=declared", declared.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using (var review = await officer.PostFormAsync(page, new Dictionary<string, string> { ["to"] = "InReview" }, page + "?handler=Move"))
            Assert.Contains("done=InReview", review.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using (var noReason = await officer.PostFormAsync(page, new Dictionary<string, string> { ["to"] = "Declined", ["note"] = "" }, page + "?handler=Move"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.Contains("id=\"note-Declined-error\"", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var tooLong = string.Concat(Enumerable.Repeat("Motivo largo. ", 150)); // over 2,000 characters: refused, and kept in its form
        using (var kept = await officer.PostFormAsync(page, new Dictionary<string, string> { ["to"] = "Declined", ["note"] = tooLong }, page + "?handler=Move"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, kept.StatusCode);
            Assert.Contains(tooLong.Trim(), System.Net.WebUtility.HtmlDecode(await kept.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        Assert.Equal(RequestState.InReview, await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.State).SingleAsync()));
        using (var tampered = await officer.PostFormAsync(page, new Dictionary<string, string> { ["to"] = "Draft" }, page + "?handler=Move"))
            Assert.Equal(HttpStatusCode.Conflict, tampered.StatusCode);
        // Help from the network is suggested with a decline only, and only a kind of the directory's list.
        using (var notADecline = await officer.PostFormAsync(page, new Dictionary<string, string> { ["to"] = "Approved", ["amount"] = "100", ["suggestHelp"] = "Legal" }, page + "?handler=Move"))
            Assert.Equal(HttpStatusCode.BadRequest, notADecline.StatusCode);
        var officerToken = await app.ApiTokenAsync(p.Officer);
        using (var unknownKind = await officer.PostJsonAsync($"/api/v1/grants/requests/{id}/moves", new { to = "declined", note = "No.", suggestHelp = "astrology" }, officerToken))
            Assert.Equal(HttpStatusCode.BadRequest, unknownKind.StatusCode);
        Assert.Equal(RequestState.InReview, await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.State).SingleAsync()));
        Assert.Contains("name=\"suggestHelp\"", (await officer.GetAsync(page)).Html, StringComparison.Ordinal);

        // The API: the officer declines, suggesting legal help; the applicant reads the decision and the reason in camelCase
        // words, the suggestion on the request's page, and — through the fact seam — on their home page.
        using (var declined = await officer.PostJsonAsync($"/api/v1/grants/requests/{id}/moves", new { to = "declined", note = "Este fondo no cubre gastos legales este año.", suggestHelp = "legal" }, officerToken))
            Assert.Equal(HttpStatusCode.NoContent, declined.StatusCode);
        var decided = (await defender.GetAsync(page)).Html;
        Assert.Contains("id=\"suggested-help\"", decided, StringComparison.Ordinal);
        Assert.Contains("/directory?need=Legal", decided, StringComparison.Ordinal);
        Assert.DoesNotContain("/directory?need=Legal", (await officer.GetAsync(page)).Html, StringComparison.Ordinal); // the link is for the applicant
        await app.DeliverFactsUntilAsync(db => db.HelpSuggestions.AnyAsync(x => x.PersonId == p.Defender.Id));
        var home = (await defender.GetAsync("/")).Html;
        Assert.Contains("id=\"help-suggestions\"", home, StringComparison.Ordinal);
        Assert.Contains("/directory?need=Legal", home, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"help-suggestions\"", (await officer.GetAsync("/")).Html, StringComparison.Ordinal);
        // Put away by the person only: anyone else's "not now" finds nothing.
        var suggestion = await app.WithDbAsync(db => db.HelpSuggestions.Where(x => x.PersonId == p.Defender.Id).Select(x => x.Id).SingleAsync());
        using (var notTheirs = await officer.PostFormAsync("/", new Dictionary<string, string> { ["id"] = suggestion.ToString(), ["home"] = "true" }, "/referrals?handler=Dismiss"))
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        // A double click on "not now" is the same as one.
        for (var click = 0; click < 2; click++)
            using (var dismissed = await defender.PostFormAsync("/", new Dictionary<string, string> { ["id"] = suggestion.ToString(), ["home"] = "true" }, "/referrals?handler=Dismiss"))
                Assert.Equal("/", dismissed.Headers.Location!.OriginalString);
        Assert.DoesNotContain("id=\"help-suggestions\"", (await defender.GetAsync("/")).Html, StringComparison.Ordinal);
        var defenderToken = await app.ApiTokenAsync(p.Defender);
        using (var mine = await defender.SendAsync(HttpMethod.Get, $"/api/v1/grants/requests/{id}", defenderToken))
        {
            var json = JsonNode.Parse(await mine.Content.ReadAsStringAsync())!;
            Assert.Equal(("declined", "applicant"), ((string)json["state"]!, (string)json["side"]!));
            Assert.Contains(json["history"]!.AsArray(), e => (string?)e!["text"] == "Este fondo no cubre gastos legales este año.");
            Assert.Contains(json["history"]!.AsArray(), e => (string?)e!["kind"] == "opened");
        }
    }

    [Fact]
    public async Task ADraftWithdrawnBeforeSending_AndARemovedRole_ShowNothingToTheGrantmaker()
    {
        var p = await PeopleAsync();
        var discarded = (await Requests(r => r.StartAsync(p.Defender.Id, p.Program))).Id!.Value;
        await Requests(r => r.SaveAsync(p.Defender.Id, discarded, Legal, null));
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(p.Defender.Id, discarded, RequestState.Withdrawn, null, null, null))).Status);
        Assert.Null(await Requests(r => r.GetAsync(p.Officer.Id, discarded)));
        Assert.DoesNotContain(await Requests(r => r.ForProgramAsync(p.Officer.Id, p.Program, 1, 50)) ?? [], s => s.Id == discarded);
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.CommentAsync(p.Officer.Id, discarded, "hola"))).Status);

        // A sent request: the reviewer sees it until their role is taken back; then nothing, as for a stranger.
        var sent = (await Requests(r => r.StartAsync(p.Defender.Id, p.Program))).Id!.Value;
        await Requests(r => r.SaveAsync(p.Defender.Id, sent, Legal, null));
        await Requests(r => r.MoveAsync(p.Defender.Id, sent, RequestState.Submitted, null, null, null));
        Assert.NotNull(await Requests(r => r.GetAsync(p.Reviewer.Id, sent)));
        Assert.Equal(AssignmentResult.Done, await Programs(g => g.AssignAsync(p.FundAdmin.Id, p.Program, p.Reviewer.Id, ProgramRole.Reviewer, false)));
        Assert.Null(await Requests(r => r.GetAsync(p.Reviewer.Id, sent)));
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.MoveAsync(p.Reviewer.Id, sent, RequestState.InReview, null, null, null))).Status);
        Assert.Null(await Requests(r => r.ForProgramAsync(p.Reviewer.Id, p.Program, 1, 50)));
        // A page number far past the list is an empty page, not an error.
        Assert.Empty((await Requests(r => r.ForProgramAsync(p.Officer.Id, p.Program, int.MaxValue, 50)))!);
    }

    [Fact]
    public async Task DeletingTheApplicantsAccount_TakesTheDrafts_AndLeavesTheGrantmakersCopyOfWhatWasSent()
    {
        var p = await PeopleAsync();
        var draft = (await Requests(r => r.StartAsync(p.Defender.Id, p.Program))).Id!.Value;
        var sent = (await Requests(r => r.StartAsync(p.Defender.Id, p.Program))).Id!.Value;
        await Requests(r => r.SaveAsync(p.Defender.Id, sent, Legal, null));
        await Requests(r => r.MoveAsync(p.Defender.Id, sent, RequestState.Submitted, null, null, null));
        var draftKey = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == draft).Select(r => r.DataKeyId).SingleAsync());

        // The export holds both, decrypted.
        var export = await app.WithServicesAsync(async sp =>
            await sp.GetServices<Amparo.Web.Infrastructure.IPersonalData>().Single(d => d.Section == "grantRequests").ExportAsync(p.Defender.User, CancellationToken.None));
        var exported = Assert.IsType<List<GrantRequestsPersonalData.Request>>(export);
        Assert.Equal(2, exported.Count);
        var exportedSent = Assert.Single(exported, e => e.Id == sent);
        Assert.Equal(Legal.Need, exportedSent.Answers.Need); // decrypted
        Assert.True(Assert.Single(exportedSent.History).ByYou); // the sending, by the person; staff never by name

        await app.WithServicesAsync(async sp => { Assert.True(await sp.GetRequiredService<AccountDeletion>().DeleteAsync(p.Defender.User, CancellationToken.None)); return 0; });
        Assert.False(await app.WithDbAsync(db => db.GrantRequests.AnyAsync(r => r.Id == draft)));
        Assert.Null(await app.WithDbAsync(db => db.DataKeys.Where(k => k.Id == draftKey).Select(k => k.Wrapped).SingleAsync()));
        var kept = (await Requests(r => r.GetAsync(p.Officer.Id, sent)))!;
        Assert.Null(kept.Request.ApplicantId);
        Assert.Equal(Legal.Need, kept.Answers.Need);
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class GrantRequestTestsSqlite(SqliteApp app) : GrantRequestTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class GrantRequestTestsPostgres(PostgresApp app) : GrantRequestTests(app);
