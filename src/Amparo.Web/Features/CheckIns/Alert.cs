namespace Amparo.Web.Features.CheckIns;

public enum AlertKind { Missed = 0, Panic = 1, Duress = 2, WrongPins = 3 }

public enum AlertState { Open = 0, Acknowledged = 1, Resolved = 2 }

public enum AlertOutcome { Safe = 0, FalseAlarm = 1, NeedsHelp = 2, Missing = 3, CheckedInLate = 4, Cancelled = 5 }

/// <summary>
/// Someone may be in danger. The engine works through the levels at <see cref="NextStepAt"/> until a recipient
/// acknowledges. A duress alert is never shown to its owner (it must look as if nothing happened).
/// </summary>
public sealed class Alert
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public Guid? VisitId { get; set; }
    public AlertKind Kind { get; set; }
    public AlertState State { get; set; }
    public AlertOutcome? Outcome { get; set; }
    public bool IsDrill { get; set; }
    /// <summary>A short number that SMS replies quote ("ACK 73"); unique among open alerts.</summary>
    public int ShortCode { get; set; }

    /// <summary>The highest level notified so far (1 contacts, 2 focal points, 3 coordinators); 0 before the first.</summary>
    public int Level { get; set; }
    /// <summary>Reminders sent after the last level (every 15 minutes until someone acknowledges).</summary>
    public int Repeats { get; set; }
    /// <summary>When the engine next escalates or repeats; once acknowledged, when it next checks the handler may still respond; null once resolved.</summary>
    public DateTime? NextStepAt { get; set; }
    public int Level2DelayMinutes { get; set; } = 15;
    public int Level3DelayMinutes { get; set; } = 30;

    public Guid? AcknowledgedByRecipientId { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public byte[]? ResolutionNoteCipher { get; set; }

    /// <summary>Latest location ("lat,lon") while the alert is open; deleted after the retention period.</summary>
    public byte[]? LocationCipher { get; set; }
    public DateTime? LocationAt { get; set; }
    public byte[]? NoteCipher { get; set; }

    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }

    public const string Table = "Alerts";

    public bool IsOpen => State != AlertState.Resolved;
}

/// <summary>One person told about an alert: a trusted contact, a focal point, a coordinator, or the duty contact.</summary>
public sealed class AlertRecipient
{
    public Guid Id { get; set; }
    public Guid AlertId { get; set; }
    public int Level { get; set; }
    public Guid? UserId { get; set; }
    public Guid? ContactId { get; set; }
    public bool IsDutyContact { get; set; }
    public string Language { get; set; } = "en";
    /// <summary>Hash of the secret in this recipient's link to the responder page.</summary>
    public string LinkTokenHash { get; set; } = "";
    public DateTime NotifiedAt { get; set; }
    public DateTime? OpenedAt { get; set; }

    public const string Table = "AlertRecipients";
}

/// <summary>The alert's timeline: who was told when and how, what failed, who answered, how it ended. No content, no places.</summary>
public sealed class AlertEvent
{
    public long Id { get; set; }
    public Guid AlertId { get; set; }
    public DateTime At { get; set; }
    public string Kind { get; set; } = "";
    public Guid? RecipientId { get; set; }
    public string? Channel { get; set; }
    public int? Level { get; set; }
    /// <summary>Short and free of personal data: an error class, an outcome.</summary>
    public string? Detail { get; set; }
}

public static class AlertEvents
{
    public const string Raised = "raised";
    public const string LevelReached = "level";
    public const string Repeated = "repeated";
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Fallback = "fallback";
    public const string Opened = "opened";
    public const string Acknowledged = "acknowledged";
    public const string EscalatedByHand = "escalated";
    public const string Location = "location";
    public const string Resolved = "resolved";
    public const string AllClear = "all-clear";
    public const string NoRecipients = "no-recipients";
    /// <summary>A PIN refused on the alert's visit (detail: wrong PINs so far); responders see guessing go on.</summary>
    public const string PinRefused = "pin-refused";
    public const string PinLocked = "pin-locked";
    public const string PinUnlocked = "pin-unlocked";
    /// <summary>The right PIN came after wrong ones, before anyone took the alert on: it may have been guessed, so the alert stays open.</summary>
    public const string CheckedInUnconfirmed = "checked-in-unconfirmed";
    /// <summary>Ended by the owner under duress: nobody was told it is over, a duress alert took over. Responders only.</summary>
    public const string Superseded = "superseded";
    /// <summary>A wrong PIN on "I'm safe — cancel".</summary>
    public const string CancelRefused = "cancel-refused";
    /// <summary>The handler lost the right to respond: nobody handles the alert any more, and the escalation resumes.</summary>
    public const string HandlerLost = "handler-lost";
}
