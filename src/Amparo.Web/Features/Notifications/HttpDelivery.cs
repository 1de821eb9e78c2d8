using System.Net.Sockets;
using System.Net;

namespace Amparo.Web.Features.Notifications;

/// <summary>What every HTTP channel shares: short timeouts and one reading of the gateway's answer.</summary>
public static class HttpDelivery
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// 2xx sent; 5xx, 408 and 429 may pass later; any other 4xx will not. Network failures and timeouts: later.
    /// Only status codes and exception types are logged — never numbers, addresses or text.
    /// </summary>
    public static async Task<SendResult> SendAsync(HttpClient http, HttpRequestMessage request, ILogger logger, string channel, CancellationToken ct,
        Func<HttpStatusCode, SendResult?>? special = null)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = response.StatusCode;
            if (special?.Invoke(status) is { } result) return result;
            var code = (int)status;
            if (code is >= 200 and < 300) return SendResult.Ok;
            logger.LogWarning("{Channel} delivery answered {Status}", channel, code);
            if (code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests) return SendResult.Retry($"HTTP {code}");
            return SendResult.Refused($"HTTP {code}");
        }
        catch (Exception ex) when (ex is BlockedAddressException || ex.InnerException is BlockedAddressException)
        {
            logger.LogWarning("{Channel} delivery refused: the address is not allowed", channel);
            return SendResult.Refused("address not allowed");
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException
                                   || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // Connection refused, DNS failure, the 10-second timeout: the gateway may come back.
            logger.LogWarning("{Channel} delivery failed: {Error}", channel, ex.GetType().Name);
            return SendResult.Retry(ex is OperationCanceledException ? "timeout" : ex.GetType().Name);
        }
    }

    /// <summary>A short, stable id for an idempotency key: gateways that de-duplicate by id see the same one on every retry.</summary>
    public static string StableId(string idempotencyKey) => Infrastructure.Security.Tokens.Hash(idempotencyKey)[..32];
}

/// <summary>Thrown by the webhook connect callback when a name resolves to an address we must not reach.</summary>
public sealed class BlockedAddressException(string message) : IOException(message);

/// <summary>
/// Which addresses a webhook may not reach unless allowed: loopback, private, link-local, carrier NAT, multicast —
/// also when written inside an IPv6 address that a translator or tunnel turns back into IPv4 (mapped, compatible,
/// SIIT, NAT64, 6to4): there the embedded IPv4 address decides. Teredo and local-use NAT64 hide or choose the IPv4
/// address elsewhere, so they are refused whole.
/// </summary>
public static class AddressRules
{
    public static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedIPv4(address) is { } embedded) return IsPrivate(embedded);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0);
        }
        var v6 = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6Teredo
            || (v6[0] & 0xFE) == 0xFC // fc00::/7 unique local
            || StartsWith(v6, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01); // 64:ff9b:1::/48 local-use NAT64 (RFC 8215)
    }

    /// <summary>The IPv4 address an IPv6 address stands for, in the forms where its place is fixed; null otherwise.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4(); // ::ffff:a.b.c.d
        var last = new IPAddress(b.AsSpan(12, 4));
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return IPAddress.IsLoopback(address) ? null : last; // ::a.b.c.d (compatible), but not ::1
        if (b.AsSpan(0, 8).IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) return last; // ::ffff:0:a.b.c.d (SIIT)
        if (StartsWith(b, 0x00, 0x64, 0xff, 0x9b) && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0) return last; // 64:ff9b::/96 NAT64
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b.AsSpan(2, 4)); // 2002::/16 6to4
        return null;
    }

    private static bool StartsWith(byte[] bytes, params ReadOnlySpan<byte> prefix) => bytes.AsSpan().StartsWith(prefix);
}
