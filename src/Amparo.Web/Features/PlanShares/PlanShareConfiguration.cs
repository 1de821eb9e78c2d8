using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.PlanShares;

public sealed class PlanShareConfiguration : IEntityTypeConfiguration<PlanShare>
{
    public void Configure(EntityTypeBuilder<PlanShare> builder)
    {
        builder.ToTable(PlanShare.Table);
        builder.Property(s => s.Scope).HasConversion<string>().HasMaxLength(30);
        builder.HasIndex(s => s.PlanId);
        builder.HasIndex(s => s.GrantmakerId);
        // The share goes with its grant (the grant's id is the share's), with its plan, and with the grantmaker.
        builder.HasOne<AccessGrant>().WithOne().HasForeignKey<PlanShare>(s => s.Id).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.GrantmakerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.RevokedById).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class PlanShareViewConfiguration : IEntityTypeConfiguration<PlanShareView>
{
    public void Configure(EntityTypeBuilder<PlanShareView> builder)
    {
        builder.ToTable("PlanShareViews");
        builder.HasIndex(v => new { v.ShareId, v.ViewedAt });
        builder.HasIndex(v => v.ViewerId);
        builder.HasOne<PlanShare>().WithMany().HasForeignKey(v => v.ShareId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(v => v.ViewerId).OnDelete(DeleteBehavior.SetNull);
    }
}
