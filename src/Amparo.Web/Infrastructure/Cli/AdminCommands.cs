using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>
/// `amparo &lt;command&gt;`: administration through the same program and configuration as the server.
/// Ids go to standard output alone; messages to standard error; failures exit non-zero.
/// </summary>
public static partial class AdminCommands
{
    /// <param name="Help">Shown under the usage line by `--help`: what the command does and what to know before running it.</param>
    /// <param name="Arguments">How many plain arguments (a file name) the command takes besides its --options.</param>
    private sealed record Command(string Name, string Usage, Func<CommandContext, Task<int>> Run, string? Help = null, int Arguments = 0);

    private static readonly Command[] All =
    [
        new("migrate", "migrate", MigrateAsync),
        new("admin create", "admin create --email E --name N --password-stdin", AdminCreateAsync),
        new("org create", "org create --name N --kind civil-society|grantmaker|practitioner", OrgCreateAsync),
        new("user create", "user create --email E --name N --org ID --role member|focal-point|org-admin --password-stdin", UserCreateAsync),
        new("network create", "network create --name N", NetworkCreateAsync),
        new("network add-org", "network add-org --network ID --org ID", NetworkAddOrgAsync),
        new("network add-coordinator", "network add-coordinator --network ID --email E", NetworkAddCoordinatorAsync),
        .. MoreCommands,
    ];

    private static readonly string[] FirstWords = ["migrate", "admin", "org", "user", "network", "backup", "restore", "rotate-master-key", "audit", "dialogue", "content", "help", "--help"];

    public static bool IsCommand(string[] args) => args.Length > 0 && FirstWords.Contains(args[0]);

