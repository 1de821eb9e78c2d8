using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.CheckIns;

public sealed class VisitConfiguration : IEntityTypeConfiguration<Visit>
{
    public void Configure(EntityTypeBuilder<Visit> builder)
    {
        builder.ToTable(Visit.Table);
        builder.Property(v => v.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.Outcome).HasConversion<string>().HasMaxLength(24);
        builder.Property(v => v.ReminderTokenHash).HasMaxLength(64);
        builder.Property(v => v.Version).IsConcurrencyToken();
        builder.HasIndex(v => v.NextActionAt);
        builder.HasIndex(v => new { v.OwnerId, v.State });
        builder.HasIndex(v => v.GroupId);
        builder.HasIndex(v => v.ReminderTokenHash);
        builder.HasOne<User>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CheckInConfiguration : IEntityTypeConfiguration<CheckIn>
{
    public void Configure(EntityTypeBuilder<CheckIn> builder)
    {
        builder.ToTable(CheckIn.Table);
        builder.Property(c => c.Via).HasMaxLength(8);
        builder.HasIndex(c => c.VisitId);
        builder.HasOne<Visit>().WithMany().HasForeignKey(c => c.VisitId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CheckInSettingsConfiguration : IEntityTypeConfiguration<CheckInSettings>
{
    public void Configure(EntityTypeBuilder<CheckInSettings> builder)
    {
        builder.ToTable(CheckInSettings.Table);
        builder.HasKey(s => s.UserId);
        builder.Property(s => s.PinHash).HasMaxLength(64);
        builder.Property(s => s.DuressPinHash).HasMaxLength(64);
        builder.Property(s => s.ReminderChannel).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<User>().WithOne().HasForeignKey<CheckInSettings>(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable(Alert.Table);
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasIndex(a => a.NextStepAt);
        builder.HasIndex(a => new { a.OwnerId, a.State });
        builder.HasIndex(a => new { a.ShortCode, a.State });
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class AlertRecipientConfiguration : IEntityTypeConfiguration<AlertRecipient>
{
    public void Configure(EntityTypeBuilder<AlertRecipient> builder)
    {
        builder.ToTable(AlertRecipient.Table);
        builder.Property(r => r.Language).HasMaxLength(8);
        builder.Property(r => r.LinkTokenHash).HasMaxLength(64);
        builder.HasIndex(r => r.LinkTokenHash).IsUnique();
        builder.HasIndex(r => new { r.AlertId, r.UserId });
        builder.HasIndex(r => new { r.AlertId, r.ContactId });
        builder.HasIndex(r => r.UserId);
        builder.HasOne<Alert>().WithMany().HasForeignKey(r => r.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class AlertEventConfiguration : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> builder)
    {
        builder.ToTable("AlertEvents");
        builder.Property(e => e.Kind).HasMaxLength(24);
        builder.Property(e => e.Channel).HasMaxLength(16);
        builder.Property(e => e.Detail).HasMaxLength(200);
        builder.HasIndex(e => new { e.AlertId, e.At });
        builder.HasOne<Alert>().WithMany().HasForeignKey(e => e.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TrustedContactConfiguration : IEntityTypeConfiguration<TrustedContact>
{
    public void Configure(EntityTypeBuilder<TrustedContact> builder)
    {
        builder.ToTable(TrustedContact.Table);
        builder.Property(c => c.Language).HasMaxLength(8);
        builder.Property(c => c.Consent).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.ConsentTokenHash).HasMaxLength(64);
        builder.HasIndex(c => c.OwnerId);
        builder.HasIndex(c => c.ConsentTokenHash);
        builder.HasMany(c => c.Channels).WithOne().HasForeignKey(ch => ch.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ContactChannelConfiguration : IEntityTypeConfiguration<ContactChannel>
{
    public void Configure(EntityTypeBuilder<ContactChannel> builder)
    {
        builder.ToTable(ContactChannel.Table);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.AddressLookup).HasMaxLength(64);
        builder.HasIndex(c => c.AddressLookup);
    }
}

