using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// SMS through the configured gateway. Message.Address is the normalized number (+country code).
/// <list type="bullet">
/// <item>android — SMS Gateway for Android (capcom6/android-sms-gateway), formats as documented at
///   https://docs.sms-gate.app/features/sending-messages/ (source: android-sms-gateway/docs-web docs/features/sending-messages.md):
///   POST {BaseUrl}/message, Basic auth, JSON {"id", "textMessage":{"text"}, "phoneNumbers":[…], "priority":100}.
///   The id is derived from the idempotency key, so a retry after a crash is recognised by the gateway; a 409 (that id
///   is already queued) therefore counts as sent. Priority ≥ 100 skips the app's own send delays.</item>
/// <item>courier — a RapidPro/Courier "external" channel, as Courier sends it
///   (https://github.com/nyaruka/courier/blob/main/handlers/external/handler.go, Send): POST (or GET) to SendUrl with the
///   variables id, text, to, to_no_plus, from, from_no_plus, url-encoded form (Courier's default) or a JSON object;
///   {{variable}} placeholders in SendUrl are replaced (url-encoded) as Courier does. 5xx → retry, other non-2xx → refused.</item>
/// <item>smssync — SMSSync pulls its messages (see <see cref="SmsSyncPull"/>); nothing is pushed.</item>
/// </list>
/// </summary>
public sealed class SmsChannel(HttpClient http, IOptions<SmsOptions> options, ILogger<SmsChannel> logger) : IChannelSender
{
    private readonly SmsOptions _o = options.Value;

    public ChannelKind Channel => ChannelKind.Sms;
    public bool IsConfigured => _o.IsConfigured;
    public bool IsPull => _o.Adapter == SmsOptions.SmsSync;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (!IsConfigured) return SendResult.Refused("sms not configured");
        if (IsPull) return SendResult.Retry("pulled by the gateway");
        var to = Infrastructure.Validation.NormalizePhone(message.Address);
        if (string.IsNullOrEmpty(to) || to.Count(char.IsAsciiDigit) < 6) return SendResult.Refused("bad number");
        using var request = _o.Adapter == SmsOptions.Android ? AndroidRequest(message, to) : CourierRequest(message, to);
        return await HttpDelivery.SendAsync(http, request, logger, "SMS", ct,
            status => status == HttpStatusCode.Conflict && _o.Adapter == SmsOptions.Android ? SendResult.Ok : null);
    }

    private HttpRequestMessage AndroidRequest(OutgoingMessage message, string to)
    {
        var body = new
        {
            id = HttpDelivery.StableId(message.IdempotencyKey),
            textMessage = new { text = message.Text },
            phoneNumbers = new[] { to },
            priority = 100,
        };
        var request = new HttpRequestMessage(HttpMethod.Post, _o.BaseUrl!.TrimEnd('/') + "/message")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_o.Username}:{_o.Password}")));
        return request;
    }

    private HttpRequestMessage CourierRequest(OutgoingMessage message, string to)
    {
        var from = _o.From ?? "";
        var variables = new Dictionary<string, string>
        {
            ["id"] = HttpDelivery.StableId(message.IdempotencyKey),
            ["text"] = message.Text,
            ["to"] = to,
            ["to_no_plus"] = to.TrimStart('+'),
            ["from"] = from,
            ["from_no_plus"] = from.TrimStart('+'),
        };
        var url = _o.SendUrl!;
        foreach (var (key, value) in variables) url = url.Replace("{{" + key + "}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        HttpRequestMessage request;
        if (_o.SendMethod == "GET")
            request = new HttpRequestMessage(HttpMethod.Get, url);
        else
            request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = _o.ContentType == "json"
                    ? new StringContent(JsonSerializer.Serialize(variables), Encoding.UTF8, "application/json")
                    : new FormUrlEncodedContent(variables),
            };
        if (!string.IsNullOrEmpty(_o.Authorization)) request.Headers.TryAddWithoutValidation("Authorization", _o.Authorization);
        return request;
    }
}

/// <summary>
/// signal-cli-rest-api (bbernhard/signal-cli-rest-api), https://bbernhard.github.io/signal-cli-rest-api/ (POST /v2/send):
/// JSON {"message", "number" (our registered number), "recipients":[…]}; it answers 201.
/// </summary>
public sealed class SignalChannel(HttpClient http, IOptions<SignalOptions> options, ILogger<SignalChannel> logger) : IChannelSender
{
    private readonly SignalOptions _o = options.Value;

    public ChannelKind Channel => ChannelKind.Signal;
    public bool IsConfigured => _o.IsConfigured;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (!IsConfigured) return SendResult.Refused("signal not configured");
        var to = Infrastructure.Validation.NormalizePhone(message.Address);
        if (string.IsNullOrEmpty(to) || !to.StartsWith('+')) return SendResult.Refused("bad number");
        var body = new { message = message.Text, number = _o.Number, recipients = new[] { to } };
        using var request = new HttpRequestMessage(HttpMethod.Post, _o.BaseUrl!.TrimEnd('/') + "/v2/send")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await HttpDelivery.SendAsync(http, request, logger, "Signal", ct);
    }
}
