using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Wellbeing;

public sealed class SelfCheckConfiguration : IEntityTypeConfiguration<SelfCheck>
{
    public void Configure(EntityTypeBuilder<SelfCheck> builder)
    {
        builder.ToTable(SelfCheck.Table);
        builder.HasIndex(c => new { c.UserId, c.TakenAt });
        // The month-close worker reads one month of everyone's checks.
        builder.HasIndex(c => c.TakenAt);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class WellbeingMarkConfiguration : IEntityTypeConfiguration<WellbeingMark>
{
    public void Configure(EntityTypeBuilder<WellbeingMark> builder)
    {
        builder.ToTable(WellbeingMark.Table);
        builder.HasIndex(m => new { m.UserId, m.On });
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
