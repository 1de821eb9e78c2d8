using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Learning;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Trainings;

public sealed record TrainingInput(string? Title, IReadOnlyList<string> Lessons, IReadOnlyList<string> Pathways, IReadOnlyList<string> Languages,
    DateOnly? EndsOn, string? TimeZone, FollowUpPlan? FollowUps);

public enum TrainingWriteStatus { Done = 0, NotFound = 1, Invalid = 2, Closed = 3 }

public sealed record TrainingWrite(TrainingWriteStatus Status, Guid? Id = null, string? InviteSecret = null, Dictionary<string, string>? Errors = null)
{
    public static readonly TrainingWrite NotFound = new(TrainingWriteStatus.NotFound);
    public static readonly TrainingWrite Closed = new(TrainingWriteStatus.Closed);
    public static TrainingWrite Invalid(Dictionary<string, string> errors) => new(TrainingWriteStatus.Invalid, Errors: errors);
    public static TrainingWrite Invalid(string field, string key) => Invalid(new() { [field] = key });
}

public enum TrainingRole { Trainer = 0, Participant = 1 }

public sealed record AgendaItem(string Key, string Text, string Language, bool Essential);

public sealed record AgendaLesson(string Id, string Title, string Language, int Minutes, IReadOnlyList<AgendaItem> Items);

public sealed record TrainingPerson(Guid ParticipantId, string Name);

/// <summary>A participant's commitments and their latest answers, as someone they chose (their buddy, the trainer) reads them.</summary>
public sealed record SharedDetail(TrainingPerson Person, IReadOnlyList<(string Key, ProgressState? Latest)> Items);

public sealed record FollowUpLine(Guid Id, int Round, DateTime DueAt, FollowUpState State, DateTime ClosesAt);

public sealed record ParticipantPart(
    TrainingParticipant Me, IReadOnlySet<string> Committed, IReadOnlyList<FollowUpLine> FollowUps,
    IReadOnlyList<TrainingPerson> BuddyOptions, TrainingPerson? Buddy, IReadOnlyList<SharedDetail> BuddyOf);

public sealed record TrainerPart(TrainingFiguresView Figures, IReadOnlyList<SharedDetail> SharedWithMe);

public sealed record TrainingView(
    Training Row, string Title, string TrainerName, TrainingRole Role, TrainingAgenda Agenda, IReadOnlyList<AgendaLesson> Lessons,
    DateTime JoinClosesAt, IReadOnlyList<TrainingPerson> Champions, ParticipantPart? Participant, TrainerPart? Trainer)
{
    public FollowUpPlan Plan => FollowUpPlan.Parse(Row.FollowUps) ?? FollowUpPlan.Default;
}

public sealed record TrainingLine(Guid Id, string Title, TrainingRole Role, DateOnly EndsOn, int Waiting);

/// <summary>What the invitation link shows before joining.</summary>
public sealed record Invitation(Guid TrainingId, string Title, string TrainerName, DateOnly EndsOn, string Languages, bool AlreadyJoined, bool IsTrainer, bool Closed);

/// <summary>
/// Trainings (issue 19): a trainer's agenda, participants who join by link and commit to checklist items, follow-ups at
/// their own local morning, and figures that stay aggregates. Who reads what is this service's own rule, scoped to one
/// training: the trainer reads the title, agenda and the figures, and a participant's detail only when that person
/// chose to show it; a participant reads the title and agenda, their own rows, the names of champions and of those open
/// to being a buddy, and the detail of whoever chose them as buddy. Anyone else: not found.
/// </summary>
public sealed class TrainingService(AmparoDbContext db, FieldCipher cipher, LessonLibrary library, LearningProgressService progress, AuditLog audit, TimeProvider clock)
{
    public const int TitleMax = 200;
    public const int NoteMax = 1000;
    public const int AgendaMax = 50;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static DateTime JoinClosesAt(Training t) =>
        TimeZoneInfo.ConvertTimeToUtc(t.EndsOn.AddDays(TrainingFigures.JoinDays + 1).ToDateTime(TimeOnly.MinValue), FollowUpPlan.FindZone(t.TimeZone));

