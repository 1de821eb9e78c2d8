using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// Inbound SMS: <c>/hooks/sms/{adapter}/{channelKey}</c>, anonymous, authenticated by the channel key in the path
/// (constant-time compare) and by each gateway's own signature or secret. A wrong key or signature is refused with
/// nothing stored. A good message is stored encrypted and answered at once; <see cref="InboundSmsWorker"/> acts on it.
/// </summary>
public static class SmsHooks
{
    public const string Route = "/hooks/sms/{adapter}/{channelKey}";
    public const string RateLimit = "sms-hooks";
    public const int BodyLimit = 16 * 1024;

    public static IEndpointRouteBuilder MapSmsHooks(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Route, [HttpMethods.Post, HttpMethods.Get], HandleAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimit)
            .WithMetadata(new RequestSizeLimitAttribute(BodyLimit))
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, string adapter, string channelKey, IOptions<SmsOptions> options,
        InboundSmsStore store, SmsSyncPull pull, TimeProvider clock, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured || !string.Equals(adapter, o.Adapter, StringComparison.Ordinal)) return Results.NotFound();
        if (!FixedEquals(channelKey, o.ChannelKey)) return Results.Unauthorized();
        var body = await ReadBodyAsync(context.Request, ct);
        if (body is null) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);

        return adapter switch
        {
            SmsOptions.Android => await AndroidAsync(context.Request, body, o, store, clock, ct),
            SmsOptions.Courier => await CourierAsync(context.Request, body, store, ct),
            _ => await SmsSyncAsync(context.Request, body, o, store, pull, ct),
        };
    }

    // SMS Gateway for Android webhooks, https://docs.sms-gate.app/features/webhooks/ (android-sms-gateway/docs-web
    // docs/features/webhooks.md): X-Signature = hex HMAC-SHA256(signing key, raw body + X-Timestamp), X-Timestamp in
    // Unix seconds; event "sms:received" with payload {messageId, message, phoneNumber, simNumber, receivedAt}.
    private static async Task<IResult> AndroidAsync(HttpRequest request, byte[] body, SmsOptions o, InboundSmsStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!HttpMethods.IsPost(request.Method)) return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var signature = request.Headers["X-Signature"].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return Results.Unauthorized();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(o.SigningKey!), body.Concat(Encoding.UTF8.GetBytes(timestamp)).ToArray());
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { return Results.Unauthorized(); }
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return Results.Unauthorized();
        // Signed but old (or from the future): a replay, refused. Our clock decides, never the phone's.
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - seconds) > o.MaxClockSkewSeconds) return Results.Unauthorized();

        AndroidEvent? evt;
        try { evt = JsonSerializer.Deserialize<AndroidEvent>(body, JsonOptions); }
        catch (JsonException) { return Results.BadRequest(); }
        if (evt is null) return Results.BadRequest();
        if (evt.Event != "sms:received") return Results.Ok(); // sent/delivered/failed reports: nothing to do
        if (evt.Payload is not { PhoneNumber: { Length: > 0 } from } payload) return Results.BadRequest();
        // The event id is unique per event and repeated on the app's retries; payload.messageId is derived from the
        // content (the docs warn it is not unique), so two identical "OK 1234" would collapse into one.
        await store.StoreAsync(SmsOptions.Android, evt.Id, from, payload.Message ?? "", payload.ReceivedAt, ct);
        return Results.Ok();
    }

    // Courier "external" channel receive, https://github.com/nyaruka/courier/blob/main/handlers/external/handler.go
    // (receiveMessage): form or query fields "from" (or "sender"), "text", optional "date"/"time"; we also take "id".
    private static async Task<IResult> CourierAsync(HttpRequest request, byte[] body, InboundSmsStore store, CancellationToken ct)
    {
        var fields = Fields(request, body);
        var from = fields.GetValueOrDefault("from") ?? fields.GetValueOrDefault("sender");
        if (string.IsNullOrEmpty(from)) return Results.BadRequest(new { message = "must have one of 'sender' or 'from' set" });
        var time = fields.GetValueOrDefault("date") ?? fields.GetValueOrDefault("time");
        await store.StoreAsync(SmsOptions.Courier, fields.GetValueOrDefault("id"), from, fields.GetValueOrDefault("text") ?? "", time, ct);
        return Results.Ok(new { message = "Message Accepted" });
    }

    // SMSSync, https://github.com/ushahidi/SMSSync/blob/master/genwebsite/doc.mkd and the app's PostMessage /
    // ProcessMessageResult (entities QueuedMessages "queued_messages", MessagesUUIDSResponse "message_uuids"):
    //   POST form from, message, message_id, sent_to, secret, sent_timestamp, device_id → {"payload":{"success":true,"error":null}}
    //   GET ?task=send&secret=… → {"payload":{"task":"send","secret":…,"messages":[{"to","message","uuid"}]}}
    //     (the app acts on the answer only when its "secret" equals its own: PostMessage.performTask, "secretOk")
    //   POST ?task=sent {"queued_messages":[uuid…]} → {"message_uuids":[uuid…]} (the app sends only those; it adds no secret here)
    //   GET ?task=result&secret=… → {"message_uuids":[…]}; POST ?task=result&secret=… {"message_result":[…]} → success
    private static async Task<IResult> SmsSyncAsync(HttpRequest request, byte[] body, SmsOptions o, InboundSmsStore store, SmsSyncPull pull, CancellationToken ct)
    {
        var task = request.Query["task"].ToString();
        var fields = Fields(request, body);
        var secret = fields.GetValueOrDefault("secret");
        var isSent = HttpMethods.IsPost(request.Method) && task == "sent";
        // Every call needs the secret, compared in constant time. The one exception is the app's task=sent, which
        // carries none: it can only confirm uuids that a poll with the secret handed over (random, never guessable),
        // and a secret it does carry must match.
        if ((!isSent || secret is not null) && !FixedEquals(secret, o.Secret))
            return Results.Json(new { payload = new { success = false, error = "Secret Key Mismatch" } }, statusCode: StatusCodes.Status403Forbidden);

        if (HttpMethods.IsGet(request.Method))
        {
            if (task == "result") return Results.Json(new { message_uuids = Array.Empty<string>() });
            if (task != "send") return Results.Json(new { payload = new { success = true, error = (string?)null } });
            var messages = await pull.ClaimAsync(ct);
            // The app acts on the answer only if it carries its own secret back; it is the value this caller has just
            // proved it knows, so nobody learns it here.
            return Results.Json(new { payload = new { task = "send", secret, messages } });
        }
        if (isSent)
        {
            var queued = ReadStringArray(body, "queued_messages");
            return Results.Json(new { message_uuids = await pull.ConfirmAsync(queued, ct) });
        }
        if (task == "result") return Results.Json(new { payload = new { success = true, error = (string?)null } });

        var from = fields.GetValueOrDefault("from");
        if (string.IsNullOrEmpty(from)) return Results.Json(new { payload = new { success = false, error = "The from variable was not set" } }, statusCode: 400);
        await store.StoreAsync(SmsOptions.SmsSync, fields.GetValueOrDefault("message_id"), from, fields.GetValueOrDefault("message") ?? "",
            fields.GetValueOrDefault("sent_timestamp"), ct);
        if (o.SmsSyncRepliesInResponse)
        {
            var messages = await pull.ClaimAsync(ct);
            if (messages.Count > 0)
                return Results.Json(new { payload = new { success = true, error = (string?)null, task = "send", secret, messages } });
        }
        return Results.Json(new { payload = new { success = true, error = (string?)null } });
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record AndroidEvent(string? Id, string? Event, string? DeviceId, AndroidPayload? Payload);
    private sealed record AndroidPayload(string? MessageId, string? Message, string? PhoneNumber, string? ReceivedAt);

    internal static bool FixedEquals(string? given, string? expected) =>
        given is not null && expected is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>The body, at most <see cref="BodyLimit"/> bytes (null when larger: the test server does not enforce the limit).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > BodyLimit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > BodyLimit) return null;
        }
        return buffer.ToArray();
    }

    /// <summary>Form fields from a url-encoded body, then the query string (Go's ParseForm reads both, body first).</summary>
    private static Dictionary<string, string> Fields(HttpRequest request, byte[] body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            foreach (var (key, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
                fields.TryAdd(key, value.ToString());
        foreach (var (key, value) in request.Query) fields.TryAdd(key, value.ToString());
        return fields;
    }

    private static List<string> ReadStringArray(byte[] body, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array)
                return array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Take(200).ToList();
        }
        catch (JsonException) { }
        return [];
    }
}

