using Amparo.Web.Infrastructure.Data;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Cli;

/// <summary>Parsed options of one command, its streams, and a way to open the app's services.</summary>
public sealed class CommandContext
{
    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _flags;
    private readonly string[] _configArgs;

    public TextReader In { get; }
    public TextWriter Out { get; }
    public TextWriter Err { get; }

    private CommandContext(Dictionary<string, string> options, HashSet<string> flags, string[] configArgs, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        _options = options;
        _flags = flags;
        _configArgs = configArgs;
        In = stdin;
        Out = stdout;
        Err = stderr;
    }

    private static readonly HashSet<string> FlagNames = ["password-stdin", "passphrase-stdin", "include-master-key", "force"];

    /// <summary>--name value pairs and bare flags; --Section:Key=value arguments go to configuration, as for the server.</summary>
    public static CommandContext? Parse(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, out string error)
    {
        error = "";
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var config = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { error = $"Unexpected argument: {a}"; return null; }
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
        return new CommandContext(options, flags, config.ToArray(), stdin, stdout, stderr);
    }

    public string Required(string name) =>
        _options.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : throw new CommandException($"--{name} is required.");

    public string? Optional(string name) => _options.GetValueOrDefault(name);

    public Guid RequiredGuid(string name) =>
        Guid.TryParse(Required(name), out var id) ? id : throw new CommandException($"--{name} must be an id (a GUID).");

    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>Secrets come on standard input only, never as arguments (which other users can see in the process list).</summary>
    public string PasswordFromStdin()
    {
        if (!Flag("password-stdin") && !Flag("passphrase-stdin")) throw new CommandException("Give the passphrase on standard input with --password-stdin.");
        var line = In.ReadLine();
        if (string.IsNullOrEmpty(line)) throw new CommandException("No passphrase on standard input.");
        return line;
    }

    public CommandHost Host() => CommandHost.Create(_configArgs);
}

/// <summary>The app's core services without the web server.</summary>
public sealed class CommandHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly AsyncServiceScope _scope;

    private CommandHost(IHost host)
    {
        _host = host;
        _scope = host.Services.CreateAsyncScope();
    }

    public static CommandHost Create(string[] configArgs)
    {
        var builder = Host.CreateApplicationBuilder(configArgs);
        builder.Logging.ClearProviders();
        builder.Services.AddAmparoCore(builder.Configuration);
        var host = builder.Build();
        // Validate options now so a misconfiguration is reported clearly.
        _ = host.Services.GetRequiredService<IOptions<AmparoOptions>>().Value;
        return new CommandHost(host);
    }

    public AmparoDbContext Db => Get<AmparoDbContext>();

    public T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        _host.Dispose();
    }
}
