using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Notifications;

/// <summary>One of the recipient's ways to be reached. <paramref name="Secret"/>: a webhook's HMAC key.</summary>
public sealed record Destination(ChannelKind Channel, string Address, string? Secret = null);

/// <summary>What a notification is about (<see cref="NotificationSourceKind"/> and the record's id).</summary>
public readonly record struct NotificationSource(NotificationSourceKind Kind, Guid? Id)
{
    public static readonly NotificationSource None = new(NotificationSourceKind.None, null);
}

/// <summary>
/// One notification to one recipient, as a module hands it over. The texts are already in <see cref="Language"/>, the
/// recipient's own (write them with <see cref="MessageTexts.Text"/> in that language); no place, no purpose in them:
/// a name, what happened, a link to where the detail is shown to the right person.
/// </summary>
/// <param name="Key">Names this notification, unique for what it says (e.g. <c>visit:{id}:{deadline}:soon</c>): the same key queued twice is one notification.</param>
/// <param name="To">The recipient's channels in their order: the first is due at once, each next one after <see cref="FallbackAfter"/>.</param>
public sealed record Notification(
    string Key, NotificationSource Source, NotificationPriority Priority, string Language,
    IReadOnlyList<Destination> To, string Subject, string Text)
{
    /// <summary>For an SMS, when it must say something else (e.g. the reply code to send back).</summary>
    public string? SmsText { get; init; }
    public bool IsDrill { get; init; }
    /// <summary>Look first whether this key was queued already, and queue nothing then (costs a query: for steps that may repeat).</summary>
    public bool OnlyOnce { get; init; }
    public TimeSpan FallbackAfter { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Check-ins: the alert and its recipient row, for the alert's timeline and for cancelling on acknowledgement.</summary>
    public Guid? AlertId { get; init; }
    public Guid? RecipientId { get; init; }
}

/// <summary>
/// The shared way to send a notification from any module: <see cref="Notifier.EnqueueAsync"/> adds its outbox rows to the
/// caller's context, so they are saved in the caller's own transaction with the change that caused them (nothing is
/// sent for a change that was rolled back, nothing is lost for one that was committed). After the commit, call
/// <see cref="Infrastructure.Workers.WorkSignal.WakeDispatcher"/> so it goes out at once rather than at the dispatcher's next poll.
/// </summary>
public sealed class Notifier(OutboxWriter outbox, TimeProvider clock)
{
    /// <summary>
    /// Adds one row per destination (none when <paramref name="n"/> has none). With <see cref="Notification.OnlyOnce"/>,
    /// nothing when a notification with this key was saved before (false). Otherwise the same key saved twice fails the
    /// caller's commit (the idempotency key is unique): a step repeated after a crash cannot send twice.
    /// </summary>
    public async Task<bool> EnqueueAsync(AmparoDbContext db, Notification n, CancellationToken ct = default)
    {
        if (n.OnlyOnce && await db.Outbox.AnyAsync(m => m.NotificationKey == n.Key, ct)) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var language = Cultures.IsSupported(n.Language) ? n.Language : "en";
        for (var i = 0; i < n.To.Count; i++)
        {
            var to = n.To[i];
            var message = new OutboxMessage
            {
                NotificationKey = n.Key,
                ChannelIndex = i,
                SourceKind = n.Source.Kind,
                SourceId = n.Source.Id,
                Priority = n.Priority,
                Language = language,
                AlertId = n.AlertId,
                RecipientId = n.RecipientId,
                State = OutboxState.Pending,
                NextAttemptAt = now + n.FallbackAfter * i,
                IsDrill = n.IsDrill,
                CreatedAt = now,
            };
            var text = to.Channel == ChannelKind.Sms && n.SmsText is { } sms ? sms : n.Text;
            await outbox.AddAsync(db, message, new OutgoingMessage($"{n.Key}:{i}", to.Channel, to.Address, n.Subject, text, to.Secret), ct);
        }
        return true;
    }
}