    /// <summary>The lessons the agenda covers: its lessons, then its pathways' lessons, each once.</summary>
    public IReadOnlyList<Lesson> AgendaLessons(TrainingAgenda agenda) =>
        [.. agenda.Lessons.Concat(agenda.Pathways.SelectMany(p => library.Catalog.Pathways.FirstOrDefault(r => r.Id == p)?.Lessons ?? []))
            .Distinct(StringComparer.Ordinal).Select(library.Find).OfType<Lesson>()];

    public async Task<TrainingWrite> CreateAsync(Guid trainer, TrainingInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        if (errors.Count > 0) return TrainingWrite.Invalid(errors);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == trainer, ct);
        var secret = Tokens.NewUrlSafe();
        var training = new Training
        {
            Id = Guid.NewGuid(), TrainerId = trainer, Languages = string.Join(',', input.Languages.Distinct()), EndsOn = input.EndsOn!.Value,
            TimeZone = input.TimeZone!, FollowUps = input.FollowUps!.ToString(), InviteHash = Tokens.Hash(secret), CreatedAt = Now,
        };
        training.TitleCipher = (await cipher.EncryptAsync(db, user.DataKeyId, input.Title!.Trim(), Training.Table, nameof(Training.TitleCipher), training.Id, ct))!;
        training.AgendaCipher = await cipher.EncryptBytesAsync(db, user.DataKeyId,
            new TrainingAgenda([.. input.Lessons.Distinct()], [.. input.Pathways.Distinct()]).ToBytes(), Training.Table, nameof(Training.AgendaCipher), training.Id, ct);
        db.Trainings.Add(training);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.TrainingChanged, trainer, training.Id, detail: "created", ct: ct);
        return new(TrainingWriteStatus.Done, training.Id, secret);
    }

    private Dictionary<string, string> Validate(TrainingInput input)
    {
        var errors = new Dictionary<string, string>();
        var title = input.Title?.Trim();
        if (string.IsNullOrEmpty(title)) errors["Title"] = "Training.Error.Title";
        else if (title.Length > TitleMax || title.Any(char.IsControl)) errors["Title"] = "Training.Error.TitleLength";
        if (input.Lessons.Count + input.Pathways.Count == 0) errors["Lessons"] = "Training.Error.Agenda";
        else if (input.Lessons.Count + input.Pathways.Count > AgendaMax
            || input.Lessons.Any(l => string.IsNullOrEmpty(l) || library.Find(l) is not { Review.Status: not ReviewStatus.Retired })
            || input.Pathways.Any(p => library.Catalog.Pathways.All(r => r.Id != p)))
            errors["Lessons"] = "Training.Error.Unknown";
        if (input.Languages.Count == 0 || input.Languages.Any(l => !Cultures.IsSupported(l))) errors["Languages"] = "Training.Error.Languages";
        var today = DateOnly.FromDateTime(Now);
        if (input.EndsOn is not { } ends || ends < today.AddDays(-TrainingFigures.JoinDays) || ends > today.AddYears(2)) errors["EndsOn"] = "Training.Error.EndsOn";
        if (input.TimeZone is not { Length: > 0 } zone || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) errors["TimeZone"] = "Training.Error.TimeZone";
        if (input.FollowUps is not { IsValid: true }) errors["FollowUps"] = "Training.Error.FollowUps";
        return errors;
    }

    /// <summary>A new invitation link; the old one stops working. Trainer only.</summary>
    public async Task<TrainingWrite> NewInvitationAsync(Guid trainer, Guid id, CancellationToken ct = default)
    {
        var training = await db.Trainings.SingleOrDefaultAsync(t => t.Id == id && t.TrainerId == trainer, ct);
        if (training is null) return TrainingWrite.NotFound;
        var secret = Tokens.NewUrlSafe();
        training.InviteHash = Tokens.Hash(secret);
        training.Version++;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.TrainingChanged, trainer, id, detail: "new invitation link", ct: ct);
        return new(TrainingWriteStatus.Done, id, secret);
    }

    public async Task<bool> DeleteAsync(Guid trainer, Guid id, CancellationToken ct = default)
    {
        var deleted = await db.Trainings.Where(t => t.Id == id && t.TrainerId == trainer).ExecuteDeleteAsync(ct);
        if (deleted == 1) await audit.WriteAsync(AuditEvents.TrainingChanged, trainer, id, detail: "deleted", ct: ct);
        return deleted == 1;
    }

    public async Task<Invitation?> InvitationAsync(Guid viewer, string? secret, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 100) return null;
        var hash = Tokens.Hash(secret);
        var training = await db.Trainings.AsNoTracking().SingleOrDefaultAsync(t => t.InviteHash == hash, ct);
        if (training is null) return null;
        var trainer = await db.Users.AsNoTracking().Where(u => u.Id == training.TrainerId).Select(u => new { u.DisplayName, u.DataKeyId }).SingleAsync(ct);
        var title = await cipher.DecryptAsync(db, trainer.DataKeyId, training.TitleCipher, Training.Table, nameof(Training.TitleCipher), training.Id, ct) ?? "";
        var joined = await db.TrainingParticipants.AnyAsync(p => p.TrainingId == training.Id && p.UserId == viewer, ct);
        return new(training.Id, title, trainer.DisplayName, training.EndsOn, training.Languages, joined, training.TrainerId == viewer, Now >= JoinClosesAt(training));
    }

    /// <summary>Joins by the invitation link's secret. The trainer cannot join their own training (their answers would sit in their own figures).</summary>
    public async Task<TrainingWrite> JoinAsync(Guid viewer, string? secret, bool countsProgress, CancellationToken ct = default)
    {
        if (await InvitationAsync(viewer, secret, ct) is not { } invitation || invitation.IsTrainer) return TrainingWrite.NotFound;
        if (invitation.AlreadyJoined) return new(TrainingWriteStatus.Done, invitation.TrainingId);
        if (invitation.Closed) return TrainingWrite.Closed;
        db.TrainingParticipants.Add(new TrainingParticipant
        {
            Id = Guid.NewGuid(), TrainingId = invitation.TrainingId, UserId = viewer, JoinedAt = Now, CountsProgress = countsProgress,
        });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            // A double click: the first one joined. Anything else is not ours to hide.
            if (!await db.TrainingParticipants.AnyAsync(p => p.TrainingId == invitation.TrainingId && p.UserId == viewer, ct)) throw;
        }
        return new(TrainingWriteStatus.Done, invitation.TrainingId);
    }

    public async Task<List<TrainingLine>> ListAsync(Guid viewer, CancellationToken ct = default)
    {
        var mine = await db.Trainings.AsNoTracking().Where(t => t.TrainerId == viewer).ToListAsync(ct);
        var joined = await (from p in db.TrainingParticipants
                            join t in db.Trainings on p.TrainingId equals t.Id
                            where p.UserId == viewer
                            select new { t, p.Id }).AsNoTracking().ToListAsync(ct);
        var now = Now;
        var waiting = await (from f in db.TrainingFollowUps
                             join p in db.TrainingParticipants on f.ParticipantId equals p.Id
                             where p.UserId == viewer && f.State == FollowUpState.Sent
                             select new { p.TrainingId, f.DueAt }).ToListAsync(ct);
        var lines = new List<TrainingLine>();
        foreach (var t in mine.Concat(joined.Select(j => j.t)).DistinctBy(t => t.Id))
        {
            var title = await TitleAsync(t, ct);
            var role = t.TrainerId == viewer ? TrainingRole.Trainer : TrainingRole.Participant;
            lines.Add(new(t.Id, title, role, t.EndsOn, waiting.Count(w => w.TrainingId == t.Id && w.DueAt + TrainingFigures.AnswerWindow > now)));
        }
        return [.. lines.OrderByDescending(l => l.EndsOn)];
    }

    /// <summary>Whether one of the person's check-ins is sent and still open (the home page's line).</summary>
    public Task<bool> WaitingAsync(Guid viewer, CancellationToken ct = default)
    {
        var openSince = Now - TrainingFigures.AnswerWindow;
        return (from f in db.TrainingFollowUps
                join p in db.TrainingParticipants on f.ParticipantId equals p.Id
                where p.UserId == viewer && f.State == FollowUpState.Sent && f.DueAt > openSince
                select f.Id).AnyAsync(ct);
    }

    private async Task<string> TitleAsync(Training t, CancellationToken ct)
    {
        var key = await db.Users.Where(u => u.Id == t.TrainerId).Select(u => u.DataKeyId).SingleAsync(ct);
        return await cipher.DecryptAsync(db, key, t.TitleCipher, Training.Table, nameof(Training.TitleCipher), t.Id, ct) ?? "";
    }

    private async Task<TrainingAgenda> AgendaAsync(Training t, Guid trainerKey, CancellationToken ct) =>
        TrainingAgenda.FromBytes(await cipher.DecryptBytesAsync(db, trainerKey, t.AgendaCipher, Training.Table, nameof(Training.AgendaCipher), t.Id, ct));

    /// <summary>The training as the viewer may see it, or null (not theirs: not found).</summary>
    /// <param name="readOthers">False where only the viewer's own part is needed (a follow-up): no one else's detail is
    /// read (nor audited as read), and no figures are counted.</param>
    public async Task<TrainingView?> ViewAsync(Guid viewer, Guid id, string language, bool readOthers = true, CancellationToken ct = default)
    {
        var training = await db.Trainings.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (training is null) return null;
        var me = await db.TrainingParticipants.AsNoTracking().SingleOrDefaultAsync(p => p.TrainingId == id && p.UserId == viewer, ct);
        if (training.TrainerId != viewer && me is null) return null;
        var trainer = await db.Users.AsNoTracking().Where(u => u.Id == training.TrainerId).Select(u => new { u.DisplayName, u.DataKeyId }).SingleAsync(ct);
        var title = await cipher.DecryptAsync(db, trainer.DataKeyId, training.TitleCipher, Training.Table, nameof(Training.TitleCipher), id, ct) ?? "";
        var agenda = await AgendaAsync(training, trainer.DataKeyId, ct);
        var second = await db.Users.Where(u => u.Id == viewer).Select(u => u.SecondLanguage).SingleAsync(ct);
        var lessons = AgendaLessons(agenda).Select(l => Describe(l, language, second)).ToList();
        var people = await PeopleAsync(id, ct);
        var champions = people.Where(p => p.Row.Champion).Select(p => p.Person).ToList();
        var role = training.TrainerId == viewer ? TrainingRole.Trainer : TrainingRole.Participant;
        ParticipantPart? participant = null;
        TrainerPart? trainerPart = null;
        if (me is not null)
        {
            var committed = await CommittedAsync(me, viewer, ct);
            var followUps = await db.TrainingFollowUps.AsNoTracking().Where(f => f.ParticipantId == me.Id).OrderBy(f => f.Round)
                .Select(f => new { f.Id, f.Round, f.DueAt, f.State }).ToListAsync(ct);
            var buddyOf = new List<SharedDetail>();
            foreach (var p in people.Where(p => readOthers && p.Row.BuddyId == me.Id && p.Row.Id != me.Id))
                buddyOf.Add(await DetailAsync(p.Row, p.Person, viewer, "training-buddy", ct));
            participant = new(me, committed,
                [.. followUps.Select(f => new FollowUpLine(f.Id, f.Round, f.DueAt, f.State, f.DueAt + TrainingFigures.AnswerWindow))],
                [.. people.Where(p => p.Row.OpenToBuddy && p.Row.Id != me.Id).Select(p => p.Person)],
                people.FirstOrDefault(p => p.Row.Id == me.BuddyId && p.Row.OpenToBuddy)?.Person, buddyOf);
        }
        if (role == TrainingRole.Trainer && readOthers)
        {
            var shared = new List<SharedDetail>();
            foreach (var p in people.Where(p => p.Row.SharesDetail))
                shared.Add(await DetailAsync(p.Row, p.Person, viewer, "training-detail", ct));
            trainerPart = new(await FiguresAsync(training, lessons, ct), shared);
        }
        return new(training, title, trainer.DisplayName, role, agenda, lessons, JoinClosesAt(training), champions, participant, trainerPart);
    }

    private static AgendaLesson Describe(Lesson lesson, string language, string? second)
    {
        var chain = LessonReading.Chain(language, second, lesson.Source);
        var head = LessonReading.Head(lesson, chain);
        return new(lesson.Id, head.Title, head.Language, lesson.Minutes, [.. lesson.Checklist.Select(item =>
        {
            var (text, lang) = LessonReading.ChecklistText(lesson, item, chain);
            return new AgendaItem(new CommittedItem(lesson.Id, item.Id).Key, text, lang, item.Essential);
        })]);
    }

    private sealed record Member(TrainingParticipant Row, TrainingPerson Person);

    private async Task<List<Member>> PeopleAsync(Guid trainingId, CancellationToken ct) =>
        [.. (await (from p in db.TrainingParticipants
                    join u in db.Users on p.UserId equals u.Id
                    where p.TrainingId == trainingId
                    select new { p, u.DisplayName }).AsNoTracking().ToListAsync(ct))
            .Select(x => new Member(x.p, new TrainingPerson(x.p.Id, x.DisplayName)))
            .OrderBy(x => x.Person.Name, StringComparer.CurrentCulture)];

    private async Task<IReadOnlySet<string>> CommittedAsync(TrainingParticipant p, Guid userId, CancellationToken ct)
    {
        if (p.CommitmentsCipher is null) return new HashSet<string>();
        var key = await db.Users.Where(u => u.Id == userId).Select(u => u.DataKeyId).SingleAsync(ct);
        var text = await cipher.DecryptAsync(db, key, p.CommitmentsCipher, TrainingParticipant.Table, nameof(TrainingParticipant.CommitmentsCipher), p.Id, ct);
        return (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<List<(TrainingFollowUp Row, FollowUpAnswer? Answer)>> AnswersAsync(TrainingParticipant p, CancellationToken ct)
    {
        var key = await db.Users.Where(u => u.Id == p.UserId).Select(u => u.DataKeyId).SingleAsync(ct);
        var rows = await db.TrainingFollowUps.AsNoTracking().Where(f => f.ParticipantId == p.Id).OrderBy(f => f.Round).ToListAsync(ct);
        var list = new List<(TrainingFollowUp, FollowUpAnswer?)>();
        foreach (var f in rows)
            list.Add((f, f.AnswerCipher is null ? null
                : FollowUpAnswer.FromBytes(await cipher.DecryptBytesAsync(db, key, f.AnswerCipher, TrainingFollowUp.Table, nameof(TrainingFollowUp.AnswerCipher), f.Id, ct))));
        return list;
    }

    /// <summary>A participant's commitments and latest states — never their notes, obstacles or what happened to them.</summary>
    private async Task<SharedDetail> DetailAsync(TrainingParticipant p, TrainingPerson person, Guid reader, string why, CancellationToken ct)
    {
        var committed = await CommittedAsync(p, p.UserId, ct);
        var answers = await AnswersAsync(p, ct);
        var latest = answers.Where(a => a.Answer is not null).Select(a => a.Answer!).LastOrDefault();
        await audit.WriteAsync(AuditEvents.SensitiveRead, reader, p.UserId, detail: why, ct: ct);
        return new(person, [.. committed.Order(StringComparer.Ordinal).Select(k => (k, latest?.Items.TryGetValue(k, out var s) == true ? s : (ProgressState?)null))]);
    }

    private async Task<TrainingFiguresView> FiguresAsync(Training training, IReadOnlyList<AgendaLesson> lessons, CancellationToken ct)
    {
        var joinClosesAt = JoinClosesAt(training);
        var plan = FollowUpPlan.Parse(training.FollowUps) ?? FollowUpPlan.Default;
        if (Now < joinClosesAt) return TrainingFigures.Compute([], [], 0, joinClosesAt, Now, []);
        var counted = new List<CountedParticipant>();
        foreach (var p in await db.TrainingParticipants.AsNoTracking().Where(p => p.TrainingId == training.Id).ToListAsync(ct))
        {
            var committed = await CommittedAsync(p, p.UserId, ct);
            var answers = await AnswersAsync(p, ct);
            counted.Add(new(committed, p.CountsProgress, answers.ToDictionary(a => a.Row.Round, a => new CountedFollowUp(a.Row.DueAt, a.Answer))));
        }
        return TrainingFigures.Compute([.. lessons.SelectMany(l => l.Items).Select(i => i.Key)], [.. lessons.Select(l => l.Id)],
            plan.Offsets.Count, joinClosesAt, Now, counted);
    }

    /// <summary>
    /// The items the participant commits to, among the agenda's checklists, while joining is open. The first commitment
    /// schedules their follow-ups at their own local morning; a round already past is left out (never sent late).
    /// </summary>
    public async Task<TrainingWrite> CommitAsync(Guid viewer, Guid trainingId, IReadOnlyList<string> items, CancellationToken ct = default)
    {
        var training = await db.Trainings.AsNoTracking().SingleOrDefaultAsync(t => t.Id == trainingId, ct);
        var me = training is null ? null : await db.TrainingParticipants.SingleOrDefaultAsync(p => p.TrainingId == trainingId && p.UserId == viewer, ct);
        if (training is null || me is null) return TrainingWrite.NotFound;
        if (Now >= JoinClosesAt(training)) return TrainingWrite.Closed;
        var trainerKey = await db.Users.Where(u => u.Id == training.TrainerId).Select(u => u.DataKeyId).SingleAsync(ct);
        var allowed = AgendaLessons(await AgendaAsync(training, trainerKey, ct))
            .SelectMany(l => l.Checklist.Select(c => new CommittedItem(l.Id, c.Id).Key)).ToHashSet(StringComparer.Ordinal);
        var chosen = items.Distinct(StringComparer.Ordinal).ToList();
        if (chosen.Count == 0) return TrainingWrite.Invalid("Items", "Training.Error.NoItems");
        if (chosen.Any(i => !allowed.Contains(i))) return TrainingWrite.Invalid("Items", "Training.Error.Unknown");
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == viewer, ct);
        me.CommitmentsCipher = await cipher.EncryptAsync(db, user.DataKeyId, string.Join('\n', chosen.Order(StringComparer.Ordinal)),
            TrainingParticipant.Table, nameof(TrainingParticipant.CommitmentsCipher), me.Id, ct);
        var first = me.CommittedAt is null;
        me.CommittedAt = Now;
        me.Version++;
        if (first)
        {
            var due = (FollowUpPlan.Parse(training.FollowUps) ?? FollowUpPlan.Default).DueTimes(training.EndsOn, user.TimeZone);
            for (var round = 0; round < due.Count; round++)
                if (due[round] > Now)
                    db.TrainingFollowUps.Add(new TrainingFollowUp { Id = Guid.NewGuid(), ParticipantId = me.Id, Round = round, DueAt = due[round] });
        }
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return TrainingWrite.Invalid("Items", "Training.Error.Changed"); }
        return new(TrainingWriteStatus.Done, trainingId);
    }

    /// <summary>The participant's own choices; a buddy must be someone of this training who is open to it.</summary>
    public async Task<TrainingWrite> ChooseAsync(Guid viewer, Guid trainingId, bool sharesDetail, bool champion, bool openToBuddy, bool countsProgress, Guid? buddy, CancellationToken ct = default)
    {
        var me = await db.TrainingParticipants.SingleOrDefaultAsync(p => p.TrainingId == trainingId && p.UserId == viewer, ct);
        if (me is null) return TrainingWrite.NotFound;
        if (buddy is { } b && (b == me.Id || !await db.TrainingParticipants.AnyAsync(p => p.Id == b && p.TrainingId == trainingId && p.OpenToBuddy, ct)))
            return TrainingWrite.Invalid("Buddy", "Training.Error.Buddy");
        var changed = me.SharesDetail != sharesDetail || me.BuddyId != buddy;
        (me.SharesDetail, me.Champion, me.OpenToBuddy, me.CountsProgress, me.BuddyId) = (sharesDetail, champion, openToBuddy, countsProgress, buddy);
        me.Version++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return TrainingWrite.Invalid("Buddy", "Training.Error.Changed"); }
        if (changed) await audit.WriteAsync(AuditEvents.SharingChanged, viewer, trainingId, detail: $"training: detail {(sharesDetail ? "shown" : "not shown")} to the trainer, buddy {(buddy is null ? "none" : "chosen")}", ct: ct);
        return new(TrainingWriteStatus.Done, trainingId);
    }

    /// <summary>A person leaves a training: their commitments, follow-ups and answers go (and their part in figures not yet shown).</summary>
    public async Task<bool> LeaveAsync(Guid viewer, Guid trainingId, CancellationToken ct = default) =>
        await db.TrainingParticipants.Where(p => p.TrainingId == trainingId && p.UserId == viewer).ExecuteDeleteAsync(ct) == 1;

    /// <summary>The lessons' threat tag and the directory's kind of help offered after something happened.</summary>
    public static (string Threat, Networks.ServiceKind Help) HelpFor(Happening h) => h switch
    {
        Happening.AccountTakenOver => ("account-takeover", Networks.ServiceKind.DigitalHelpLine),
        Happening.DeviceTaken => ("device-seizure", Networks.ServiceKind.DigitalSecurity),
        Happening.Threatened => ("violence", Networks.ServiceKind.PhysicalProtection),
        Happening.HarassedOnline => ("harassment", Networks.ServiceKind.DigitalHelpLine),
    };

    public IReadOnlyList<Lesson> LessonsFor(Happening h) =>
        [.. library.Browsable.Where(l => l.Threats.Contains(HelpFor(h).Threat)).OrderBy(l => l.Level).ThenBy(l => l.Id, StringComparer.Ordinal).Take(2)];

    public static string ObstacleName(Obstacle o) => o switch
    {
        Obstacle.Time => "time",
        Obstacle.Skills => "skills",
        Obstacle.Device => "device",
        Obstacle.Safety => "safety",
        Obstacle.Support => "support",
        Obstacle.Other => "other",
    };

    public static string HappeningName(Happening h) => h switch
    {
        Happening.AccountTakenOver => "accountTakenOver",
        Happening.DeviceTaken => "deviceTaken",
        Happening.Threatened => "threatened",
        Happening.HarassedOnline => "harassedOnline",
    };

    public static string StateName(FollowUpState s) => s switch
    {
        FollowUpState.Scheduled => "scheduled",
        FollowUpState.Sent => "waiting",
        FollowUpState.Answered => "answered",
    };

    public sealed record FollowUpView(
        TrainingFollowUp Row, Guid TrainingId, string TrainingTitle, DateTime ClosesAt, bool Open,
        IReadOnlyList<(AgendaItem Item, ProgressState? Before)> Items, FollowUpAnswer? Answer, (AgendaLesson Lesson, ShownStep Step)? Refresher);

    /// <summary>One of the viewer's own follow-ups (never anyone else's), with a refresher from the first committed item not yet done.</summary>
    public async Task<FollowUpView?> FollowUpAsync(Guid viewer, Guid followUpId, string language, CancellationToken ct = default)
    {
        var row = await (from f in db.TrainingFollowUps
                         join p in db.TrainingParticipants on f.ParticipantId equals p.Id
                         where f.Id == followUpId && p.UserId == viewer
                         select new { f, p }).AsNoTracking().SingleOrDefaultAsync(ct);
        if (row is null || row.f.State == FollowUpState.Scheduled) return null; // not yet sent: nothing to answer
        var view = await ViewAsync(viewer, row.p.TrainingId, language, readOthers: false, ct);
        if (view?.Participant is not { } part) return null;
        var answers = await AnswersAsync(row.p, ct);
        var answer = answers.FirstOrDefault(a => a.Row.Id == followUpId).Answer;
        var before = answers.Where(a => a.Row.Round < row.f.Round && a.Answer is not null).Select(a => a.Answer!).LastOrDefault();
        var items = view.Lessons.SelectMany(l => l.Items).Where(i => part.Committed.Contains(i.Key))
            .Select(i => (i, before?.Items.TryGetValue(i.Key, out var s) == true ? s : (ProgressState?)null)).ToList();
        (AgendaLesson, ShownStep)? refresher = null;
        var pending = items.FirstOrDefault(i => i.Item2 != ProgressState.Done && i.Item2 != ProgressState.NotRelevant).i ?? (items.Count > 0 ? items[0].i : null);
        if (pending is not null && CommittedItem.Parse(pending.Key) is { } key && library.Find(key.Lesson) is { } lesson)
        {
            var second = await db.Users.Where(u => u.Id == viewer).Select(u => u.SecondLanguage).SingleAsync(ct);
            var step = lesson.Steps.FirstOrDefault(s => s.Critical) ?? lesson.Steps.FirstOrDefault(s => s.Kind == StepKind.Do) ?? (lesson.Steps.Count > 0 ? lesson.Steps[0] : null);
            if (step is not null && LessonReading.Step(lesson, step, LessonReading.Chain(language, second, lesson.Source)) is { } shown)
                refresher = (view.Lessons.First(l => l.Id == lesson.Id), shown);
        }
        var closes = row.f.DueAt + TrainingFigures.AnswerWindow;
        return new(row.f, row.p.TrainingId, view.Title, closes, Now < closes, items, answer, refresher);
    }

    /// <summary>
    /// Saves the viewer's answer to one of their follow-ups while it is open (changing it is fine until it closes). Items
    /// must be the committed ones; when the person counts their progress, the agenda lessons they have finished are taken
    /// from their library progress at this moment.
    /// </summary>
    public async Task<TrainingWrite> AnswerAsync(Guid viewer, Guid followUpId, FollowUpAnswer answer, string language, CancellationToken ct = default)
    {
        if (await FollowUpAsync(viewer, followUpId, language, ct) is not { } view) return TrainingWrite.NotFound;
        if (!view.Open) return TrainingWrite.Closed;
        var committed = view.Items.Select(i => i.Item.Key).ToHashSet(StringComparer.Ordinal);
        if (answer.Items.Keys.Any(k => !committed.Contains(k)) || answer.Items.Values.Any(s => !Enum.IsDefined(s))
            || answer.Obstacles.Any(o => !Enum.IsDefined(o)) || answer.Happened.Any(h => !Enum.IsDefined(h)))
            return TrainingWrite.Invalid("Items", "Training.Error.Unknown");
        if (committed.Any(k => !answer.Items.ContainsKey(k))) return TrainingWrite.Invalid("Items", "Training.Error.AnswerEach");
        answer.Note = string.IsNullOrWhiteSpace(answer.Note) ? null : answer.Note.Trim();
        if (answer.Note is { Length: > NoteMax }) return TrainingWrite.Invalid("Note", "Training.Error.NoteLength");
        answer.Obstacles = [.. answer.Obstacles.Distinct().Order()];
        answer.Happened = [.. answer.Happened.Distinct().Order()];
        var participant = await db.TrainingParticipants.AsNoTracking().SingleAsync(p => p.Id == view.Row.ParticipantId, ct);
        answer.LessonsDone = [];
        if (participant.CountsProgress)
        {
            var book = await progress.ReadAsync(viewer, ct);
            var training = await db.Trainings.AsNoTracking().SingleAsync(t => t.Id == view.TrainingId, ct);
            var trainerKey = await db.Users.Where(u => u.Id == training.TrainerId).Select(u => u.DataKeyId).SingleAsync(ct);
            answer.LessonsDone = [.. AgendaLessons(await AgendaAsync(training, trainerKey, ct))
                .Where(l => l.Steps.Count > 0 && book.For(l.Id).DoneSteps(l) == l.Steps.Count).Select(l => l.Id)];
        }
        var key = await db.Users.Where(u => u.Id == viewer).Select(u => u.DataKeyId).SingleAsync(ct);
        var sealedAnswer = await cipher.EncryptBytesAsync(db, key, answer.ToBytes(), TrainingFollowUp.Table, nameof(TrainingFollowUp.AnswerCipher), followUpId, ct);
        var now = Now;
        var saved = await db.TrainingFollowUps.Where(f => f.Id == followUpId && f.State != FollowUpState.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.AnswerCipher, sealedAnswer).SetProperty(f => f.State, FollowUpState.Answered).SetProperty(f => f.AnsweredAt, now), ct);
        return saved == 1 ? new(TrainingWriteStatus.Done, view.TrainingId) : TrainingWrite.NotFound;
    }
}
