using System.Text.Json;
using System.Text.Json.Serialization;
using Amparo.Web.Features.Plans;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Learning;

public enum ProgressPart { Step = 0, Checklist = 1 }

public enum ProgressWriteStatus { Done = 0, NotFound = 1, Invalid = 2 }

public sealed record ProgressWrite(ProgressWriteStatus Status, Dictionary<string, string>? Errors = null)
{
    public static readonly ProgressWrite Done = new(ProgressWriteStatus.Done);
    public static readonly ProgressWrite NotFound = new(ProgressWriteStatus.NotFound);
    public static ProgressWrite Invalid(string field, string key) => new(ProgressWriteStatus.Invalid, new() { [field] = key });
}

/// <summary>
/// A person's own progress: read and written only for the signed-in person (no other path exists: not an organization
/// admin, not a focal point, not a buddy). Sealed with their data key; deleted with their account.
/// </summary>
public sealed class LearningProgressService(AmparoDbContext db, FieldCipher cipher, LessonLibrary library, OrganizationLessons organizationLessons, TimeProvider clock)
{
    /// <summary>A lesson of the library, or an organization's lesson the person may read.</summary>
    public async Task<Lesson?> FindAsync(Guid? viewer, string lessonId, CancellationToken ct = default) =>
        library.Find(lessonId) ?? await organizationLessons.FindAsync(viewer, lessonId, ct);

    public const int NoteMax = 1000;

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public async Task<ProgressBook> ReadAsync(Guid userId, CancellationToken ct = default)
    {
        var row = await db.LearningProgress.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct);
        return row is null ? new() : await OpenAsync(userId, row, ct);
    }

    public async Task<ProgressWrite> MarkAsync(Guid userId, string lessonId, ProgressPart part, string itemId, ProgressState state, string? note = null, CancellationToken ct = default)
    {
        if (await FindAsync(userId, lessonId, ct) is not { } lesson) return ProgressWrite.NotFound;
        var exists = part switch
        {
            ProgressPart.Step => lesson.Steps.Any(s => s.Id == itemId),
            ProgressPart.Checklist => lesson.Checklist.Any(c => c.Id == itemId),
        };
        if (!exists) return ProgressWrite.NotFound;
        if (!Enum.IsDefined(state)) return ProgressWrite.Invalid("State", "Learning.Error.State");
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > NoteMax }) return ProgressWrite.Invalid("Note", "Learning.Error.NoteLength");
        if (note is not null && part != ProgressPart.Checklist) return ProgressWrite.Invalid("Note", "Learning.Error.State");
        lessonId = lesson.Id;
        await ChangeAsync(userId, book =>
        {
            var p = book.Lessons.TryGetValue(lessonId, out var existing) ? existing : book.Lessons[lessonId] = new();
            var states = part == ProgressPart.Step ? p.Steps : p.Checklist;
            if (state == ProgressState.ToDo) states.Remove(itemId); else states[itemId] = state;
            if (part == ProgressPart.Checklist)
            {
                if (note is null) p.Notes.Remove(itemId); else p.Notes[itemId] = note;
            }
        }, ct);
        return ProgressWrite.Done;
    }

    /// <summary>
    /// A checklist item becomes an action of one of the person's security plans (one they may edit: the plan service
    /// decides, as for any action), linked back to the lesson. Written in the plan's own transaction.
    /// </summary>
    public async Task<PlanWrite?> AddToPlanAsync(Guid userId, string lessonId, string itemId, Guid planId, string language, PlanService plans, CancellationToken ct = default)
    {
        if (await FindAsync(userId, lessonId, ct) is not { } lesson || lesson.Checklist.FirstOrDefault(c => c.Id == itemId) is not { } item) return null;
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        var (text, _) = LessonReading.ChecklistText(lesson, item, LessonReading.Chain(language, user.SecondLanguage, lesson.Source));
        var domains = lesson.Domains.Aggregate(SecurityDomains.None, (d, name) => d | name switch
        {
            "digital" => SecurityDomains.Digital,
            "physical" => SecurityDomains.Physical,
            "well-being" => SecurityDomains.Psychosocial,
            "legal" => SecurityDomains.Legal,
            _ => SecurityDomains.None,
        });
        return await plans.AddActionAsync(userId, planId, new ActionInput(text, null, null, PlanActionStatus.Planned, null, null, domains, LessonId: lesson.Id), ct);
    }

    private async Task ChangeAsync(Guid userId, Action<ProgressBook> change, CancellationToken ct)
    {
        // Two tabs saving at once: the loser reads again and re-applies its change (the row's version decides).
        for (var attempt = 0; ; attempt++)
        {
            var row = await db.LearningProgress.SingleOrDefaultAsync(p => p.UserId == userId, ct);
            var book = row is null ? new ProgressBook() : await OpenAsync(userId, row, ct);
            change(book);
            foreach (var empty in book.Lessons.Where(l => l.Value.Steps.Count == 0 && l.Value.Checklist.Count == 0 && l.Value.Notes.Count == 0).Select(l => l.Key).ToList())
                book.Lessons.Remove(empty);
            var keyId = await db.Users.Where(u => u.Id == userId).Select(u => u.DataKeyId).SingleAsync(ct);
            if (row is null) db.LearningProgress.Add(row = new LearningProgress { UserId = userId });
            row.Cipher = await cipher.EncryptBytesAsync(db, keyId, JsonSerializer.SerializeToUtf8Bytes(book, Json), LearningProgress.Table, nameof(LearningProgress.Cipher), userId, ct);
            row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            row.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<ProgressBook> OpenAsync(Guid userId, LearningProgress row, CancellationToken ct)
    {
        var keyId = await db.Users.Where(u => u.Id == userId).Select(u => u.DataKeyId).SingleAsync(ct);
        var bytes = await cipher.DecryptBytesAsync(db, keyId, row.Cipher, LearningProgress.Table, nameof(LearningProgress.Cipher), userId, ct);
        return bytes is null ? new() : JsonSerializer.Deserialize<ProgressBook>(bytes, Json) ?? new();
    }
}
