using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// Sign-in limits from QUALITY.md: 10 a minute per IP (IPv6 per /64) and 25 an hour per account.
/// The per-account limit is skipped for a browser that has signed in to that account before
/// (a "known device" cookie), so an attacker hammering an account does not lock its owner out.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perIp = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    private readonly PartitionedRateLimiter<string> _perAccount = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        { PermitLimit = 25, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));

    private readonly PartitionedRateLimiter<string> _perIpSignUp = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        { PermitLimit = 5, Window = TimeSpan.FromMinutes(30), QueueLimit = 0 }));

    public bool AllowIp(IPAddress? ip) => _perIp.AttemptAcquire(ClientKey(ip)).IsAcquired;

    public bool AllowAccount(string normalizedEmail, bool knownDevice) =>
        knownDevice || _perAccount.AttemptAcquire(normalizedEmail).IsAcquired;

    public bool AllowSignUp(IPAddress? ip) => _perIpSignUp.AttemptAcquire(ClientKey(ip)).IsAcquired;

    /// <summary>IPv4 per address; IPv6 per /64, since one person usually holds a whole /64.</summary>
    public static string ClientKey(IPAddress? ip)
    {
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = ip.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
        return ip.ToString();
    }

    public void Dispose()
    {
        _perIp.Dispose();
        _perAccount.Dispose();
        _perIpSignUp.Dispose();
    }
}
