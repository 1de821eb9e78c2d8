using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// The whole plan as it stood after one saved change (its creation, any change of a part, an import, a restore): the
/// plan file (<see cref="PlanFile"/>, with every part's id) as JSON, encrypted with the owner's data key and bound to this
/// row. <see cref="Number"/> is the plan's <see cref="SecurityPlan.Version"/> after the change. Written in the change's own
/// transaction; goes with the plan.
/// </summary>
public sealed class PlanVersion
{
    public Guid Id { get; set; }
    public Guid PlanId { get; set; }
    public int Number { get; set; }
    public DateTime At { get; set; }
    /// <summary>Who saved the change; null once their account is gone.</summary>
    public Guid? ByUserId { get; set; }
    public byte[]? ContentCipher { get; set; }

    public const string Table = "PlanVersions";
}

public sealed class PlanVersionConfiguration : IEntityTypeConfiguration<PlanVersion>
{
    public void Configure(EntityTypeBuilder<PlanVersion> builder)
    {
        builder.ToTable(PlanVersion.Table);
        builder.HasIndex(v => new { v.PlanId, v.Number }).IsUnique();
        builder.HasIndex(v => v.ByUserId);
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(v => v.PlanId).OnDelete(DeleteBehavior.Cascade);
        // The person who saved it deleted their account: the version stays (it is the plan's), saved by nobody known.
        builder.HasOne<User>().WithMany().HasForeignKey(v => v.ByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
