using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Notifications;

public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable(OutboxMessage.Table);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(200);
        builder.HasIndex(m => m.IdempotencyKey).IsUnique();
        builder.Property(m => m.NotificationKey).HasMaxLength(200);
        builder.HasIndex(m => m.NotificationKey);
        builder.Property(m => m.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.LastError).HasMaxLength(200);
        builder.Property(m => m.SourceKind).HasConversion<string>().HasMaxLength(32);
        builder.HasIndex(m => new { m.SourceKind, m.SourceId });
        // A number, not a name: the dispatcher orders by it (most urgent first).
        builder.Property(m => m.Priority).HasConversion<int>();
        builder.Property(m => m.Language).HasMaxLength(16);
        builder.HasIndex(m => new { m.State, m.Priority, m.NextAttemptAt });
        builder.HasIndex(m => new { m.State, m.FallbackAt });
        builder.HasIndex(m => m.AlertId);
    }
}

public sealed class InboundSmsConfiguration : IEntityTypeConfiguration<InboundSms>
{
    public void Configure(EntityTypeBuilder<InboundSms> builder)
    {
        builder.ToTable(InboundSms.Table);
        builder.Property(m => m.Adapter).HasMaxLength(32);
        builder.Property(m => m.ExternalId).HasMaxLength(128);
        builder.Property(m => m.SenderLookup).HasMaxLength(64);
        builder.HasIndex(m => new { m.Adapter, m.ExternalId }).IsUnique();
        builder.HasIndex(m => m.ProcessedAt);
        builder.HasIndex(m => m.ReceivedAt);
    }
}
