using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>Tries of reply codes by one sender (a verified number, or an account on the web) in the current window.</summary>
public sealed class ReplyCodeTries
{
    /// <summary>"sms:" + the number's lookup hash, or another module's prefix + an id.</summary>
    public string Key { get; set; } = "";
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// The one scheme for every code a person sends back to Amparo: "ACK code" for an alert, "YES code" for a contact's
/// consent, the code that confirms an account holder's phone number, and any later module's reply. A code is
/// <see cref="Length"/> digits (digits, because every phone keyboard in our five languages has them, and Arabic-Indic
/// digits are read as ASCII), derived with HMAC-SHA256 under a system key from what it answers (purpose, subject,
/// nonce): nothing to store, one code per recipient and per relationship, so a code seen by one person is useless
/// from another number. Every try counts, right or wrong, per sender: at most <see cref="Limit"/> in
/// <see cref="Window"/>, kept in the database (a restart or a second instance does not reset it).
/// Odds: a guesser holding a spoofed number gets <see cref="Limit"/> tries a day against the k codes open for that
/// number, so P(hit) ≤ k·10/10^8 a day (k = 10: one in a million a day, about 1 in 270 over ten years of daily tries).
/// </summary>
public sealed class ReplyCodes(AmparoDbContext db, FieldCipher cipher, TimeProvider clock)
{
    public const int Length = 8;
    public const int Limit = 10;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const string KeyPurpose = "reply-code";

    /// <summary>Purposes in use (each module may add its own).</summary>
    public const string Ack = "ack", Consent = "consent", Phone = "phone";

    /// <summary>The code for <paramref name="purpose"/> about <paramref name="subject"/>; a new <paramref name="nonce"/> gives a new code.</summary>
    public async Task<string> CodeAsync(string purpose, Guid subject, string? nonce = null, CancellationToken ct = default)
    {
        var key = await cipher.SystemKeyAsync(db, KeyPurpose, ct);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}\n{subject:N}\n{nonce}"));
        // 2^64 mod 10^8 makes a bias of about 10^-11: nothing a guesser can use.
        return (BinaryPrimitives.ReadUInt64BigEndian(mac) % 100_000_000UL).ToString("D8", CultureInfo.InvariantCulture);
    }

    /// <summary>The code as typed, spaces and hyphens dropped; null when it cannot be a code.</summary>
    public static string? Clean(string? typed)
    {
        if (typed is null) return null;
        var digits = new StringBuilder(Length);
        foreach (var c in typed)
        {
            if (c is ' ' or '-' or '\u00A0') continue;
            var d = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (d < 0 || digits.Length == Length) return null;
            digits.Append((char)('0' + d));
        }
        return digits.Length == Length ? digits.ToString() : null;
    }

    public static bool Same(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(expected));

    /// <summary>Tries left for <paramref name="who"/> this window, without counting (for a page to say so).</summary>
    public async Task<bool> BlockedAsync(string who, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().UtcDateTime - Window;
        return await db.ReplyCodeTries.AnyAsync(t => t.Key == who && t.WindowStart > since && t.Count >= Limit, ct);
    }

    /// <summary>
    /// Counts one try by <paramref name="who"/> (before the code is looked at, so a hit counts too). False when the
    /// window's tries are used up: then the code must not be looked at. Safe with several instances: conditional updates.
    /// </summary>
    public async Task<bool> TryAsync(string who, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var over = now - Window;
            if (await db.ReplyCodeTries.Where(t => t.Key == who && t.WindowStart <= over)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.WindowStart, now).SetProperty(t => t.Count, 1), ct) > 0) return true;
            if (await db.ReplyCodeTries.Where(t => t.Key == who && t.Count < Limit)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Count, t => t.Count + 1), ct) > 0) return true;
            if (await db.ReplyCodeTries.AnyAsync(t => t.Key == who, ct)) return false;
            var row = new ReplyCodeTries { Key = who, WindowStart = now, Count = 1 };
            db.ReplyCodeTries.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return true;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Another instance counted this sender's first try at the same moment: count on its row.
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    /// <summary>Rows whose window is over (housekeeping).</summary>
    public Task<int> ForgetOldAsync(CancellationToken ct = default)
    {
        var over = clock.GetUtcNow().UtcDateTime - Window;
        return db.ReplyCodeTries.Where(t => t.WindowStart <= over).ExecuteDeleteAsync(ct);
    }
}
