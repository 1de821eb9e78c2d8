using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Wellbeing;

public sealed class TeamContributionConfiguration : IEntityTypeConfiguration<TeamContribution>
{
    public void Configure(EntityTypeBuilder<TeamContribution> builder)
    {
        builder.ToTable(TeamContribution.Table);
        builder.HasKey(c => new { c.OrganizationId, c.UserId });
        builder.HasIndex(c => c.UserId);
        // Leaving the organization (or its deletion, or the account's) ends the choice.
        builder.HasOne<Membership>().WithMany().HasForeignKey(c => new { c.OrganizationId, c.UserId }).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TeamMonthBandsConfiguration : IEntityTypeConfiguration<TeamMonthBands>
{
    public void Configure(EntityTypeBuilder<TeamMonthBands> builder)
    {
        builder.ToTable(TeamMonthBands.Table);
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.HasIndex(b => new { b.OrganizationId, b.Month });
        builder.HasOne<Organization>().WithMany().HasForeignKey(b => b.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TeamMonthClosedConfiguration : IEntityTypeConfiguration<TeamMonthClosed>
{
    public void Configure(EntityTypeBuilder<TeamMonthClosed> builder)
    {
        builder.ToTable(TeamMonthClosed.Table);
        builder.HasKey(c => new { c.OrganizationId, c.Month });
        builder.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class OrganizationAssessmentConfiguration : IEntityTypeConfiguration<OrganizationAssessment>
{
    public void Configure(EntityTypeBuilder<OrganizationAssessment> builder)
    {
        builder.ToTable(OrganizationAssessment.Table);
        builder.HasIndex(a => new { a.OrganizationId, a.TakenAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
