using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Wellbeing;

public sealed class CarePlanConfiguration : IEntityTypeConfiguration<CarePlan>
{
    public void Configure(EntityTypeBuilder<CarePlan> builder)
    {
        builder.ToTable(CarePlan.Table);
        builder.HasIndex(c => c.UserId).IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class BuddyPairConfiguration : IEntityTypeConfiguration<BuddyPair>
{
    public void Configure(EntityTypeBuilder<BuddyPair> builder)
    {
        builder.ToTable(BuddyPair.Table);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(p => new { p.InviterId, p.State });
        builder.HasIndex(p => new { p.InviteeId, p.State });
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.InviterId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.InviteeId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DebriefOfferConfiguration : IEntityTypeConfiguration<DebriefOffer>
{
    public void Configure(EntityTypeBuilder<DebriefOffer> builder)
    {
        builder.ToTable(DebriefOffer.Table);
        builder.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.With).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(o => o.MarkId).IsUnique();
        builder.HasIndex(o => new { o.UserId, o.State });
        builder.HasOne<User>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        // Deleting a mark deletes its offer.
        builder.HasOne<WellbeingMark>().WithMany().HasForeignKey(o => o.MarkId).OnDelete(DeleteBehavior.Cascade);
    }
}
