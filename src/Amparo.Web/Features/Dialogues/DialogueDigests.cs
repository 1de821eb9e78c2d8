using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// The daily e-mail to each participant who asked for it, in their language, after <see cref="Hour"/> in their own time
/// zone: the titles of the threads that opened or had new posts the day before, and a link behind sign-in. Never a
/// post's words or an author's name. Sent at the lowest priority (an alert never waits behind it).
/// </summary>
/// <remarks>
/// The worker is the one place besides the server admin's command that turns a pseudonym back into an account (to find
/// the address, language and zone). The message's key names the dialogue, the day and the account, never the
/// pseudonym's row, so the outbox does not link the two either. Once per day: <see cref="DialogueParticipant.DigestedUntil"/>
/// moves in the transaction that queues the message, and the key is unique.
/// </remarks>
public sealed class DialogueDigests(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<DialogueDigests> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "dialogue-digests";
    /// <summary>The local hour from which the day's digest goes.</summary>
    public const int Hour = 7;

    public override string Name => WorkerName;
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(15);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var pseudonyms = services.GetRequiredService<DialoguePseudonyms>();
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        var now = Clock.GetUtcNow().UtcDateTime;
        // Live dialogues, and those that ended in the last two days: the last day's news reaches people in every zone.
        var dialogues = await db.Dialogues.AsNoTracking()
            .Where(d => d.Stage == DialogueStage.Open && d.StartsAt <= now && d.EndsAt > now.AddDays(-2)).ToListAsync(ct);
        var sent = false;
        foreach (var dialogue in dialogues)
        {
            var dayAgo = now.AddDays(-1);
            var due = await db.DialogueParticipants.AsNoTracking()
                .Where(p => p.DialogueId == dialogue.Id && p.Digest && p.OwnerCipher != null && (p.DigestedUntil == null || p.DigestedUntil <= dayAgo))
                .ToListAsync(ct);
            foreach (var participant in due)
                sent |= await DigestAsync(db, pseudonyms, notifier, texts, dialogue, participant, now, ct);
        }
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        return null;
    }

    private async Task<bool> DigestAsync(AmparoDbContext db, DialoguePseudonyms pseudonyms, Notifier notifier, MessageTexts texts, Dialogue dialogue,
        DialogueParticipant participant, DateTime now, CancellationToken ct)
    {
        if (await pseudonyms.OwnerAsync(participant, ct) is not { } userId) return false;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return false;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(LocalTimes.ZoneName(user.TimeZone));
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        if (local.Hour < Hour) return false;
        var todayStart = DialogueViews.StartOfDayUtc(DateOnly.FromDateTime(local), zone);
        var since = participant.DigestedUntil ?? participant.JoinedAt;
        if (since >= todayStart) return false;

        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var row = await db.DialogueParticipants.SingleAsync(p => p.Id == participant.Id, ct);
            if (row.DigestedUntil >= todayStart) return false; // another instance did it meanwhile
            row.DigestedUntil = todayStart;
            var moved = await db.DialogueThreads.AsNoTracking()
                .Where(t => t.DialogueId == dialogue.Id && t.OpensAt < todayStart
                    && (t.OpensAt >= since || db.DialoguePosts.Any(p => p.ThreadId == t.Id && !p.Preparation && p.State == PostState.Shown && p.ShownAt >= since && p.ShownAt < todayStart)))
                .OrderBy(t => t.Position).Select(t => t.Title).ToListAsync(ct);
            var queued = moved.Count > 0 && !string.IsNullOrEmpty(user.Email)
                && await notifier.EnqueueAsync(db, Message(texts, user, dialogue.Id, DateOnly.FromDateTime(local), moved), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return queued;
        }
        catch (DbUpdateException)
        {
            Logger.LogInformation("A dialogue digest was queued by another worker");
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The digest to one person: thread titles and the dialogue's address behind sign-in, nothing else.</summary>
    public static Notification Message(MessageTexts texts, User user, Guid dialogueId, DateOnly day, IReadOnlyList<string> threadTitles)
    {
        var link = texts.Url("/dialogues/" + dialogueId);
        var lines = string.Join("\n", threadTitles.Select(t => "• " + t));
        return new Notification($"dialogue-digest:{dialogueId:N}:{day:yyyyMMdd}:{user.Id:N}", new(NotificationSourceKind.Account, user.Id),
            NotificationPriority.Digest, user.Language, [new Destination(ChannelKind.Email, user.Email!)],
            texts.Text(user.Language, false, "Dialogues.Mail.DigestSubject"),
            texts.Text(user.Language, false, "Dialogues.Msg.DigestIntro") + "\n" + lines + "\n\n" + texts.Text(user.Language, false, "Dialogues.Msg.DigestLink", link))
        { OnlyOnce = true };
    }
}
