using System.Net;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.PlanShares;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BudgetLine = Amparo.Web.Features.Grants.BudgetLine;

namespace Amparo.Tests.Grants;

/// <summary>
/// A request and the applicant's security plan on both databases (issue 14): the plan's costed actions still to do
/// become budget lines in the categories the program funds (never one in another currency or of a cost it does not
/// fund, never past the most lines, never into a request already sent); a read-only summary of the plan shared by
/// consent with the grantmaker's admins and the program's staff, linked to the request in the same commit; revoked by
/// the applicant on the plan's page, it opens for nobody. Nobody but the applicant may do either, with a plan of
/// their own.
/// </summary>
public abstract class RequestPlanTests(AppFixture app)
{
    private sealed record Setup(OrgKit.Person Defender, OrgKit.Person Other, OrgKit.Person Admin, OrgKit.Person Officer, OrgKit.Person Finance,
        OrgKit.Person Colleague, Guid Program, Guid Plan, Guid OthersPlan, Guid Lock, Guid Phone, Guid Therapy, Guid Course, Guid Alarm);

    private Task<T> Plans<T>(Func<PlanService, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<PlanService>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));

    private static Guid Made(PlanWrite result) => result.Status == PlanWriteStatus.Done ? result.Id!.Value : throw new InvalidOperationException(result.Status.ToString());

    private async Task<Setup> SetupAsync()
    {
        var defender = await app.PersonAsync("rpdefender");
        var other = await app.PersonAsync("rpother");
        var admin = await app.PersonAsync("rpadmin");
        var officer = await app.PersonAsync("rpofficer");
        var finance = await app.PersonAsync("rpfinance");
        var colleague = await app.PersonAsync("rpcolleague"); // a member of the grantmaker with no role on the program
        var fund = await app.OrganizationAsync(admin, "Fondo de protección " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(fund, officer);
        await app.AddMemberAsync(fund, finance);
        await app.AddMemberAsync(fund, colleague);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == fund).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var program = (await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().CreateAsync(admin.Id, fund, new ProgramInput(
            "Protección integral", ProgramKind.ProtectionAndCapacity, "Planes de seguridad.", "Colectivos.", "USD", 10000m,
            [CostCategories.PhysicalSecurity, CostCategories.DigitalSecurity, CostCategories.Legal], ["es"], "", ProgramStatus.Rolling, null)))).Id!.Value;
        await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().AssignAsync(admin.Id, program, officer.Id, ProgramRole.ProgramOfficer, true));
        await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().AssignAsync(admin.Id, program, finance.Id, ProgramRole.Finance, true));

        var due = app.Now().AddDays(30);
        var plan = Made(await Plans(p => p.CreateForPersonAsync(defender.Id, new PlanInput("Plan de la casa comunal", false, "Riesgos de la vereda", null, null))));
        Task<Guid> Action(string what, PlanActionStatus status, decimal? cost, string? currency, SecurityDomains domains) =>
            Plans(async p => Made(await p.AddActionAsync(defender.Id, plan, new ActionInput(what, defender.Id, due, status, cost, currency, domains))));
        var lockId = await Action("Cerradura reforzada en la puerta", PlanActionStatus.Planned, 300m, "USD", SecurityDomains.Physical);
        var phone = await Action("Teléfono nuevo y cifrado", PlanActionStatus.InProgress, 250m, "USD", SecurityDomains.Digital | SecurityDomains.Psychosocial);
        var therapy = await Action("Terapia para el equipo", PlanActionStatus.Planned, 400m, "USD", SecurityDomains.Psychosocial);
        var course = await Action("Curso de seguridad digital", PlanActionStatus.Planned, 100m, "EUR", SecurityDomains.Digital);
        var alarm = await Action("Alarma", PlanActionStatus.Done, 500m, "USD", SecurityDomains.Physical);
        await Action("Hablar con la alcaldía", PlanActionStatus.Planned, null, null, SecurityDomains.Political);
        var othersPlan = Made(await Plans(p => p.CreateForPersonAsync(other.Id, new PlanInput("Otro plan", false, null, null, null))));
        return new Setup(defender, other, admin, officer, finance, colleague, program, plan, othersPlan, lockId, phone, therapy, course, alarm);
    }

    [Fact]
    public async Task APlansCostedActions_BecomeBudgetLines_InTheCategoriesTheProgramFunds_AndNothingElseIsTaken()
    {
        var s = await SetupAsync();
        var request = (await Requests(r => r.StartAsync(s.Defender.Id, s.Program))).Id!.Value;

        // What is offered: the costed actions still to do, each with its category or why it cannot be a line.
        var costs = (await Requests(r => r.PlanCostsAsync(s.Defender.Id, request, s.Plan)))!.Costs.ToDictionary(c => c.ActionId);
        // Not the one done, not the one without a cost.
        Assert.Equal(new[] { s.Lock, s.Phone, s.Therapy, s.Course }.Order(), costs.Keys.Order());
        Assert.Equal((CostCategories.PhysicalSecurity, (PlanCostProblem?)null), (costs[s.Lock].Category, costs[s.Lock].Problem));
        Assert.Equal(CostCategories.DigitalSecurity, costs[s.Phone].Category);
        Assert.Equal(PlanCostProblem.NotFunded, costs[s.Therapy].Problem);
        Assert.Equal(PlanCostProblem.OtherCurrency, costs[s.Course].Problem);

        // Refused, nothing written: none chosen, one that cannot be a line, one done, an action of no plan of theirs.
        foreach (var chosen in new[] { Array.Empty<Guid>(), [s.Lock, s.Therapy], [s.Course], [s.Alarm], [Guid.NewGuid()] })
            Assert.Equal(RequestWriteStatus.Invalid, (await Requests(r => r.ImportFromPlanAsync(s.Defender.Id, request, s.Plan, chosen, null))).Status);
        Assert.Empty((await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Answers.Lines);

        // Someone else's plan, someone else's request, a stranger: not found.
        Assert.Null(await Requests(r => r.PlanCostsAsync(s.Defender.Id, request, s.OthersPlan)));
        Assert.Null(await Requests(r => r.PlanCostsAsync(s.Other.Id, request, s.OthersPlan)));
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.ImportFromPlanAsync(s.Other.Id, request, s.Plan, [s.Lock], null))).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.ImportFromPlanAsync(s.Officer.Id, request, s.Plan, [s.Lock], null))).Status);

        // Imported: two lines after the one already there; the reminder then has nothing to say about security.
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(s.Defender.Id, request,
            new RequestAnswers("Protección de la casa comunal", "Amenazas.", "Signal", [new BudgetLine(CostCategories.Legal, "Abogada", 600m)]), null))).Status);
        var version = (await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Request.Version;
        Assert.Equal(RequestWriteStatus.Conflict, (await Requests(r => r.ImportFromPlanAsync(s.Defender.Id, request, s.Plan, [s.Lock], version - 1))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.ImportFromPlanAsync(s.Defender.Id, request, s.Plan, [s.Lock, s.Phone], version))).Status);
        var saved = (await Requests(r => r.GetAsync(s.Defender.Id, request)))!;
        Assert.Equal(
            [(CostCategories.Legal, "Abogada", 600m), (CostCategories.PhysicalSecurity, "Cerradura reforzada en la puerta", 300m), (CostCategories.DigitalSecurity, "Teléfono nuevo y cifrado", 250m)],
            saved.Answers.Lines.Select(l => (l.Category, l.Description, l.Amount)).ToList());
        Assert.Equal(CostCategories.None, saved.Reminder);

        // Never past the most lines; never into a request already sent.
        var many = Enumerable.Range(1, RequestRules.MaxLines - 1).Select(i => new BudgetLine(CostCategories.Legal, "Línea " + i, 10m)).ToList();
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(s.Defender.Id, request, saved.Answers with { Lines = many }, null))).Status);
        var tooMany = await Requests(r => r.ImportFromPlanAsync(s.Defender.Id, request, s.Plan, [s.Lock, s.Phone], null));
        Assert.Equal("Grants.FromPlan.Error.TooMany", tooMany.Errors!["Actions"]);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(s.Defender.Id, request, RequestState.Submitted, null, null, null))).Status);
        Assert.Null(await Requests(r => r.PlanCostsAsync(s.Defender.Id, request, s.Plan)));
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.ImportFromPlanAsync(s.Defender.Id, request, s.Plan, [s.Lock], null))).Status);
    }

    [Fact]
    public async Task APlanSummary_SharedByConsent_OpensForTheProgramsStaff_AndForNobodyOnceRevoked()
    {
        var s = await SetupAsync();
        var request = (await Requests(r => r.StartAsync(s.Defender.Id, s.Program))).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(s.Defender.Id, request,
            new RequestAnswers("Protección", "Amenazas.", "Signal", [new BudgetLine(CostCategories.Legal, "Abogada", 600m)]), null))).Status);

        // Without consent, or by anyone else, or of someone else's plan: nothing shared, nothing linked.
        Assert.Equal(RequestWriteStatus.Invalid, (await Requests(r => r.SharePlanAsync(s.Defender.Id, request, s.Plan, false))).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.SharePlanAsync(s.Defender.Id, request, s.OthersPlan, true))).Status);
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.SharePlanAsync(s.Other.Id, request, s.OthersPlan, true))).Status);
        Assert.Equal(0, await app.WithDbAsync(db => db.PlanShares.CountAsync(p => p.PlanId == s.Plan)));
        Assert.Null((await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Request.PlanShareId);

        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SharePlanAsync(s.Defender.Id, request, s.Plan, true))).Status);
        var shareId = (await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Request.PlanShareId!.Value;
        var share = await app.WithDbAsync(db => db.PlanShares.SingleAsync(p => p.Id == shareId));
        Assert.Equal((s.Plan, ShareScope.SummaryAndCostedActions), (share.PlanId, share.Scope));
        var mine = (await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Plan!;
        Assert.True(mine.Standing);
        Assert.Equal(app.Now() + GrantRequests.SharedPlanLasts, mine.Until!.Value, TimeSpan.FromSeconds(5));
        // One summary per request while it stands: a second is refused, and nothing more is shared.
        Assert.Equal("Grants.FromPlan.Error.AlreadyShared", (await Requests(r => r.SharePlanAsync(s.Defender.Id, request, s.Plan, true))).Errors!["Consent"]);
        Assert.Equal(1, await app.WithDbAsync(db => db.PlanShares.CountAsync(p => p.PlanId == s.Plan)));
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(s.Defender.Id, request, RequestState.Submitted, null, null, null))).Status);

        // The program's staff open the summary — costed actions, never the plan's context; the applicant sees who looked.
        var opened = await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Officer.Id, shareId));
        Assert.NotNull(opened);
        Assert.Null(opened.File.Context);
        Assert.Contains(opened.File.Actions!, a => a.What == "Cerradura reforzada en la puerta");
        // Someone outside the grantmaker, and a member of it with no role on the program: the share is not there for them.
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Other.Id, shareId)));
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Colleague.Id, shareId)));
        // Finance taken off the program: no longer a reader.
        Assert.NotNull(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Finance.Id, shareId)));
        await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().AssignAsync(s.Admin.Id, s.Program, s.Finance.Id, ProgramRole.Finance, false));
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Finance.Id, shareId)));

        // An admin of the grantmaker who works on the program and steps aside from the request (a declared conflict of
        // interest) no longer opens its summary, nor finds it among those received.
        await app.WithServicesAsync(sp => sp.GetRequiredService<GrantPrograms>().AssignAsync(s.Admin.Id, s.Program, s.Admin.Id, ProgramRole.Reviewer, true));
        Assert.NotNull(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Admin.Id, shareId)));
        Assert.Equal(RequestWriteStatus.Done, (await app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(s.Admin.Id, request, conflict: true))).Status);
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Admin.Id, shareId)));
        Assert.DoesNotContain(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().ReceivedAsync(s.Admin.Id)), r => r.Id == shareId);

        // The request page shows each side what it may do with it, without JavaScript.
        using (var officer = await app.SignedInAsync(s.Officer))
            Assert.Contains($"/grants/plans/{shareId}", (await officer.GetAsync(GrantRoutes.Request(request))).Html, StringComparison.Ordinal);
        using (var defender = await app.SignedInAsync(s.Defender))
            Assert.Contains($"/plans/{s.Plan}/shares", (await defender.GetAsync(GrantRoutes.Request(request))).Html, StringComparison.Ordinal);

        // Revoked by the applicant on the plan's page: it opens for nobody, and the request says so.
        Assert.Equal(PlanWriteStatus.Done, (await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().RevokeAsync(s.Defender.Id, s.Plan, shareId))).Status);
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<PlanShareService>().OpenAsync(s.Officer.Id, shareId)));
        var after = (await Requests(r => r.GetAsync(s.Officer.Id, request)))!.Plan!;
        Assert.False(after.Standing || after.ViewerMayOpen);
        using (var officer = await app.SignedInAsync(s.Officer))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/grants/plans/{shareId}")).Status);
            Assert.DoesNotContain($"/grants/plans/{shareId}", (await officer.GetAsync(GrantRoutes.Request(request))).Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ThePlanPage_WorksWithoutJavaScript_ForTheApplicantOnly()
    {
        var s = await SetupAsync();
        var request = (await Requests(r => r.StartAsync(s.Defender.Id, s.Program))).Id!.Value;
        using var client = await app.SignedInAsync(s.Defender);
        Assert.Contains(GrantRoutes.RequestPlan(request), (await client.GetAsync(GrantRoutes.Request(request))).Html, StringComparison.Ordinal);
        Assert.Contains(GrantRoutes.RequestPlan(request, s.Plan), (await client.GetAsync(GrantRoutes.RequestPlan(request))).Html, StringComparison.Ordinal);
        var page = GrantRoutes.RequestPlan(request, s.Plan);
        var (status, html) = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Cerradura reforzada en la puerta", html, StringComparison.Ordinal);
        Assert.Contains("This program does not fund this kind of cost.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Alarma", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Riesgos de la vereda", html, StringComparison.Ordinal);

        using (var none = await client.PostFormAsync(page, new Dictionary<string, string>(), GrantRoutes.RequestPlan(request) + $"?handler=Import&plan={s.Plan}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
            Assert.Contains("Tick at least one action", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var added = await client.PostFormAsync(page, new Dictionary<string, string> { ["Actions"] = s.Lock.ToString() }, GrantRoutes.RequestPlan(request) + $"?handler=Import&plan={s.Plan}"))
            Assert.Contains("done=imported", added.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Single((await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Answers.Lines);
        using (var noConsent = await client.PostFormAsync(page, new Dictionary<string, string>(), GrantRoutes.RequestPlan(request) + $"?handler=Share&plan={s.Plan}"))
            Assert.Equal(HttpStatusCode.BadRequest, noConsent.StatusCode);
        using (var shared = await client.PostFormAsync(page, new Dictionary<string, string> { ["Consent"] = "true" }, GrantRoutes.RequestPlan(request) + $"?handler=Share&plan={s.Plan}"))
            Assert.Contains("done=planShared", shared.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // Anyone else: not found, the page and its forms.
        using var other = await app.SignedInAsync(s.Other);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(GrantRoutes.RequestPlan(request))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(GrantRoutes.RequestPlan(request, s.OthersPlan))).Status);
        using (var refused = await other.PostFormAsync(GrantRoutes.List, new Dictionary<string, string> { ["Actions"] = s.Lock.ToString() }, GrantRoutes.RequestPlan(request) + $"?handler=Import&plan={s.Plan}"))
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Single((await Requests(r => r.GetAsync(s.Defender.Id, request)))!.Answers.Lines);
    }

    [Fact]
    public void APlanActionsDomains_PickTheFirstCategoryTheProgramFunds()
    {
        const CostCategories funded = CostCategories.DigitalSecurity | CostCategories.MedicalAndPsychosocial;
        Assert.Equal(CostCategories.DigitalSecurity, RequestRules.CategoryFor(SecurityDomains.Physical | SecurityDomains.Digital, funded));
        Assert.Equal(CostCategories.MedicalAndPsychosocial, RequestRules.CategoryFor(SecurityDomains.Health, funded));
        Assert.Equal(CostCategories.None, RequestRules.CategoryFor(SecurityDomains.Legal, funded));
        Assert.Equal(CostCategories.Other, RequestRules.CategoryFor(SecurityDomains.Environmental, funded | CostCategories.Other));
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class RequestPlanTestsSqlite(SqliteApp app) : RequestPlanTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class RequestPlanTestsPostgres(PostgresApp app) : RequestPlanTests(app);
