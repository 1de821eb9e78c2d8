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
/// Grantmakers' programs on both databases (issue 14, first part): only an admin of a grantmaker organization creates and
/// changes its programs and gives its members roles on them; bad input is refused field by field and writes nothing;
/// a program that takes requests is readable by anyone signed in, a closed one only by its admins and staff; a member
/// who leaves the organization loses the role; the pages and the API follow the same rules.
/// </summary>
public abstract class GrantProgramTests(AppFixture app)
{
    private static ProgramInput Emergency(string name = "Fondo de respuesta rápida") => new(
        name, ProgramKind.Emergency, "Apoyo en las primeras 72 horas tras una amenaza o un ataque.", "Defensoras y defensores en riesgo inminente.",
        "USD", 5000m, [CostCategories.PhysicalSecurity, CostCategories.Relocation], ["es", "en"], "CO hn", ProgramStatus.Rolling, 72);

    private sealed record People(OrgKit.Person Admin, OrgKit.Person Member, OrgKit.Person Stranger, OrgKit.Person OtherAdmin, OrgKit.Person CivilAdmin, Guid Fund, Guid OtherFund, Guid Civil);

    private async Task<People> PeopleAsync()
    {
        var admin = await app.PersonAsync("gradmin");
        var member = await app.PersonAsync("grmember");
        var stranger = await app.PersonAsync("grstranger");
        var otherAdmin = await app.PersonAsync("grotheradmin");
        var civilAdmin = await app.PersonAsync("grcivil");
        var fund = await app.OrganizationAsync(admin, "Fondo " + Guid.NewGuid().ToString("N")[..6]);
        var otherFund = await app.OrganizationAsync(otherAdmin);
        var civil = await app.OrganizationAsync(civilAdmin);
        await app.AddMemberAsync(fund, member);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == fund || o.Id == otherFund).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        return new People(admin, member, stranger, otherAdmin, civilAdmin, fund, otherFund, civil);
    }

    private static readonly string[] Legal = ["legal"], Spanish = ["es"];

    private Task<T> With<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));

    [Fact]
    public async Task AGrantmakersAdmin_RunsAProgram_AndEachPersonSeesAndChangesOnlyWhatTheRulesAllow()
    {
        var p = await PeopleAsync();

        // Bad input: every problem named by field, nothing written.
        var before = await app.WithDbAsync(db => db.GrantPrograms.CountAsync(g => g.OrganizationId == p.Fund));
        var bad = await With(g => g.CreateAsync(p.Admin.Id, p.Fund, Emergency() with { Name = " ", Currency = "usd", Regions = "CO Colombia", ResponseHours = null, Categories = [], Languages = ["xx"] }));
        Assert.Equal(ProgramWriteStatus.Invalid, bad.Status);
        Assert.Equal(["Categories", "Currency", "Languages", "Name", "Regions", "ResponseHours"], bad.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Grants.Error.Regions", (await With(g => g.CreateAsync(p.Admin.Id, p.Fund, Emergency() with { Regions = "ZZ" }))).Errors!["Regions"]); // not a country
        Assert.Equal("Grants.Error.ResponseHoursOnlyEmergency",
            (await With(g => g.CreateAsync(p.Admin.Id, p.Fund, Emergency() with { Kind = ProgramKind.DigitalSecurity }))).Errors!["ResponseHours"]);
        Assert.Equal("Grants.Error.Ceiling", (await With(g => g.CreateAsync(p.Admin.Id, p.Fund, Emergency() with { Ceiling = 0.001m }))).Errors!["Ceiling"]);
        Assert.Equal(before, await app.WithDbAsync(db => db.GrantPrograms.CountAsync(g => g.OrganizationId == p.Fund)));

        // Only the grantmaker's admin may create its programs: not its member, not another grantmaker's admin, not for a civil-society organization.
        Assert.Equal(ProgramWriteStatus.NotFound, (await With(g => g.CreateAsync(p.Member.Id, p.Fund, Emergency()))).Status);
        Assert.Equal(ProgramWriteStatus.NotFound, (await With(g => g.CreateAsync(p.OtherAdmin.Id, p.Fund, Emergency()))).Status);
        Assert.Equal(ProgramWriteStatus.NotFound, (await With(g => g.CreateAsync(p.CivilAdmin.Id, p.Civil, Emergency()))).Status);
        var created = await With(g => g.CreateAsync(p.Admin.Id, p.Fund, Emergency()));
        Assert.Equal(ProgramWriteStatus.Done, created.Status);
        var id = created.Id!.Value;
        var stored = await app.WithDbAsync(db => db.GrantPrograms.SingleAsync(g => g.Id == id));
        Assert.Equal(("CO HN", "es en", 72, CostCategories.PhysicalSecurity | CostCategories.Relocation), (stored.Regions, stored.Languages, stored.ResponseHours, stored.Categories));

        // Roles: a member of the grantmaker, given by its admin only; not someone outside it.
        Assert.Equal(AssignmentResult.NotAMember, await With(g => g.AssignAsync(p.Admin.Id, id, p.Stranger.Id, ProgramRole.Reviewer, true)));
        Assert.Equal(AssignmentResult.NotFound, await With(g => g.AssignAsync(p.Member.Id, id, p.Member.Id, ProgramRole.Reviewer, true)));
        Assert.Equal(AssignmentResult.NotFound, await With(g => g.AssignAsync(p.OtherAdmin.Id, id, p.Member.Id, ProgramRole.Reviewer, true)));
        Assert.Equal(AssignmentResult.Done, await With(g => g.AssignAsync(p.Admin.Id, id, p.Member.Id, ProgramRole.Reviewer, true)));
        Assert.Equal(AssignmentResult.Done, await With(g => g.AssignAsync(p.Admin.Id, id, p.Member.Id, ProgramRole.DutyOfficer, true)));
        var mine = Assert.Single(await With(g => g.ManagedAsync(p.Member.Id)), s => s.Id == id);
        Assert.Equal([ProgramRole.Reviewer, ProgramRole.DutyOfficer], mine.MyRoles);
        Assert.False(mine.CanEdit);
        Assert.DoesNotContain(await With(g => g.ManagedAsync(p.Stranger.Id)), s => s.Id == id);
        Assert.DoesNotContain(await With(g => g.ManagedAsync(p.OtherAdmin.Id)), s => s.Id == id);

        // Taking requests: anyone signed in reads it, without its staff; its staff see the staff.
        Assert.Contains(await With(g => g.OpenAsync()), s => s.Id == id);
        var seen = await With(g => g.GetAsync(p.Stranger.Id, id));
        Assert.NotNull(seen);
        Assert.Empty(seen.Assignments);
        Assert.Equal(2, (await With(g => g.GetAsync(p.Member.Id, id)))!.Assignments.Count);

        // Only its admin changes it; closed, only its admins and staff see it.
        Assert.Equal(ProgramWriteStatus.NotFound, (await With(g => g.UpdateAsync(p.Member.Id, id, Emergency() with { Status = ProgramStatus.Closed }))).Status);
        Assert.Equal(ProgramWriteStatus.NotFound, (await With(g => g.UpdateAsync(p.OtherAdmin.Id, id, Emergency() with { Status = ProgramStatus.Closed }))).Status);
        Assert.Equal(ProgramWriteStatus.Done, (await With(g => g.UpdateAsync(p.Admin.Id, id, Emergency() with { Status = ProgramStatus.Closed }))).Status);
        Assert.DoesNotContain(await With(g => g.OpenAsync()), s => s.Id == id);
        Assert.Null(await With(g => g.GetAsync(p.Stranger.Id, id)));
        Assert.Null(await With(g => g.GetAsync(p.OtherAdmin.Id, id)));
        Assert.NotNull(await With(g => g.GetAsync(p.Member.Id, id)));

        // Pages, without JavaScript: the admin's form refuses a bad currency by its field and keeps what was typed; a good
        // one is saved; the stranger gets 404 for the closed program; the member sees who works on it.
        using var admin = await app.SignedInAsync(p.Admin);
        var list = await admin.GetAsync(GrantRoutes.List);
        Assert.Contains(GrantRoutes.NewProgram(p.Fund), WebUtility.HtmlDecode(list.Html), StringComparison.Ordinal);
        var form = new Dictionary<string, string>
        {
            ["Name"] = "Cuidado colectivo", ["Kind"] = "PsychosocialAndWellbeing", ["Description"] = "Espacios de cuidado para equipos.",
            ["Eligibility"] = "Organizaciones de defensoras.", ["Currency"] = "e", ["Ceiling"] = "2500", ["Categories"] = "MedicalAndPsychosocial",
            ["Languages"] = "es", ["Regions"] = "", ["Status"] = "Open", ["ResponseHours"] = "",
        };
        using (var refused = await admin.PostFormAsync(GrantRoutes.NewProgram(p.Fund), form))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("id=\"Currency-error\"", html, StringComparison.Ordinal);
            Assert.Contains("value=\"Cuidado colectivo\"", html, StringComparison.Ordinal);
        }
        // A value the binder cannot read is that field's problem, not silently dropped; a ceiling with a thousands
        // separator is refused (it would read differently in another language).
        foreach (var (field, value) in new[] { ("Categories", "-1"), ("ResponseHours", "abc"), ("Ceiling", "2,500"), ("Kind", "99") })
        {
            var tampered = new Dictionary<string, string>(form) { ["Currency"] = "EUR", [field] = value };
            using var refused = await admin.PostFormAsync(GrantRoutes.NewProgram(p.Fund), tampered);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains($"id=\"{field}-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.False(await app.WithDbAsync(db => db.GrantPrograms.AnyAsync(g => g.OrganizationId == p.Fund && g.Name == "Cuidado colectivo")));
        form["Currency"] = "eur";
        form["Ceiling"] = "2500.50";
        using (var saved = await admin.PostFormAsync(GrantRoutes.NewProgram(p.Fund), form))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            Assert.Contains("done=saved", saved.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(("EUR", 2500.50m), await app.WithDbAsync(db => db.GrantPrograms.Where(g => g.OrganizationId == p.Fund && g.Name == "Cuidado colectivo").Select(g => new ValueTuple<string, decimal?>(g.Currency, g.Ceiling)).SingleAsync()));
        using var stranger = await app.SignedInAsync(p.Stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(GrantRoutes.Program(id))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(GrantRoutes.NewProgram(p.Fund))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(GrantRoutes.EditProgram(id))).Status);
        using var member = await app.SignedInAsync(p.Member);
        var memberPage = await member.GetAsync(GrantRoutes.Program(id));
        Assert.Equal(HttpStatusCode.OK, memberPage.Status);
        Assert.Contains("reviewer", memberPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"userId\"", memberPage.Html, StringComparison.Ordinal); // staff see the roles, only admins give them
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync(GrantRoutes.EditProgram(id))).Status);

        // The API: the same rules.
        var token = await app.ApiTokenAsync(p.Stranger);
        using (var api404 = await stranger.SendAsync(HttpMethod.Get, $"/api/v1/grants/programs/{id}", token)) Assert.Equal(HttpStatusCode.NotFound, api404.StatusCode);
        var adminToken = await app.ApiTokenAsync(p.Admin);
        using (var badBody = await admin.PostJsonAsync("/api/v1/grants/programs", new { organizationId = p.Fund, name = "X", kind = "emergency", description = "d", eligibility = "e", currency = "USD", categories = Legal, languages = Spanish, status = "rolling" }, adminToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
            Assert.Contains("responseHours", await badBody.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var notAdmin = await stranger.PostJsonAsync("/api/v1/grants/programs", new { organizationId = p.Fund, name = "X", kind = "legal" }, token))
            Assert.Equal(HttpStatusCode.NotFound, notAdmin.StatusCode);
        using (var ok = await admin.SendAsync(HttpMethod.Get, $"/api/v1/grants/programs/{id}", adminToken))
        {
            var json = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
            Assert.Equal(("emergency", "closed", 72), ((string)json["kind"]!, (string)json["status"]!, (int)json["responseHours"]!));
            Assert.Equal(2, json["assignments"]!.AsArray().Count);
        }

        // A member who leaves the grantmaker loses the role with it.
        await app.WithServicesAsync(sp => sp.GetRequiredService<OrganizationService>().RemoveAsync(p.Fund, p.Admin.Id, p.Member.Id));
        Assert.Null(await With(g => g.GetAsync(p.Member.Id, id)));
        Assert.DoesNotContain(await With(g => g.ManagedAsync(p.Member.Id)), s => s.Id == id);
        Assert.Empty((await With(g => g.GetAsync(p.Admin.Id, id)))!.Assignments);
        await app.AddMemberAsync(p.Fund, p.Member); // rejoining does not bring the roles back
        Assert.Null(await With(g => g.GetAsync(p.Member.Id, id)));
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class GrantProgramTestsSqlite(SqliteApp app) : GrantProgramTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class GrantProgramTestsPostgres(PostgresApp app) : GrantProgramTests(app);
