using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// Messages to the person themself, by the channel they chose: reminders before the deadline and at it (with a link to
/// check in), word that a trusted contact withdrew, that their PINs were changed, and that a companion declined a visit
/// the person planned.
/// </summary>
public sealed class Reminders(CheckInSecrets secrets, Notifier notifier, MessageTexts texts, AccountService accounts, TimeProvider clock)
{
    public async Task SendAsync(AmparoDbContext db, Visit visit, bool early, CancellationToken ct)
    {
        var owner = await db.Users.SingleAsync(u => u.Id == visit.OwnerId, ct);
        if (await OwnChannelAsync(db, owner, ct) is not { } channel) return;

        var link = texts.Url("/v/" + await secrets.LinkTokenAsync(db, LinkPurposes.Reminder, visit.Id, ct));
        var due = LocalTimes.ToLocal(visit.DeadlineAt, owner.TimeZone).ToString("t", System.Globalization.CultureInfo.GetCultureInfo(owner.Language));
        var text = early
            ? texts.Text(owner.Language, visit.IsDrill, "Reminder.Msg.Soon", due, link)
            : texts.Text(owner.Language, visit.IsDrill, "Reminder.Msg.Now", visit.GraceMinutes, link);
        var subject = texts.Text(owner.Language, visit.IsDrill, "Reminder.Mail.Subject");
        var notification = $"visit:{visit.Id:N}:{visit.DeadlineAt.Ticks}:{(early ? "soon" : "now")}";
        await notifier.EnqueueAsync(db, new Notification(notification, new(NotificationSourceKind.Visit, visit.Id), NotificationPriority.Deadline,
            owner.Language, [channel], subject, text) { IsDrill = visit.IsDrill, OnlyOnce = true }, ct);
    }

    /// <summary>
    /// Tells a person that one of their trusted contacts withdrew, and how many confirmed contacts their visits still
    /// alert — a STOP can come from anyone who knows the number, and nobody should find out at the next missed deadline.
    /// </summary>
    public async Task ContactWithdrewAsync(AmparoDbContext db, Guid ownerId, Guid contactId, CancellationToken ct)
    {
        var owner = await db.Users.SingleOrDefaultAsync(u => u.Id == ownerId, ct);
        if (owner is null || await OwnChannelAsync(db, owner, ct) is not { } channel) return;
        var left = await db.TrustedContacts.CountAsync(c => c.OwnerId == ownerId && c.Consent == ConsentState.Confirmed && c.Id != contactId, ct);
        var text = texts.Text(owner.Language, false, "Contact.Msg.Withdrew", left, texts.Url("/contacts"));
        var subject = texts.Text(owner.Language, false, "Contact.Mail.WithdrewSubject");
        await notifier.EnqueueAsync(db, new Notification($"contact-withdrew:{contactId:N}", new(NotificationSourceKind.Contact, contactId),
            NotificationPriority.Normal, owner.Language, [channel], subject, text), ct);
    }

    /// <summary>Tells whoever planned a visit that a companion declined their part (no place, no purpose: a name and a link to the visit).</summary>
    public async Task CompanionDeclinedAsync(AmparoDbContext db, Visit declined, CancellationToken ct)
    {
        if (declined.PlannedById is not { } plannerId) return;
        var planner = await db.Users.SingleOrDefaultAsync(u => u.Id == plannerId, ct);
        if (planner is null || await OwnChannelAsync(db, planner, ct) is not { } channel) return;
        var companion = await db.Users.Where(u => u.Id == declined.OwnerId).Select(u => u.DisplayName).SingleAsync(ct);
        var plannerVisit = await db.Visits.Where(v => v.GroupId == declined.GroupId && v.OwnerId == plannerId).Select(v => (Guid?)v.Id).FirstOrDefaultAsync(ct);
        var text = texts.Text(planner.Language, declined.IsDrill, "Companion.Msg.Declined", companion, texts.Url(plannerVisit is { } id ? "/visits/" + id : "/visits"));
        var subject = texts.Text(planner.Language, declined.IsDrill, "Companion.Mail.DeclinedSubject");
        await notifier.EnqueueAsync(db, new Notification($"companion-declined:{declined.Id:N}", new(NotificationSourceKind.Visit, declined.Id),
            NotificationPriority.Normal, planner.Language, [channel], subject, text) { IsDrill = declined.IsDrill }, ct);
    }

    /// <summary>
    /// Tells a person that their check-in PINs were changed (or the duress PIN removed): whoever holds their phone or
    /// session may have done it. No PIN and no link with a secret in it, only where to look.
    /// </summary>
    public async Task PinsChangedAsync(AmparoDbContext db, Guid ownerId, CancellationToken ct)
    {
        var owner = await db.Users.SingleOrDefaultAsync(u => u.Id == ownerId, ct);
        if (owner is null || await OwnChannelAsync(db, owner, ct) is not { } channel) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var at = LocalTimes.ToLocal(now, owner.TimeZone).ToString("g", System.Globalization.CultureInfo.GetCultureInfo(owner.Language));
        var text = texts.Text(owner.Language, false, "Pin.Msg.Changed", at, texts.Url("/account/check-ins"));
        var subject = texts.Text(owner.Language, false, "Pin.Mail.ChangedSubject");
        // Each change is its own notice (two changes in one clock tick must not collide).
        await notifier.EnqueueAsync(db, new Notification($"pins-changed:{ownerId:N}:{Guid.NewGuid():N}", new(NotificationSourceKind.Account, ownerId),
            NotificationPriority.Normal, owner.Language, [channel], subject, text), ct);
    }

    /// <summary>
    /// The one channel for messages to the person themself: the one they chose for reminders when they gave its
    /// number, else e-mail. Only one: a fallback would only add noise.
    /// </summary>
    private async Task<Destination?> OwnChannelAsync(AmparoDbContext db, User owner, CancellationToken ct)
    {
        var settings = await db.CheckInSettings.SingleOrDefaultAsync(s => s.UserId == owner.Id, ct);
        var (phone, signal) = await accounts.ContactDetailsAsync(owner, ct);
        var preferred = settings?.ReminderChannel ?? ChannelKind.Email;
        if (preferred == ChannelKind.Sms && phone is not null) return new(ChannelKind.Sms, phone);
        if (preferred == ChannelKind.Signal && signal is not null) return new(ChannelKind.Signal, signal);
        return string.IsNullOrEmpty(owner.Email) ? null : new(ChannelKind.Email, owner.Email);
    }
}
