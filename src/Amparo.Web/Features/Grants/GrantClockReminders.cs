using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Grants;

/// <summary>When a duty officer is reminded of an emergency request's clock: as it runs low, and when it has run out.</summary>
public enum ClockStage { RunningLow = 1, RunOut = 2 }

/// <summary>One reminder of a request's clock, sent once: its key lets only one of two instances (or of a repeated round) commit it.</summary>
public sealed class GrantClockReminder
{
    public Guid RequestId { get; set; }
    public ClockStage Stage { get; set; }
    public DateTime SentAt { get; set; }
}

public sealed class GrantClockReminderConfiguration : IEntityTypeConfiguration<GrantClockReminder>
{
    public void Configure(EntityTypeBuilder<GrantClockReminder> builder)
    {
        builder.ToTable("GrantClockReminders");
        builder.HasKey(r => new { r.RequestId, r.Stage });
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Keeps an emergency program's promise in view (issue 14): while a sent request waits on the grantmaker (submitted or
/// in review) and its answer is due (<see cref="GrantRequests.DueAt(GrantRequest, int?)"/>), the program's duty officers
/// are told when a quarter of the clock is left (at most a day before; at least an hour) and again when it has run out —
/// or, when the program has no duty officer, its program officers, so that the promise never rests on nobody. A request
/// sent back for rework waits on the applicant, and one decided or withdrawn has no clock: neither is reminded.
/// </summary>
/// <remarks>
/// By e-mail through the shared outbox, in each officer's language and time zone, at the outbox's deadline priority.
/// The message carries the request's tracking reference, the hour and a link behind sign-in — never the applicant's
/// name or words. Once per request and stage: the <see cref="GrantClockReminder"/> row commits with the messages.
/// A worker that was down past the due time sends only the "run out" reminder.
/// </remarks>
public sealed class GrantClockReminders(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<GrantClockReminders> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "grant-clocks";
    private const int Batch = 200;

    public override string Name => WorkerName;
    // A clock is hours long: a few minutes late is fine, and a round with nothing waiting is one query.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(5);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    /// <summary>When the "running low" reminder goes: a quarter of the clock before the answer is due, between an hour and a day.</summary>
    public static DateTime RunningLowAt(DateTime dueAt, int responseHours) =>
        dueAt - TimeSpan.FromHours(Math.Clamp(responseHours / 4.0, 1, 24));

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        // Every request waiting on a grantmaker under a clock and not yet reminded of both stages, in a few plain columns:
        // emergency requests are answered within days, so they are few. The dates are compared here, with the one rule
        // of the clock (GrantRequests.DueAt).
        var waiting = await (
            from r in db.GrantRequests.AsNoTracking()
            // A draft started by SMS waits on the grantmaker too: its duty officer completes it.
            where (r.State == RequestState.Submitted || r.State == RequestState.InReview || (r.State == RequestState.Draft && r.StartedFrom == RequestOrigin.Sms))
                  && r.SubmittedAt != null && r.DecidedAt == null
            join p in db.GrantPrograms on r.ProgramId equals p.Id
            where p.ResponseHours != null
            where db.GrantClockReminders.Count(c => c.RequestId == r.Id) < 2
            select new
            {
                r.Id, r.State, r.SubmittedAt, Hours = p.ResponseHours!.Value,
                Low = db.GrantClockReminders.Any(c => c.RequestId == r.Id && c.Stage == ClockStage.RunningLow),
            }).ToListAsync(ct);

        var due = new List<(Guid Id, ClockStage Stage, DateTime DueAt)>();
        DateTime? next = null;
        foreach (var w in waiting)
        {
            if (GrantRequests.DueAt(new GrantRequest { State = w.State, SubmittedAt = w.SubmittedAt }, w.Hours) is not { } dueAt) continue;
            var low = RunningLowAt(dueAt, w.Hours);
            if (dueAt <= now) due.Add((w.Id, ClockStage.RunOut, dueAt));
            else if (!w.Low && low <= now) { due.Add((w.Id, ClockStage.RunningLow, dueAt)); next = Earliest(next, dueAt); }
            else next = Earliest(next, w.Low ? dueAt : low);
        }
        var sent = false;
        // The most pressing first; a long queue is worked through in rounds that follow at once.
        foreach (var (id, stage, dueAt) in due.OrderBy(d => d.DueAt).Take(Batch))
            sent |= await RemindAsync(db, services, id, stage, dueAt, now, ct);
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        return due.Count > Batch ? now : next;
    }

    private static DateTime? Earliest(DateTime? a, DateTime b) => a is { } x && x <= b ? x : b;

    /// <returns>True when this round queued the reminder (false: the request moved on meanwhile, or another instance sent it).</returns>
    private async Task<bool> RemindAsync(AmparoDbContext db, IServiceProvider services, Guid requestId, ClockStage stage, DateTime due, DateTime now, CancellationToken ct)
    {
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
            if (request is null || request.DecidedAt is not null
                || !(request.State is RequestState.Submitted or RequestState.InReview || (request.State == RequestState.Draft && request.StartedFrom == RequestOrigin.Sms)))
                return false;
            db.GrantClockReminders.Add(new GrantClockReminder { RequestId = requestId, Stage = stage, SentAt = now });
            // Run out with no "running low" sent (the worker was down): that one is over too.
            if (stage == ClockStage.RunOut && !await db.GrantClockReminders.AnyAsync(c => c.RequestId == requestId && c.Stage == ClockStage.RunningLow, ct))
                db.GrantClockReminders.Add(new GrantClockReminder { RequestId = requestId, Stage = ClockStage.RunningLow, SentAt = now });
            foreach (var user in await OnDutyAsync(db, request.ProgramId, request.Id, ct))
                await notifier.EnqueueAsync(db, Message(texts, user, request, stage, due), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            Logger.LogInformation("Clock reminder for grant request {RequestId} was sent by another worker", requestId);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The program's duty officers today (members of its organization); when it has none, its program officers — in
    /// either case not those who stepped aside from this request with a conflict of interest.
    /// </summary>
    public static async Task<List<User>> OnDutyAsync(AmparoDbContext db, Guid programId, Guid requestId, CancellationToken ct)
    {
        var steppedAside = SteppedAside.From(db, requestId);
        var staff = await OfficersAsync(db, programId, requestId, ct);
        var duty = staff.Where(s => s.Role == ProgramRole.DutyOfficer).ToList();
        var people = (duty.Count > 0 ? duty : staff).Select(s => s.User).ToList();
        if (people.Count == 0)
            // Nobody works on the program: its grantmaker's admins, who give the roles.
            people = await (
                from p in db.GrantPrograms
                where p.Id == programId
                join m in db.Memberships on p.OrganizationId equals m.OrganizationId
                where m.Role == OrgRole.OrgAdmin
                where !steppedAside.Contains(m.UserId)
                join u in db.Users on m.UserId equals u.Id
                select u).AsNoTracking().ToListAsync(ct);
        return [.. people.Where(u => !string.IsNullOrEmpty(u.Email)).DistinctBy(u => u.Id)];
    }

    /// <summary>The program's duty officers and program officers today, but those who stepped aside from this request.</summary>
    public static async Task<List<(ProgramRole Role, User User)>> OfficersAsync(AmparoDbContext db, Guid programId, Guid requestId, CancellationToken ct)
    {
        var steppedAside = SteppedAside.From(db, requestId);
        return [.. (await (
            from a in ProgramStaff.Current(db, programId)
            where a.Role == ProgramRole.DutyOfficer || a.Role == ProgramRole.ProgramOfficer
            where !steppedAside.Contains(a.UserId)
            join u in db.Users on a.UserId equals u.Id
            select new { a.Role, User = u }).AsNoTracking().ToListAsync(ct)).Select(x => (x.Role, x.User))];
    }

    /// <summary>
    /// To one officer on duty: a request was started by SMS and waits for them to call the person and complete it — the
    /// tracking reference and the request's address behind sign-in, nothing the person wrote.
    /// </summary>
    public static Notification StartedBySms(MessageTexts texts, User user, GrantRequest request) =>
        new($"grant-sms:{request.Id:N}:{user.Id:N}", new(NotificationSourceKind.Account, user.Id), NotificationPriority.Deadline, user.Language,
            [new Destination(ChannelKind.Email, user.Email!)], texts.Text(user.Language, false, "Grants.Mail.SmsStartedSubject"),
            texts.Text(user.Language, false, "Grants.Msg.SmsStarted", request.Reference ?? "", texts.Url(GrantRoutes.Request(request.Id))));

    /// <summary>
    /// The reminder to one officer, in their language and time zone: the tracking reference, when the answer is due and
    /// the request's address behind sign-in. Its source is the officer's account, so it goes with their account.
    /// </summary>
    public static Notification Message(MessageTexts texts, User user, GrantRequest request, ClockStage stage, DateTime due)
    {
        var culture = CultureInfo.GetCultureInfo(Cultures.IsSupported(user.Language) ? user.Language : "en");
        var when = LocalTimes.ToLocal(due, user.TimeZone).ToString("g", culture);
        var link = texts.Url(GrantRoutes.Request(request.Id));
        var (subject, text) = stage switch
        {
            ClockStage.RunningLow => ("Grants.Mail.ClockLowSubject", texts.Text(user.Language, false, "Grants.Msg.ClockLow", request.Reference ?? "", when, link)),
            ClockStage.RunOut => ("Grants.Mail.ClockOutSubject", texts.Text(user.Language, false, "Grants.Msg.ClockOut", request.Reference ?? "", when, link)),
        };
        return new Notification($"grant-clock:{request.Id:N}:{(int)stage}:{user.Id:N}", new(NotificationSourceKind.Account, user.Id),
            NotificationPriority.Deadline, user.Language, [new Destination(ChannelKind.Email, user.Email!)], texts.Text(user.Language, false, subject), text);
    }
}
