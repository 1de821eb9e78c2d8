using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// A generic JSON webhook to the contact's URL: body {"id","subject","text","sentAt"}, headers
/// X-Amparo-Timestamp (Unix seconds) and X-Amparo-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body)).
/// The receiver should recompute the signature over the raw body and refuse old timestamps.
/// Only http(s) URLs; private and loopback addresses are refused unless Webhooks:AllowPrivateAddresses (SSRF) —
/// checked on the address actually connected to, so a name that re-resolves to an internal address is refused too.
/// </summary>
public sealed class WebhookChannel(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookChannel> logger) : IChannelSender
{
    public const string TimestampHeader = "X-Amparo-Timestamp";
    public const string SignatureHeader = "X-Amparo-Signature";

    public ChannelKind Channel => ChannelKind.Webhook;
    public bool IsConfigured => true;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (!Uri.TryCreate(message.Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo))
            return SendResult.Refused("not an http(s) url");
        if (!options.Value.AllowPrivateAddresses && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) && AddressRules.IsPrivate(literal))
            return SendResult.Refused("address not allowed");
        if (string.IsNullOrEmpty(message.Secret)) return SendResult.Refused("no secret");

        var now = clock.GetUtcNow();
        var body = JsonSerializer.Serialize(new
        {
            id = Infrastructure.Security.Tokens.Hash(message.IdempotencyKey),
            subject = message.Subject,
            text = message.Text,
            sentAt = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        });
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(message.Secret, timestamp, body));
        return await HttpDelivery.SendAsync(http, request, logger, "Webhook", ct);
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));

    /// <summary>The primary handler: no redirects (a redirect could lead inside), and each connection checked against the rules.</summary>
    public static SocketsHttpHandler CreateHandler(IOptions<WebhookOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = HttpDelivery.Timeout,
        ConnectCallback = async (context, ct) =>
        {
            var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var ip)
                ? [ip]
                : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = options.Value.AllowPrivateAddresses ? addresses : addresses.Where(a => !AddressRules.IsPrivate(a)).ToArray();
            if (allowed.Length == 0) throw new BlockedAddressException("address not allowed");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
