namespace Amparo.Web.Features.CheckIns;

/// <remarks><see cref="Invited"/>: a companion's part, planned by someone else, until they accept it. Nothing is watched, reminded or escalated for it.</remarks>
public enum VisitState { Planned = 0, Active = 1, Overdue = 2, Alerting = 3, Closed = 4, Invited = 5 }

/// <remarks><see cref="Declined"/>: a companion's part that they declined, or never accepted before the return time.</remarks>
public enum VisitOutcome { Safe = 0, CheckedInLate = 1, Cancelled = 2, ClosedByResponder = 3, Declined = 4 }

/// <summary>
/// A trip someone makes and is expected back from: a house call, a hearing, a meeting with a source.
/// Place, purpose, needs, coordinates and the message for responders are encrypted with the owner's data key.
/// The engine acts on <see cref="NextActionAt"/> (a UTC instant); every change of state is a conditional
/// update on <see cref="Version"/>, so a check-in racing the engine has exactly one winner.
/// </summary>
public sealed class Visit
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    /// <summary>Companions planned together share a group id; each checks in for themself.</summary>
    public Guid GroupId { get; set; }
    /// <summary>Who planned this visit when it was not its owner (a companion's part): responders are shown it, and it starts only when the owner accepts.</summary>
    public Guid? PlannedById { get; set; }
    public VisitState State { get; set; }
    public VisitOutcome? Outcome { get; set; }
    public bool IsDrill { get; set; }

    public DateTime StartsAt { get; set; }
    /// <summary>When I expect to be back (moves with extensions).</summary>
    public DateTime DueAt { get; set; }
    /// <summary>The first <see cref="DueAt"/>: extensions without the PIN are capped against it.</summary>
    public DateTime OriginalDueAt { get; set; }
    public int GraceMinutes { get; set; } = 10;
    /// <summary>Minutes between check-ins while out; null when only the return counts.</summary>
    public int? CheckInEveryMinutes { get; set; }
    /// <summary>The current deadline: <see cref="DueAt"/>, or earlier when a periodic check-in falls due first.</summary>
    public DateTime DeadlineAt { get; set; }
    public int ReminderMinutesBefore { get; set; } = 10;
    public int Level2DelayMinutes { get; set; } = 15;
    public int Level3DelayMinutes { get; set; } = 30;

    /// <summary>Reminders already sent for the current deadline: 0 none, 1 the early one, 2 the one at the deadline.</summary>
    public int RemindersSent { get; set; }
    /// <summary>When the engine next has something to do for this visit; null once closed.</summary>
    public DateTime? NextActionAt { get; set; }
    public DateTime? LastCheckInAt { get; set; }
    /// <summary>Wrong PINs in a row (three raise the wrong-PIN alert); a right PIN starts it again.</summary>
    public int WrongPinCount { get; set; }
    /// <summary>Wrong PINs in all until the right one, also while alerting and while locked; at CheckInService.PinTries PIN entry locks.</summary>
    public int WrongPinTotal { get; set; }
    /// <summary>When PIN entry on this visit was locked after too many wrong PINs; null when it takes PINs. Only the owner's passphrase unlocks it.</summary>
    public DateTime? PinLockedAt { get; set; }
    public Guid? AlertId { get; set; }

    public byte[]? PlaceCipher { get; set; }
    public byte[]? PurposeCipher { get; set; }
    public byte[]? NeedsCipher { get; set; }
    /// <summary>"lat,lon" — precise location, deleted after the retention period.</summary>
    public byte[]? CoordinatesCipher { get; set; }
    public byte[]? MessageCipher { get; set; }

    /// <summary>Hash of the token in reminder links, which open the check-in page without signing in (the PIN is still asked).</summary>
    public string ReminderTokenHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public int Version { get; set; }

    public const string Table = "Visits";

    public bool IsOpen => State != VisitState.Closed;
}

/// <summary>A check-in as it happened: kept for the timeline. The location, if given, is encrypted and deleted with the visit's others.</summary>
public sealed class CheckIn
{
    public Guid Id { get; set; }
    public Guid VisitId { get; set; }
    public Guid OwnerId { get; set; }
    public DateTime At { get; set; }
    /// <summary>web | api | sms | link</summary>
    public string Via { get; set; } = "";
    public byte[]? NoteCipher { get; set; }
    public byte[]? CoordinatesCipher { get; set; }

    public const string Table = "CheckIns";
}

/// <summary>A person's check-in PINs and escalation defaults. PINs are keyed hashes (HMAC under a system key).</summary>
public sealed class CheckInSettings
{
    public Guid UserId { get; set; }
    public string? PinHash { get; set; }
    public string? DuressPinHash { get; set; }
    public int DefaultGraceMinutes { get; set; } = 10;
    public int ReminderMinutesBefore { get; set; } = 10;
    public int Level2DelayMinutes { get; set; } = 15;
    public int Level3DelayMinutes { get; set; } = 30;
    /// <summary>How reminders reach me: e-mail (the account's address), SMS or Signal (the profile's numbers).</summary>
    public Notifications.ChannelKind ReminderChannel { get; set; } = Notifications.ChannelKind.Email;
    /// <summary>Personal SMS code words ("check in"=..., etc.), JSON, encrypted with the person's data key.</summary>
    public byte[]? CodeWordsCipher { get; set; }
    /// <summary>Wrong current PINs given to change the PINs since the last change; at CheckInService.PinTries only the passphrase is taken.</summary>
    public int PinProofFailures { get; set; }
    public DateTime ChangedAt { get; set; }

    public const string Table = "CheckInSettings";
}
