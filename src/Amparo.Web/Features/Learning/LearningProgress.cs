using Amparo.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Learning;

public enum ProgressState { ToDo = 0, Done = 1, NotRelevant = 2 }

/// <summary>
/// A person's progress in the library, all of it in one row sealed with their data key: which lessons someone reads
/// can say who they are (a lesson for LGBTI defenders, one for after a detention), so not even the lesson ids are
/// stored in clear. Nobody but the person reads it; <see cref="Version"/> keeps two tabs from overwriting each other.
/// </summary>
public sealed class LearningProgress
{
    public Guid UserId { get; set; }
    public byte[] Cipher { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public const string Table = "LearningProgress";
}

public sealed class LearningProgressConfiguration : IEntityTypeConfiguration<LearningProgress>
{
    public void Configure(EntityTypeBuilder<LearningProgress> builder)
    {
        builder.ToTable(LearningProgress.Table);
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The decrypted progress: lesson id → its steps' and checklist items' states and notes.</summary>
public sealed class ProgressBook
{
    public Dictionary<string, LessonProgress> Lessons { get; set; } = [];

    public LessonProgress For(string lessonId) => Lessons.GetValueOrDefault(lessonId) ?? new();
}

public sealed class LessonProgress
{
    public Dictionary<string, ProgressState> Steps { get; set; } = [];
    public Dictionary<string, ProgressState> Checklist { get; set; } = [];
    /// <summary>Private notes per checklist item.</summary>
    public Dictionary<string, string> Notes { get; set; } = [];

    public ProgressState Step(string id) => Steps.GetValueOrDefault(id);
    public ProgressState Item(string id) => Checklist.GetValueOrDefault(id);
    public int DoneSteps(Lesson lesson) => lesson.Steps.Count(s => Step(s.Id) == ProgressState.Done);
}
