using System.Text;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Learning;

public sealed record OrganizationLessonInput(string? Title, string? Need, string? Summary, string? Steps, string? Checklist,
    string? Language, LessonLevel Level, string? Topic, int Minutes, bool SharedWithNetworks);

public sealed record OrganizationLessonLine(string Id, Guid OrganizationId, string OrganizationName, string Title, LessonLevel Level, bool SharedWithNetworks, bool Mine);

public enum OrganizationLessonStatus { Done = 0, NotFound = 1, Invalid = 2, Conflict = 3 }

public sealed record OrganizationLessonWrite(OrganizationLessonStatus Status, string? Id = null, Dictionary<string, string>? Errors = null, string? Detail = null);

/// <summary>
/// Organizations' private lessons: written and changed by the organization's admins and focal points, read by its
/// members and — when shared — by the members of the organizations in its networks; anyone else gets "not found". The
/// same rules as the shipped library apply (content/FORMAT.md): steps of at most 300 words, only glossary, lesson and
/// https links, no raw HTML, no device gestures. In the editor a step starts with a line "## Its title", optionally
/// followed by "kind: do" (explain, do, check, warning, reflect); the last step is the "what now". Checklist: one item
/// per line, "!" first for an essential one.
/// </summary>
public sealed class OrganizationLessons(AmparoDbContext db, FieldCipher cipher, LessonLibrary library, TimeProvider clock)
{
    public const int MaxSteps = 20;
    public const int MaxChecklist = 20;
    public const int MaxChecklistItem = 300;
    public const int MaxSource = 40_000;

    /// <summary>The organizations whose lessons the viewer reads: their own, and those shared with a network one of theirs is in.</summary>
    private IQueryable<OrganizationLesson> Readable(Guid viewer)
    {
        var mine = db.Memberships.Where(m => m.UserId == viewer).Select(m => m.OrganizationId);
        var networks = db.NetworkOrganizations.Where(n => mine.Contains(n.OrganizationId)).Select(n => n.NetworkId);
        var neighbours = db.NetworkOrganizations.Where(n => networks.Contains(n.NetworkId)).Select(n => n.OrganizationId);
        return db.OrganizationLessons.Where(l => mine.Contains(l.OrganizationId) || (l.SharedWithNetworks && neighbours.Contains(l.OrganizationId)));
    }

