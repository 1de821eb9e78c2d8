using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// Who asks (issue 14), on both databases: an organization applying as itself (its admins and focal points are the
/// applicant side), and a focal point or a network coordinator asking on behalf of a defender who cannot — the defender
/// reads it and the grantmaker sees their name only while they agree to it.
/// </summary>
public abstract class AskingTests(AppFixture app)
{
    private sealed record World(OrgKit.Person FundAdmin, OrgKit.Person Officer, Guid Fund, Guid Program,
        OrgKit.Person OrgAdmin, OrgKit.Person FocalPoint, OrgKit.Person Member, Guid Org, OrgKit.Person Coordinator, OrgKit.Person Outsider);

    private async Task<World> WorldAsync()
    {
        var fundAdmin = await app.PersonAsync("askfund");
        var officer = await app.PersonAsync("askofficer");
        var fund = await app.OrganizationAsync(fundAdmin, "Fondo " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(fund, officer);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == fund).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var program = await Programs(async g =>
        {
            var id = (await g.CreateAsync(fundAdmin.Id, fund, new ProgramInput("Protección", ProgramKind.ProtectionAndCapacity, "Medidas.", "Defensoras.",
                "USD", 10000m, [CostCategories.PhysicalSecurity, CostCategories.Legal], ["es"], "", ProgramStatus.Rolling, null))).Id!.Value;
            Assert.Equal(AssignmentResult.Done, await g.AssignAsync(fundAdmin.Id, id, officer.Id, ProgramRole.ProgramOfficer, true));
            return id;
        });
        var orgAdmin = await app.PersonAsync("askorgadmin");
        var focal = await app.PersonAsync("askfocal");
        var member = await app.PersonAsync("askmember", name: "Berta Cáceres Flores");
        var org = await app.OrganizationAsync(orgAdmin, "Colectivo " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(org, focal, OrgRole.FocalPoint);
        await app.AddMemberAsync(org, member);
        // A network the organization belongs to, and its coordinator (not a member of the organization).
        var coordinator = await app.PersonAsync("askcoord");
        await app.WithDbAsync(async db =>
        {
            var network = new Network { Id = Guid.NewGuid(), Name = "Red " + Guid.NewGuid().ToString("N")[..6], CreatedAt = app.Clock.GetUtcNow().UtcDateTime };
            db.Networks.Add(network);
            db.NetworkOrganizations.Add(new NetworkOrganization { NetworkId = network.Id, OrganizationId = org });
            db.NetworkCoordinators.Add(new NetworkCoordinator { NetworkId = network.Id, UserId = coordinator.Id });
            return await db.SaveChangesAsync();
        });
        return new World(fundAdmin, officer, fund, program, orgAdmin, focal, member, org, coordinator, await app.PersonAsync("askoutsider"));
    }

    private static readonly RequestAnswers Answers = new("Puerta reforzada", "Amenazas a la defensora tras la audiencia.", "Por la coordinadora",
        [new BudgetLine(CostCategories.PhysicalSecurity, "Puerta y cerradura", 1200m)]);

    private Task<T> Programs<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));

    private async Task SendAsync(OrgKit.Person who, Guid id)
    {
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(who.Id, id, Answers, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(who.Id, id, RequestState.Submitted, null, null, null))).Status);
    }

    [Fact]
    public async Task AnOrganization_AppliesAsItself_ItsAdminsAndFocalPointsAreTheApplicant_NobodyElse()
    {
        var w = await WorldAsync();
        // Only an organization where the person is an admin or focal point; the grantmaker never applies to its own program.
        Assert.Equal("Grants.Request.Error.As", (await Requests(r => r.StartAsync(w.Member.Id, w.Program, new ApplyingAs(OrganizationId: w.Org)))).Errors!["As"]);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.StartAsync(w.FundAdmin.Id, w.Program, new ApplyingAs(OrganizationId: w.Fund)))).Status);
        Assert.Equal(RequestWriteStatus.Invalid, (await Requests(r => r.StartAsync(w.OrgAdmin.Id, w.Program, new ApplyingAs(w.Org, w.Member.Id)))).Status);

        var id = (await Requests(r => r.StartAsync(w.OrgAdmin.Id, w.Program, new ApplyingAs(OrganizationId: w.Org)))).Id!.Value;
        // The focal point of the organization works on it too; a plain member and an outsider do not see it.
        Assert.Equal(RequestSide.Applicant, (await Requests(r => r.GetAsync(w.FocalPoint.Id, id)))!.Side);
        Assert.Contains(id, (await Requests(r => r.MineAsync(w.FocalPoint.Id))).Select(s => s.Id));
        foreach (var someone in new[] { w.Member, w.Outsider })
        {
            Assert.Null(await Requests(r => r.GetAsync(someone.Id, id)));
            Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.SaveAsync(someone.Id, id, Answers, null))).Status);
            Assert.DoesNotContain(id, (await Requests(r => r.MineAsync(someone.Id))).Select(s => s.Id));
        }
        await SendAsync(w.FocalPoint, id);
        var seen = (await Requests(r => r.GetAsync(w.Officer.Id, id)))!;
        Assert.Equal(new Asking(await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == w.Org).Select(o => o.Name).SingleAsync()), false, null), seen.For);
        // Leaving the organization ends it: the former focal point no longer sees the request.
        await app.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == w.Org && m.UserId == w.FocalPoint.Id).ExecuteDeleteAsync());
        Assert.Null(await Requests(r => r.GetAsync(w.FocalPoint.Id, id)));
    }

    [Fact]
    public async Task OnBehalfOfADefender_TheyReadIt_AndTheGrantmakerSeesTheirNameOnlyWhileTheyAgree()
    {
        var w = await WorldAsync();
        // Whom each may ask for: the focal point the organization's members, the coordinator its network's members.
        var choices = await Requests(r => r.AskingChoicesAsync(w.FocalPoint.Id));
        Assert.Contains(w.Member.Id, choices.People.Select(p => p.Id));
        Assert.Contains(w.Org, choices.Organizations.Select(o => o.Id));
        Assert.Contains(w.Member.Id, (await Requests(r => r.AskingChoicesAsync(w.Coordinator.Id))).People.Select(p => p.Id));
        Assert.Empty((await Requests(r => r.AskingChoicesAsync(w.Member.Id))).People);
        // A plain member cannot ask on someone's behalf; an outsider cannot ask for a member.
        Assert.Equal(RequestWriteStatus.Invalid, (await Requests(r => r.StartAsync(w.Member.Id, w.Program, new ApplyingAs(BehalfOfId: w.FocalPoint.Id)))).Status);
        Assert.Equal(RequestWriteStatus.Invalid, (await Requests(r => r.StartAsync(w.Outsider.Id, w.Program, new ApplyingAs(BehalfOfId: w.Member.Id)))).Status);

        var id = (await Requests(r => r.StartAsync(w.Coordinator.Id, w.Program, new ApplyingAs(BehalfOfId: w.Member.Id)))).Id!.Value;
        // The defender is told by e-mail that something waits for them — a link behind sign-in, no fund, no program, no asker.
        var notice = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<Amparo.Web.Infrastructure.Data.AmparoDbContext>();
            var row = await db.Outbox.AsNoTracking().SingleAsync(m => m.NotificationKey == $"grant-behalf:{id:N}");
            return (await sp.GetRequiredService<Amparo.Web.Features.Notifications.OutboxWriter>().ReadAsync(db, row)).Text;
        });
        Assert.Contains(GrantRoutes.Behalf(id), notice, StringComparison.Ordinal);
        foreach (var secret in new[] { "Protección", "Fondo", w.Coordinator.User.DisplayName })
            Assert.DoesNotContain(secret, notice, StringComparison.Ordinal);
        await SendAsync(w.Coordinator, id);
        // The defender reads what was written about them; they are not its applicant (they cannot change or send it).
        var theirs = (await Requests(r => r.BehalfAsync(w.Member.Id, id)))!;
        Assert.Equal((Answers.Need, false), (theirs.Answers.Need, theirs.Named));
        Assert.Null(await Requests(r => r.GetAsync(w.Member.Id, id)));
        Assert.Equal([id], (await Requests(r => r.OnMyBehalfAsync(w.Member.Id))).Select(s => s.Id));
        // The grantmaker: "a defender, not named".
        Assert.Equal(new Asking(null, true, null), (await Requests(r => r.GetAsync(w.Officer.Id, id)))!.For);
        Assert.DoesNotContain("Berta", (await ApiAsync(w.Officer, id)), StringComparison.Ordinal);

        // Only the defender chooses; named, the officer sees the name; taken back, no longer.
        foreach (var someone in new[] { w.Coordinator, w.Officer, w.Outsider })
            Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.NameMeAsync(someone.Id, id, true))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.NameMeAsync(w.Member.Id, id, true))).Status);
        Assert.Equal(new Asking(null, true, "Berta Cáceres Flores"), (await Requests(r => r.GetAsync(w.Officer.Id, id)))!.For);
        Assert.Contains("\"behalfName\":\"Berta Cáceres Flores\"", await ApiAsync(w.Officer, id), StringComparison.Ordinal);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.NameMeAsync(w.Member.Id, id, false))).Status);
        Assert.Equal(new Asking(null, true, null), (await Requests(r => r.GetAsync(w.Officer.Id, id)))!.For);
        // "Export my data": the defender's own section holds it, decrypted; the asker's holds it as theirs.
        Task<object?> ExportAsync(OrgKit.Person who, string section) => app.WithServicesAsync(sp =>
            sp.GetServices<Amparo.Web.Infrastructure.IPersonalData>().Single(d => d.Section == section).ExportAsync(who.User, CancellationToken.None));
        var exported = Assert.Single(Assert.IsType<List<GrantBehalfPersonalData.OnMyBehalf>>(await ExportAsync(w.Member, "grantRequestsOnMyBehalf")));
        Assert.Equal((id, Answers.Need, false), (exported.Id, exported.Need, exported.Named));
        Assert.Contains(id, Assert.IsType<List<GrantRequestsPersonalData.Request>>(await ExportAsync(w.Coordinator, "grantRequests")).Select(e => e.Id));

        // The pages without JavaScript: the apply form offers the choices, refuses one not offered, and starts on behalf;
        // the defender's page says who asked and names them by form; anyone else gets 404 there.
        using var focal = await app.SignedInAsync(w.FocalPoint);
        var (_, programPage) = await focal.GetAsync(GrantRoutes.Program(w.Program));
        Assert.Contains($"value=\"for:{w.Member.Id}\"", programPage, StringComparison.Ordinal);
        Assert.Contains($"value=\"org:{w.Org}\"", programPage, StringComparison.Ordinal);
        var refused = await focal.PostFormAsync(GrantRoutes.Program(w.Program), new Dictionary<string, string> { ["as"] = $"for:{w.Outsider.Id}" },
            GrantRoutes.Program(w.Program) + "?handler=Apply");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var started = await focal.PostFormAsync(GrantRoutes.Program(w.Program), new Dictionary<string, string> { ["as"] = $"for:{w.Member.Id}" },
            GrantRoutes.Program(w.Program) + "?handler=Apply");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        using var member = await app.SignedInAsync(w.Member);
        var (_, list) = await member.GetAsync(GrantRoutes.List);
        Assert.Contains(GrantRoutes.Behalf(id), list, StringComparison.Ordinal);
        var (status, page) = await member.GetAsync(GrantRoutes.Behalf(id));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Answers.Need, page, StringComparison.Ordinal);
        var named = await member.PostFormAsync(GrantRoutes.Behalf(id), new Dictionary<string, string> { ["named"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, named.StatusCode);
        Assert.NotNull(await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.BehalfNamedAt).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await focal.GetAsync(GrantRoutes.Behalf(id))).Status);
    }

    private async Task<string> ApiAsync(OrgKit.Person who, Guid id)
    {
        using var api = app.NewClient();
        using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/grants/requests/{id}", await app.ApiTokenAsync(who));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class AskingTestsSqlite(SqliteApp app) : AskingTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class AskingTestsPostgres(PostgresApp app) : AskingTests(app);
