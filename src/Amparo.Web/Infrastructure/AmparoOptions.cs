using System.ComponentModel.DataAnnotations;

namespace Amparo.Web.Infrastructure;

/// <summary>Installation-wide settings (section "Amparo").</summary>
public sealed class AmparoOptions : IValidatableObject
{
    public const string Section = "Amparo";

    /// <summary>Where the SQLite file, the master key and the destroyed-key ledger live. Relative to the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Fill an empty database with demo people on start.</summary>
    public bool Demo { get; set; }

    /// <summary>
    /// Where quick exit leads after it has signed the person out: a neutral page of Amparo's own (/weather) unless the
    /// operator sets another — a path of this site or an absolute http(s) address such as a local news or weather site.
    /// Only this address is ever used: nothing in the request can change it.
    /// </summary>
    [Required]
    public string QuickExitUrl { get; set; } = "/weather";

    /// <summary>
    /// The language of the neutral /weather page (en, es, fr, ar or ru). Empty: the browser's language when it is one of
    /// those, else English — after quick exit the person's own choice is forgotten with the cookies.
    /// </summary>
    public string? QuickExitLanguage { get; set; }

    /// <summary>Public address used in links sent by e-mail (invitations). Empty: taken from the request.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The address links handed to people start with: <see cref="PublicBaseUrl"/>, or this request's own, without a trailing slash.</summary>
    public string BaseUrlFor(HttpRequest request) =>
        (string.IsNullOrWhiteSpace(PublicBaseUrl) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : PublicBaseUrl).TrimEnd('/');

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsQuickExitTarget(QuickExitUrl))
            yield return new ValidationResult("Amparo:QuickExitUrl must be a path of this site (/weather) or an absolute http(s) address.", [nameof(QuickExitUrl)]);
        if (!string.IsNullOrEmpty(QuickExitLanguage) && !Localization.Cultures.IsSupported(QuickExitLanguage))
            yield return new ValidationResult($"Amparo:QuickExitLanguage must be empty or one of: {string.Join(", ", Localization.Cultures.Supported)}.", [nameof(QuickExitLanguage)]);
    }

    /// <summary>A path of this site ("/x", never "//host" or "/\host") or an absolute http or https address.</summary>
    public static bool IsQuickExitTarget(string? url) =>
        url is not null && (IsLocalPath(url)
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host)));

    /// <summary>True for a path of this site: starts with one slash, not followed by another slash or a backslash.</summary>
    public static bool IsLocalPath(string url) =>
        url.StartsWith('/') && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);
}

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Section "Database"; the connection string is ConnectionStrings:Amparo.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
