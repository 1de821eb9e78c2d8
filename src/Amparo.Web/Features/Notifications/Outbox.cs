namespace Amparo.Web.Features.Notifications;

public enum ChannelKind { Email = 0, Sms = 1, Signal = 2, Webhook = 3 }

public enum OutboxState { Pending = 0, Sent = 1, Failed = 2, Cancelled = 3 }

/// <summary>
/// A notification written in the same transaction as the step that caused it. The dispatcher claims it with a
/// lease, sends it, and marks it sent; a crash before that leaves the lease to expire and the message is sent
/// again (at least once). <see cref="IdempotencyKey"/> (alert, step, recipient, channel) is unique, so a step
/// repeated after a crash cannot queue it twice.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public Guid? AlertId { get; set; }
    public Guid? RecipientId { get; set; }
    public Guid? VisitId { get; set; }
    public ChannelKind Channel { get; set; }
    /// <summary>Which of the recipient's channels this is (0 first); the next one is the fallback.</summary>
    public int ChannelIndex { get; set; }
    /// <summary>Groups one logical notification across its fallback channels.</summary>
    public string NotificationKey { get; set; } = "";
    /// <summary>Address, subject and text, encrypted with the "outbox" system key (links in the text are secrets).</summary>
    public byte[] PayloadCipher { get; set; } = [];
    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>When, if still not sent, the recipient's next channel is tried as well.</summary>
    public DateTime? FallbackAt { get; set; }
    public bool FallbackQueued { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public Guid? LeaseOwner { get; set; }
    public string? LastError { get; set; }
    public bool IsDrill { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }

    public const string Table = "Outbox";
}

/// <summary>An SMS received through a gateway webhook. Kept ≥ 48 hours so a gateway's retries are recognised.</summary>
public sealed class InboundSms
{
    public Guid Id { get; set; }
    public string Adapter { get; set; } = "";
    /// <summary>The gateway's message id (or a hash of sender+text+gateway time when it has none).</summary>
    public string ExternalId { get; set; } = "";
    public string? SenderLookup { get; set; }
    /// <summary>Sender and text, encrypted with the "inbound" system key until processed.</summary>
    public byte[]? PayloadCipher { get; set; }
    /// <summary>Our clock, never the phone's.</summary>
    public DateTime ReceivedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>Claimed by a worker until then (another instance leaves it alone); after a crash the lease runs out and it is tried again.</summary>
    public DateTime? LeaseUntil { get; set; }

    public const string Table = "InboundSms";
}
