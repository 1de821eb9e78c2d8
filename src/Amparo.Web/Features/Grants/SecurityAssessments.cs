using System.Text.Json;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Grants;

/// <summary>What publishing did: done, not allowed (404), or nothing chosen that the latest assessment answered "yes".</summary>
public enum PublishResult { Done = 1, NotFound = 2, NothingChosen = 3 }

/// <summary>An answer to one of the self-assessment's questions.</summary>
public enum PracticeAnswer { Yes = 1, Partly = 2, No = 3, NotSure = 4 }

/// <summary>One question: its area, its stable id (its texts are <c>Assess.{Area}.{Id}</c>, <c>.Step</c>, <c>.Public</c>), and whether it is essential.</summary>
public sealed record PracticeQuestion(string Area, string Id, bool Essential)
{
    public string Key => $"Assess.{Area}.{Id}";
}

/// <summary>
/// A grantmaker's self-assessment of its own digital security (issue 15), taken by its admins: their answers, encrypted
/// with the organization's key — a list of a fund's weak points is itself a risk to its grantees.
/// </summary>
public sealed class SecurityAssessment
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public DateTime At { get; set; }
    /// <summary>Null once the admin's account is deleted.</summary>
    public Guid? AuthorId { get; set; }
    /// <summary>The answers (question key → <see cref="PracticeAnswer"/>, as JSON), encrypted with the organization's data key.</summary>
    public byte[] AnswersCipher { get; set; } = [];

    public const string Table = "SecurityAssessments";
}

/// <summary>
/// What a grantmaker published for its grantees, "how we protect your data": only the practices it answered "yes" to,
/// in the clear because they are meant for anyone to read — never a gap, never a partial answer.
/// </summary>
public sealed class PublishedPractices
{
    public Guid OrganizationId { get; set; }
    /// <summary>The question keys answered "yes", space-separated, in the questionnaire's order.</summary>
    public string Practices { get; set; } = "";
    /// <summary>The assessment it was made from.</summary>
    public DateTime AssessedAt { get; set; }
    public DateTime PublishedAt { get; set; }

    public const string Table = "PublishedPractices";
}

