using System.ComponentModel.DataAnnotations;

namespace Amparo.Web.Infrastructure;

/// <summary>Installation-wide settings (section "Amparo").</summary>
public sealed class AmparoOptions
{
    public const string Section = "Amparo";

    /// <summary>Where the SQLite file, the master key and the destroyed-key ledger live. Relative to the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Fill an empty database with demo people on start.</summary>
    public bool Demo { get; set; }

    /// <summary>Where the quick-exit link leads. A neutral page of Amparo's own unless the operator sets another.</summary>
    [Required]
    public string QuickExitUrl { get; set; } = "/weather";

    /// <summary>Public address used in links sent by e-mail (invitations). Empty: taken from the request.</summary>
    public string? PublicBaseUrl { get; set; }

    [Range(5, 24 * 60)]
    public int IdleTimeoutMinutes { get; set; } = 30;

    [Range(1, 90)]
    public int ApiTokenDays { get; set; } = 30;

    [Range(1, 30)]
    public int InvitationDays { get; set; } = 7;

    /// <summary>Open sign-up is off by default: people join by invitation.</summary>
    public bool OpenSignUp { get; set; }

    /// <summary>Argon2id memory in KiB (≥ 19 MiB). Tests may lower it only through the test host.</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int Argon2MemoryKib { get; set; } = 19 * 1024;

    [Range(1, 20)]
    public int Argon2Iterations { get; set; } = 2;

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Section "Database"; the connection string is ConnectionStrings:Amparo.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