/// <summary>Stores an inbound SMS once (the unique index on adapter + external id drops a gateway's retries) and wakes the worker.</summary>
public sealed class InboundSmsStore(AmparoDbContext db, FieldCipher cipher, AccountService accounts, TimeProvider clock, InboundSmsSignal signal)
{
    public const string KeyPurpose = "inbound";

    public async Task StoreAsync(string adapter, string? externalId, string from, string text, string? gatewayTime, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Without the gateway's id: a hash of what the gateway repeats on a retry. Without its time either, our
        // minute: a retry within it is dropped, the same words sent again later are a new message.
        var id = string.IsNullOrWhiteSpace(externalId)
            ? "h:" + Tokens.Hash($"{adapter}\n{from}\n{text}\n{gatewayTime ?? now.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)}")
            : externalId.Length <= 120 ? externalId : "h:" + Tokens.Hash(externalId);
        if (await db.InboundSms.AnyAsync(m => m.Adapter == adapter && m.ExternalId == id, ct)) return;

        var phone = Validation.NormalizePhone(from);
        var row = new InboundSms
        {
            Id = Guid.NewGuid(),
            Adapter = adapter,
            ExternalId = id,
            SenderLookup = string.IsNullOrEmpty(phone) ? null : await accounts.PhoneLookupAsync(phone, ct),
            ReceivedAt = now,
        };
        var key = await cipher.SystemKeyAsync(db, KeyPurpose, ct);
        row.PayloadCipher = Aead.Seal(key, JsonSerializer.SerializeToUtf8Bytes(new InboundPayload(from, text)), AssociatedData(row.Id));
        db.InboundSms.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            // The same message arrived twice at once: the other copy won, and the gateway hears "accepted". Any other
            // failure must not be acknowledged, or the gateway would not send it again.
            if (await db.InboundSms.AnyAsync(m => m.Adapter == adapter && m.ExternalId == id, ct)) return;
            throw;
        }
        signal.Wake();
    }

    public static byte[] AssociatedData(Guid rowId) => Encoding.UTF8.GetBytes($"amparo:field:{InboundSms.Table}:{nameof(InboundSms.PayloadCipher)}:{rowId:D}");
}

public sealed record InboundPayload(string From, string Text);

/// <summary>Wakes <see cref="InboundSmsWorker"/> in this process when a message arrives.</summary>
public sealed class InboundSmsSignal
{
    private TaskCompletionSource _next = New();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => Interlocked.Exchange(ref _next, New()).TrySetResult();

    /// <summary>Completes at the next <see cref="Wake"/>; taken before the worker looks for work, so a wake-up during the look is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;
}
