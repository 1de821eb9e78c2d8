namespace Amparo.Web.Features.PlanShares;

/// <summary>What of a plan a grantmaker sees. Stored as text; never renumber.</summary>
public enum ShareScope
{
    /// <summary>Everything the plan held when it was shared: context, actors, register, actions, protocols, well-being.</summary>
    WholePlan = 0,
    /// <summary>The title, the review date, the budget roll-up and the costed actions; never the register, actors or protocols.</summary>
    SummaryAndCostedActions = 1,
}

/// <summary>
/// A read-only snapshot of a security plan shared with a grantmaker organization, with the owner's consent, until a date.
/// Who sees it is the audience rule's to say: the share is an item of <c>DataCategory.PlanSnapshot</c>, opened by
/// one <c>AccessGrant</c> to the grantmaker's admins and assigned staff (<c>GranteeKind.AssignedStaff</c>).
/// The grant has the same id as the share and is the one truth about whether it stands (expiry, revocation); the share row
/// goes with it (foreign key), and with its plan. The frozen copy is a plan file (<c>PlanFile</c>, or its
/// summary subset) encrypted with the plan owner's data key, bound to this table, column and row.
/// </summary>
public sealed class PlanShare
{
    /// <summary>Also the id of its <c>AccessGrant</c> and the audience rule's item id.</summary>
    public Guid Id { get; set; }
    public Guid PlanId { get; set; }
    /// <summary>The grantmaker organization (kind <c>OrganizationKind.Grantmaker</c> when shared).</summary>
    public Guid GrantmakerId { get; set; }
    public ShareScope Scope { get; set; }
    /// <summary>Who gave the consent (null once their account is deleted; an organization's share stays).</summary>
    public Guid? CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? RevokedById { get; set; }
    /// <summary>The frozen plan (JSON of a <c>PlanFile</c>), encrypted; erased when the share is revoked or has expired.</summary>
    public byte[]? SnapshotCipher { get; set; }
    /// <summary>"As of": when the frozen copy was taken (the share's creation, or the owner's last "update the snapshot").</summary>
    public DateTime SnapshotAt { get; set; }

    public const string Table = "PlanShares";
}

/// <summary>One look at a shared snapshot by someone at the grantmaker: the owner sees who looked when.</summary>
public sealed class PlanShareView
{
    public Guid Id { get; set; }
    public Guid ShareId { get; set; }
    /// <summary>Null once the viewer's account is deleted (the look stays in the owner's record, without a name).</summary>
    public Guid? ViewerId { get; set; }
    public DateTime ViewedAt { get; set; }
}
