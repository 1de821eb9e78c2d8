namespace Amparo.Web.Features.Wellbeing;

/// <summary>Who the person means to talk a hard event through with. Stored as text.</summary>
public enum DebriefWith
{
    Buddy = 0,
    FocalPoint = 1,
    /// <summary>A practitioner from the network: named in the person's own words for now.</summary>
    Practitioner = 2,
}

/// <summary>Where a debrief offer stands. Stored as text.</summary>
public enum DebriefState
{
    Offered = 0,
    Scheduled = 1,
    /// <summary>The person said "not now": the offer leaves the home page and stays in their list.</summary>
    Dismissed = 2,
}

/// <summary>
/// After a hard week, an incident or an alert, Amparo offers the person a debrief: a conversation with their buddy, a
/// focal point or a practitioner, with a short guide. The person's alone (nobody is told by it); what they write is
/// encrypted with their data key. One offer per mark.
/// </summary>
public sealed class DebriefOffer
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid MarkId { get; set; }
    public DebriefState State { get; set; }
    public DebriefWith? With { get; set; }
    /// <summary>The day the person means to talk (their own calendar day).</summary>
    public DateOnly? On { get; set; }
    /// <summary>Who, where or how, in the person's words.</summary>
    public byte[]? DetailCipher { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }

    public const string Table = "WellbeingDebriefOffers";
    public const int MaxDetail = 1000;

    /// <summary>The kinds of mark that offer a debrief.</summary>
    public static bool Follows(WellbeingMarkKind kind) => kind switch
    {
        WellbeingMarkKind.HardWeek or WellbeingMarkKind.Incident or WellbeingMarkKind.Alert => true,
        WellbeingMarkKind.HeavyWork or WellbeingMarkKind.Other => false,
    };
}
