// TODO(sms): compile shim for the lead's services, written against the announced signatures. DELETE THIS FILE when
// CheckInService, AlertService, ContactService and OutboxWriter land in main (git merge main).
using Amparo.Web.Infrastructure.Data;

namespace Amparo.Web.Features.CheckIns
{
    public sealed record Proof(string? Pin, bool FreshSession);

    public enum ActionStatus { Done, WrongPin, NotFound, NeedsPin, TooLong, Closed, Invalid }

    public sealed class CheckInService
    {
        public Task<ActionStatus> CheckInAsync(Guid ownerId, Guid visitId, Proof proof, string via, string? note = null, double? latitude = null, double? longitude = null, CancellationToken ct = default) => throw new NotImplementedException();
        public Task<ActionStatus> ExtendAsync(Guid ownerId, Guid visitId, int minutes, Proof proof, string via, CancellationToken ct = default) => throw new NotImplementedException();
        public Task<ActionStatus> CloseAsync(Guid ownerId, Guid visitId, Proof proof, string via, CancellationToken ct = default) => throw new NotImplementedException();
        public Task<Guid> PanicAsync(Guid ownerId, string via, double? latitude, double? longitude, string? note, CancellationToken ct = default) => throw new NotImplementedException();
        public Task<Visit?> CurrentVisitAsync(Guid ownerId, CancellationToken ct = default) => throw new NotImplementedException();
    }

    public sealed class AlertService
    {
        public Task<bool> AcknowledgeAsync(Guid alertId, Guid recipientId, CancellationToken ct = default) => throw new NotImplementedException();
        public Task<AlertRecipient?> RecipientForSmsAsync(string senderLookup, int shortCode, CancellationToken ct = default) => throw new NotImplementedException();
    }

    public sealed class ContactService
    {
        public Task<bool> ConfirmBySmsAsync(string senderLookup, CancellationToken ct = default) => throw new NotImplementedException();
        public Task<int> WithdrawBySmsAsync(string senderLookup, CancellationToken ct = default) => throw new NotImplementedException();
    }
}

namespace Amparo.Web.Features.CheckIns.Delivery
{
    // Working stand-in so the SMS tests run before the lead's writer lands.
    public sealed class OutboxWriter(Infrastructure.Security.FieldCipher cipher)
    {
        public async Task AddAsync(AmparoDbContext db, OutboxMessage message, OutgoingMessage payload, CancellationToken ct = default)
        {
            if (message.Id == Guid.Empty) message.Id = Guid.NewGuid();
            var key = await cipher.SystemKeyAsync(db, "outbox", ct);
            message.PayloadCipher = Infrastructure.Security.Aead.Seal(key, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(payload), Ad(message.Id));
            db.Outbox.Add(message);
        }

        public async Task<OutgoingMessage> ReadAsync(AmparoDbContext db, OutboxMessage message, CancellationToken ct = default)
        {
            var key = await cipher.SystemKeyAsync(db, "outbox", ct);
            return System.Text.Json.JsonSerializer.Deserialize<OutgoingMessage>(Infrastructure.Security.Aead.Open(key, message.PayloadCipher, Ad(message.Id)))!;
        }

        private static byte[] Ad(Guid id) => System.Text.Encoding.UTF8.GetBytes($"amparo:outbox:{id:D}");
    }
}
