using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Infrastructure.Security;

public sealed class DataKeyConfiguration : IEntityTypeConfiguration<DataKey>
{
    public void Configure(EntityTypeBuilder<DataKey> builder)
    {
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.Purpose).HasMaxLength(20);
        builder.Property(k => k.Wrapped).HasMaxLength(128);
    }
}

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(e => e.Type).HasMaxLength(60);
        builder.Property(e => e.Detail).HasMaxLength(200);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.HasIndex(e => new { e.WriterId, e.Sequence }).IsUnique();
        builder.HasIndex(e => e.OrganizationId);
        builder.HasIndex(e => e.At);
    }
}

public sealed class ProtectionKeyConfiguration : IEntityTypeConfiguration<ProtectionKey>
{
    public void Configure(EntityTypeBuilder<ProtectionKey> builder)
    {
        builder.Property(k => k.FriendlyName).HasMaxLength(100);
    }
}

public sealed class ReplyCodeTriesConfiguration : IEntityTypeConfiguration<ReplyCodeTries>
{
    public void Configure(EntityTypeBuilder<ReplyCodeTries> builder)
    {
        builder.HasKey(t => t.Key);
        builder.Property(t => t.Key).HasMaxLength(80);
        builder.HasIndex(t => t.WindowStart);
    }
}
