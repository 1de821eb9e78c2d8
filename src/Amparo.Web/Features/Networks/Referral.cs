using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Networks;

/// <summary>
/// Where a referral stands. Awaiting the defender's consent → sent → accepted or declined → in progress → done →
/// closed; the sender may revoke it and the defender withdraw it while it is open. Declined, done, closed, revoked and
/// withdrawn have ended: the provider no longer reads the defender's details.
/// </summary>
public enum ReferralState { AwaitingConsent = 1, Sent = 2, Accepted = 3, Declined = 4, InProgress = 5, Done = 6, Closed = 7, Revoked = 8, Withdrawn = 9 }

/// <summary>How the defender's consent was given: on the page, by an SMS reply with the code, or not at all (a focal point's override).</summary>
public enum ConsentWay { Page = 1, Sms = 2, Override = 3 }

/// <summary>Why a provider declined (a short list: the defender reads it, and a free text could carry more than it should).</summary>
public enum DeclineReason { NoCapacity = 1, OutsideMandate = 2, NotEligible = 3, LanguageNotServed = 4, ConflictOfInterest = 5, Other = 6 }

/// <summary>Why a referral is done: the first two are a success, the rest are not.</summary>
public enum DoneReason { NeedMet = 1, ReferredOnward = 2, NoLongerReachable = 3, NeedChanged = 4, CouldNotHelp = 5, Other = 6 }

/// <summary>
/// A defender referred to a service of the directory (issue 16), by themselves or by a focal point or coordinator.
/// Before the provider accepts, it reads the need and the language only; after, the defender's name, how to reach them
/// and what they chose to share (<see cref="DetailsCipher"/>, encrypted with the defender's data key, so deleting the
/// account makes it unreadable), until the referral ends.
/// </summary>
public sealed class Referral
{
    public Guid Id { get; set; }
    public Guid DefenderId { get; set; }
    /// <summary>Who sent it: the defender (a self-referral), a focal point or a coordinator; null once their account is deleted.</summary>
    public Guid? SenderId { get; set; }
    /// <summary>The service referred to; null once the provider removed it (the referral keeps its kind and organization).</summary>
    public Guid? ServiceId { get; set; }
    /// <summary>Kept after the provider organization (or the network) is deleted: see <see cref="ReferralConfiguration"/>.</summary>
    public Guid ProviderOrganizationId { get; set; }
    public Guid NetworkId { get; set; }
    public ServiceKind Kind { get; set; }
    /// <summary>The language the defender wants the help in (one the service serves).</summary>
    public string Language { get; set; } = "en";
    public ReferralState State { get; set; }
    public ConsentWay? Consent { get; set; }
    /// <summary>A focal point's written reason for sending without consent (encrypted with the defender's key; the defender reads it).</summary>
    public byte[]? OverrideReasonCipher { get; set; }
    /// <summary>JSON of <see cref="ReferralDetails"/>, encrypted with the defender's data key.</summary>
    public byte[] DetailsCipher { get; set; } = [];
    public DeclineReason? Declined { get; set; }
    public DoneReason? Outcome { get; set; }
    /// <summary>The defender's answer after it is done: did this help? (counted for the network only in groups of five or more).</summary>
    public bool? Helped { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Changes with each consent request, so a new request gets a new reply code and the old one stops working.</summary>
    public int ConsentAsk { get; set; }
    /// <summary>
    /// Raised by every act (a concurrency token): of two people acting at once — a withdrawal and an acceptance — the
    /// second finds the row changed and is refused, so a referral never ends up accepted after it was withdrawn.
    /// </summary>
    public int Version { get; set; }

    public const string Table = "Referrals";

    public static readonly ReferralState[] Open = [ReferralState.AwaitingConsent, ReferralState.Sent, ReferralState.Accepted, ReferralState.InProgress];
    /// <summary>The states in which the provider reads the defender's details (and the defender the provider's "after a referral" contacts).</summary>
    public static readonly ReferralState[] Working = [ReferralState.Accepted, ReferralState.InProgress];

    public static bool IsSuccess(DoneReason reason) => reason is DoneReason.NeedMet or DoneReason.ReferredOnward;
}

/// <summary>What the provider reads after accepting: the defender's name, how to reach them, and what they chose to share.</summary>
public sealed record ReferralDetails(string Name, string Reach, string Story)
{
    public const int NameMax = 200, ReachMax = 300, StoryMax = 4000;
}

public sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> builder)
    {
        builder.ToTable(Referral.Table);
        builder.Property(r => r.Language).HasMaxLength(8);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.DefenderId, r.State });
        builder.HasIndex(r => new { r.ProviderOrganizationId, r.State });
        builder.HasIndex(r => r.SenderId);
        builder.HasIndex(r => r.ServiceId);
        builder.HasIndex(r => new { r.NetworkId, r.State });
        // A deleted account takes the referrals made for it; a sender's deletion leaves the referral without a sender.
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.DefenderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.SenderId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<DirectoryService>().WithMany().HasForeignKey(r => r.ServiceId).OnDelete(DeleteBehavior.SetNull);
        // The provider organization and the network are plain ids, not foreign keys: when either is deleted the referral
        // stays the defender's record (its details are encrypted with the defender's key, not the provider's), shown as
        // "the provider is no longer on Amparo"; the provider's people are gone with their organization, so nobody there
        // reads it any more.
    }
}
