namespace Amparo.Web.Features.Wellbeing;

/// <summary>Where a buddy pair stands. Stored as text.</summary>
public enum BuddyState
{
    /// <summary>One member invited the other; nothing is shared or sent until the other accepts.</summary>
    Invited = 0,
    Active = 1,
    /// <summary>Either ended it (or the invitee declined, or the inviter withdrew): final; a new pair is a new row.</summary>
    Ended = 2,
}

/// <summary>
/// Two members of one organization who agreed to look out for each other. A buddy may be asked to check in with the
/// other after a hard week — by a neutral message that names no well-being — and sees nothing else: never scores,
/// answers, care plans or marks. A person has at most one pair that is not ended.
/// </summary>
public sealed class BuddyPair
{
    public Guid Id { get; set; }
    /// <summary>The organization both belonged to when the pair was made; reminders need both still to be members.</summary>
    public Guid OrganizationId { get; set; }
    public Guid InviterId { get; set; }
    public Guid InviteeId { get; set; }
    public BuddyState State { get; set; }
    public DateTime InvitedAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    /// <summary>The inviter allows Amparo to ask their buddy to check in with them after an alert closes badly or a panic (their own choice).</summary>
    public bool InviterRemindsAfterAlerts { get; set; }
    public bool InviteeRemindsAfterAlerts { get; set; }

    public const string Table = "WellbeingBuddyPairs";

    public bool Includes(Guid userId) => InviterId == userId || InviteeId == userId;

    public Guid Other(Guid userId) => InviterId == userId ? InviteeId : InviterId;

    public bool RemindsAfterAlerts(Guid userId) => InviterId == userId ? InviterRemindsAfterAlerts : InviteeRemindsAfterAlerts;
}
