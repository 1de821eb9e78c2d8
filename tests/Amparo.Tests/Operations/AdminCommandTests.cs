using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Cli;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Operations;

/// <summary>The basic admin commands: each creates what it says, prints the id alone, and refuses bad input without writing.</summary>
public abstract class AdminCommandTests : OperationsTestBase
{
    [Fact]
    public async Task Migrate_CreatesTheSchema_AndPrintsNothingOnStdout()
    {
        var site = NewEmptyInstallation();
        var result = await site.RunAsync("migrate");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("Migrations applied", result.Err, StringComparison.Ordinal);
        var applied = await site.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).Count());
        Assert.True(applied > 0);
        Assert.Equal(0, await site.CountUsersAsync());
    }

    [Fact]
    public async Task AdminCreate_MakesAServerAdmin_WhoseIdIsPrintedAlone()
    {
        var site = NewInstallation();
        var email = TestData.Email("admin");
        var result = await site.RunAsync(["admin", "create", "--email", email, "--name", "Operator", "--password-stdin"], TestData.Passphrase + "\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^[0-9a-f-]{36}\r?\n$", result.Out);
        var id = Guid.Parse(result.Line);
        var (admin, passwordOk) = await site.WithHostAsync(async h =>
        {
            var user = await h.Db.Users.SingleAsync(u => u.Id == id);
            var check = h.Get<IPasswordHasher<User>>().VerifyHashedPassword(user, user.PasswordHash!, TestData.Passphrase);
            return (user, check != PasswordVerificationResult.Failed);
        });
        Assert.True(admin.IsServerAdmin);
        Assert.Equal(email, admin.Email);
        Assert.True(passwordOk);
    }

    [Fact]
    public async Task AdminCreate_WithShortPassphrase_FailsAndCreatesNobody()
    {
        var site = NewInstallation();
        var result = await site.RunAsync(["admin", "create", "--email", TestData.Email(), "--name", "Operator", "--password-stdin"], "short");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("at least 12 characters", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.Equal(0, await site.CountUsersAsync());
    }

    [Fact]
    public async Task AdminCreate_WithoutPasswordStdin_RefusesAPasswordAsArgument()
    {
        var site = NewInstallation();
        var result = await site.RunAsync("admin", "create", "--email", TestData.Email(), "--name", "Operator", "--password", TestData.Passphrase);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--password-stdin", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await site.CountUsersAsync());
    }

    [Fact]
    public async Task OrgCreate_MakesTheOrganizationOfThatKind()
    {
        var site = NewInstallation();
        var id = Guid.Parse(await site.MustAsync(["org", "create", "--name", "Fondo Semilla", "--kind", "grantmaker"]));
        var org = await site.WithDbAsync(db => db.Organizations.SingleAsync(o => o.Id == id));
        Assert.Equal("Fondo Semilla", org.Name);
        Assert.Equal(OrganizationKind.Grantmaker, org.Kind);
    }

    [Fact]
    public async Task OrgCreate_WithUnknownKind_FailsAndWritesNothing()
    {
        var site = NewEmptyInstallation();
        var result = await site.RunAsync("org", "create", "--name", "X", "--kind", "company");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--kind must be", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.Equal(0, await site.CountOrganizationsAsync());
        if (site.Provider == "Sqlite") Assert.False(File.Exists(site.SqliteFile));
    }

    [Fact]
    public async Task OrgCreate_WithoutName_FailsWithTheMissingOption()
    {
        var site = NewInstallation();
        var result = await site.RunAsync("org", "create", "--kind", "grantmaker");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--name is required", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await site.CountOrganizationsAsync());
    }

    [Fact]
    public async Task OptionWithoutValue_OrStrayArgument_ExitsWithUsage()
    {
        var site = NewInstallation();
        var noValue = await site.RunAsync("org", "create", "--name");
        Assert.Equal(2, noValue.ExitCode);
        Assert.Contains("--name needs a value", noValue.Err, StringComparison.Ordinal);
        Assert.Contains("Usage: amparo org create", noValue.Err, StringComparison.Ordinal);
        var stray = await site.RunAsync("org", "create", "Fondo");
        Assert.Equal(2, stray.ExitCode);
        Assert.Contains("Unexpected argument", stray.Err, StringComparison.Ordinal);
        Assert.Equal(0, await site.CountOrganizationsAsync());
    }

    [Fact]
    public async Task UserCreate_AddsThePersonToTheOrganizationWithTheRole()
    {
        var site = NewInstallation();
        var org = Guid.Parse(await site.MustAsync(["org", "create", "--name", "Colectivo", "--kind", "practitioner"]));
        var email = TestData.Email("focal");
        var id = Guid.Parse(await site.MustAsync(["user", "create", "--email", email, "--name", "Lucía", "--org", org.ToString(), "--role", "focal-point", "--password-stdin"], TestData.Passphrase));
        var membership = await site.WithDbAsync(db => db.Memberships.SingleAsync(m => m.UserId == id));
        Assert.Equal(org, membership.OrganizationId);
        Assert.Equal(OrgRole.FocalPoint, membership.Role);
        var user = await site.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == id));
        Assert.False(user.IsServerAdmin);
        Assert.Equal("Lucía", user.DisplayName);
    }

    [Fact]
    public async Task UserCreate_InUnknownOrganization_FailsAndCreatesNobody()
    {
        var site = NewInstallation();
        var result = await site.RunAsync(["user", "create", "--email", TestData.Email(), "--name", "Ana", "--org", Guid.NewGuid().ToString(), "--role", "member", "--password-stdin"], TestData.Passphrase);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No organization with id", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.Equal(0, await site.CountUsersAsync());
    }

    [Fact]
    public async Task UserCreate_WithBadRoleOrOrgId_FailsAndCreatesNobody()
    {
        var site = NewInstallation();
        var org = Guid.Parse(await site.MustAsync(["org", "create", "--name", "Colectivo", "--kind", "practitioner"]));
        var badRole = await site.RunAsync(["user", "create", "--email", TestData.Email(), "--name", "Ana", "--org", org.ToString(), "--role", "owner", "--password-stdin"], TestData.Passphrase);
        Assert.Equal(1, badRole.ExitCode);
        Assert.Contains("--role must be", badRole.Err, StringComparison.Ordinal);
        var badId = await site.RunAsync(["user", "create", "--email", TestData.Email(), "--name", "Ana", "--org", "not-an-id", "--role", "member", "--password-stdin"], TestData.Passphrase);
        Assert.Equal(1, badId.ExitCode);
        Assert.Contains("--org must be an id", badId.Err, StringComparison.Ordinal);
        Assert.Equal(0, await site.CountUsersAsync());
    }

    [Fact]
    public async Task UserCreate_WithTakenEmail_FailsAndKeepsTheFirstPerson()
    {
        var site = NewInstallation();
        var email = TestData.Email();
        var (org, first) = await site.SeedAsync(email);
        var again = await site.RunAsync(["user", "create", "--email", email, "--name", "Other", "--org", org.ToString(), "--role", "member", "--password-stdin"], TestData.Passphrase);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("cannot be used", again.Err, StringComparison.Ordinal);
        Assert.Equal(1, await site.CountUsersAsync());
        Assert.Equal(first, await site.WithDbAsync(db => db.Users.Select(u => u.Id).SingleAsync()));
    }

    [Fact]
    public async Task Network_CreateAddOrgAndCoordinator_LinksThemAll()
    {
        var site = NewInstallation();
        var email = TestData.Email("coord");
        var (org, user) = await site.SeedAsync(email, "member");
        var network = Guid.Parse(await site.MustAsync(["network", "create", "--name", "Red Andina"]));
        Assert.Equal(network, Guid.Parse(await site.MustAsync(["network", "add-org", "--network", network.ToString(), "--org", org.ToString()])));
        Assert.Equal(user, Guid.Parse(await site.MustAsync(["network", "add-coordinator", "--network", network.ToString(), "--email", email])));
        var (name, orgs, coordinators) = await site.WithDbAsync(async db => (
            (await db.Networks.SingleAsync(n => n.Id == network)).Name,
            await db.NetworkOrganizations.Where(n => n.NetworkId == network).Select(n => n.OrganizationId).ToListAsync(),
            await db.NetworkCoordinators.Where(n => n.NetworkId == network).Select(n => n.UserId).ToListAsync()));
        Assert.Equal("Red Andina", name);
        Assert.Equal([org], orgs);
        Assert.Equal([user], coordinators);
    }

    [Fact]
    public async Task Network_CoordinatorFromOutsideTheNetwork_IsRefused()
    {
        var site = NewInstallation();
        var email = TestData.Email("outsider");
        await site.SeedAsync(email, "member");
        var network = Guid.Parse(await site.MustAsync(["network", "create", "--name", "Red Andina"]));
        var result = await site.RunAsync("network", "add-coordinator", "--network", network.ToString(), "--email", email);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must belong to an organization of the network", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await site.CountAsync("NetworkCoordinators"));
    }

    [Fact]
    public async Task Network_AddUnknownOrganization_IsRefused()
    {
        var site = NewInstallation();
        var network = Guid.Parse(await site.MustAsync(["network", "create", "--name", "Red Andina"]));
        var result = await site.RunAsync("network", "add-org", "--network", network.ToString(), "--org", Guid.NewGuid().ToString());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No such network or organization", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await site.CountAsync("NetworkOrganizations"));
        var unknownPerson = await site.RunAsync("network", "add-coordinator", "--network", network.ToString(), "--email", TestData.Email());
        Assert.Equal(1, unknownPerson.ExitCode);
        Assert.Contains("No account with that e-mail", unknownPerson.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommand_AndEachCommandHasItsOwn()
    {
        var site = NewEmptyInstallation();
        var help = await site.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Equal("", help.Out);
        foreach (var usage in new[] { "migrate", "admin create", "org create", "user create", "network create", "network add-org", "network add-coordinator",
                     "backup --to FILE --passphrase-stdin", "restore --from FILE", "rotate-master-key", "audit verify", "org list", "org export --org ID --to FILE" })
            Assert.Contains(usage, help.Err, StringComparison.Ordinal);
        foreach (var command in new[] { new[] { "migrate" }, ["admin", "create"], ["org", "create"], ["user", "create"], ["network", "create"], ["network", "add-org"],
                     ["network", "add-coordinator"], ["backup"], ["restore"], ["rotate-master-key"], ["audit", "verify"], ["org", "list"], ["org", "export"] })
        {
            var one = await site.RunAsync([.. command, "--help"]);
            Assert.Equal(0, one.ExitCode);
            Assert.StartsWith("Usage: amparo " + string.Join(' ', command), one.Err, StringComparison.Ordinal);
        }
        // --help only explains: nothing was created, not even a database or a key.
        Assert.False(File.Exists(site.SqliteFile));
        Assert.False(File.Exists(site.MasterKeyFile));
        Assert.Equal(0, await site.CountAsync("__EFMigrationsHistory"));
    }

    [Fact]
    public async Task BackupAndRestoreHelp_SayTheAppMustBeStoppedForRestore()
    {
        var site = NewInstallation();
        var restore = await site.RunAsync("restore", "--help");
        Assert.Contains("STOP AMPARO FIRST", restore.Err, StringComparison.Ordinal);
        Assert.Contains("EMPTY database", restore.Err, StringComparison.Ordinal);
        var rotate = await site.RunAsync("rotate-master-key", "--help");
        Assert.Contains("master.key.new", rotate.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsWithUsage()
    {
        var site = NewInstallation();
        var result = await site.RunAsync("org", "rename", "--org", Guid.NewGuid().ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command: org rename", result.Err, StringComparison.Ordinal);
        Assert.Contains("Usage: amparo <command>", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.True(AdminCommands.IsCommand(["backup"]));
        Assert.False(AdminCommands.IsCommand(["--urls", "http://127.0.0.1:5080"]));
    }

    [Fact]
    public async Task ServiceProvider_OfTheCommands_ReadsTheMasterKeyFromTheGivenEnvironment()
    {
        var site = NewInstallation();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        site.Environment[Amparo.Web.Infrastructure.Security.MasterKey.EnvironmentVariable] = key;
        await site.SeedAsync(TestData.Email());
        Assert.False(File.Exists(site.MasterKeyFile));
        var fromEnvironment = await site.WithHostAsync(h => Task.FromResult(h.Get<Amparo.Web.Infrastructure.Security.MasterKey>().FromEnvironment));
        Assert.True(fromEnvironment);
    }
}

public sealed class AdminCommandTestsSqlite : AdminCommandTests
{
    /// <summary>The pack commands (issue 19). SQLite only: they read and write files; the database holds only the key.</summary>
    [Fact]
    public async Task ContentCommands_PrintTheKey_BuildAPack_AndImportOnlyWithYes()
    {
        var site = NewInstallation();
        string[] library = ["--Learning:ContentPath", Learning.LearningFixture.Path];
        var entry = System.Text.Json.JsonDocument.Parse(await site.MustAsync(["content", "key"])).RootElement;
        var own = Amparo.Web.Features.Learning.Packs.PackSignatures.ParsePublicKey(entry.GetProperty("PublicKey").GetString());
        Assert.NotNull(own);

        // content pack: signed with the installation's own key.
        var built = TempFile("pack.zip");
        Assert.Equal(built, await site.MustAsync(["content", "pack", "--lessons", "lock-up", "--languages", "ar,es", "--out", built, .. library]));
        await using (var zip = File.OpenRead(built))
            Assert.Null(Amparo.Web.Features.Learning.Packs.PackReader.Verify(zip, new Dictionary<string, Amparo.Web.Features.Learning.Packs.PackSigner>
                { [Amparo.Web.Features.Learning.Packs.PackSignatures.KeyIdOf(own)] = new("here", Amparo.Web.Features.Learning.Packs.PackSignatures.KeyIdOf(own), own, true) }, out _));

        // content import FILE: another installation's pack, its key trusted; the preview changes nothing; --yes imports.
        // (Refusals are PackTests'.)
        using var other = new Learning.PackLibrary();
        var pack = TempFile("other.zip");
        await File.WriteAllBytesAsync(pack, other.Pack(["pack-new"], ["en"]));
        string[] trust = [.. library, "--Learning:TrustedPackSigners:0:Name", "Trainers", "--Learning:TrustedPackSigners:0:PublicKey", Learning.PackTestKeys.Trusted.PublicKeyBase64];
        var imported = Path.Combine(site.DataDirectory, "content-imported", "lessons", "pack-new");
        var preview = await site.RunAsync(["content", "import", pack, .. trust]);
        Assert.True(preview.ExitCode == 0, preview.ToString());
        Assert.Contains("new: pack-new, version 1", preview.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(imported));
        var yes = await site.RunAsync(["content", "import", pack, "--yes", .. trust]);
        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.True(File.Exists(Path.Combine(imported, "lesson.yaml")));
    }

    protected override string Provider => "Sqlite";
}

public sealed class AdminCommandTestsPostgres : AdminCommandTests
{
    protected override string Provider => "Postgres";
}
