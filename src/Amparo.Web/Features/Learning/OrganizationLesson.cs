using System.Text.Json;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Learning;

/// <summary>
/// An organization's own lesson, written in Amparo: read by the organization's members, and by the members of its
/// networks' organizations when it says so. Its words (title, need, summary, steps, checklist) are sealed with the
/// organization's key — a lesson about an organization's own protocols says how it protects itself. Never in the
/// shipped library or a public pack: its licence is the organization's.
/// </summary>
public sealed class OrganizationLesson
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public bool SharedWithNetworks { get; set; }
    public string Language { get; set; } = "en";
    public LessonLevel Level { get; set; }
    public string Topic { get; set; } = "planning";
    public int Minutes { get; set; }
    public int Version { get; set; }
    public DateTime UpdatedAt { get; set; }
    public byte[] Cipher { get; set; } = [];

    public const string Table = "OrganizationLessons";
    public const string IdPrefix = "o-";

    /// <summary>Its id among lessons (pages, progress, plan actions): "o-" and 32 hex digits.</summary>
    public static string LessonId(Guid id) => IdPrefix + id.ToString("N");

    public static Guid? RowId(string lessonId) =>
        lessonId.StartsWith(IdPrefix, StringComparison.Ordinal) && lessonId.Length == 34 && Guid.TryParseExact(lessonId[2..], "N", out var id)
        && LessonId(id) == lessonId ? id : null; // one spelling only (lowercase), so one lesson has one id in progress
}

/// <summary>What the author wrote, as they wrote it (steps and checklist in the editor's plain-text form).</summary>
public sealed record OrganizationLessonText(string Title, string Need, string Summary, string Steps, string Checklist)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);
    public static OrganizationLessonText? FromBytes(byte[]? bytes) => bytes is null ? null : JsonSerializer.Deserialize<OrganizationLessonText>(bytes);
}

public sealed class OrganizationLessonConfiguration : IEntityTypeConfiguration<OrganizationLesson>
{
    public void Configure(EntityTypeBuilder<OrganizationLesson> builder)
    {
        builder.ToTable(OrganizationLesson.Table);
        builder.Property(l => l.Language).HasMaxLength(8);
        builder.Property(l => l.Topic).HasMaxLength(32);
        builder.Property(l => l.Level).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.Version).IsConcurrencyToken();
        builder.HasIndex(l => l.OrganizationId);
        builder.HasOne<Organization>().WithMany().HasForeignKey(l => l.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
