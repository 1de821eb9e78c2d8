using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Trainings;

/// <summary>
/// Sends the follow-ups that are due: each one moves from scheduled to sent in a conditional update, in the same
/// transaction as its e-mail, so two instances (or a round repeated after a crash) send it once; the message's key makes a
/// repeat a no-op in the outbox as well. The e-mail names no training, no lesson and no subject — only that a short
/// check-in is waiting, behind sign-in — so a phone read by someone else tells them nothing.
/// </summary>
public sealed class TrainingFollowUpWorker(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<TrainingFollowUpWorker> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "training-follow-ups";
    private const int Batch = 50;

    public override string Name => WorkerName;
    // Follow-ups are weeks apart and due at a local morning: a quarter of an hour late is fine.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(15);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var due = await (from f in db.TrainingFollowUps
                         join p in db.TrainingParticipants on f.ParticipantId equals p.Id
                         where f.State == FollowUpState.Scheduled && f.DueAt <= now
                         orderby f.DueAt
                         select new { f.Id, f.DueAt, p.UserId }).Take(Batch).ToListAsync(ct);
        var sent = false;
        foreach (var row in due)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var moved = await db.TrainingFollowUps.Where(f => f.Id == row.Id && f.State == FollowUpState.Scheduled)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.State, FollowUpState.Sent).SetProperty(f => f.SentAt, now), ct);
            if (moved != 1) continue; // another instance sent it, or the person left the training meanwhile
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == row.UserId, ct);
            if (!string.IsNullOrEmpty(user.Email))
            {
                await notifier.EnqueueAsync(db, Message(texts, user, row.Id), ct);
                sent = true;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        if (due.Count == Batch) return now;
        return await db.TrainingFollowUps.Where(f => f.State == FollowUpState.Scheduled).MinAsync(f => (DateTime?)f.DueAt, ct);
    }

    public static Notification Message(MessageTexts texts, User user, Guid followUpId) =>
        new($"training-follow-up:{followUpId:N}", new(NotificationSourceKind.Account, user.Id), NotificationPriority.Normal, user.Language,
            [new Destination(ChannelKind.Email, user.Email!)],
            texts.Text(user.Language, false, "Training.Mail.Subject"),
            texts.Text(user.Language, false, "Training.Msg.FollowUp", texts.Url("/trainings/follow-up/" + followUpId.ToString("D", CultureInfo.InvariantCulture))));
}
