using System.Reflection;
using Amparo.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>At least 12 characters, and not one of the common passwords shipped with Amparo.</summary>
public sealed class PassphrasePolicy : IPasswordValidator<User>
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 256;

    private static readonly Lazy<HashSet<string>> Common = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly()
            .GetManifestResourceStream("Amparo.Web.Infrastructure.Security.common-passwords.txt")!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && !line.StartsWith('#')) set.Add(line.Trim());
        return set;
    });

    /// <summary>Null when acceptable; otherwise the resource key of the reason.</summary>
    public static string? Problem(string? passphrase)
    {
        if (string.IsNullOrEmpty(passphrase) || passphrase.Length < MinimumLength) return "Passphrase.TooShort";
        if (passphrase.Length > MaximumLength) return "Passphrase.TooLong";
        if (Common.Value.Contains(passphrase.Trim())) return "Passphrase.Common";
        if (passphrase.Distinct().Count() < 4) return "Passphrase.Common";
        return null;
    }

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        var problem = Problem(password);
        return Task.FromResult(problem is null
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = problem, Description = problem }));
    }
}
