using System.Net;
using System.Net.Sockets;

namespace Amparo.Web.Features.CheckIns.Delivery;

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

/// <summary>Which addresses a webhook may not reach unless allowed: loopback, private, link-local, carrier NAT, multicast.</summary>
public static class AddressRules
{
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
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
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC; // fc00::/7 unique local
    }
}
