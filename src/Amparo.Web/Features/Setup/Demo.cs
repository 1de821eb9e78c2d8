using System.Text;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Setup;

/// <summary>Fills an empty installation with a demo organization, a network and one person in each role.</summary>
public sealed class Demo(AmparoDbContext db, AccountService accounts, OrganizationService orgs, NetworkService networks)
{
    public async Task<string> FillAsync(CancellationToken ct = default)
    {
        if (await db.Users.AnyAsync(ct) || await db.Organizations.AnyAsync(ct))
            throw new StartupRefusedException("--demo needs an empty database; this one already has people or organizations in it. Start without --demo, or point Amparo:DataDirectory at an empty folder.");
        var org = (await orgs.CreateAsync("Demo Defenders Collective", OrganizationKind.CivilSociety, null, ct))!;
        var fund = (await orgs.CreateAsync("Demo Safety Fund", OrganizationKind.Grantmaker, null, ct))!;
        var network = (await networks.CreateAsync("Demo Regional Network", null, ct))!;
        await networks.AddOrganizationAsync(network.Id, org.Id, null, ct);

        var output = new StringBuilder("Demo accounts (sign in at /account/sign-in):\n");
        async Task<User> Person(string email, string name, bool admin = false)
        {
            var passphrase = "demo " + Tokens.NewUrlSafe(9);
            var created = await accounts.CreateAsync(email, name, passphrase, serverAdmin: admin, ct: ct);
            var user = created.User ?? throw new InvalidOperationException(string.Join(", ", created.Errors));
            output.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {email,-28} {passphrase}");
            return user;
        }
        await Person("admin@demo.amparo.test", "Demo Server Admin", admin: true);
        var orgAdmin = await Person("orgadmin@demo.amparo.test", "Demo Org Admin");
        var focal = await Person("focal@demo.amparo.test", "Demo Focal Point");
        var member = await Person("member@demo.amparo.test", "Demo Member");
        var coordinator = await Person("coordinator@demo.amparo.test", "Demo Network Coordinator");
        var grantmaker = await Person("grantmaker@demo.amparo.test", "Demo Grantmaker");
        await orgs.AddMemberAsync(org.Id, orgAdmin.Id, OrgRole.OrgAdmin, null, ct);
        await orgs.AddMemberAsync(org.Id, focal.Id, OrgRole.FocalPoint, null, ct);
        await orgs.AddMemberAsync(org.Id, member.Id, OrgRole.Member, null, ct);
        await orgs.AddMemberAsync(org.Id, coordinator.Id, OrgRole.Member, null, ct);
        await orgs.AddMemberAsync(fund.Id, grantmaker.Id, OrgRole.OrgAdmin, null, ct);
        await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null, ct);
        return output.ToString();
    }
}
