using System.Text.Json;
using System.Text;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;

namespace Amparo.Web.Features.Notifications;

/// <summary>Seals a notification's payload (address, subject, text) into its outbox row and opens it again for sending.</summary>
public sealed class OutboxWriter(FieldCipher cipher)
{
    private byte[]? _key;
    private sealed record Payload(string A, string S, string T, string? X);

    /// <summary>Adds the row to the context (the caller saves it in the same transaction as the step that caused it).</summary>
    public async Task AddAsync(AmparoDbContext db, OutboxMessage message, OutgoingMessage payload, CancellationToken ct = default)
    {
        var key = _key ??= await cipher.SystemKeyAsync(db, "outbox", ct);
        if (message.Id == Guid.Empty) message.Id = Guid.NewGuid();
        message.IdempotencyKey = payload.IdempotencyKey;
        message.Channel = payload.Channel;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Payload(payload.Address, payload.Subject, payload.Text, payload.Secret));
        message.PayloadCipher = Aead.Seal(key, bytes, Context(message.Id));
        db.Outbox.Add(message);
        // No wake-up here: the row exists only after the caller commits, and callers wake the dispatcher then.
    }

    public async Task<OutgoingMessage> ReadAsync(AmparoDbContext db, OutboxMessage message, CancellationToken ct = default)
    {
        var key = _key ??= await cipher.SystemKeyAsync(db, "outbox", ct);
        var payload = JsonSerializer.Deserialize<Payload>(Aead.Open(key, message.PayloadCipher, Context(message.Id)))
            ?? throw new InvalidOperationException("empty outbox payload");
        return new OutgoingMessage(message.IdempotencyKey, message.Channel, payload.A, payload.S, payload.T, payload.X);
    }

    private static byte[] Context(Guid id) => Encoding.UTF8.GetBytes($"amparo:outbox:{id:D}");
}
