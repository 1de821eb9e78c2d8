using Amparo.Web.Features;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>Parsed options of one command, its streams, and a way to open the app's services.</summary>
public sealed class CommandContext
{
    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _flags;
    private readonly string[] _configArgs;
    private readonly List<string> _arguments;

    public TextReader In { get; }
    public TextWriter Out { get; }
    public TextWriter Err { get; }

    /// <summary>Configuration without a host, for commands that need no database (environment and --Section:Key args).</summary>
    public IConfiguration Configuration => new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(_configArgs).Build();

    /// <summary>Reads environment variables (AMPARO_MASTER_KEY); tests pass their own instead of the process's.</summary>
    public Func<string, string?> Environment { get; }

    private CommandContext(Dictionary<string, string> options, HashSet<string> flags, string[] configArgs, List<string> arguments, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        _options = options;
        _arguments = arguments;
        _flags = flags;
        _configArgs = configArgs;
        In = stdin;
        Out = stdout;
        Err = stderr;
        Environment = environment;
    }

    private static readonly HashSet<string> FlagNames = ["password-stdin", "passphrase-stdin", "include-master-key", "force", "yes"];

    /// <summary>--name value pairs and bare flags; --Section:Key=value arguments go to configuration, as for the server.
    /// A command that takes plain arguments (a file name) says how many (<paramref name="arguments"/>).</summary>
    public static CommandContext? Parse(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, out string error, Func<string, string?>? environment = null, int arguments = 0)
    {
        error = "";
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var config = new List<string>();
        var plain = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                if (plain.Count < arguments) { plain.Add(a); continue; }
                error = $"Unexpected argument: {a}";
                return null;
            }
            var name = a[2..];
            if (name.Contains(':', StringComparison.Ordinal) || name.Contains('=', StringComparison.Ordinal) || name is "urls" or "environment")
            {
                config.Add(a);
                if (!name.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length) config.Add(args[++i]);
                continue;
            }
            if (FlagNames.Contains(name)) { flags.Add(name); continue; }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) { error = $"--{name} needs a value."; return null; }
            options[name] = args[++i];
        }
        return new CommandContext(options, flags, config.ToArray(), plain, stdin, stdout, stderr, environment ?? System.Environment.GetEnvironmentVariable);
    }

    public string Required(string name) =>
        _options.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : throw new CommandException($"--{name} is required.");

    public string? Optional(string name) => _options.GetValueOrDefault(name);

    public Guid RequiredGuid(string name) =>
        Guid.TryParse(Required(name), out var id) ? id : throw new CommandException($"--{name} must be an id (a GUID).");

    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The plain argument at <paramref name="index"/> (a file name), as a full path.</summary>
    public string RequiredArgumentPath(int index, string what)
    {
        if (index >= _arguments.Count || string.IsNullOrWhiteSpace(_arguments[index])) throw new CommandException($"Give the {what}.");
        try { return Path.GetFullPath(_arguments[index]); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CommandException($"The {what} is not a usable path.");
        }
    }

    /// <summary>Secrets come on standard input only, never as arguments (which other users can see in the process list).</summary>
    public string PasswordFromStdin()
    {
        if (!Flag("password-stdin") && !Flag("passphrase-stdin")) throw new CommandException("Give the passphrase on standard input with --password-stdin.");
        var line = In.ReadLine();
        if (string.IsNullOrEmpty(line)) throw new CommandException("No passphrase on standard input.");
        return line;
    }

    /// <summary>A passphrase that protects something (a backup): only from standard input, with --passphrase-stdin.</summary>
    public string PassphraseFromStdin()
    {
        if (!Flag("passphrase-stdin")) throw new CommandException("Give the passphrase on standard input with --passphrase-stdin.");
        var line = In.ReadLine();
        if (string.IsNullOrEmpty(line)) throw new CommandException("No passphrase on standard input.");
        return line;
    }

    /// <summary>An option naming a file; the full path.</summary>
    public string RequiredPath(string name)
    {
        var value = Required(name);
        try { return Path.GetFullPath(value); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CommandException($"--{name} is not a usable path.");
        }
    }

    public CommandHost Host() => CommandHost.Create(_configArgs, Environment);
}

