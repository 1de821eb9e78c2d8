namespace Amparo.Web.Infrastructure.Security;

/// <summary>
/// A 256-bit data key, stored only wrapped (AES-GCM) by the master key.
/// Destroying it (wrapped bytes erased, id put in the ledger) makes everything encrypted under it unreadable.
/// </summary>
public sealed class DataKey
{
    public Guid Id { get; set; }
    /// <summary>"user", "org", or a system purpose such as "audit" or "lookup".</summary>
    public string Purpose { get; set; } = "";
    public byte[]? Wrapped { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DestroyedAt { get; set; }
}

/// <summary>One security event. Chained per writer: each row's hash covers the previous row's hash.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public Guid WriterId { get; set; }
    public long Sequence { get; set; }
    public DateTime At { get; set; }
    public string Type { get; set; } = "";
    public Guid? ActorId { get; set; }
    public Guid? SubjectId { get; set; }
    public Guid? OrganizationId { get; set; }
    /// <summary>Short, non-identifying detail (a role name, a count). Never names, e-mails, content or places.</summary>
    public string Detail { get; set; } = "";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>A Data Protection key ring element, encrypted with the master key before it is stored.</summary>
public sealed class ProtectionKey
{
    public int Id { get; set; }
    public string FriendlyName { get; set; } = "";
    public string Xml { get; set; } = "";
}
