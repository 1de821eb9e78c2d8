using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>How often a person wants to be reminded of the self-check. Stored as text; add values at the end.</summary>
public enum ReminderRhythm
{
    Off = 0,
    TwoWeeks = 1,
    Monthly = 2,
    Quarterly = 3,
}

/// <summary>
/// A person's choice of self-check reminders (issue 11). No row means the default: monthly, inside Amparo only (a line
/// on the home page); e-mail only when the person asks for it. Never SMS: a text message can be read by whoever holds
/// the phone. Holds no well-being data, only the rhythm and when the next e-mail is due.
/// </summary>
public sealed class SelfCheckReminder
{
    public Guid UserId { get; set; }
    public ReminderRhythm Rhythm { get; set; } = ReminderRhythm.Monthly;
    public bool ByEmail { get; set; }
    /// <summary>UTC: when the next e-mail goes (null: no e-mail, or reminders off). The worker moves it on when it sends.</summary>
    public DateTime? NextEmailAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public const string Table = "WellbeingReminders";
}

public sealed class SelfCheckReminderConfiguration : IEntityTypeConfiguration<SelfCheckReminder>
{
    public void Configure(EntityTypeBuilder<SelfCheckReminder> builder)
    {
        builder.ToTable(SelfCheckReminder.Table);
        builder.HasKey(r => r.UserId);
        builder.Property(r => r.Rhythm).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(r => r.NextEmailAt);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