    public Task<bool> MayWriteAsync(Guid viewer, Guid organizationId, CancellationToken ct = default) =>
        db.Memberships.AnyAsync(m => m.UserId == viewer && m.OrganizationId == organizationId && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint), ct);

    /// <summary>The organizations where the viewer may write lessons (id, name).</summary>
    public async Task<List<(Guid Id, string Name)>> WritableOrganizationsAsync(Guid viewer, CancellationToken ct = default) =>
        // Rows as anonymous objects, tuples only in memory: PostgreSQL reads a tuple projection as a "record" it refuses.
        [.. (await db.Memberships.Where(m => m.UserId == viewer && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint))
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new { o.Id, o.Name }).OrderBy(o => o.Name).ToListAsync(ct))
            .Select(o => (o.Id, o.Name))];

    public async Task<List<OrganizationLessonLine>> ListAsync(Guid viewer, CancellationToken ct = default)
    {
        var mine = await db.Memberships.Where(m => m.UserId == viewer).Select(m => m.OrganizationId).ToListAsync(ct);
        var rows = await Readable(viewer).AsNoTracking().Join(db.Organizations, l => l.OrganizationId, o => o.Id, (l, o) => new { Lesson = l, o.Name }).ToListAsync(ct);
        var lines = new List<OrganizationLessonLine>();
        foreach (var r in rows)
            if (await OpenAsync(r.Lesson, ct) is { } text)
                lines.Add(new(OrganizationLesson.LessonId(r.Lesson.Id), r.Lesson.OrganizationId, r.Name, text.Title, r.Lesson.Level, r.Lesson.SharedWithNetworks, mine.Contains(r.Lesson.OrganizationId)));
        return [.. lines.OrderBy(l => l.OrganizationName, StringComparer.CurrentCulture).ThenBy(l => l.Title, StringComparer.CurrentCulture)];
    }

    /// <summary>Every organization lesson the viewer reads, as the library shows them (the API's list).</summary>
    public async Task<List<Lesson>> LessonsAsync(Guid viewer, CancellationToken ct = default)
    {
        var lessons = new List<Lesson>();
        foreach (var row in await Readable(viewer).AsNoTracking().ToListAsync(ct))
            if (await OpenAsync(row, ct) is { } text && Build(row, text, []) is { } lesson) lessons.Add(lesson);
        return lessons;
    }

    /// <summary>The lesson as the library shows it, when the viewer may read it; null otherwise (a 404).</summary>
    public async Task<Lesson?> FindAsync(Guid? viewer, string lessonId, CancellationToken ct = default)
    {
        if (viewer is not { } me || OrganizationLesson.RowId(lessonId) is not { } id) return null;
        var row = await Readable(me).AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        return row is null || await OpenAsync(row, ct) is not { } text ? null : Build(row, text, [])!;
    }

    /// <summary>The lesson's source for its editor: only for someone who may write it.</summary>
    public async Task<(OrganizationLesson Row, OrganizationLessonText Text)?> SourceAsync(Guid viewer, Guid organizationId, Guid id, CancellationToken ct = default)
    {
        if (!await MayWriteAsync(viewer, organizationId, ct)) return null;
        var row = await db.OrganizationLessons.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id && l.OrganizationId == organizationId, ct);
        return row is not null && await OpenAsync(row, ct) is { } text ? (row, text) : null;
    }

    public async Task<OrganizationLessonWrite> SaveAsync(Guid viewer, Guid organizationId, Guid? id, OrganizationLessonInput input, int? expectedVersion, CancellationToken ct = default)
    {
        if (!await MayWriteAsync(viewer, organizationId, ct)) return new(OrganizationLessonStatus.NotFound);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = new OrganizationLessonText((input.Title ?? "").Trim(), (input.Need ?? "").Trim(), (input.Summary ?? "").Trim(),
            (input.Steps ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), (input.Checklist ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim());
        if (text.Title.Length is 0 or > 120) errors["Title"] = "Learning.Write.Error.Title";
        if (text.Need.Length is 0 or > 200) errors["Need"] = "Learning.Write.Error.Need";
        if (text.Summary.Length > 500) errors["Summary"] = "Learning.Write.Error.Summary";
        if (!Cultures.IsSupported(input.Language)) errors["Language"] = "Validation.Language";
        if (!Enum.IsDefined(input.Level)) errors["Level"] = "Learning.Write.Error.Level";
        if (!LessonTags.Topics.Contains(input.Topic)) errors["Topic"] = "Learning.Write.Error.Topic";
        if (input.Minutes is < 1 or > 240) errors["Minutes"] = "Learning.Write.Error.Minutes";
        var problems = new List<ContentProblem>();
        var probe = new OrganizationLesson { Id = id ?? Guid.Empty, OrganizationId = organizationId, Language = Cultures.IsSupported(input.Language) ? input.Language! : "en", Level = input.Level, Topic = input.Topic ?? "", Minutes = input.Minutes };
        string? detail = null;
        if (text.Steps.Length > MaxSource || text.Checklist.Length > MaxSource) errors["Steps"] = "Learning.Write.Error.Steps";
        else if (Build(probe, text, problems) is not { } built || CheckLinks(built, problems) > 0)
        {
            if (problems.Any(p => p.Where == "Checklist")) errors["Checklist"] = "Learning.Write.Error.Checklist";
            if (problems.Any(p => p.Where != "Checklist")) errors["Steps"] = "Learning.Write.Error.Steps";
            // The check's own words say which step and what (English, as `amparo content check` prints them).
            detail = string.Join(" · ", problems.Select(p => $"{p.Where}: {p.Message}"));
        }
        if (errors.Count > 0) return new(OrganizationLessonStatus.Invalid, Errors: errors, Detail: detail);

        var row = id is { } existing ? await db.OrganizationLessons.SingleOrDefaultAsync(l => l.Id == existing && l.OrganizationId == organizationId, ct) : null;
        if (id is not null && row is null) return new(OrganizationLessonStatus.NotFound);
        if (row is not null && expectedVersion is { } v && row.Version != v) return new(OrganizationLessonStatus.Conflict);
        if (row is null) db.OrganizationLessons.Add(row = new OrganizationLesson { Id = Guid.NewGuid(), OrganizationId = organizationId });
        row.Language = input.Language!;
        row.Level = input.Level;
        row.Topic = input.Topic!;
        row.Minutes = input.Minutes;
        row.SharedWithNetworks = input.SharedWithNetworks;
        row.Version++;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        var key = await OrganizationKeys.KeyIdAsync(db, organizationId, ct);
        row.Cipher = await cipher.EncryptBytesAsync(db, key, text.ToBytes(), OrganizationLesson.Table, nameof(OrganizationLesson.Cipher), row.Id, ct);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return new(OrganizationLessonStatus.Conflict); }
        return new(OrganizationLessonStatus.Done, OrganizationLesson.LessonId(row.Id));
    }

    /// <summary>Glossary words and lessons its steps link must exist in the library (an organization's lesson may link
    /// the library's lessons, not another organization's).</summary>
    private int CheckLinks(Lesson lesson, List<ContentProblem> problems)
    {
        var glossary = library.Catalog.Glossary.GetValueOrDefault("en") ?? new Dictionary<string, GlossaryTerm>();
        foreach (var (stepId, step) in lesson.Texts[lesson.Source].Steps)
        {
            var where = "step " + stepId["step-".Length..];
            foreach (var term in step.Terms.Where(t => !glossary.ContainsKey(t))) problems.Add(new(where, $"glossary term {term} does not exist"));
            foreach (var linked in step.Lessons.Where(l => library.Find(l) is null)) problems.Add(new(where, $"lesson {linked} does not exist"));
        }
        return problems.Count;
    }

    public async Task<bool> DeleteAsync(Guid viewer, Guid organizationId, Guid id, CancellationToken ct = default) =>
        await MayWriteAsync(viewer, organizationId, ct)
        && await db.OrganizationLessons.Where(l => l.Id == id && l.OrganizationId == organizationId).ExecuteDeleteAsync(ct) == 1;

    private async Task<OrganizationLessonText?> OpenAsync(OrganizationLesson row, CancellationToken ct)
    {
        var key = await OrganizationKeys.KeyIdAsync(db, row.OrganizationId, ct);
        return OrganizationLessonText.FromBytes(await cipher.DecryptBytesAsync(db, key, row.Cipher, OrganizationLesson.Table, nameof(OrganizationLesson.Cipher), row.Id, ct));
    }

    /// <summary>
    /// The editor's text as a library lesson, checked by the library's own rules; null when it has no step. Problems are
    /// named by step ("step 2") or "Checklist".
    /// </summary>
    public static Lesson? Build(OrganizationLesson row, OrganizationLessonText text, List<ContentProblem> problems)
    {
        var steps = new List<LessonStep>();
        var texts = new Dictionary<string, StepText>(StringComparer.Ordinal);
        var chunks = SplitSteps(text.Steps);
        if (chunks.Count == 0) { problems.Add(new("step 1", "write at least one step, starting with a line \"## Its title\"")); return null; }
        if (chunks.Count > MaxSteps) problems.Add(new($"step {MaxSteps + 1}", $"at most {MaxSteps} steps"));
        for (var i = 0; i < chunks.Count; i++)
        {
            var (title, kindWord, body) = chunks[i];
            var where = $"step {i + 1}";
            var kind = StepKind.Explain;
            if (kindWord is not null && (!LessonTags.TryKind(kindWord, out kind) || kind == StepKind.WhatNow))
                problems.Add(new(where, $"kind \"{kindWord}\" is not explain, do, check, warning or reflect"));
            if (i == chunks.Count - 1) kind = StepKind.WhatNow;
            if (title.Length is 0 or > 120) problems.Add(new(where, "a step's title (after ##) has 1 to 120 characters"));
            if (string.IsNullOrWhiteSpace(body)) problems.Add(new(where, "the step has no text"));
            var rendered = LessonMarkdown.Render(body, row.Language, where, problems);
            var id = $"step-{i + 1}";
            steps.Add(new(id, kind, 1, false));
            texts[id] = new StepText(title, null, rendered.Html, rendered.Words, rendered.Terms, rendered.Lessons);
        }
        var checklist = new List<ChecklistItem>();
        var checklistTexts = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Checklist.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length > MaxChecklist) problems.Add(new("Checklist", $"at most {MaxChecklist} items"));
        foreach (var (line, i) in lines.Take(MaxChecklist).Select((l, i) => (l, i)))
        {
            var essential = line.StartsWith('!');
            var words = essential ? line[1..].Trim() : line;
            if (words.Length is 0 or > MaxChecklistItem) problems.Add(new("Checklist", $"an item has 1 to {MaxChecklistItem} characters"));
            var id = $"item-{i + 1}";
            checklist.Add(new(id, essential, ChecklistRepeat.Once, []));
            checklistTexts[id] = words;
        }
        var lessonText = new LessonText(row.Language, text.Title, text.Need, text.Summary, null, null, checklistTexts, texts);
        return new Lesson
        {
            Id = OrganizationLesson.LessonId(row.Id), Version = Math.Max(1, row.Version), Topic = row.Topic, Level = row.Level, Source = row.Language,
            Minutes = row.Minutes, Domains = [], Review = new(ReviewStatus.Published, "", null, null, null), Licence = "private",
            Attribution = "", Steps = steps, Checklist = checklist, Texts = new Dictionary<string, LessonText> { [row.Language] = lessonText },
            OrganizationId = row.OrganizationId,
        };
    }

    /// <summary>"## Title" lines start steps; a first line "kind: word" names the step's kind.</summary>
    public static List<(string Title, string? Kind, string Body)> SplitSteps(string source)
    {
        var result = new List<(string, string?, string)>();
        string? title = null;
        string? kind = null;
        var body = new StringBuilder();
        void Flush()
        {
            if (title is not null) result.Add((title, kind, body.ToString().Trim()));
            body.Clear();
            kind = null;
        }
        foreach (var line in source.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) { Flush(); title = line[3..].Trim(); continue; }
            if (title is not null && body.Length == 0 && kind is null && line.StartsWith("kind:", StringComparison.Ordinal)) { kind = line[5..].Trim(); continue; }
            if (title is null && line.Trim().Length > 0) title = "";
            body.AppendLine(line);
        }
        Flush();
        return result;
    }
}