    /// <param name="environment">Where AMPARO_MASTER_KEY is read; the process environment unless a test gives its own.</param>
    public static async Task<int> RunAsync(string[] args, TextReader? stdin = null, TextWriter? stdout = null, TextWriter? stderr = null, Func<string, string?>? environment = null)
    {
#pragma warning disable RS0030 // Console: the CLI's entry; every command below writes through CommandContext.
        stdin ??= Console.In;
        stdout ??= Console.Out;
        stderr ??= Console.Error;
#pragma warning restore RS0030
        if (args[0] is "help" or "--help")
        {
            PrintUsage(stderr);
            return 0;
        }
        var command = All.Where(c => MatchesName(c.Name, args)).OrderByDescending(c => c.Name.Length).FirstOrDefault();
        if (command is null)
        {
            stderr.WriteLine($"Unknown command: {string.Join(' ', args.Take(2))}");
            PrintUsage(stderr);
            return 2;
        }
        var rest = args.Skip(command.Name.Split(' ').Length).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            stderr.WriteLine("Usage: amparo " + command.Usage);
            if (command.Help is not null) stderr.WriteLine(command.Help);
            return 0;
        }
        var parsed = CommandContext.Parse(rest, stdin, stdout, stderr, out var error, environment, command.Arguments);
        if (parsed is null)
        {
            stderr.WriteLine(error);
            stderr.WriteLine("Usage: amparo " + command.Usage);
            return 2;
        }
        try
        {
            return await command.Run(parsed);
        }
        catch (CommandException ex)
        {
            stderr.WriteLine(ex.Message);
            return 1;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            stderr.WriteLine("Failed: a key did not open what it should. The master key here is probably not the one this database was encrypted with (check keys/master.key and AMPARO_MASTER_KEY).");
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or DbUpdateException or System.Data.Common.DbException or IOException or UnauthorizedAccessException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            stderr.WriteLine("Failed: " + ex.Message);
            return 1;
        }
    }

    private static bool MatchesName(string name, string[] args)
    {
        var words = name.Split(' ');
        return args.Length >= words.Length && words.Select((w, i) => args[i] == w).All(x => x);
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("Usage: amparo <command> [options]   (or: dotnet run --project src/Amparo.Web -- <command>)");
        foreach (var c in All) w.WriteLine("  " + c.Usage);
    }

    private static async Task<int> MigrateAsync(CommandContext c)
    {
        await using var host = c.Host();
        await host.MigrateAsync();
        c.Err.WriteLine("Migrations applied.");
        return 0;
    }

    private static async Task<int> AdminCreateAsync(CommandContext c)
    {
        var email = c.Required("email");
        var name = c.Required("name");
        var password = c.PasswordFromStdin();
        await using var host = c.Host();
        await host.MigrateAsync();
        var created = await host.Get<AccountService>().CreateAsync(email, name, password, serverAdmin: true);
        if (created.User is null) throw new CommandException("Not created: " + string.Join(", ", created.Errors.Select(Explain)));
        c.Out.WriteLine(created.User.Id);
        return 0;
    }

    private static async Task<int> OrgCreateAsync(CommandContext c)
    {
        var name = c.Required("name");
        var kind = c.Required("kind") switch
        {
            "civil-society" => OrganizationKind.CivilSociety,
            "grantmaker" => OrganizationKind.Grantmaker,
            "practitioner" => OrganizationKind.Practitioner,
            var other => throw new CommandException($"--kind must be civil-society, grantmaker or practitioner (not '{other}')."),
        };
        await using var host = c.Host();
        await host.MigrateAsync();
        var org = await host.Get<OrganizationService>().CreateAsync(name, kind, null) ?? throw new CommandException("--name must be 1 to 200 characters.");
        c.Out.WriteLine(org.Id);
        return 0;
    }

    private static async Task<int> UserCreateAsync(CommandContext c)
    {
        var email = c.Required("email");
        var name = c.Required("name");
        var orgId = c.RequiredGuid("org");
        var role = ParseRole(c.Required("role"));
        var password = c.PasswordFromStdin();
        await using var host = c.Host();
        await host.MigrateAsync();
        if (!await host.Db.Organizations.AnyAsync(o => o.Id == orgId)) throw new CommandException($"No organization with id {orgId}.");
        // AccountService.CreateAsync runs its own transaction (one cannot be nested in another), so a failure to
        // add the membership is undone by deleting the new account again.
        var accounts = host.Get<AccountService>();
        var created = await accounts.CreateAsync(email, name, password);
        if (created.User is null) throw new CommandException("Not created: " + string.Join(", ", created.Errors.Select(Explain)));
        try
        {
            await host.Get<OrganizationService>().AddMemberAsync(orgId, created.User.Id, role, null);
        }
        catch
        {
            host.Db.ChangeTracker.Clear();
            await host.Get<AccountDeletion>().DeleteAsync(created.User);
            throw;
        }
        c.Out.WriteLine(created.User.Id);
        return 0;
    }

    private static async Task<int> NetworkCreateAsync(CommandContext c)
    {
        var name = c.Required("name");
        await using var host = c.Host();
        await host.MigrateAsync();
        var network = await host.Get<NetworkService>().CreateAsync(name, null) ?? throw new CommandException("--name must be 1 to 200 characters.");
        c.Out.WriteLine(network.Id);
        return 0;
    }

    private static async Task<int> NetworkAddOrgAsync(CommandContext c)
    {
        var networkId = c.RequiredGuid("network");
        var orgId = c.RequiredGuid("org");
        await using var host = c.Host();
        await host.MigrateAsync();
        if (!await host.Get<NetworkService>().AddOrganizationAsync(networkId, orgId, null)) throw new CommandException("No such network or organization.");
        c.Out.WriteLine(networkId);
        return 0;
    }

    private static async Task<int> NetworkAddCoordinatorAsync(CommandContext c)
    {
        var networkId = c.RequiredGuid("network");
        var email = c.Required("email");
        await using var host = c.Host();
        await host.MigrateAsync();
        var user = await host.Get<UserManager<User>>().FindByEmailAsync(email) ?? throw new CommandException("No account with that e-mail.");
        if (!await host.Get<NetworkService>().AddCoordinatorAsync(networkId, user.Id, null))
            throw new CommandException("A coordinator must belong to an organization of the network.");
        c.Out.WriteLine(user.Id);
        return 0;
    }

    private static OrgRole ParseRole(string value) => value switch
    {
        "member" => OrgRole.Member,
        "focal-point" => OrgRole.FocalPoint,
        "org-admin" => OrgRole.OrgAdmin,
        _ => throw new CommandException($"--role must be member, focal-point or org-admin (not '{value}')."),
    };

    private static string Explain(string code) => code switch
    {
        "Validation.Email" => "the e-mail address is not valid",
        "Validation.DisplayName" => "the name must be 1 to 100 characters",
        "Passphrase.TooShort" => "the passphrase must have at least 12 characters",
        "Passphrase.TooLong" => "the passphrase is too long",
        "Passphrase.Common" => "the passphrase is too common",
        "Account.EmailTaken" => "that e-mail cannot be used",
        _ => code,
    };
}

public sealed class CommandException(string message) : Exception(message);
