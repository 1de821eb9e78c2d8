using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Incidents;

// Incident enums are stored as numbers (IncidentEnums.cs: never renumbered), so acts, groups and domains combine as
// flags and can be counted by SQL (the hot-zones issue aggregates them).

public sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.ToTable(Incident.Table);
        builder.Property(i => i.AreaId).HasMaxLength(Gazetteer.MaxIdLength);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasIndex(i => new { i.OrganizationId, i.CreatedAt });
        builder.HasIndex(i => i.ReporterId);
        // A report goes with its organization; a personal record goes with its reporter's account (IncidentsPersonalData
        // deletes it first). A report to an organization outlives its reporter's account.
        builder.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(i => i.ReporterId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<User>().WithMany().HasForeignKey(i => i.HandlerId).OnDelete(DeleteBehavior.SetNull);
        // The alert it was recorded from goes with its owner's account; the report stays, without the link.
        builder.HasOne<Amparo.Web.Features.CheckIns.Alert>().WithMany().HasForeignKey(i => i.AlertId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<IncidentReportLink>().WithMany().HasForeignKey(i => i.LinkId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<User>().WithMany().HasForeignKey(i => i.ImportedById).OnDelete(DeleteBehavior.SetNull);
        // The purge worker looks for points past their day.
        builder.HasIndex(i => i.PointKeptUntil);
        // The per-link hourly limit counts recent reports of a link.
        builder.HasIndex(i => new { i.LinkId, i.CreatedAt });
    }
}

public sealed class IncidentReportLinkConfiguration : IEntityTypeConfiguration<IncidentReportLink>
{
    public void Configure(EntityTypeBuilder<IncidentReportLink> builder)
    {
        builder.ToTable(IncidentReportLink.Table);
        builder.Property(l => l.TokenHash).HasMaxLength(64);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasIndex(l => l.OrganizationId);
        builder.HasOne<Organization>().WithMany().HasForeignKey(l => l.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(l => l.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class IncidentImportBatchConfiguration : IEntityTypeConfiguration<IncidentImportBatch>
{
    public void Configure(EntityTypeBuilder<IncidentImportBatch> builder)
    {
        builder.ToTable(IncidentImportBatch.Table);
        builder.HasIndex(b => b.OrganizationId);
        builder.HasOne<Organization>().WithMany().HasForeignKey(b => b.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(b => b.ImportedById).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class IncidentSettingsConfiguration : IEntityTypeConfiguration<IncidentSettings>
{
    public void Configure(EntityTypeBuilder<IncidentSettings> builder)
    {
        builder.ToTable(IncidentSettings.Table);
        builder.HasKey(s => s.OrganizationId);
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class IncidentNoteConfiguration : IEntityTypeConfiguration<IncidentNote>
{
    public void Configure(EntityTypeBuilder<IncidentNote> builder)
    {
        builder.ToTable(IncidentNote.Table);
        builder.HasIndex(n => new { n.IncidentId, n.CreatedAt });
        builder.HasOne<Incident>().WithMany().HasForeignKey(n => n.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(n => n.AuthorId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class IncidentAttachmentConfiguration : IEntityTypeConfiguration<IncidentAttachment>
{
    public void Configure(EntityTypeBuilder<IncidentAttachment> builder)
    {
        builder.ToTable(IncidentAttachment.Table);
        builder.Property(a => a.ContentType).HasMaxLength(64);
        builder.HasIndex(a => new { a.IncidentId, a.CreatedAt });
        builder.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.AuthorId).OnDelete(DeleteBehavior.SetNull);
    }
}
