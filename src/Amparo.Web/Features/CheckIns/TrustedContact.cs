using Amparo.Web.Features.Notifications;

namespace Amparo.Web.Features.CheckIns;

public enum ConsentState { Pending = 0, Confirmed = 1, Withdrawn = 2 }

/// <summary>
/// Someone a defender trusts to be told first. Needs no account; is used only after agreeing, and withdrawing
/// deletes their details. The name and every address are encrypted with the owner's data key.
/// </summary>
public sealed class TrustedContact
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public byte[]? NameCipher { get; set; }
    public string Language { get; set; } = "en";
    public int Order { get; set; }
    public ConsentState Consent { get; set; }
    /// <summary>Hash of the secret in the consent/withdraw link.</summary>
    public string ConsentTokenHash { get; set; } = "";
    public DateTime? ConfirmedAt { get; set; }
    /// <summary>When the contact is an Amparo user: messages go to their account's channels.</summary>
    public Guid? LinkedUserId { get; set; }
    public DateTime CreatedAt { get; set; }

    public List<ContactChannel> Channels { get; set; } = [];

    public const string Table = "TrustedContacts";
}

/// <summary>One way to reach a contact, tried in <see cref="Order"/>.</summary>
public sealed class ContactChannel
{
    public Guid Id { get; set; }
    public Guid ContactId { get; set; }
    public int Order { get; set; }
    public ChannelKind Kind { get; set; }
    public byte[]? AddressCipher { get; set; }
    /// <summary>Keyed hash of a normalized phone number (SMS and Signal), to match replies such as YES or STOP.</summary>
    public string? AddressLookup { get; set; }
    /// <summary>
    /// When this number proved to be the contact's, for this relationship, by the consent reply (YES and the code sent to
    /// it). Only then are its SMS replies (ACK) accepted. A relative who is the contact of several defenders has one row each.
    /// </summary>
    public DateTime? VerifiedAt { get; set; }
    /// <summary>For webhooks: the HMAC secret the receiver verifies, encrypted.</summary>
    public byte[]? SecretCipher { get; set; }

    public const string Table = "ContactChannels";
}
