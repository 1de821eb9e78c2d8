namespace Amparo.Web.Features.Notifications;

public enum ChannelKind { Email = 0, Sms = 1, Signal = 2, Webhook = 3 }

public enum OutboxState { Pending = 0, Sent = 1, Failed = 2, Cancelled = 3 }

/// <summary>
/// How urgent a notification is. The dispatcher claims due rows most urgent first, so an alert is never queued behind
/// a digest or a reminder. Stored as its number (the order of the values is the order of sending): lower is sooner.
/// </summary>
public enum NotificationPriority
{
    /// <summary>Someone may be in danger: escalation steps of an alert, panic.</summary>
    Alert = 0,
    /// <summary>Worthless if late: reminders of a deadline, replies to an SMS command, verification codes.</summary>
    Deadline = 1,
    /// <summary>Notices and requests: a consent request, "a contact withdrew", "your PINs changed".</summary>
    Normal = 2,
    /// <summary>Summaries that can wait behind everything else.</summary>
    Digest = 3,
}

/// <summary>What a notification is about: the kind of record and its id. A module adds its own kinds.</summary>
public enum NotificationSourceKind { None = 0, Alert = 1, Visit = 2, Contact = 3, Account = 4, InboundSms = 5 }

/// <summary>
/// A notification written in the same transaction as the step that caused it. The dispatcher claims it with a
/// lease, sends it, and marks it sent; a crash before that leaves the lease to expire and the message is sent
/// again (at least once). <see cref="IdempotencyKey"/> (notification key and channel index) is unique, so a step
/// repeated after a crash cannot queue it twice. Modules write rows through <see cref="Notifier"/>.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string IdempotencyKey { get; set; } = "";
    /// <summary>Check-ins: the alert this step belongs to (its timeline records sent/failed; acknowledging cancels it).</summary>
    public Guid? AlertId { get; set; }
    /// <summary>Check-ins: the alert recipient row (not a user id).</summary>
    public Guid? RecipientId { get; set; }
    public NotificationSourceKind SourceKind { get; set; }
    /// <summary>The id of the record of <see cref="SourceKind"/> (deleting that record deletes its notifications).</summary>
    public Guid? SourceId { get; set; }
    public NotificationPriority Priority { get; set; } = NotificationPriority.Normal;
    /// <summary>The recipient's language the text was written in (a supported culture name).</summary>
    public string? Language { get; set; }
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