public sealed class SecurityAssessmentConfiguration : IEntityTypeConfiguration<SecurityAssessment>
{
    public void Configure(EntityTypeBuilder<SecurityAssessment> builder)
    {
        builder.ToTable(SecurityAssessment.Table);
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.OrganizationId, a.At });
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Accounts.User>().WithMany().HasForeignKey(a => a.AuthorId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class PublishedPracticesConfiguration : IEntityTypeConfiguration<PublishedPractices>
{
    public void Configure(EntityTypeBuilder<PublishedPractices> builder)
    {
        builder.ToTable(PublishedPractices.Table);
        builder.HasKey(p => p.OrganizationId);
        builder.Property(p => p.Practices).HasMaxLength(4000);
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>One area's standing in an assessment: its score (yes counts 2, partly 1, out of 2 per question) and whether it is a strength or a gap.</summary>
public sealed record AreaResult(string Area, int Percent, bool Strength, bool Gap);

/// <summary>A taken assessment, read back: its answers, each area's result, and the next steps (essential ones first).</summary>
public sealed record AssessmentResult(Guid Id, DateTime At, IReadOnlyDictionary<string, PracticeAnswer> Answers, IReadOnlyList<AreaResult> Areas, IReadOnlyList<PracticeQuestion> NextSteps);

/// <summary>The assessment page: the organization, its assessments newest first (the trend), and what it published.</summary>
public sealed record AssessmentsView(Guid OrganizationId, string Organization, IReadOnlyList<AssessmentResult> Taken, PublishedPractices? Published);

/// <summary>
/// The grantmaker's own digital-security self-assessment (issue 15): questions written for Amparo over nine areas, a
/// profile of strengths and gaps with next steps, repeatable with the trend, and a page it may publish for grantees.
/// Its admins only (anyone else: null, the page's 404).
/// </summary>
public sealed class SecurityAssessments(AmparoDbContext db, FieldCipher cipher, TimeProvider clock, AuditLog audit)
{
    private const string AnswersColumn = "Answers";
    /// <summary>How many past assessments the trend shows.</summary>
    public const int TrendMax = 6;

    public static readonly IReadOnlyList<string> Areas = ["Devices", "Accounts", "Access", "Messaging", "Retention", "Travel", "Training", "Incidents", "Vendors"];

    /// <summary>The questions in order (their words are in the resources, written for Amparo in five languages).</summary>
    public static readonly IReadOnlyList<PracticeQuestion> Questions =
    [
        new("Devices", "DiskEncryption", true), new("Devices", "ScreenLock", false), new("Devices", "SecurityUpdates", false),
        new("Accounts", "TwoStepSignIn", true), new("Accounts", "PasswordManager", false), new("Accounts", "NoSharedAccounts", false),
        new("Access", "LeastAccess", false), new("Access", "AccessReview", false), new("Access", "LeaversRemoved", true),
        new("Messaging", "EncryptedChannels", true), new("Messaging", "NoSensitiveEmail", false), new("Messaging", "AgreedChannels", false),
        new("Retention", "KeepOnlyNeeded", true), new("Retention", "DeletionSchedule", false), new("Retention", "EncryptedBackups", false),
        new("Travel", "TravelLight", true), new("Travel", "CheckpointBriefing", false),
        new("Training", "OnboardingTraining", false), new("Training", "YearlyRefresher", false),
        new("Incidents", "IncidentPlan", true), new("Incidents", "GranteeNotification", true), new("Incidents", "RemoteWipe", false),
        new("Vendors", "VendorList", false), new("Vendors", "VendorTerms", false),
    ];

    /// <summary>The profile's rule: an area is a strength when every answer is yes; a gap when an essential question is not yes or it scores under half.</summary>
    public static AssessmentResult Score(Guid id, DateTime at, IReadOnlyDictionary<string, PracticeAnswer> answers)
    {
        var areas = Areas.Select(area =>
        {
            var questions = Questions.Where(q => q.Area == area).ToList();
            var points = questions.Sum(q => Points(answers.TryGetValue(q.Key, out var a) ? a : null));
            var percent = (int)Math.Round(100.0 * points / (2 * questions.Count));
            var essentialMissing = questions.Any(q => q.Essential && answers.GetValueOrDefault(q.Key) != PracticeAnswer.Yes);
            return new AreaResult(area, percent, percent == 100, essentialMissing || percent < 50);
        }).ToList();
        var steps = Questions.Where(q => answers.GetValueOrDefault(q.Key) != PracticeAnswer.Yes).OrderByDescending(q => q.Essential).ToList();
        return new AssessmentResult(id, at, answers, areas, steps);
    }

    private static int Points(PracticeAnswer? answer) => answer switch
    {
        PracticeAnswer.Yes => 2,
        PracticeAnswer.Partly => 1,
        PracticeAnswer.No or PracticeAnswer.NotSure or null => 0,
    };

    /// <summary>The admin's view of their grantmaker's assessments; null when the viewer is not one of its admins.</summary>
    public async Task<AssessmentsView?> GetAsync(Guid viewer, Guid organizationId, CancellationToken ct = default)
    {
        if (await AdministeredAsync(viewer, organizationId, ct) is not { } org) return null;
        var rows = await db.SecurityAssessments.AsNoTracking().Where(a => a.OrganizationId == organizationId)
            .OrderByDescending(a => a.At).Take(TrendMax).ToListAsync(ct);
        var taken = new List<AssessmentResult>();
        foreach (var row in rows)
        {
            var json = await cipher.DecryptAsync(db, org.DataKeyId, row.AnswersCipher, SecurityAssessment.Table, AnswersColumn, row.Id, ct);
            taken.Add(Score(row.Id, row.At, Read(json)));
        }
        var published = await db.PublishedPractices.AsNoTracking().SingleOrDefaultAsync(p => p.OrganizationId == organizationId, ct);
        return new AssessmentsView(organizationId, org.Name, taken, published);
    }

    /// <summary>
    /// Saves a new assessment (an earlier one is never changed: the trend is what was answered then). Every question
    /// needs an answer: the missing ones are the errors (question key → message key), and nothing is written.
    /// </summary>
    public async Task<(bool Found, Dictionary<string, string> Errors)> TakeAsync(Guid viewer, Guid organizationId, IReadOnlyDictionary<string, PracticeAnswer?> answers, CancellationToken ct = default)
    {
        if (await AdministeredAsync(viewer, organizationId, ct) is not { } org) return (false, []);
        var errors = Questions.Where(q => answers.GetValueOrDefault(q.Key) is not { } a || !Enum.IsDefined(a))
            .ToDictionary(q => q.Key, _ => "Assess.Error.Answer", StringComparer.Ordinal);
        if (errors.Count > 0) return (true, errors);
        var row = new SecurityAssessment { Id = Guid.NewGuid(), OrganizationId = organizationId, At = clock.GetUtcNow().UtcDateTime, AuthorId = viewer };
        var clean = Questions.ToDictionary(q => q.Key, q => answers[q.Key]!.Value, StringComparer.Ordinal);
        row.AnswersCipher = (await cipher.EncryptAsync(db, org.DataKeyId, JsonSerializer.Serialize(clean), SecurityAssessment.Table, AnswersColumn, row.Id, ct))!;
        db.SecurityAssessments.Add(row);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.SecurityAssessed, viewer, row.Id, organizationId, ct: ct);
        return (true, errors);
    }

    /// <summary>
    /// Publishes the practices the admin chose among those the latest assessment answered "yes" to (replacing what was
    /// published), or withdraws the page. The admin chooses, rather than every "yes" going out, because the questions
    /// are public: a page listing every "yes" would tell, by what it leaves out, where the gaps are.
    /// </summary>
    public async Task<PublishResult> PublishAsync(Guid viewer, Guid organizationId, bool publish, IReadOnlyCollection<string>? chosen = null, CancellationToken ct = default)
    {
        if (await GetAsync(viewer, organizationId, ct) is not { } view) return PublishResult.NotFound;
        var existing = await db.PublishedPractices.SingleOrDefaultAsync(p => p.OrganizationId == organizationId, ct);
        if (!publish)
        {
            if (existing is not null) db.PublishedPractices.Remove(existing);
        }
        else
        {
            if (view.Taken.Count == 0) return PublishResult.NothingChosen;
            var latest = view.Taken[0];
            var practices = Questions.Where(q => latest.Answers.GetValueOrDefault(q.Key) == PracticeAnswer.Yes && (chosen?.Contains(q.Key) ?? false)).Select(q => q.Key).ToList();
            if (practices.Count == 0) return PublishResult.NothingChosen;
            existing ??= db.PublishedPractices.Add(new PublishedPractices { OrganizationId = organizationId }).Entity;
            existing.Practices = string.Join(' ', practices);
            existing.AssessedAt = latest.At;
            existing.PublishedAt = clock.GetUtcNow().UtcDateTime;
        }
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.SecurityProfilePublished, viewer, organizationId, organizationId, publish ? "published" : "withdrawn", ct);
        return PublishResult.Done;
    }

    /// <summary>What a grantmaker published, for anyone: its name and the practices, by area; null when it published nothing.</summary>
    public async Task<(string Organization, PublishedPractices Published, IReadOnlyList<PracticeQuestion> Practices)?> PublishedAsync(Guid organizationId, CancellationToken ct = default)
    {
        var published = await db.PublishedPractices.AsNoTracking().SingleOrDefaultAsync(p => p.OrganizationId == organizationId, ct);
        if (published is null) return null;
        var name = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.Name).SingleAsync(ct);
        var keys = published.Practices.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return (name, published, [.. Questions.Where(q => keys.Contains(q.Key))]);
    }

    /// <summary>Whether a grantmaker has published its practices (a program's page links to them).</summary>
    public Task<bool> HasPublishedAsync(Guid organizationId, CancellationToken ct = default) =>
        db.PublishedPractices.AnyAsync(p => p.OrganizationId == organizationId, ct);

    /// <summary>The grantmakers the viewer administers (the /grants page links to their assessments).</summary>
    public async Task<List<(Guid Id, string Name)>> MineAsync(Guid viewer, CancellationToken ct = default) =>
        [.. (await Grantmakers.AdministeredBy(db, viewer).OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct)).Select(o => (o.Id, o.Name))];

    private Task<Organization?> AdministeredAsync(Guid viewer, Guid organizationId, CancellationToken ct) =>
        Grantmakers.AdministeredBy(db, viewer).AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, ct);

    private static Dictionary<string, PracticeAnswer> Read(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, PracticeAnswer>>(json) ?? [];
}