/// <summary>The app's core services without the web server.</summary>
public sealed class CommandHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly AsyncServiceScope _scope;
    private readonly Func<string, string?> _environment;

    private CommandHost(IHost host, IConfiguration configuration, Func<string, string?> environment)
    {
        _host = host;
        _scope = host.Services.CreateAsyncScope();
        _environment = environment;
        Configuration = configuration;
    }

    public static CommandHost Create(string[] configArgs, Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        var builder = Host.CreateApplicationBuilder(configArgs);
        builder.Logging.ClearProviders();
        // Every feature, as in the server (deleting an account runs every feature's personal-data part), and the
        // localized texts their services use.
        builder.Services.AddAmparoCore(builder.Configuration).AddAmparoFeatures(builder.Configuration);
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        // The same key as the server would use, read through the given environment. Resolved only when first
        // needed, so a command can look before a key is created (restore) and never creates one it should not.
        builder.Services.AddSingleton(sp =>
            MasterKey.Load(sp.GetRequiredService<IOptions<AmparoOptions>>().Value.DataDirectory, environment(MasterKey.EnvironmentVariable)));
        var host = builder.Build();
        // Validate options now so a misconfiguration is reported clearly.
        _ = host.Services.GetRequiredService<IOptions<AmparoOptions>>().Value;
        _ = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        return new CommandHost(host, builder.Configuration, environment);
    }

    public IConfiguration Configuration { get; }

    public AmparoDbContext Db => Get<AmparoDbContext>();

    public string DataDirectory => Get<IOptions<AmparoOptions>>().Value.FullDataDirectory;

    public DatabaseProvider Provider => Get<IOptions<DatabaseOptions>>().Value.Provider;

    /// <summary>The connection string the server uses (for SQLite: the file in the data directory unless configured).</summary>
    public string ConnectionString => Provider == DatabaseProvider.Postgres
        ? Configuration.GetConnectionString("Amparo")!
        : DatabaseSetup.SqliteConnectionString(Configuration.GetConnectionString("Amparo"), DataDirectory);

    /// <summary>The SQLite database file (full path); null on PostgreSQL.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite
        ? Path.GetFullPath(new SqliteConnectionStringBuilder(ConnectionString).DataSource)
        : null;

    /// <summary>The master key already here (file or AMPARO_MASTER_KEY), or null; never creates one.</summary>
    public MasterKey? ExistingMasterKey() => MasterKey.TryLoad(DataDirectory, _environment(MasterKey.EnvironmentVariable));

    /// <summary>The master key for commands that work on existing data: a missing key is an error, not a reason to make one.</summary>
    public MasterKey RequireMasterKey()
    {
        if (ExistingMasterKey() is null)
            throw new CommandException($"No master key here: neither {MasterKey.EnvironmentVariable} is set nor {Path.Combine(DataDirectory, "keys", "master.key")} exists. Check --Amparo:DataDirectory.");
        return Get<MasterKey>();
    }

    /// <summary>Commands that read data refuse to create an empty database by mistake (a mistyped data directory).</summary>
    public async Task RequireDatabaseAsync(CancellationToken ct = default)
    {
        if (SqliteFile is { } file && !File.Exists(file))
            throw new CommandException($"No Amparo database at {file}. Check --Amparo:DataDirectory (or ConnectionStrings:Amparo).");
        if (!(await Db.Database.GetAppliedMigrationsAsync(ct)).Any())
            throw new CommandException("The configured database holds no Amparo data (no migrations applied). Check the configuration.");
    }

    /// <summary>
    /// What the server does at start before it serves: migrations, then the keys step (StartupKeys: the master key
    /// checked, system keys and missing organization keys created). Every command that uses the database runs it.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await DatabaseSetup.MigrateAsync(Db, ct);
        await StartupKeys.EnsureAsync(_scope.ServiceProvider, ct);
    }

    public T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        _host.Dispose();
    }
}
