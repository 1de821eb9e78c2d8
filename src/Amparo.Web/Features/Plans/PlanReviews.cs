using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Plans;

/// <summary>Which of a review date's two reminders: a week before it, or on the day.</summary>
public enum ReviewReminderStage
{
    Soon = 0,
    Due = 1,
}

/// <summary>
/// A reminder sent for one review date of one plan, at one stage: the record that makes it once. Its primary key is
/// (plan, review date, stage): two workers (two instances, or a round repeated after a crash) inserting the same row
/// have one winner, and the loser's whole transaction — its queued messages too — is rolled back.
/// A new review date (reviewed, context changed, an alert) gets reminders of its own.
/// </summary>
public sealed class PlanReviewReminder
{
    public Guid PlanId { get; set; }
    public DateTime ReviewAt { get; set; }
    public ReviewReminderStage Stage { get; set; }
    public DateTime SentAt { get; set; }
}

/// <summary>
/// A person's secret calendar feed (<c>/calendar/{token}.ics</c>). Only the SHA-256 hash of the token is kept: a copy of
/// the database or a backup does not open anyone's feed. One per person; renewing replaces the hash (the old address
/// ends at once), removing deletes the row.
/// </summary>
public sealed class PlanCalendarFeed
{
    public Guid UserId { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class PlanReviewReminderConfiguration : IEntityTypeConfiguration<PlanReviewReminder>
{
    public void Configure(EntityTypeBuilder<PlanReviewReminder> builder)
    {
        builder.ToTable("PlanReviewReminders");
        builder.HasKey(r => new { r.PlanId, r.ReviewAt, r.Stage });
        builder.HasOne<SecurityPlan>().WithMany().HasForeignKey(r => r.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanCalendarFeedConfiguration : IEntityTypeConfiguration<PlanCalendarFeed>
{
    public void Configure(EntityTypeBuilder<PlanCalendarFeed> builder)
    {
        builder.ToTable("PlanCalendarFeeds");
        builder.HasKey(f => f.UserId);
        builder.Property(f => f.TokenHash).HasMaxLength(64);
        builder.HasIndex(f => f.TokenHash).IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
