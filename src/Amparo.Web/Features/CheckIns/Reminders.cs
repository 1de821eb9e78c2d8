using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns.Delivery;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.CheckIns;

/// <summary>Reminders to the person who is out: before the deadline and at it, by the channel they chose, with a link to check in.</summary>
public sealed class Reminders(CheckInSecrets secrets, OutboxWriter outbox, MessageTexts texts, AccountService accounts, TimeProvider clock)
{
    public async Task SendAsync(AmparoDbContext db, Visit visit, bool early, CancellationToken ct)
    {
        var owner = await db.Users.SingleAsync(u => u.Id == visit.OwnerId, ct);
        var settings = await db.CheckInSettings.SingleOrDefaultAsync(s => s.UserId == owner.Id, ct);
        var (phone, signal) = await accounts.ContactDetailsAsync(owner, ct);
        var channels = new List<(ChannelKind Kind, string Address)>();
        var preferred = settings?.ReminderChannel ?? ChannelKind.Email;
        if (preferred == ChannelKind.Sms && phone is not null) channels.Add((ChannelKind.Sms, phone));
        if (preferred == ChannelKind.Signal && signal is not null) channels.Add((ChannelKind.Signal, signal));
        if (!string.IsNullOrEmpty(owner.Email)) channels.Add((ChannelKind.Email, owner.Email));
        if (channels.Count == 0) return;

        var link = texts.Url("/v/" + await secrets.LinkTokenAsync(db, LinkPurposes.Reminder, visit.Id, ct));
        var due = LocalTimes.ToLocal(visit.DeadlineAt, owner.TimeZone).ToString("t", System.Globalization.CultureInfo.GetCultureInfo(owner.Language));
        var text = early
            ? texts.Text(owner.Language, visit.IsDrill, "Reminder.Msg.Soon", due, link)
            : texts.Text(owner.Language, visit.IsDrill, "Reminder.Msg.Now", visit.GraceMinutes, link);
        var subject = texts.Text(owner.Language, visit.IsDrill, "Reminder.Mail.Subject");
        var now = clock.GetUtcNow().UtcDateTime;
        var notification = $"visit:{visit.Id:N}:{visit.DeadlineAt.Ticks}:{(early ? "soon" : "now")}";
        // Reminders use only the first channel: they are for the person themself, a fallback would only add noise.
        var (kind, address) = channels[0];
        var message = new OutboxMessage
        {
            VisitId = visit.Id,
            NotificationKey = notification,
            State = OutboxState.Pending,
            NextAttemptAt = now,
            IsDrill = visit.IsDrill,
            CreatedAt = now,
        };
        if (await db.Outbox.AnyAsync(m => m.NotificationKey == notification, ct)) return;
        await outbox.AddAsync(db, message, new OutgoingMessage(notification + ":0", kind, address, subject, text), ct);
    }
}
