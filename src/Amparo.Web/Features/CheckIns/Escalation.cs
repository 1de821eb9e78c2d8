using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// Who is told, at which level, with which words, over which channels. Everything here only adds rows to the
/// context: the caller saves them in the same transaction as the state change that caused them.
/// </summary>
public sealed class Escalation(
    AmparoDbContext db, FieldCipher cipher, CheckInSecrets secrets, Notifier notifier, MessageTexts texts,
    AccountService accounts, IEnumerable<IChannelSender> senders, IOptions<CheckInOptions> options, TimeProvider clock)
{
    private readonly HashSet<ChannelKind> _configured = senders.Where(s => s.IsConfigured).Select(s => s.Channel).ToHashSet();

    public const int LastLevel = 3;

    public sealed record Channel(ChannelKind Kind, string Address, string? Secret = null);

    /// <summary>A person to tell: an account, a trusted contact, or the duty contact.</summary>
    public sealed record Target(string Key, Guid? UserId, Guid? ContactId, bool IsDuty, string Language, string Name, IReadOnlyList<Channel> Channels);

    /// <summary>Creates an alert and notifies its first level (or, for panic and duress, every level) now.</summary>
    public async Task<Alert> RaiseAsync(Guid ownerId, Visit? visit, AlertKind kind, bool drill, string? note, string? location, CancellationToken ct, bool later = false)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var owner = await db.Users.SingleAsync(u => u.Id == ownerId, ct);
        var alert = new Alert
        {
            Id = Guid.NewGuid(),
            OwnerId = ownerId,
            VisitId = visit?.Id,
            Kind = kind,
            State = AlertState.Open,
            IsDrill = drill,
            ShortCode = await FreeShortCodeAsync(ct),
            Level2DelayMinutes = visit?.Level2DelayMinutes ?? 15,
            Level3DelayMinutes = visit?.Level3DelayMinutes ?? 30,
            CreatedAt = now,
            LocationAt = location is null ? null : now,
        };
        alert.LocationCipher = await cipher.EncryptAsync(db, owner.DataKeyId, location, Alert.Table, nameof(Alert.LocationCipher), alert.Id, ct);
        alert.NoteCipher = await cipher.EncryptAsync(db, owner.DataKeyId, note, Alert.Table, nameof(Alert.NoteCipher), alert.Id, ct);
        db.Alerts.Add(alert);
        Event(alert, AlertEvents.Raised, detail: kind.ToString());
        if (later)
        {
            // The engine does the rest at once (woken by the caller): the caller's transaction stays short.
            alert.NextStepAt = now;
            return alert;
        }
        if (kind is AlertKind.Panic or AlertKind.Duress) await FanOutAsync(alert, owner, ct);
        else await StepAsync(alert, owner, ct);
        return alert;
    }

    /// <summary>Panic and duress: every level and the duty contact at once, then repeats.</summary>
    public async Task FanOutAsync(Alert alert, User owner, CancellationToken ct)
    {
        for (var level = 1; level <= LastLevel; level++) await NotifyLevelAsync(alert, owner, level, ct);
        alert.Level = LastLevel;
        await NotifyDutyAsync(alert, owner, "L3", ct);
        alert.NextStepAt = clock.GetUtcNow().UtcDateTime.AddMinutes(options.Value.RepeatEveryMinutes);
    }

    /// <summary>The next step of an open, unacknowledged alert: the next level that has anyone in it, or a repeat.</summary>
    public async Task StepAsync(Alert alert, User owner, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var first = alert.Level == 0;
        var reached = false;
        while (alert.Level < LastLevel)
        {
            alert.Level++;
            var told = await NotifyLevelAsync(alert, owner, alert.Level, ct);
            reached |= told > 0;
            if (told > 0 && alert.Level < LastLevel)
            {
                alert.NextStepAt = now.AddMinutes(alert.Level == 1 ? alert.Level2DelayMinutes : alert.Level3DelayMinutes);
                return;
            }
            if (told == 0) Event(alert, AlertEvents.NoRecipients, level: alert.Level);
        }
        // Nobody reachable at any level: the duty contact is told at once rather than after the first repeat.
        if (first && !reached) await NotifyDutyAsync(alert, owner, "L3", ct);
        alert.NextStepAt = now.AddMinutes(options.Value.RepeatEveryMinutes);
    }

    /// <summary>Every 15 minutes after the last level: remind the last level that had anyone, and the duty contact.</summary>
    public async Task RepeatAsync(Alert alert, User owner, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        alert.Repeats++;
        var step = "R" + alert.Repeats;
        var recipients = await EntitledAsync(owner.Id, await db.AlertRecipients.Where(r => r.AlertId == alert.Id && !r.IsDutyContact).ToListAsync(ct), ct);
        var lastLevel = recipients.Count == 0 ? 0 : recipients.Max(r => r.Level);
        foreach (var recipient in recipients.Where(r => r.Level == lastLevel))
        {
            var target = await TargetOfAsync(owner, recipient, ct);
            if (target is not null) await NotifyAsync(alert, owner, recipient, target, step, "Alert.Msg.Repeat", ct);
        }
        await NotifyDutyAsync(alert, owner, step, ct);
        Event(alert, AlertEvents.Repeated, level: lastLevel, detail: step);
        alert.NextStepAt = now.AddMinutes(options.Value.RepeatEveryMinutes);
    }

    /// <summary>An acknowledged alert is looked at again this often: its handler may have lost the right to respond since.</summary>
    public DateTime CheckBackAt(DateTime now) => now.AddMinutes(options.Value.RepeatEveryMinutes);

    /// <summary>
    /// When the handler of an acknowledged alert has lost the right to respond (removed, demoted, sharing ended, consent
    /// withdrawn), nobody handles it any more: it is open again and the caller escalates on. True when that happened.
    /// </summary>
    public async Task<bool> ReopenIfHandlerLostAsync(Alert alert, CancellationToken ct)
    {
        if (alert.State != AlertState.Acknowledged || alert.AcknowledgedByRecipientId is not { } by) return false;
        var handler = await db.AlertRecipients.AsNoTracking().SingleOrDefaultAsync(r => r.Id == by, ct);
        if (handler is not null && await Access.MayRespondAsync(db, clock, alert.OwnerId, handler, ct)) return false;
        alert.State = AlertState.Open;
        alert.AcknowledgedByRecipientId = null;
        alert.AcknowledgedAt = null;
        Event(alert, AlertEvents.HandlerLost, by, level: handler?.Level);
        return true;
    }

    /// <summary>
    /// Tells everyone already notified something (all-clear, who is handling it, the closing with its
    /// <paramref name="outcome"/>), except <paramref name="except"/>. The first words say what happened (<paramref name="headKey"/>).
    /// </summary>
    public async Task TellRecipientsAsync(Alert alert, string step, string headKey, string key, Guid? except, string? otherName, AlertOutcome? outcome, CancellationToken ct)
    {
        var owner = await db.Users.SingleAsync(u => u.Id == alert.OwnerId, ct);
        var recipients = await EntitledAsync(owner.Id, await db.AlertRecipients.Where(r => r.AlertId == alert.Id && r.Id != except).ToListAsync(ct), ct);
        foreach (var recipient in recipients)
        {
            var target = await TargetOfAsync(owner, recipient, ct);
            if (target is null) continue;
            var outcomeText = outcome is { } o ? texts.Text(target.Language, false, "Alert.Outcome." + o) : "";
            var text = texts.Headed(target.Language, alert.IsDrill, headKey, key, owner.DisplayName, otherName ?? "", outcomeText);
            await QueueAsync(alert, recipient, target, step, texts.AlertSubject(target.Language, alert.IsDrill, headKey, owner.DisplayName), text, ct);
        }
    }

    /// <summary>The first words of a closing message: "Closed: safe", "Closed: needs help"…</summary>
    public static string ClosedHeadKey(AlertOutcome outcome) => "Alert.Head.Closed." + outcome;

    /// <summary>Those told earlier who still have the right to respond: someone removed since hears no more (no new link, no news).</summary>
    private async Task<List<AlertRecipient>> EntitledAsync(Guid ownerId, List<AlertRecipient> recipients, CancellationToken ct)
    {
        var entitled = new List<AlertRecipient>(recipients.Count);
        foreach (var recipient in recipients)
            if (await Access.MayRespondAsync(db, clock, ownerId, recipient, ct)) entitled.Add(recipient);
        return entitled;
    }

    public void Event(Alert alert, string kind, Guid? recipientId = null, string? channel = null, int? level = null, string? detail = null) =>
        db.AlertEvents.Add(new AlertEvent
        {
            AlertId = alert.Id,
            At = clock.GetUtcNow().UtcDateTime,
            Kind = kind,
            RecipientId = recipientId,
            Channel = channel,
            Level = level,
            Detail = detail,
        });

    private async Task<int> NotifyLevelAsync(Alert alert, User owner, int level, CancellationToken ct)
    {
        var targets = await TargetsAsync(owner, level, ct);
        // A brand-new alert has no recipients in the database yet: no need to ask.
        var isNew = db.Entry(alert).State == EntityState.Added;
        var already = isNew ? [] : await db.AlertRecipients.Where(r => r.AlertId == alert.Id).Select(r => new { r.UserId, r.ContactId }).ToListAsync(ct);
        var told = 0;
        foreach (var target in targets)
        {
            // The owner is never told of their own alert, whatever their role or links: under duress that would give it away.
            if (target.UserId == owner.Id) continue;
            // Someone reached at an earlier level (a contact who is also a focal point) is not told twice.
            if (already.Any(a => (target.UserId is not null && a.UserId == target.UserId) || (target.ContactId is not null && a.ContactId == target.ContactId))) continue;
            if (db.ChangeTracker.Entries<AlertRecipient>().Any(e => e.Entity.AlertId == alert.Id
                && ((target.UserId is not null && e.Entity.UserId == target.UserId) || (target.ContactId is not null && e.Entity.ContactId == target.ContactId)))) continue;
            var recipient = NewRecipient(alert, target, level);
            await NotifyAsync(alert, owner, recipient, target, "L" + level, MessageKey(alert.Kind), ct);
            // Someone we cannot reach (no configured channel) does not make the level "told": the next level goes now.
            if (target.Channels.Any(c => _configured.Contains(c.Kind))) told++;
        }
        if (told > 0) Event(alert, AlertEvents.LevelReached, level: level, detail: told.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return told;
    }

    private async Task NotifyDutyAsync(Alert alert, User owner, string step, CancellationToken ct)
    {
        var duty = options.Value.DutyContact;
        if (!duty.IsConfigured) return;
        var target = DutyTarget();
        var recipient = await db.AlertRecipients.SingleOrDefaultAsync(r => r.AlertId == alert.Id && r.IsDutyContact, ct)
            ?? db.ChangeTracker.Entries<AlertRecipient>().Select(e => e.Entity).SingleOrDefault(r => r.AlertId == alert.Id && r.IsDutyContact)
            ?? NewRecipient(alert, target, LastLevel);
        await NotifyAsync(alert, owner, recipient, target, step, step.StartsWith('R') ? "Alert.Msg.Repeat" : MessageKey(alert.Kind), ct);
    }

    private Target DutyTarget()
    {
        var duty = options.Value.DutyContact;
        var channels = new List<Channel>();
        if (!string.IsNullOrWhiteSpace(duty.Sms)) channels.Add(new Channel(ChannelKind.Sms, duty.Sms));
        if (!string.IsNullOrWhiteSpace(duty.Email)) channels.Add(new Channel(ChannelKind.Email, duty.Email));
        return new Target("duty", null, null, true, duty.Language, duty.Name ?? "", channels);
    }

    private AlertRecipient NewRecipient(Alert alert, Target target, int level)
    {
        var recipient = new AlertRecipient
        {
            Id = Guid.NewGuid(),
            AlertId = alert.Id,
            Level = level,
            UserId = target.UserId,
            ContactId = target.ContactId,
            IsDutyContact = target.IsDuty,
            Language = target.Language,
            NotifiedAt = clock.GetUtcNow().UtcDateTime,
        };
        recipient.LinkTokenHash = Tokens.Hash(recipient.Id.ToString("N"));
        db.AlertRecipients.Add(recipient);
        return recipient;
    }

    private static string MessageKey(AlertKind kind) => kind switch
    {
        AlertKind.Panic => "Alert.Msg.Panic",
        AlertKind.Duress => "Alert.Msg.Duress",
        AlertKind.WrongPins => "Alert.Msg.WrongPins",
        AlertKind.Missed => "Alert.Msg.Missed",
    };

    private async Task NotifyAsync(Alert alert, User owner, AlertRecipient recipient, Target target, string step, string key, CancellationToken ct)
    {
        var link = texts.Url("/r/" + await secrets.LinkTokenAsync(db, LinkPurposes.Responder, recipient.Id, ct));
        // "Alert.Msg.Panic" opens with "Alert.Head.Panic" (SOS), "Alert.Msg.Repeat" with "Alert.Head.Repeat" (no answer yet)…
        var headKey = "Alert.Head." + key["Alert.Msg.".Length..];
        var text = texts.Headed(target.Language, alert.IsDrill, headKey, key, owner.DisplayName, link);
        // A visit someone else planned for the person is never passed off as their own plan.
        if (await PlannerOfAsync(alert, ct) is { } planner) text += " " + texts.Text(target.Language, false, "Alert.Msg.PlannedBy", owner.DisplayName, planner);
        await QueueAsync(alert, recipient, target, step, texts.AlertSubject(target.Language, alert.IsDrill, headKey, owner.DisplayName), text, ct);
    }

    private readonly Dictionary<Guid, string?> _planners = [];

    /// <summary>Who planned the alert's visit, when it was not its owner (a companion's part); null otherwise.</summary>
    private async Task<string?> PlannerOfAsync(Alert alert, CancellationToken ct)
    {
        if (alert.VisitId is not { } visitId) return null;
        if (_planners.TryGetValue(visitId, out var known)) return known;
        var name = await db.Visits.Where(v => v.Id == visitId && v.PlannedById != null)
            .Join(db.Users, v => v.PlannedById, u => (Guid?)u.Id, (v, u) => u.DisplayName).FirstOrDefaultAsync(ct);
        _planners[visitId] = name;
        return name;
    }

    /// <summary>
    /// One notification = one row per channel of the recipient, all written now: the first is due at once, each
    /// next one after the fallback wait. Whichever is delivered first cancels the rest (see OutboxDispatcher).
    /// </summary>
    public async Task QueueAsync(Alert alert, AlertRecipient recipient, Target target, string step, string subject, string text, CancellationToken ct)
    {
        var notification = $"alert:{alert.Id:N}:{step}:{recipient.Id:N}";
        await notifier.EnqueueAsync(db, new Notification(notification, new(NotificationSourceKind.Alert, alert.Id), NotificationPriority.Alert, target.Language,
            target.Channels.Select(c => new Destination(c.Kind, c.Address, c.Secret)).ToList(), subject, text)
        {
            AlertId = alert.Id,
            RecipientId = recipient.Id,
            IsDrill = alert.IsDrill,
            FallbackAfter = TimeSpan.FromSeconds(options.Value.FallbackAfterSeconds),
        }, ct);
        foreach (var channel in target.Channels)
            Event(alert, AlertEvents.Queued, recipient.Id, channel.Kind.ToString().ToLowerInvariant(), recipient.Level, step);
        if (target.Channels.Count == 0) Event(alert, AlertEvents.Failed, recipient.Id, level: recipient.Level, detail: "no channel");
    }

    // Per scope (one engine batch, one request): many due visits of one owner resolve their people once.
    private readonly Dictionary<(Guid Owner, int Level), List<Target>> _targets = [];

    /// <summary>The people of a level, in order, with their channels decrypted.</summary>
    public async Task<List<Target>> TargetsAsync(User owner, int level, CancellationToken ct)
    {
        if (_targets.TryGetValue((owner.Id, level), out var known)) return known;
        var found = await LoadTargetsAsync(owner, level, ct);
        _targets[(owner.Id, level)] = found;
        return found;
    }

    private async Task<List<Target>> LoadTargetsAsync(User owner, int level, CancellationToken ct)
    {
        switch (level)
        {
            case 1:
                var contacts = await db.TrustedContacts.Include(c => c.Channels)
                    .Where(c => c.OwnerId == owner.Id && c.Consent == ConsentState.Confirmed)
                    .OrderBy(c => c.Order).ToListAsync(ct);
                var list = new List<Target>();
                foreach (var contact in contacts)
                {
                    if (contact.LinkedUserId is { } linked)
                    {
                        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == linked, ct);
                        if (user is not null) list.Add(await UserTargetAsync(user, contact.Id, ct));
                        continue;
                    }
                    list.Add(await ContactTargetAsync(owner, contact, ct));
                }
                return list;
            case 2:
            case 3:
                // The owner's audience for visits and alerts (the one rule, Access.AudienceOf), split by the path each person comes by.
                var audience = await Access.AudienceOf(owner.Id, DataCategory.VisitsAndAlerts, AccessSources.Of(db, clock), PathsOfLevel(level))
                    .Where(id => id != owner.Id).ToListAsync(ct);
                return await UserTargetsAsync(audience, ct);
            default:
                return [];
        }
    }

    /// <summary>
    /// Which level tells the people of each audience path: the level a path belongs to, or null when it is nobody to tell
    /// (the owner themself — never told of their own alert, under duress that would give it away). Level 1 is the owner's
    /// trusted contacts, who are not an audience path. No default arm: a new path does not compile until it has a level.
    /// </summary>
    public static int? LevelOf(AccessPath path)
    {
        switch (path)
        {
            case AccessPath.Self:
                return null;
            // Those close to the owner: their organization's focal points, and people the owner chose by name or organization.
            case AccessPath.OrgFocalPoints:
            case AccessPath.NamedPerson:
            case AccessPath.OrganizationMembers:
            case AccessPath.AssignedStaff:
            case AccessPath.OrganizationStaff:
                return 2;
            case AccessPath.NetworkCoordinators:
                return 3;
        }
        throw new ArgumentOutOfRangeException(nameof(path), path, "Not an audience path.");
    }

    public static AccessPath[] PathsOfLevel(int level) => Enum.GetValues<AccessPath>().Where(p => LevelOf(p) == level).ToArray();

    private async Task<List<Target>> UserTargetsAsync(List<Guid> ids, CancellationToken ct)
    {
        var users = await db.Users.Where(u => ids.Contains(u.Id)).OrderBy(u => u.Id).ToListAsync(ct);
        var list = new List<Target>();
        foreach (var user in users) list.Add(await UserTargetAsync(user, null, ct));
        return list;
    }

    private async Task<Target> UserTargetAsync(User user, Guid? viaContact, CancellationToken ct)
    {
        var (phone, signal) = await accounts.ContactDetailsAsync(user, ct);
        var channels = new List<Channel>();
        if (!string.IsNullOrEmpty(user.Email)) channels.Add(new Channel(ChannelKind.Email, user.Email));
        if (phone is not null) channels.Add(new Channel(ChannelKind.Sms, phone));
        if (signal is not null) channels.Add(new Channel(ChannelKind.Signal, signal));
        return new Target("u:" + user.Id, user.Id, viaContact, false, user.Language, user.DisplayName, channels);
    }

    private async Task<Target> ContactTargetAsync(User owner, TrustedContact contact, CancellationToken ct)
    {
        var channels = new List<Channel>();
        foreach (var channel in contact.Channels.OrderBy(c => c.Order))
        {
            var address = await cipher.DecryptAsync(db, owner.DataKeyId, channel.AddressCipher, ContactChannel.Table, nameof(ContactChannel.AddressCipher), channel.Id, ct);
            var secret = await cipher.DecryptAsync(db, owner.DataKeyId, channel.SecretCipher, ContactChannel.Table, nameof(ContactChannel.SecretCipher), channel.Id, ct);
            if (address is not null) channels.Add(new Channel(channel.Kind, address, secret));
        }
        var name = await cipher.DecryptAsync(db, owner.DataKeyId, contact.NameCipher, TrustedContact.Table, nameof(TrustedContact.NameCipher), contact.Id, ct) ?? "";
        return new Target("c:" + contact.Id, null, contact.Id, false, contact.Language, name, channels);
    }

    /// <summary>The target behind an existing recipient row (for repeats and notices); null when they have gone.</summary>
    public async Task<Target?> TargetOfAsync(User owner, AlertRecipient recipient, CancellationToken ct)
    {
        if (recipient.IsDutyContact) return options.Value.DutyContact.IsConfigured ? DutyTarget() : null;
        if (recipient.UserId is { } userId)
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
            return user is null ? null : await UserTargetAsync(user, recipient.ContactId, ct);
        }
        var contact = await db.TrustedContacts.Include(c => c.Channels).SingleOrDefaultAsync(c => c.Id == recipient.ContactId && c.Consent == ConsentState.Confirmed, ct);
        return contact is null ? null : await ContactTargetAsync(owner, contact, ct);
    }

    /// <summary>The display name of a recipient, for "X is handling it" and the timeline.</summary>
    public async Task<string> NameOfAsync(AlertRecipient recipient, CancellationToken ct)
    {
        var alert = await db.Alerts.SingleAsync(a => a.Id == recipient.AlertId, ct);
        var owner = await db.Users.SingleAsync(u => u.Id == alert.OwnerId, ct);
        return (await TargetOfAsync(owner, recipient, ct))?.Name ?? "";
    }

    private async Task<int> FreeShortCodeAsync(CancellationToken ct)
    {
        var inUse = await db.Alerts.Where(a => a.State != AlertState.Resolved).Select(a => a.ShortCode).ToListAsync(ct);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var code = System.Security.Cryptography.RandomNumberGenerator.GetInt32(10, 100);
            if (!inUse.Contains(code)) return code;
        }
        for (var code = 100; ; code++) if (!inUse.Contains(code)) return code;
    }
}
