using System.Security.Cryptography;
using System.Text;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>Random secrets handed to people (links, API tokens, codes) and the hashes we keep of them.</summary>
public static class Tokens
{
    public static string NewUrlSafe(int bytes = 32) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Only for high-entropy secrets: a fast hash is enough because they cannot be guessed.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>A short code of digits (for the setup page), e.g. 12 digits in groups of four.</summary>
    public static string NewDigits(int count)
    {
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++) sb.Append((char)('0' + RandomNumberGenerator.GetInt32(10)));
        return sb.ToString();
    }
}
