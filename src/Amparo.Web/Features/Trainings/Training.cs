using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Learning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Trainings;

public enum FollowUpState { Scheduled = 0, Sent = 1, Answered = 2 }

/// <summary>What stood in the way of a committed item (a follow-up's answer).</summary>
public enum Obstacle { Time = 0, Skills = 1, Device = 2, Safety = 3, Support = 4, Other = 5 }

/// <summary>Something that happened since the training and calls for help rather than a figure.</summary>
public enum Happening { AccountTakenOver = 0, DeviceTaken = 1, Threatened = 2, HarassedOnline = 3 }

/// <summary>
/// A training: its trainer, its languages, when it ends (a date in its own time zone) and when its follow-ups come.
/// Its title and agenda are sealed with the trainer's key (a workshop's name and lessons can say who was in the room);
/// the invitation link is stored only as a keyed hash. Deleting the trainer's account deletes their trainings.
/// </summary>
public sealed class Training
{
    public Guid Id { get; set; }
    public Guid TrainerId { get; set; }
    public byte[] TitleCipher { get; set; } = [];
    public byte[] AgendaCipher { get; set; } = [];
    /// <summary>The languages it is given in, comma-separated culture names ("es,en").</summary>
    public string Languages { get; set; } = "en";
    public DateOnly EndsOn { get; set; }
    public string TimeZone { get; set; } = "UTC";
    /// <summary>When the follow-ups come after <see cref="EndsOn"/>: "14d,2m,6m" (see <see cref="FollowUpPlan"/>).</summary>
    public string FollowUps { get; set; } = FollowUpPlan.Default.ToString();
    /// <summary>SHA-256 of the invitation link's secret (hex); the link itself is shown to the trainer once.</summary>
    public string InviteHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }

    public const string Table = "Trainings";

    public IReadOnlyList<string> LanguageList => Languages.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Someone who joined a training. What they committed to is sealed with their own key; the flags are their choices
/// (show their answers to the trainer, be a champion, be choosable as a buddy, count their lesson progress).
/// </summary>
public sealed class TrainingParticipant
{
    public Guid Id { get; set; }
    public Guid TrainingId { get; set; }
    public Guid UserId { get; set; }
    public DateTime JoinedAt { get; set; }
    public byte[]? CommitmentsCipher { get; set; }
    public DateTime? CommittedAt { get; set; }
    public bool SharesDetail { get; set; }
    public bool Champion { get; set; }
    public bool OpenToBuddy { get; set; }
    public bool CountsProgress { get; set; }
    public Guid? BuddyId { get; set; }
    public int Version { get; set; }

    public const string Table = "TrainingParticipants";
}

/// <summary>One follow-up of one participant: due at a local time of their own, sent by the worker, answered (sealed).</summary>
public sealed class TrainingFollowUp
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public int Round { get; set; }
    public DateTime DueAt { get; set; }
    public FollowUpState State { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public byte[]? AnswerCipher { get; set; }

    public const string Table = "TrainingFollowUps";
}

/// <summary>The agenda: lessons (of the library, or the trainer's organizations' own) and pathways, in order.</summary>
public sealed record TrainingAgenda(IReadOnlyList<string> Lessons, IReadOnlyList<string> Pathways)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);
    public static TrainingAgenda FromBytes(byte[]? bytes) => bytes is null ? new([], []) : JsonSerializer.Deserialize<TrainingAgenda>(bytes) ?? new([], []);
}

/// <summary>A checklist item someone commits to: "lesson/item".</summary>
public sealed record CommittedItem(string Lesson, string Item)
{
    public string Key => Lesson + "/" + Item;

    public static CommittedItem? Parse(string? key) =>
        key?.Split('/') is [{ Length: > 0 } lesson, { Length: > 0 } item] ? new(lesson, item) : null;
}

/// <summary>A follow-up's answer, sealed with the participant's key.</summary>
public sealed class FollowUpAnswer
{
    /// <summary>Committed item key → its state today (to do = "not yet").</summary>
    public Dictionary<string, ProgressState> Items { get; set; } = [];
    public List<Obstacle> Obstacles { get; set; } = [];
    public string? Note { get; set; }
    public List<Happening> Happened { get; set; } = [];
    /// <summary>The agenda's lessons they had finished when they answered (only when they count their progress).</summary>
    public List<string> LessonsDone { get; set; } = [];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
    public static FollowUpAnswer? FromBytes(byte[]? bytes) => bytes is null ? null : JsonSerializer.Deserialize<FollowUpAnswer>(bytes, Json);
}

public sealed class TrainingConfiguration : IEntityTypeConfiguration<Training>
{
    public void Configure(EntityTypeBuilder<Training> builder)
    {
        builder.ToTable(Training.Table);
        builder.Property(t => t.Languages).HasMaxLength(64);
        builder.Property(t => t.TimeZone).HasMaxLength(64);
        builder.Property(t => t.FollowUps).HasMaxLength(32);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasIndex(t => t.TrainerId);
        builder.Property(t => t.InviteHash).HasMaxLength(64);
        builder.HasIndex(t => t.InviteHash).IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.TrainerId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TrainingParticipantConfiguration : IEntityTypeConfiguration<TrainingParticipant>
{
    public void Configure(EntityTypeBuilder<TrainingParticipant> builder)
    {
        builder.ToTable(TrainingParticipant.Table);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => new { p.TrainingId, p.UserId }).IsUnique();
        builder.HasIndex(p => p.UserId);
        builder.HasOne<Training>().WithMany().HasForeignKey(p => p.TrainingId).OnDelete(DeleteBehavior.Cascade);
        // A participant's account deletion removes their row, their commitments and answers (and so their part in figures).
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TrainingFollowUpConfiguration : IEntityTypeConfiguration<TrainingFollowUp>
{
    public void Configure(EntityTypeBuilder<TrainingFollowUp> builder)
    {
        builder.ToTable(TrainingFollowUp.Table);
        builder.Property(f => f.State).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(f => new { f.ParticipantId, f.Round }).IsUnique();
        builder.HasIndex(f => new { f.State, f.DueAt });
        builder.HasOne<TrainingParticipant>().WithMany().HasForeignKey(f => f.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}
