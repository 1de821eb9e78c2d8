using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>A person's reminder choice as the pages and the API see it (the default when they never chose).</summary>
public sealed record ReminderChoice(ReminderRhythm Rhythm, bool ByEmail, DateTime? NextEmailAt);

/// <summary>
/// Self-check reminders at the person's rhythm: the choice, when a check is due (the home page's line), and the e-mail
/// worker (<see cref="SelfCheckReminderWorker"/>). A reminder's subject and text name no well-being ("Amparo: something is
/// waiting for you") and link to the home page, where the line leads on.
/// </summary>
public static class SelfCheckReminders
{
    public const ReminderRhythm DefaultRhythm = ReminderRhythm.Monthly;

    /// <summary>The rhythm's name at the edge (API); the inverse of <see cref="ParseRhythm"/>.</summary>
    public static string RhythmName(ReminderRhythm r) => r switch
    {
        ReminderRhythm.Off => "off",
        ReminderRhythm.TwoWeeks => "twoWeeks",
        ReminderRhythm.Monthly => "monthly",
        ReminderRhythm.Quarterly => "quarterly",
    };

    public static ReminderRhythm? ParseRhythm(string? name) =>
        Enum.GetValues<ReminderRhythm>().Cast<ReminderRhythm?>().FirstOrDefault(r => RhythmName(r!.Value) == name);

    /// <summary>When a check taken at <paramref name="from"/> is next due; null when reminders are off.</summary>
    public static DateTime? Next(ReminderRhythm rhythm, DateTime from) => rhythm switch
    {
        ReminderRhythm.Off => null,
        ReminderRhythm.TwoWeeks => from.AddDays(14),
        ReminderRhythm.Monthly => from.AddMonths(1),
        ReminderRhythm.Quarterly => from.AddMonths(3),
    };

    public static async Task<ReminderChoice> ChoiceAsync(AmparoDbContext db, Guid me, CancellationToken ct) =>
        await db.WellbeingReminders.AsNoTracking().Where(r => r.UserId == me).Select(r => new ReminderChoice(r.Rhythm, r.ByEmail, r.NextEmailAt)).SingleOrDefaultAsync(ct)
        ?? new ReminderChoice(DefaultRhythm, false, null);

    /// <summary>Saves the person's choice; the next e-mail is one rhythm after their last check (or after now, if none).</summary>
    public static async Task SetAsync(AmparoDbContext db, Guid me, ReminderRhythm rhythm, bool byEmail, DateTime now, CancellationToken ct)
    {
        var row = await db.WellbeingReminders.SingleOrDefaultAsync(r => r.UserId == me, ct);
        if (row is null) db.WellbeingReminders.Add(row = new SelfCheckReminder { UserId = me });
        var last = await db.WellbeingSelfChecks.Where(c => c.UserId == me).MaxAsync(c => (DateTime?)c.TakenAt, ct);
        row.Rhythm = rhythm;
        row.ByEmail = byEmail;
        row.NextEmailAt = byEmail ? Later(Next(rhythm, last ?? now), now) : null;
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
    }

    // A rhythm shortened after a long pause would make the e-mail due at once; the first one waits a day instead.
    private static DateTime? Later(DateTime? due, DateTime now) => due is { } d && d < now ? now.AddDays(1) : due;

    /// <summary>A check was taken (tracked, saved by the caller): the next e-mail is one rhythm later.</summary>
    internal static async Task TakenAsync(AmparoDbContext db, Guid me, DateTime now, CancellationToken ct)
    {
        var row = await db.WellbeingReminders.SingleOrDefaultAsync(r => r.UserId == me, ct);
        if (row is { ByEmail: true }) row.NextEmailAt = Next(row.Rhythm, now);
    }

    /// <summary>
    /// Whether the home page should say a self-check is waiting: the rhythm is on and one rhythm has passed since the
    /// person's last check — or, when they never took one, since they made their choice or opened their account.
    /// </summary>
    public static async Task<bool> DueAsync(AmparoDbContext db, Guid me, DateTime now, CancellationToken ct)
    {
        var choice = await db.WellbeingReminders.AsNoTracking().Where(r => r.UserId == me).Select(r => new { r.Rhythm, r.UpdatedAt }).SingleOrDefaultAsync(ct);
        var rhythm = choice?.Rhythm ?? DefaultRhythm;
        var last = await db.WellbeingSelfChecks.Where(c => c.UserId == me).MaxAsync(c => (DateTime?)c.TakenAt, ct);
        var since = last ?? choice?.UpdatedAt ?? await db.Users.Where(u => u.Id == me).Select(u => u.CreatedAt).SingleAsync(ct);
        return Next(rhythm, since) is { } due && due <= now;
    }

    /// <summary>The e-mail: no word of well-being, only that something waits, and the home page's address behind sign-in.</summary>
    public static Notification Message(MessageTexts texts, User user, DateTime dueAt) =>
        new($"wellbeing-reminder:{user.Id:N}:{dueAt.Ticks.ToString(CultureInfo.InvariantCulture)}", new(NotificationSourceKind.Account, user.Id),
            NotificationPriority.Normal, user.Language, [new Destination(ChannelKind.Email, user.Email!)],
            texts.Text(user.Language, false, "Wellbeing.Mail.Subject"), texts.Text(user.Language, false, "Wellbeing.Msg.Reminder", texts.Url("/")));
}

/// <summary>
/// Sends the self-check reminder e-mails that are due. Each is sent once per due time: the row's next time moves on in a
/// conditional update in the same transaction as the queued message, so two instances (or a round repeated after a
/// crash) send it once; the message's key (person, due time) makes a repeat a no-op in the outbox as well.
/// </summary>
public sealed class SelfCheckReminderWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<SelfCheckReminderWorker> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "wellbeing-reminders";
    private const int Batch = 50;

    public override string Name => WorkerName;
    // Reminders are weeks apart: a quarter of an hour late is fine.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(15);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var due = await db.WellbeingReminders.AsNoTracking()
            .Where(r => r.ByEmail && r.Rhythm != ReminderRhythm.Off && r.NextEmailAt != null && r.NextEmailAt <= now)
            .OrderBy(r => r.NextEmailAt).Take(Batch).Select(r => new { r.UserId, r.Rhythm, r.NextEmailAt }).ToListAsync(ct);
        var sent = false;
        foreach (var row in due)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var next = SelfCheckReminders.Next(row.Rhythm, now);
            var moved = await db.WellbeingReminders.Where(r => r.UserId == row.UserId && r.NextEmailAt == row.NextEmailAt)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextEmailAt, next), ct);
            if (moved != 1) continue; // another instance sent it, or the person changed their choice meanwhile
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == row.UserId, ct);
            if (!string.IsNullOrEmpty(user.Email))
            {
                await notifier.EnqueueAsync(db, SelfCheckReminders.Message(texts, user, row.NextEmailAt!.Value), ct);
                sent = true;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        if (due.Count == Batch) return now;
        return await db.WellbeingReminders.Where(r => r.ByEmail && r.Rhythm != ReminderRhythm.Off && r.NextEmailAt != null).MinAsync(r => r.NextEmailAt, ct);
    }
}
