using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Networks;

public sealed class NetworkConfiguration : IEntityTypeConfiguration<Network>
{
    public void Configure(EntityTypeBuilder<Network> builder) => builder.Property(n => n.Name).HasMaxLength(200);
}

public sealed class NetworkOrganizationConfiguration : IEntityTypeConfiguration<NetworkOrganization>
{
    public void Configure(EntityTypeBuilder<NetworkOrganization> builder)
    {
        builder.HasKey(x => new { x.NetworkId, x.OrganizationId });
        builder.HasOne<Network>().WithMany().HasForeignKey(x => x.NetworkId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class NetworkCoordinatorConfiguration : IEntityTypeConfiguration<NetworkCoordinator>
{
    public void Configure(EntityTypeBuilder<NetworkCoordinator> builder)
    {
        builder.HasKey(x => new { x.NetworkId, x.UserId });
        builder.HasOne<Network>().WithMany().HasForeignKey(x => x.NetworkId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
