using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Plans;

// Plan enums are stored as numbers (PlanEnums.cs: never renumbered), so levels sort and domains combine as flags.

public sealed class SecurityPlanConfiguration : IEntityTypeConfiguration<SecurityPlan>
{
    public void Configure(EntityTypeBuilder<SecurityPlan> builder)
    {
        builder.ToTable(SecurityPlan.Table, t =>
            t.HasCheckConstraint("CK_SecurityPlans_OneOwner", "(\"OwnerUserId\" IS NULL) <> (\"OwnerOrganizationId\" IS NULL)"));
        builder.Property(p => p.PlainTitle).HasMaxLength(PlanRules.MaxTitle);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Ignore(p => p.OwnerId);
        builder.HasIndex(p => p.OwnerUserId);
        builder.HasIndex(p => p.OwnerOrganizationId);
        builder.HasIndex(p => p.NextReviewAt);
        // A plan goes with its person's account, or with its organization.
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.OwnerUserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OwnerOrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanActorConfiguration : IEntityTypeConfiguration<PlanActor>
{
    public void Configure(EntityTypeBuilder<PlanActor> builder)
    {
        builder.ToTable(PlanActor.Table);
        builder.HasIndex(a => a.PlanId);
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(a => a.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RiskEntryConfiguration : IEntityTypeConfiguration<RiskEntry>
{
    public void Configure(EntityTypeBuilder<RiskEntry> builder)
    {
        builder.ToTable(RiskEntry.Table);
        builder.HasIndex(e => e.PlanId);
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(e => e.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanActionConfiguration : IEntityTypeConfiguration<PlanAction>
{
    public void Configure(EntityTypeBuilder<PlanAction> builder)
    {
        builder.ToTable(PlanAction.Table);
        builder.Property(a => a.Currency).HasMaxLength(3);
        builder.Property(a => a.LessonId).HasMaxLength(64);
        builder.Property(a => a.EstimatedCost).HasPrecision(18, 2);
        builder.HasIndex(a => a.PlanId);
        builder.HasIndex(a => new { a.OwnerUserId, a.DueAt });
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(a => a.PlanId).OnDelete(DeleteBehavior.Cascade);
        // The person who was to do it deleted their account: the action stays, with nobody on it.
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.OwnerUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class PlanActionEntryConfiguration : IEntityTypeConfiguration<PlanActionEntry>
{
    public void Configure(EntityTypeBuilder<PlanActionEntry> builder)
    {
        builder.ToTable("PlanActionEntries");
        builder.HasKey(x => new { x.ActionId, x.EntryId });
        builder.HasIndex(x => x.EntryId);
        builder.HasOne<PlanAction>().WithMany().HasForeignKey(x => x.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<RiskEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanProtocolConfiguration : IEntityTypeConfiguration<PlanProtocol>
{
    public void Configure(EntityTypeBuilder<PlanProtocol> builder)
    {
        builder.ToTable(PlanProtocol.Table);
        builder.HasIndex(p => p.PlanId);
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(p => p.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}
