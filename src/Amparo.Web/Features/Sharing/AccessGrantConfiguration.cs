using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Sharing;

public sealed class AccessGrantConfiguration : IEntityTypeConfiguration<AccessGrant>
{
    public void Configure(EntityTypeBuilder<AccessGrant> builder)
    {
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Category).HasConversion<string>().HasMaxLength(30);
        builder.Property(g => g.GranteeKind).HasConversion<string>().HasMaxLength(30);
        // Owner, giver and grantee may each be a person, an organization or an item: no foreign keys; the owning
        // feature's personal-data part removes a deleted person's or organization's grants.
        builder.HasIndex(g => new { g.OwnerId, g.Category });
        builder.HasIndex(g => new { g.GranteeId, g.Category });
        builder.HasIndex(g => g.GrantedById);
    }
}

public sealed class AccessGrantAssigneeConfiguration : IEntityTypeConfiguration<AccessGrantAssignee>
{
    public void Configure(EntityTypeBuilder<AccessGrantAssignee> builder)
    {
        builder.HasKey(a => new { a.GrantId, a.UserId });
        builder.HasOne<AccessGrant>().WithMany().HasForeignKey(a => a.GrantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.UserId);
    }
}
