using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Features.Accounts;
using Konscious.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>
/// Argon2id, stored as "$argon2id$v=19$m=MEMORY,t=ITERATIONS,p=PARALLELISM$SALT$HASH" (base64),
/// so parameters can be raised later and old hashes still verify (and are then rehashed).
/// </summary>
public sealed class Argon2PasswordHasher(IOptions<AmparoOptions> options) : IPasswordHasher<User>
{
    private const int SaltSize = 16, HashSize = 32, Parallelism = 1;

    public string HashPassword(User user, string password)
    {
        var o = options.Value;
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Compute(password, salt, o.Argon2MemoryKib, o.Argon2Iterations, Parallelism);
        return $"$argon2id$v=19$m={o.Argon2MemoryKib},t={o.Argon2Iterations},p={Parallelism}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
    {
        if (!TryParse(hashedPassword, out var p)) return PasswordVerificationResult.Failed;
        var actual = Compute(providedPassword, p.Salt, p.MemoryKib, p.Iterations, p.Parallelism);
        if (!CryptographicOperations.FixedTimeEquals(actual, p.Hash)) return PasswordVerificationResult.Failed;
        var o = options.Value;
        return p.MemoryKib < o.Argon2MemoryKib || p.Iterations < o.Argon2Iterations
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }

    public sealed record Parameters(int MemoryKib, int Iterations, int Parallelism, byte[] Salt, byte[] Hash);

    public static bool TryParse(string stored, out Parameters parameters)
    {
        parameters = null!;
        var parts = stored.Split('$');
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.Length != 6 || parts[1] != "argon2id") return false;
        var settings = parts[3].Split(',').Select(s => s.Split('=')).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        if (!settings.TryGetValue("m", out var m) || !settings.TryGetValue("t", out var t) || !settings.TryGetValue("p", out var pp)) return false;
        if (!int.TryParse(m, out var memory) || !int.TryParse(t, out var iterations) || !int.TryParse(pp, out var parallelism)) return false;
        try
        {
            parameters = new Parameters(memory, iterations, parallelism, Convert.FromBase64String(parts[4]), Convert.FromBase64String(parts[5]));
            return true;
        }
        catch (FormatException) { return false; }
    }

    private static byte[] Compute(string password, byte[] salt, int memoryKib, int iterations, int parallelism)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKib,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(HashSize);
    }
}
