using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Grants;

/// <summary>What a grantee is told of a report: that it was asked for (at once), that its day is near, that it has passed.</summary>
public enum ReportStage { Asked = 1, Soon = 2, Overdue = 3 }

/// <summary>One reminder of a report's current call, sent once: asked again, the call's rows are replaced and the reminders start over.</summary>
public sealed class GrantReportReminder
{
    public Guid RequestId { get; set; }
    public ReportStage Stage { get; set; }
    public DateOnly DueOn { get; set; }
    public DateTime SentAt { get; set; }
}

public sealed class GrantReportReminderConfiguration : IEntityTypeConfiguration<GrantReportReminder>
{
    public void Configure(EntityTypeBuilder<GrantReportReminder> builder)
    {
        builder.ToTable("GrantReportReminders");
        builder.HasKey(r => new { r.RequestId, r.Stage, r.DueOn });
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Reminds the applicant's side of a report the program officer asked for (issue 15): a week before its day (or at
/// once when asked with less than a week to go, where the "asked" notice already said so, nothing more), and once
/// the day has ended everywhere (<see cref="IsOverdue"/>) when it has not come. The messages say only that a report is due on a day, with the request's tracking
/// reference and its address behind sign-in — nothing of the grant, the fund or the amount: a message on a phone
/// someone else reads must not be a risk. Once per request, stage and due day: the row commits with the messages.
/// </summary>
public sealed class GrantReportReminders(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<GrantReportReminders> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "grant-reports";
    /// <summary>How long before the day the "soon" reminder goes.</summary>
    public const int SoonDays = 7;
    private const int Batch = 200;

    public override string Name => WorkerName;
    // Report days are days: an hour late is fine, and a round with nothing due is one query.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(30);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    /// <summary>
    /// The earliest date that is still today somewhere (UTC−12): a report's day is a calendar day with no time zone, so
    /// it is not over until it has ended everywhere — a grantee west of Greenwich is never told "it has passed" on the
    /// day itself, and an officer there may still ask for a report "by today".
    /// </summary>
    public static DateOnly EarliestToday(DateTime utcNow) => DateOnly.FromDateTime(utcNow.AddHours(-12));

    /// <summary>Whether a report due on <paramref name="dueOn"/> is overdue: its day has ended everywhere.</summary>
    public static bool IsOverdue(DateOnly dueOn, DateTime utcNow) => dueOn < EarliestToday(utcNow);

    /// <summary>The stage due for a report due on <paramref name="dueOn"/> at <paramref name="utcNow"/>, if any.</summary>
    public static ReportStage? StageOn(DateOnly dueOn, DateTime utcNow) =>
        IsOverdue(dueOn, utcNow) ? ReportStage.Overdue : DateOnly.FromDateTime(utcNow) >= dueOn.AddDays(-SoonDays) ? ReportStage.Soon : null;

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var soonFrom = DateOnly.FromDateTime(now).AddDays(SoonDays);
        // Reports still awaited whose day is near or past, and not yet reminded of that stage for that day.
        var waiting = await db.GrantRequests.AsNoTracking()
            .Where(r => r.State == RequestState.ReportDue && r.ReportDueOn != null && r.ReportDueOn <= soonFrom)
            .Select(r => new { r.Id, DueOn = r.ReportDueOn!.Value })
            .ToListAsync(ct);
        var due = new List<(Guid Id, ReportStage Stage, DateOnly DueOn)>();
        foreach (var w in waiting)
            if (StageOn(w.DueOn, now) is { } stage
                && !await db.GrantReportReminders.AnyAsync(x => x.RequestId == w.Id && x.DueOn == w.DueOn && x.Stage >= stage, ct))
                due.Add((w.Id, stage, w.DueOn));
        var sent = false;
        foreach (var (id, stage, dueOn) in due.OrderBy(d => d.DueOn).Take(Batch))
            sent |= await RemindAsync(db, services, id, stage, dueOn, now, ct);
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        // A stage changes at midnight UTC ("soon") or at noon UTC (a day ended everywhere): look again at the next of
        // them, or sooner (MaxSleep).
        return due.Count > Batch ? now : now.Date.AddHours(now.Hour < 12 ? 12 : 24);
    }

    private static async Task<bool> RemindAsync(AmparoDbContext db, IServiceProvider services, Guid requestId, ReportStage stage, DateOnly dueOn, DateTime now, CancellationToken ct)
    {
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var request = await db.GrantRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
            if (request is not { State: RequestState.ReportDue } || request.ReportDueOn != dueOn) return false;
            db.GrantReportReminders.Add(new GrantReportReminder { RequestId = requestId, Stage = stage, DueOn = dueOn, SentAt = now });
            var ask = await AskNumberAsync(db, requestId, ct);
            foreach (var person in await ApplicantSideAsync(db, request, ct))
                await notifier.EnqueueAsync(db, Message(texts, person, request, stage, ask), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            services.GetRequiredService<ILogger<GrantReportReminders>>().LogInformation("Report reminder for grant request {RequestId} was sent by another worker", requestId);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Who is told of a report: the person who asked and, for an organization's request, its admins and focal points of
    /// the day (the request is theirs too). A defender a request was made for is not: the representative reports.
    /// </summary>
    public static async Task<List<User>> ApplicantSideAsync(AmparoDbContext db, GrantRequest request, CancellationToken ct)
    {
        var people = await db.Users.AsNoTracking().Where(u => u.Id == request.ApplicantId || (request.OrganizationId != null && db.Memberships.Any(m =>
                m.OrganizationId == request.OrganizationId && m.UserId == u.Id && (m.Role == OrgRole.OrgAdmin || m.Role == OrgRole.FocalPoint))))
            .ToListAsync(ct);
        return [.. people.Where(u => !string.IsNullOrEmpty(u.Email))];
    }

    /// <summary>
    /// To the program's officers (those who did not step aside) when a report arrives: the tracking reference and the
    /// request's address behind sign-in, nothing of the report. Its key names the report's history line.
    /// </summary>
    public static async Task<List<Notification>> ReportArrivedAsync(AmparoDbContext db, MessageTexts texts, GrantRequest request, Guid entryId, CancellationToken ct)
    {
        var officers = (await GrantClockReminders.OfficersAsync(db, request.ProgramId, request.Id, ct)).Where(o => o.Role == ProgramRole.ProgramOfficer).Select(o => o.User);
        return [.. officers.Where(u => !string.IsNullOrEmpty(u.Email)).DistinctBy(u => u.Id).Select(u =>
            new Notification($"grant-report-arrived:{entryId:N}:{u.Id:N}", new(NotificationSourceKind.Account, u.Id), NotificationPriority.Normal, u.Language,
                [new Destination(ChannelKind.Email, u.Email!)], texts.Text(u.Language, false, "Grants.Mail.ReportArrivedSubject"),
                texts.Text(u.Language, false, "Grants.Msg.ReportArrived", request.Reference ?? "", texts.Url(GrantRoutes.Request(request.Id)))))];
    }

    /// <summary>How many times the report has been asked for (1 for the first call): each call's messages are its own.</summary>
    public static Task<int> AskNumberAsync(AmparoDbContext db, Guid requestId, CancellationToken ct) =>
        db.GrantRequestEntries.CountAsync(e => e.RequestId == requestId && e.Kind == RequestEntryKind.Moved && e.To == RequestState.ReportDue, ct);

    /// <summary>
    /// To one person of the applicant's side, in their language: a report is due on a day (or was due), the tracking
    /// reference and the request's address behind sign-in. Its source is their account, so it goes with their account.
    /// Its key names the call (<paramref name="ask"/>): asked again, even for the same day, the messages go again.
    /// </summary>
    public static Notification Message(MessageTexts texts, User user, GrantRequest request, ReportStage stage, int ask)
    {
        var culture = CultureInfo.GetCultureInfo(Infrastructure.Localization.Cultures.IsSupported(user.Language) ? user.Language : "en");
        var day = request.ReportDueOn?.ToString("D", culture) ?? "";
        var link = texts.Url(GrantRoutes.Request(request.Id));
        var (subject, body) = stage switch
        {
            ReportStage.Asked => ("Grants.Mail.ReportAskedSubject", "Grants.Msg.ReportAsked"),
            ReportStage.Soon => ("Grants.Mail.ReportSoonSubject", "Grants.Msg.ReportSoon"),
            ReportStage.Overdue => ("Grants.Mail.ReportOverdueSubject", "Grants.Msg.ReportOverdue"),
        };
        return new Notification($"grant-report:{request.Id:N}:{ask}:{(int)stage}:{user.Id:N}", new(NotificationSourceKind.Account, user.Id),
            NotificationPriority.Normal, user.Language, [new Destination(ChannelKind.Email, user.Email!)],
            texts.Text(user.Language, false, subject), texts.Text(user.Language, false, body, request.Reference ?? "", day, link));
    }
}
