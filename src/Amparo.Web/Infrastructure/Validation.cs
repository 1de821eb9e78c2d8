using System.Net.Mail;
using System.Text;

namespace Amparo.Web.Infrastructure;

public static class Validation
{
    public static bool IsEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 256) return false;
        return MailAddress.TryCreate(value, out var parsed) && parsed.Address == value.Trim() && value.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>Keeps a leading + and digits; null when empty. Throws nothing: bad numbers are caught by IsPhone.</summary>
    public static string? NormalizePhone(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var sb = new StringBuilder();
        foreach (var c in value.Trim())
        {
            if (char.IsAsciiDigit(c)) sb.Append(c);
            else if (c == '+' && sb.Length == 0) sb.Append(c);
        }
        return sb.ToString();
    }

    public static bool IsPhone(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (value.Length > 32) return false;
        if (value.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.'))) return false;
        var digits = value.Count(char.IsAsciiDigit);
        return digits is >= 6 and <= 15;
    }

    /// <summary>
    /// Text a person wrote that is too long, or holds control characters other than line breaks and tabs (NUL among
    /// them, which PostgreSQL refuses; the others are invisible and only ever come from a tool).
    /// </summary>
    public static bool IsUnacceptableText(string? value, int max) =>
        value is not null && (value.Length > max || value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'));

    public static bool IsTimeZone(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(value, out _);
}
