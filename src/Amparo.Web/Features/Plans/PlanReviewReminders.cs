using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Plans;

/// <summary>
/// Reminds the people who keep a plan that its review is coming: once a week before the review date
/// (<see cref="SoonBefore"/>) and once when it comes — whatever made it due (the schedule, "the context changed", an
/// alert). A person's plan: the person; an organization's plan: its admins and focal points, as the audience rule
/// names them that day. By e-mail through the shared outbox, and in Amparo (the plans list and the plan page show the
/// review as due). The message names no plan and says nothing of it: "a plan review is due" and a link behind sign-in.
/// </summary>
/// <remarks>
/// Once per review date and stage: a <see cref="PlanReviewReminder"/> row is inserted in the same transaction as the
/// queued messages, and its key (plan, date, stage) lets only one of two instances (or of a round repeated after a
/// crash) commit. A review date set less than a week ahead gets its "coming up" reminder at once; one already past
/// (the context changed, an alert) gets only the reminder on the day, at once.
/// </remarks>
public sealed class PlanReviewReminders(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<PlanReviewReminders> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "plan-reviews";
    /// <summary>How long before the review date the first reminder goes.</summary>
    public static readonly TimeSpan SoonBefore = TimeSpan.FromDays(7);
    private const int Batch = 50;

    public override string Name => WorkerName;
    // Reviews are days apart: a quarter of an hour late is fine, and the round is cheap when nothing is due.
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(15);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromMinutes(1);

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var notifier = services.GetRequiredService<Notifier>();
        var texts = services.GetRequiredService<MessageTexts>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var horizon = now + SoonBefore;

        // Due for a reminder: within the week and not reminded at this stage for this date. Before the date any row
        // counts (the "coming up" one); from the date on only the one on the day does.
        var due = await db.SecurityPlans.AsNoTracking()
            .Where(p => p.NextReviewAt <= horizon)
            .Where(p => !db.PlanReviewReminders.Any(r => r.PlanId == p.Id && r.ReviewAt == p.NextReviewAt && (r.Stage == ReviewReminderStage.Due || p.NextReviewAt > now)))
            .OrderBy(p => p.NextReviewAt)
            .Select(p => new { p.Id, p.OwnerUserId, p.OwnerOrganizationId, p.NextReviewAt })
            .Take(Batch)
            .ToListAsync(ct);

        var sent = false;
        foreach (var plan in due)
        {
            var stage = plan.NextReviewAt <= now ? ReviewReminderStage.Due : ReviewReminderStage.Soon;
            sent |= await RemindAsync(db, notifier, texts, plan.Id, plan.OwnerUserId, plan.OwnerOrganizationId, plan.NextReviewAt, stage, now, ct);
        }
        if (sent) services.GetRequiredService<WorkSignal>().WakeDispatcher();
        if (due.Count == Batch) return now;

        var nextSoon = await db.SecurityPlans.Where(p => p.NextReviewAt > horizon).Select(p => (DateTime?)p.NextReviewAt).MinAsync(ct);
        var nextDue = await db.SecurityPlans.Where(p => p.NextReviewAt > now && p.NextReviewAt <= horizon).Select(p => (DateTime?)p.NextReviewAt).MinAsync(ct);
        DateTime? next = nextSoon is { } s ? s - SoonBefore : null;
        if (nextDue is { } d && (next is null || d < next)) next = d;
        return next;
    }

    /// <returns>True when this round queued the reminder (false: the date moved meanwhile, or another instance sent it).</returns>
    private async Task<bool> RemindAsync(AmparoDbContext db, Notifier notifier, MessageTexts texts, Guid planId, Guid? person, Guid? organization,
        DateTime reviewAt, ReviewReminderStage stage, DateTime now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // The date may have moved since the query (reviewed meanwhile): remind only for the date the plan still has.
            if (!await db.SecurityPlans.AnyAsync(p => p.Id == planId && p.NextReviewAt == reviewAt, ct)) return false;
            db.PlanReviewReminders.Add(new PlanReviewReminder { PlanId = planId, ReviewAt = reviewAt, Stage = stage, SentAt = now });
            var recipients = organization is { } org
                ? Access.AudienceOf(org, DataCategory.OrganizationSecurityPlan, AccessSources.Of(db, Clock), AccessPath.OrganizationStaff)
                : db.Users.Where(u => u.Id == person).Select(u => u.Id);
            var people = await db.Users.AsNoTracking().Where(u => recipients.Contains(u.Id)).ToListAsync(ct);
            foreach (var user in people.Where(u => !string.IsNullOrEmpty(u.Email)))
                await notifier.EnqueueAsync(db, Message(texts, user, planId, reviewAt, stage), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance inserted the same reminder first: it sends it, this one sends nothing.
            Logger.LogInformation("Review reminder for plan {PlanId} was sent by another worker", planId);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The reminder to one person, in their language: no plan title, no content, only that a review is due (or on which
    /// day) and the plan's address behind sign-in. Its source is the recipient's account, so it goes with their account.
    /// </summary>
    public static Notification Message(MessageTexts texts, User user, Guid planId, DateTime reviewAt, ReviewReminderStage stage)
    {
        var link = texts.Url("/plans/" + planId);
        var culture = CultureInfo.GetCultureInfo(Cultures.IsSupported(user.Language) ? user.Language : "en");
        var (subject, text) = stage switch
        {
            ReviewReminderStage.Soon => (texts.Text(user.Language, false, "Plans.Mail.ReviewSoonSubject"),
                texts.Text(user.Language, false, "Plans.Msg.ReviewSoon", LocalTimes.ToLocal(reviewAt, user.TimeZone).ToString("d", culture), link)),
            ReviewReminderStage.Due => (texts.Text(user.Language, false, "Plans.Mail.ReviewDueSubject"), texts.Text(user.Language, false, "Plans.Msg.ReviewDue", link)),
        };
        return new Notification($"plan-review:{planId:N}:{reviewAt.Ticks}:{(int)stage}:{user.Id:N}", new(NotificationSourceKind.Account, user.Id),
            NotificationPriority.Normal, user.Language, [new Destination(ChannelKind.Email, user.Email!)], subject, text);
    }
}
