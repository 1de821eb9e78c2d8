using Amparo.Web.Infrastructure.Workers;
using System.Globalization;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.CheckIns;

/// <summary>How a person proves it is them: the PIN, or a page in a freshly signed-in session.</summary>
public sealed record Proof(string? Pin, bool FreshSession);

/// <summary>
/// What proves that a PIN change is the person's own: their current PIN (the duress PIN works alike, and silently
/// alerts), or their passphrase typed with the change (checked by the page), or — only when they have no PIN yet — a
/// freshly signed-in session. A session or a token alone never changes a PIN that exists.
/// </summary>
public sealed record PinChangeProof(string? CurrentPin, bool PassphraseChecked, bool FreshSession);

/// <summary>Locked: PIN entry on the visit stopped after too many wrong PINs; the same answer for every PIN until the owner unlocks it.</summary>
public enum ActionStatus { Done, WrongPin, NotFound, NeedsPin, TooLong, Closed, Invalid, Locked }

/// <summary>How a panic cancel ended. <see cref="Locked"/>: too many wrong PINs on this alert; only the people told can close it now.</summary>
public enum CancelStatus { Done, NotFound, Closed, WrongPin, NeedsPin, Locked }

/// <summary>What a person plans. Times are UTC instants.</summary>
public sealed record VisitPlan(
    string? Place, string? Purpose, string? Needs, double? Latitude, double? Longitude,
    DateTime? StartsAt, DateTime DueAt, int? CheckInEveryMinutes, int? GraceMinutes, string? Message,
    IReadOnlyList<Guid>? Companions = null, int? Level2DelayMinutes = null, int? Level3DelayMinutes = null);

/// <summary>A visit with its details decrypted, for its owner (and, through the responder page, for responders).</summary>
public sealed record VisitDetails(
    Guid Id, Guid OwnerId, VisitState State, VisitOutcome? Outcome, bool IsDrill, DateTime StartsAt, DateTime DueAt, DateTime DeadlineAt,
    int GraceMinutes, int? CheckInEveryMinutes, string? Place, string? Purpose, string? Needs, double? Latitude, double? Longitude,
    string? Message, DateTime? LastCheckInAt, DateTime CreatedAt, DateTime? ClosedAt, Guid GroupId, bool PinLocked = false, string? PlannedBy = null);

/// <summary>A companion's answer to a visit planned for them; <see cref="Invited"/>: not answered yet.</summary>
public enum CompanionReply { Invited, Accepted, Declined }

/// <summary>A companion of a visit I planned, and their answer.</summary>
public sealed record CompanionAnswer(string Name, CompanionReply Answer);

/// <summary>
/// A person's visits and everything they do to them: plan, check in, extend, close, panic. A duress PIN is treated
/// exactly like the normal one in every answer and in the visit afterwards; the only difference is the alert it
/// raises, which its owner never sees.
/// </summary>
public sealed class CheckInService(
    AmparoDbContext db, FieldCipher cipher, CheckInSecrets secrets, CommitBatcher batcher, WorkSignal signal, Reminders reminders,
    AuditLog audit, FactDispatcher facts, IOptions<CheckInOptions> options, TimeProvider clock, ILogger<CheckInService> logger)
{
    public const int MaxNote = 500, MaxText = 200, MaxNeeds = 500, MaxMessage = 1000, MaxCompanions = 10;
    /// <summary>Wrong PINs in a row that raise the wrong-PIN alert.</summary>
    public const int WrongPinsForAlert = 3;
    /// <summary>
    /// Wrong PINs in all (until the right one) after which a visit takes no PIN until its owner unlocks it with the
    /// passphrase; the same limit applies to the current PIN given to change the PINs. Kept in the database, so neither
    /// a new address nor a restart gives a guesser more.
    /// </summary>
    public const int PinTries = 5;
    /// <summary>Wrong PINs after which a panic can no longer be cancelled by PIN (only the people told can close it).</summary>
    public const int MaxCancelTries = 3;
    /// <summary>Locked and LockedDuress: the visit takes no PIN; both answer alike, only the silent alert differs.</summary>
    private enum PinCheck { Normal, Duress, Wrong, Missing, Locked, LockedDuress }

    // ---- planning ----

    public async Task<(Visit? Visit, Dictionary<string, string> Errors)> PlanAsync(Guid ownerId, VisitPlan plan, bool drill = false, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = await SettingsAsync(ownerId, ct);
        if (drill)
            plan = plan with { StartsAt = now, DueAt = now.AddMinutes(options.Value.DrillMinutes), GraceMinutes = 1, CheckInEveryMinutes = null, Level2DelayMinutes = 2, Level3DelayMinutes = 2 };
        var errors = Validate(plan, now);
        var companions = (plan.Companions ?? []).Distinct().Where(c => c != ownerId).ToList();
        if (companions.Count > MaxCompanions) errors["Companions"] = "Visit.Error.Companions";
        else if (companions.Count > 0)
        {
            var myOrgs = db.Memberships.Where(m => m.UserId == ownerId).Select(m => m.OrganizationId);
            var known = await db.Memberships.Where(m => companions.Contains(m.UserId) && myOrgs.Contains(m.OrganizationId)).Select(m => m.UserId).Distinct().CountAsync(ct);
            if (known != companions.Count) errors["Companions"] = "Visit.Error.Companions";
        }
        if (errors.Count > 0) return (null, errors);

        var groupId = Guid.NewGuid();
        Visit? mine = null;
        foreach (var person in companions.Prepend(ownerId))
        {
            var personSettings = person == ownerId ? settings : await SettingsAsync(person, ct);
            // A companion's part is an invitation until they accept it: nobody is told anything in their name before.
            var visit = await NewVisitAsync(person, groupId, plan, personSettings, drill, now, ct, plannedBy: person == ownerId ? null : ownerId);
            mine ??= visit;
        }
        await db.SaveChangesAsync(ct);
        signal.WakeEngine();
        return (mine, errors);
    }

    private static Dictionary<string, string> Validate(VisitPlan plan, DateTime now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (TooLong(plan.Place, MaxText)) errors["Place"] = "Visit.Error.TooLong";
        if (TooLong(plan.Purpose, MaxText)) errors["Purpose"] = "Visit.Error.TooLong";
        if (TooLong(plan.Needs, MaxNeeds)) errors["Needs"] = "Visit.Error.TooLong";
        if (TooLong(plan.Message, MaxMessage)) errors["Message"] = "Visit.Error.TooLong";
        if (!CoordinatesValid(plan.Latitude, plan.Longitude)) errors["Coordinates"] = "Visit.Error.Coordinates";
        var starts = plan.StartsAt ?? now;
        if (plan.DueAt <= now || plan.DueAt > now.AddDays(14)) errors["DueAt"] = "Visit.Error.DueAt";
        else if (starts > plan.DueAt || starts < now.AddDays(-1)) errors["StartsAt"] = "Visit.Error.StartsAt";
        if (plan.CheckInEveryMinutes is < 5 or > 24 * 60) errors["CheckInEveryMinutes"] = "Visit.Error.Every";
        if (plan.GraceMinutes is < 0 or > 240) errors["GraceMinutes"] = "Visit.Error.Grace";
        if (plan.Level2DelayMinutes is < 0 or > 240 || plan.Level3DelayMinutes is < 0 or > 240) errors["Delays"] = "Visit.Error.Delays";
        return errors;
    }

    public static bool TextAcceptable(string? value, int max) => !TooLong(value, max);

    private static bool TooLong(string? value, int max) => value is not null && (value.Length > max || value.Any(c => char.IsControl(c) && c is not '\n' and not '\r'));

    public static bool CoordinatesValid(double? latitude, double? longitude) =>
        (latitude is null && longitude is null)
        || (latitude is { } lat && longitude is { } lon && double.IsFinite(lat) && double.IsFinite(lon) && lat is >= -90 and <= 90 && lon is >= -180 and <= 180);

    private async Task<Visit> NewVisitAsync(Guid ownerId, Guid groupId, VisitPlan plan, CheckInSettings settings, bool drill, DateTime now, CancellationToken ct, Guid? plannedBy = null)
    {
        var keyId = await db.Users.Where(u => u.Id == ownerId).Select(u => u.DataKeyId).SingleAsync(ct);
        var starts = plan.StartsAt ?? now;
        var visit = new Visit
        {
            Id = Guid.NewGuid(),
            OwnerId = ownerId,
            GroupId = groupId,
            PlannedById = plannedBy,
            IsDrill = drill,
            State = starts > now ? VisitState.Planned : VisitState.Active,
            StartsAt = starts,
            DueAt = plan.DueAt,
            OriginalDueAt = plan.DueAt,
            GraceMinutes = plan.GraceMinutes ?? settings.DefaultGraceMinutes,
            CheckInEveryMinutes = plan.CheckInEveryMinutes,
            ReminderMinutesBefore = settings.ReminderMinutesBefore,
            Level2DelayMinutes = plan.Level2DelayMinutes ?? settings.Level2DelayMinutes,
            Level3DelayMinutes = plan.Level3DelayMinutes ?? settings.Level3DelayMinutes,
            CreatedAt = now,
        };
        visit.PlaceCipher = await Seal(keyId, Clean(plan.Place), visit.Id, nameof(Visit.PlaceCipher), ct);
        visit.PurposeCipher = await Seal(keyId, Clean(plan.Purpose), visit.Id, nameof(Visit.PurposeCipher), ct);
        visit.NeedsCipher = await Seal(keyId, Clean(plan.Needs), visit.Id, nameof(Visit.NeedsCipher), ct);
        visit.MessageCipher = await Seal(keyId, Clean(plan.Message), visit.Id, nameof(Visit.MessageCipher), ct);
        visit.CoordinatesCipher = await Seal(keyId, Coordinates(plan.Latitude, plan.Longitude), visit.Id, nameof(Visit.CoordinatesCipher), ct);
        visit.ReminderTokenHash = Tokens.Hash(visit.Id.ToString("N"));
        if (plannedBy is not null)
        {
            visit.State = VisitState.Invited;
            visit.DeadlineAt = VisitSchedule.Deadline(visit);
            visit.NextActionAt = VisitSchedule.NextAction(visit);
        }
        else if (visit.State == VisitState.Planned)
        {
            visit.DeadlineAt = VisitSchedule.Deadline(visit);
            visit.NextActionAt = visit.StartsAt;
        }
        else VisitSchedule.Reschedule(visit, now);
        db.Visits.Add(visit);
        return visit;
    }

    // ---- invitations (a companion's part) ----

    /// <summary>
    /// The companion accepts (their part starts now, or at the planned start if later, and is watched like their own
    /// visit) or declines (closed, the planner's words removed, the planner told). Only the companion, only while invited.
    /// </summary>
    public async Task<ActionStatus> AnswerInvitationAsync(Guid userId, Guid visitId, bool accept, CancellationToken ct = default)
    {
        var visit = await db.Visits.SingleOrDefaultAsync(v => v.Id == visitId && v.OwnerId == userId && v.PlannedById != null, ct);
        if (visit is null) return ActionStatus.NotFound;
        if (visit.State != VisitState.Invited) return ActionStatus.Closed;
        var now = clock.GetUtcNow().UtcDateTime;
        if (accept && now < visit.DueAt)
        {
            if (visit.StartsAt < now) visit.StartsAt = now;
            if (visit.StartsAt > now)
            {
                visit.State = VisitState.Planned;
                visit.DeadlineAt = VisitSchedule.Deadline(visit);
                visit.NextActionAt = visit.StartsAt;
            }
            else
            {
                visit.State = VisitState.Active;
                VisitSchedule.Reschedule(visit, now);
            }
        }
        else
        {
            Decline(visit, now);
            if (!accept) await reminders.CompanionDeclinedAsync(db, visit, ct);
        }
        visit.Version++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return ActionStatus.Closed; } // the engine let it lapse at the same moment
        if (accept) signal.WakeEngine();
        else signal.WakeDispatcher();
        // Accepting after the return time lapses the invitation instead.
        return accept && visit.State == VisitState.Closed ? ActionStatus.Closed : ActionStatus.Done;
    }

    /// <summary>Ends an invitation not taken up: declined, or still unanswered at the return time. The planner's words about it go.</summary>
    public static void Decline(Visit visit, DateTime now)
    {
        Close(visit, VisitOutcome.Declined, now);
        visit.PlaceCipher = visit.PurposeCipher = visit.NeedsCipher = visit.CoordinatesCipher = visit.MessageCipher = null;
    }

    /// <summary>The companions of a visit I planned, with their answers (for my visit page).</summary>
    public async Task<List<CompanionAnswer>> CompanionsAsync(Guid plannerId, Guid groupId, CancellationToken ct = default)
    {
        var rows = await (from v in db.Visits.AsNoTracking()
                          join u in db.Users on v.OwnerId equals u.Id
                          where v.GroupId == groupId && v.PlannedById == plannerId
                          orderby u.DisplayName
                          select new { u.DisplayName, v.State, v.Outcome }).ToListAsync(ct);
        return rows.Select(r => new CompanionAnswer(r.DisplayName,
            r.State == VisitState.Invited ? CompanionReply.Invited : r.Outcome == VisitOutcome.Declined ? CompanionReply.Declined : CompanionReply.Accepted)).ToList();
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static string? Coordinates(double? latitude, double? longitude) =>
        latitude is { } lat && longitude is { } lon ? string.Create(CultureInfo.InvariantCulture, $"{lat:0.######},{lon:0.######}") : null;

    public static (double? Latitude, double? Longitude) ParseCoordinates(string? value)
    {
        if (value is null) return (null, null);
        var parts = value.Split(',');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private Task<byte[]?> Seal(Guid keyId, string? value, Guid rowId, string column, CancellationToken ct) =>
        cipher.EncryptAsync(db, keyId, value, Visit.Table, column, rowId, ct);

    // ---- reading ----

    /// <summary>The owner's own visit; null for anyone else's (callers answer 404).</summary>
    public async Task<VisitDetails?> GetAsync(Guid ownerId, Guid visitId, CancellationToken ct = default)
    {
        var visit = await db.Visits.AsNoTracking().SingleOrDefaultAsync(v => v.Id == visitId && v.OwnerId == ownerId, ct);
        return visit is null ? null : await DetailsAsync(visit, ct);
    }

    public async Task<List<VisitDetails>> ListAsync(Guid ownerId, VisitState? state, int take = 50, CancellationToken ct = default)
    {
        var query = db.Visits.AsNoTracking().Where(v => v.OwnerId == ownerId);
        if (state is { } s) query = query.Where(v => v.State == s);
        var visits = await query.OrderByDescending(v => v.CreatedAt).Take(take).ToListAsync(ct);
        var list = new List<VisitDetails>(visits.Count);
        foreach (var visit in visits) list.Add(await DetailsAsync(visit, ct));
        return list;
    }

    /// <summary>The most urgent open visit (for SMS commands and the panic button).</summary>
    public Task<Visit?> CurrentVisitAsync(Guid ownerId, CancellationToken ct = default) =>
        db.Visits.AsNoTracking().Where(v => v.OwnerId == ownerId && v.State != VisitState.Closed && v.State != VisitState.Planned && v.State != VisitState.Invited)
            .OrderBy(v => v.DeadlineAt).FirstOrDefaultAsync(ct);

    public async Task<VisitDetails> DetailsAsync(Visit visit, CancellationToken ct = default)
    {
        var keyId = await db.Users.Where(u => u.Id == visit.OwnerId).Select(u => u.DataKeyId).SingleAsync(ct);
        async Task<string?> Open(byte[]? value, string column) => await cipher.DecryptAsync(db, keyId, value, Visit.Table, column, visit.Id, ct);
        var (lat, lon) = ParseCoordinates(await Open(visit.CoordinatesCipher, nameof(Visit.CoordinatesCipher)));
        return new VisitDetails(visit.Id, visit.OwnerId, visit.State, visit.Outcome, visit.IsDrill,
            visit.StartsAt, visit.DueAt, visit.DeadlineAt, visit.GraceMinutes, visit.CheckInEveryMinutes,
            await Open(visit.PlaceCipher, nameof(Visit.PlaceCipher)), await Open(visit.PurposeCipher, nameof(Visit.PurposeCipher)),
            await Open(visit.NeedsCipher, nameof(Visit.NeedsCipher)), lat, lon, await Open(visit.MessageCipher, nameof(Visit.MessageCipher)),
            visit.LastCheckInAt, visit.CreatedAt, visit.ClosedAt, visit.GroupId, visit.PinLockedAt is not null && visit.State != VisitState.Closed,
            visit.PlannedById is { } planner ? await db.Users.Where(u => u.Id == planner).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) : null);
    }

    /// <summary>A visit's state as the API and the page's CSS class spell it (the edge; inside, it stays a <see cref="VisitState"/>).</summary>
    public static string StateName(VisitState state) => state switch
    {
        VisitState.Planned => "planned",
        VisitState.Active => "active",
        VisitState.Overdue => "overdue",
        VisitState.Alerting => "alerting",
        VisitState.Closed => "closed",
        VisitState.Invited => "invited",
    };

    /// <summary>A visit's outcome as the API spells it.</summary>
    public static string OutcomeName(VisitOutcome outcome) => outcome switch
    {
        VisitOutcome.Safe => "safe",
        VisitOutcome.CheckedInLate => "checked-in-late",
        VisitOutcome.Cancelled => "cancelled",
        VisitOutcome.ClosedByResponder => "closed-by-responder",
        VisitOutcome.Declined => "declined",
    };

    // ---- PINs ----

    public async Task<CheckInSettings> SettingsAsync(Guid userId, CancellationToken ct = default) =>
        await db.CheckInSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, ct) ?? new CheckInSettings { UserId = userId };

    public async Task<bool> HasPinAsync(Guid userId, CancellationToken ct = default) =>
        await db.CheckInSettings.AnyAsync(s => s.UserId == userId && s.PinHash != null, ct);

    /// <summary>
    /// Sets the check-in PIN and the duress PIN (4–12 digits, different from each other; an empty duress PIN removes it)
    /// once <paramref name="proof"/> holds (see <see cref="PinChangeProof"/>). Wrong current PINs count, and after
    /// <see cref="PinTries"/> only the passphrase is taken. A change of an existing PIN is told to the person by their
    /// reminder channel. Field → resource key of the problem; nothing changed then.
    /// </summary>
    public async Task<Dictionary<string, string>> SetPinsAsync(Guid userId, string? pin, string? duressPin, PinChangeProof proof, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!CheckInSecrets.IsPinShaped(pin)) errors["Pin"] = "Pin.Error.Shape";
        if (!string.IsNullOrEmpty(duressPin) && !CheckInSecrets.IsPinShaped(duressPin)) errors["DuressPin"] = "Pin.Error.Shape";
        else if (!string.IsNullOrEmpty(duressPin) && string.Equals(pin, duressPin, StringComparison.Ordinal)) errors["DuressPin"] = "Pin.Error.Same";
        if (errors.Count > 0) return errors;
        var settings = await db.CheckInSettings.SingleOrDefaultAsync(s => s.UserId == userId, ct);
        var change = settings?.PinHash is not null;
        var check = PinCheck.Normal;
        if (!proof.PassphraseChecked)
        {
            if (!change) { if (!proof.FreshSession) errors["Proof"] = "Pin.Error.NeedsPassphrase"; }
            else if (string.IsNullOrEmpty(proof.CurrentPin)) errors["Proof"] = "Pin.Error.NeedsProof";
            // Too many wrong ones: no PIN is taken any more, the right one answered like a wrong one.
            else if (settings!.PinProofFailures >= PinTries) errors["Proof"] = "Pin.Error.ProofLocked";
            else
            {
                check = await CheckPinAsync(db, userId, new Proof(proof.CurrentPin, false), null, ct);
                if (check is not (PinCheck.Normal or PinCheck.Duress))
                {
                    settings.PinProofFailures++;
                    await db.SaveChangesAsync(ct);
                    await audit.WriteAsync(AuditEvents.CheckInWrongPin, userId, userId, ct: ct);
                    errors["Proof"] = settings.PinProofFailures >= PinTries ? "Pin.Error.ProofLocked" : "Pin.Error.WrongProof";
                }
            }
        }
        if (errors.Count > 0) return errors;
        if (settings is null)
        {
            settings = new CheckInSettings { UserId = userId };
            db.CheckInSettings.Add(settings);
        }
        settings.PinHash = await secrets.PinHashAsync(db, userId, pin!, ct);
        settings.DuressPinHash = string.IsNullOrEmpty(duressPin) ? null : await secrets.PinHashAsync(db, userId, duressPin, ct);
        settings.PinProofFailures = 0;
        settings.ChangedAt = clock.GetUtcNow().UtcDateTime;
        // Whoever holds the phone may be the one changing it: the person hears of every change, in the same transaction.
        if (change) await reminders.PinsChangedAsync(db, userId, ct);
        await db.SaveChangesAsync(ct);
        if (change) signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.CheckInPinChanged, userId, userId, ct: ct);
        // The duress PIN changes the PINs just as the normal one does; only responders learn that it was used.
        if (check == PinCheck.Duress) await DuressWithoutVisitAsync(userId, ct);
        return errors;
    }

    /// <summary>
    /// Lets a visit locked after too many wrong PINs take PINs again. The caller has checked the owner's passphrase
    /// (on a signed-in page); responders see the unlock on the open alert. False when there is no such locked visit.
    /// </summary>
    public async Task<bool> UnlockPinAsync(Guid ownerId, Guid visitId, CancellationToken ct = default)
    {
        var unlocked = await batcher.RunAsync(async (services, token) =>
        {
            var context = services.GetRequiredService<AmparoDbContext>();
            var visit = await context.Visits.SingleOrDefaultAsync(v => v.Id == visitId && v.OwnerId == ownerId && v.PinLockedAt != null, token);
            if (visit is null) return false;
            visit.PinLockedAt = null;
            visit.WrongPinCount = 0;
            visit.WrongPinTotal = 0;
            visit.Version++;
            if (await OpenAlertAsync(context, visit, token) is { } alert)
                services.GetRequiredService<Escalation>().Event(alert, AlertEvents.PinUnlocked);
            await context.SaveChangesAsync(token);
            return true;
        }, ct);
        if (unlocked) await audit.WriteAsync(AuditEvents.CheckInPinUnlocked, ownerId, visitId, ct: ct);
        return unlocked;
    }

    private static async Task<Alert?> OpenAlertAsync(AmparoDbContext context, Visit visit, CancellationToken ct) =>
        visit.AlertId is { } id
            ? context.ChangeTracker.Entries<Alert>().Select(e => e.Entity).FirstOrDefault(a => a.Id == id && a.State != AlertState.Resolved)
              ?? await context.Alerts.SingleOrDefaultAsync(a => a.Id == id && a.State != AlertState.Resolved, ct)
            : null;

    /// <summary>Reminder channel, default grace and personal SMS code words. Field → resource key of the problem; nothing saved then.</summary>
    public async Task<Dictionary<string, string>> SetPreferencesAsync(Guid userId, Notifications.ChannelKind reminderChannel, int defaultGraceMinutes, PersonalCodeWords? words, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reminderChannel is not (Notifications.ChannelKind.Email or Notifications.ChannelKind.Sms or Notifications.ChannelKind.Signal)) errors["ReminderChannel"] = "Validation.Invalid";
        if (defaultGraceMinutes is < 0 or > 240) errors["DefaultGraceMinutes"] = "Visit.Error.Grace";
        if (words is not null)
        {
            var given = new[] { words.CheckIn, words.Extend, words.Close, words.Help, words.Panic }.Where(w => !string.IsNullOrWhiteSpace(w)).ToList();
            if (given.Any(w => !PersonalCodeWords.IsUsable(w))) errors["CodeWords"] = "CodeWords.Error.Shape";
            else if (given.Select(w => SmsCommands.Normalize(w!)).Distinct().Count() != given.Count) errors["CodeWords"] = "CodeWords.Error.Same";
            if (given.Count == 0) words = null;
        }
        if (errors.Count > 0) return errors;
        var user = await db.Users.SingleAsync(u => u.Id == userId, ct);
        var settings = await db.CheckInSettings.SingleOrDefaultAsync(s => s.UserId == userId, ct);
        if (settings is null)
        {
            settings = new CheckInSettings { UserId = userId };
            db.CheckInSettings.Add(settings);
        }
        settings.ReminderChannel = reminderChannel;
        settings.DefaultGraceMinutes = defaultGraceMinutes;
        settings.CodeWordsCipher = await cipher.EncryptAsync(db, user.DataKeyId, words?.ToJson(), CheckInSettings.Table, nameof(CheckInSettings.CodeWordsCipher), userId, ct);
        settings.ChangedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return errors;
    }

    public async Task<PersonalCodeWords?> CodeWordsAsync(Guid userId, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        var encrypted = await db.CheckInSettings.Where(s => s.UserId == userId).Select(s => s.CodeWordsCipher).SingleOrDefaultAsync(ct);
        return PersonalCodeWords.FromJson(await cipher.DecryptAsync(db, user.DataKeyId, encrypted, CheckInSettings.Table, nameof(CheckInSettings.CodeWordsCipher), userId, ct));
    }

    /// <summary>
    /// The one PIN check of every action that takes a PIN. On a <paramref name="visit"/> locked after too many wrong
    /// PINs it answers Locked whatever was typed (LockedDuress for the duress PIN, so its silent alert still goes out).
    /// </summary>
    private async Task<PinCheck> CheckPinAsync(AmparoDbContext context, Guid ownerId, Proof proof, Visit? visit, CancellationToken ct)
    {
        var check = await MatchPinAsync(context, ownerId, proof, ct);
        if (visit?.PinLockedAt is null) return check;
        return check == PinCheck.Duress ? PinCheck.LockedDuress : PinCheck.Locked;
    }

    private async Task<PinCheck> MatchPinAsync(AmparoDbContext context, Guid ownerId, Proof proof, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(proof.Pin)) return proof.FreshSession ? PinCheck.Normal : PinCheck.Missing;
        var settings = await context.CheckInSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == ownerId, ct);
        if (settings?.PinHash is null) return proof.FreshSession ? PinCheck.Normal : PinCheck.Missing;
        if (proof.Pin.Length > 12) return PinCheck.Wrong;
        var hash = await secrets.PinHashAsync(context, ownerId, proof.Pin, ct);
        // Both comparisons always run, so the time taken does not tell which PIN was used.
        var normal = Tokens.FixedTimeEquals(hash, settings.PinHash);
        var duress = settings.DuressPinHash is not null & Tokens.FixedTimeEquals(hash, settings.DuressPinHash ?? new string('0', 64));
        return normal ? PinCheck.Normal : duress ? PinCheck.Duress : PinCheck.Wrong;
    }

    // ---- actions ----

    public Task<ActionStatus> CheckInAsync(Guid ownerId, Guid visitId, Proof proof, string via, string? note = null, double? latitude = null, double? longitude = null, CancellationToken ct = default)
    {
        if (TooLong(note, MaxNote) || !CoordinatesValid(latitude, longitude)) return Task.FromResult(ActionStatus.Invalid);
        return ActAsync(ownerId, visitId, proof, via, allowWithoutPin: null, async (ctx, visit, pin, now) =>
        {
            var checkIn = new CheckIn { Id = Guid.NewGuid(), VisitId = visit.Id, OwnerId = ownerId, At = now, Via = via };
            if (Clean(note) is not null || latitude is not null)
            {
                var keyId = await ctx.Db.Users.Where(u => u.Id == ownerId).Select(u => u.DataKeyId).SingleAsync(ct);
                checkIn.NoteCipher = await cipher.EncryptAsync(ctx.Db, keyId, Clean(note), CheckIn.Table, nameof(CheckIn.NoteCipher), checkIn.Id, ct);
                checkIn.CoordinatesCipher = await cipher.EncryptAsync(ctx.Db, keyId, Coordinates(latitude, longitude), CheckIn.Table, nameof(CheckIn.CoordinatesCipher), checkIn.Id, ct);
            }
            ctx.Db.CheckIns.Add(checkIn);
            visit.LastCheckInAt = now;
            var late = visit.State == VisitState.Alerting;
            ctx.Both(new VisitCheckedIn(ownerId, now, visit.Id, late));
            // A late check-in ends the alert; a visit with periodic check-ins still has time to run goes on being watched.
            var keepGoing = visit.CheckInEveryMinutes is not null && now < visit.DueAt.AddMinutes(-visit.ReminderMinutesBefore);
            if (late) await EndAlertAsync(ctx, visit, pin, ct);
            if (keepGoing)
            {
                visit.State = VisitState.Active;
                VisitSchedule.Reschedule(visit, now);
            }
            else Close(visit, late ? VisitOutcome.CheckedInLate : VisitOutcome.Safe, now);
            return (latitude, longitude, note);
        }, ct);
    }

    /// <summary>Moves the deadline on by <paramref name="minutes"/>. Without the PIN, at most the configured cap past the original deadline.</summary>
    public Task<ActionStatus> ExtendAsync(Guid ownerId, Guid visitId, int minutes, Proof proof, string via, CancellationToken ct = default)
    {
        if (minutes is < 1 or > 24 * 60) return Task.FromResult(ActionStatus.Invalid);
        var cap = options.Value.MaxExtensionWithoutPinMinutes;
        return ActAsync(ownerId, visitId, proof, via,
            allowWithoutPin: v => v.State != VisitState.Alerting && v.DueAt.AddMinutes(minutes) <= v.OriginalDueAt.AddMinutes(cap),
            async (ctx, visit, pin, now) =>
            {
                // Checked again on the row being changed: two extensions at once must not both pass the cap.
                if (pin == PinCheck.Missing && (visit.State == VisitState.Alerting || visit.DueAt.AddMinutes(minutes) > visit.OriginalDueAt.AddMinutes(cap)))
                    throw new RefusedException(visit.State == VisitState.Alerting ? ActionStatus.NeedsPin : ActionStatus.TooLong);
                var periodicFirst = visit.DeadlineAt < visit.DueAt;
                var from = visit.DueAt;
                visit.DueAt = from.AddMinutes(minutes);
                if (periodicFirst) visit.LastCheckInAt = (visit.LastCheckInAt ?? visit.StartsAt).AddMinutes(minutes);
                if (visit.State == VisitState.Alerting) await EndAlertAsync(ctx, visit, pin, ct);
                if (visit.State != VisitState.Planned) visit.State = VisitState.Active;
                VisitSchedule.Reschedule(visit, now);
                if (visit.State == VisitState.Planned) visit.NextActionAt = visit.StartsAt;
                return (null, null, null);
            }, ct);
    }

    public Task<ActionStatus> CloseAsync(Guid ownerId, Guid visitId, Proof proof, string via, CancellationToken ct = default) =>
        ActAsync(ownerId, visitId, proof, via, allowWithoutPin: null, async (ctx, visit, pin, now) =>
        {
            var late = visit.State == VisitState.Alerting;
            if (late) await EndAlertAsync(ctx, visit, pin, ct);
            Close(visit, late ? VisitOutcome.CheckedInLate : VisitOutcome.Safe, now);
            return (null, null, null);
        }, ct);

    private static void Close(Visit visit, VisitOutcome outcome, DateTime now)
    {
        visit.State = VisitState.Closed;
        visit.Outcome = outcome;
        visit.ClosedAt = now;
        visit.NextActionAt = null;
    }

    /// <summary>One attempt of an action: its database, its scope, and the facts it will publish once committed.</summary>
    private sealed record Context(AmparoDbContext Db, IServiceProvider Services)
    {
        public List<Fact> ToOwner { get; } = [];
        public List<Fact> ToResponders { get; } = [];

        public void Both(Fact fact)
        {
            ToOwner.Add(fact);
            ToResponders.Add(fact);
        }

        public Published Published => new(ToOwner, ToResponders);
    }

    private delegate Task<(double? Latitude, double? Longitude, string? Note)> Change(Context ctx, Visit visit, PinCheck pin, DateTime now);

    /// <summary>
    /// The shared path of every action on a visit: find it (owner-scoped), check the PIN, then apply the change as a
    /// conditional update through the group committer. A duress PIN applies the very same change, then raises the
    /// duress alert in the same transaction.
    /// </summary>
    private async Task<ActionStatus> ActAsync(Guid ownerId, Guid visitId, Proof proof, string via, Func<Visit, bool>? allowWithoutPin, Change change, CancellationToken ct)
    {
        var current = await db.Visits.AsNoTracking().SingleOrDefaultAsync(v => v.Id == visitId && v.OwnerId == ownerId, ct);
        // An invitation is not the person's visit until they accept it.
        if (current is null || current.State == VisitState.Invited) return ActionStatus.NotFound;
        var pin = await CheckPinAsync(db, ownerId, proof, current, ct);
        if (current.State == VisitState.Closed)
        {
            // Under duress on a closed visit the answer is the same 409, and the alert still goes out.
            if (pin is PinCheck.Duress or PinCheck.LockedDuress) await DuressWithoutVisitAsync(ownerId, ct);
            return ActionStatus.Closed;
        }
        if (pin is PinCheck.Locked or PinCheck.LockedDuress)
        {
            // Every PIN typed on a locked visit counts alike on the alert's timeline; the duress PIN also alerts, silently.
            if (!string.IsNullOrEmpty(proof.Pin)) await WrongPinAsync(ownerId, visitId, duress: pin == PinCheck.LockedDuress, ct);
            return ActionStatus.Locked;
        }
        if (pin == PinCheck.Missing && allowWithoutPin is not null && !allowWithoutPin(current))
            return current.State == VisitState.Alerting ? ActionStatus.NeedsPin : ActionStatus.TooLong;
        if (pin == PinCheck.Missing && allowWithoutPin is null) return ActionStatus.NeedsPin;
        if (pin == PinCheck.Wrong)
        {
            await WrongPinAsync(ownerId, visitId, duress: false, ct);
            return ActionStatus.WrongPin;
        }

        bool queued = false, alerted = false;
        var published = Published.Nothing;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var status = await batcher.RunAsync(async (services, token) =>
                {
                    var context = services.GetRequiredService<AmparoDbContext>();
                    var visit = await context.Visits.SingleOrDefaultAsync(v => v.Id == visitId && v.OwnerId == ownerId, token);
                    if (visit is null) return ActionStatus.NotFound;
                    if (visit.State == VisitState.Closed) return ActionStatus.Closed;
                    // Locked since the check above (guesses sent all at once are counted first): refused like any PIN
                    // on a locked visit, so that sending them together gives no more tries than one by one.
                    if (pin != PinCheck.Missing && visit.PinLockedAt is not null) throw new RefusedException(ActionStatus.Locked);
                    var now = clock.GetUtcNow().UtcDateTime;
                    // Only a PIN typed right ends a run of wrong ones (a PIN-free extension does not). A guesser never
                    // gets here, so this gives them no more tries.
                    if (pin != PinCheck.Missing)
                    {
                        visit.WrongPinCount = 0;
                        visit.WrongPinTotal = 0;
                    }
                    var ctx = new Context(context, services);
                    var (lat, lon, note) = await change(ctx, visit, pin, now);
                    if (pin == PinCheck.Duress)
                    {
                        // A short row now; the engine, woken below, tells everyone within milliseconds. The answer stays as fast as a normal one.
                        var escalation = services.GetRequiredService<Escalation>();
                        var duress = await escalation.RaiseAsync(ownerId, visit, AlertKind.Duress, visit.IsDrill, Clean(note), Coordinates(lat, lon), token, later: true);
                        // The duress alert is a fact for responders only: the owner's side hears what a normal PIN would have told it.
                        ctx.ToResponders.Add(new AlertRaised(ownerId, now, duress.Id, AlertKind.Duress, visit.Id));
                    }
                    visit.Version++;
                    // Wake the workers only for what they must act on now: messages queued (all-clear), an alert to fan out.
                    queued = context.ChangeTracker.Entries<Notifications.OutboxMessage>().Any();
                    alerted = context.ChangeTracker.Entries<Alert>().Any(e => e.State == EntityState.Added);
                    published = ctx.Published;
                    facts.Record(context, published);
                    await context.SaveChangesAsync(token);
                    return ActionStatus.Done;
                }, ct);
                if (alerted) signal.WakeEngine();
                if (queued) signal.WakeDispatcher();
                if (status == ActionStatus.Done) await facts.PublishAsync(published, ct);
                return status;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The engine moved the visit on at the same moment: apply the action to its new state.
                logger.LogDebug("Visit changed during an action; trying again");
            }
            catch (RefusedException refused)
            {
                return refused.Status;
            }
        }
    }

    /// <summary>A refusal found inside the transaction (the batcher rolls the item back).</summary>
    private sealed class RefusedException(ActionStatus status) : Exception(status.ToString())
    {
        public ActionStatus Status { get; } = status;
    }

    private async Task DuressWithoutVisitAsync(Guid ownerId, CancellationToken ct)
    {
        var published = await batcher.RunAsync(async (services, token) =>
        {
            var context = services.GetRequiredService<AmparoDbContext>();
            var raised = await services.GetRequiredService<Escalation>().RaiseAsync(ownerId, null, AlertKind.Duress, false, null, null, token, later: true);
            // A normal PIN on a closed visit tells the owner's side nothing, so neither does this.
            var told = new Published([], [new AlertRaised(ownerId, raised.CreatedAt, raised.Id, AlertKind.Duress, null)]);
            facts.Record(context, told);
            await context.SaveChangesAsync(token);
            return told;
        }, ct);
        signal.WakeEngine();
        await facts.PublishAsync(published, ct);
    }

    /// <summary>
    /// A late check-in, extension or close ends the alert. A normal PIN sends the all-clear; under duress nobody is
    /// told it is over and the duress alert takes over. The owner's side sees the same ending either way
    /// (<see cref="AlertService.OwnerTimelineAsync"/> and the facts published to it). Not while wrong PINs were typed
    /// on an alert nobody has taken on yet: the right PIN may have been guessed, so the alert goes on climbing (with
    /// the check-in on its timeline) until a responder acknowledges it — for either PIN alike.
    /// </summary>
    private static async Task EndAlertAsync(Context ctx, Visit visit, PinCheck pin, CancellationToken ct)
    {
        if (visit.AlertId is not { } alertId) return;
        var alert = await ctx.Db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId && a.State != AlertState.Resolved, ct);
        visit.AlertId = null;
        if (alert is null) return;
        if (alert.State == AlertState.Open && (alert.Kind == AlertKind.WrongPins
            || await ctx.Db.AlertEvents.CountAsync(e => e.AlertId == alert.Id && e.Kind == AlertEvents.PinRefused, ct) >= WrongPinsForAlert))
        {
            ctx.Services.GetRequiredService<Escalation>().Event(alert, AlertEvents.CheckedInUnconfirmed);
            return;
        }
        var alerts = ctx.Services.GetRequiredService<AlertService>();
        var duress = pin == PinCheck.Duress;
        await alerts.ResolveInContextAsync(alert, AlertOutcome.CheckedInLate, null, null, allClear: !duress, ct);
        if (duress) ctx.Services.GetRequiredService<Escalation>().Event(alert, AlertEvents.Superseded);
        var at = alert.ResolvedAt!.Value;
        ctx.ToOwner.Add(new AlertResolved(alert.OwnerId, at, alert.Id, alert.Kind, AlertOutcome.CheckedInLate, AllClear: true));
        ctx.ToResponders.Add(new AlertResolved(alert.OwnerId, at, alert.Id, alert.Kind, AlertOutcome.CheckedInLate, AllClear: !duress));
    }

    private async Task WrongPinAsync(Guid ownerId, Guid visitId, bool duress, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await CountWrongPinAsync(ownerId, visitId, duress, ct);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The engine changed the visit at the same moment: count on its new state.
            }
        }
        signal.WakeDispatcher();
        if (duress) signal.WakeEngine();
        await audit.WriteAsync(AuditEvents.CheckInWrongPin, ownerId, visitId, ct: ct);
    }

    /// <summary>
    /// Counts a refused PIN on the visit: three in a row raise the wrong-PIN alert, <see cref="PinTries"/> in all lock
    /// PIN entry, and every one after the alert is on its timeline for responders. <paramref name="duress"/>: the duress
    /// PIN typed on a locked visit — counted like any other, and the duress alert raised too.
    /// </summary>
    private async Task CountWrongPinAsync(Guid ownerId, Guid visitId, bool duress, CancellationToken ct)
    {
        var published = await batcher.RunAsync(async (services, token) =>
        {
            var context = services.GetRequiredService<AmparoDbContext>();
            var escalation = services.GetRequiredService<Escalation>();
            var visit = await context.Visits.SingleAsync(v => v.Id == visitId && v.OwnerId == ownerId, token);
            visit.WrongPinCount++;
            visit.WrongPinTotal++;
            Alert? raised = null;
            if (visit.WrongPinCount >= WrongPinsForAlert && visit.State != VisitState.Alerting && visit.State != VisitState.Closed)
            {
                // Three wrong PINs in a row: someone else may be holding the phone.
                raised = await escalation.RaiseAsync(ownerId, visit, AlertKind.WrongPins, visit.IsDrill, null, null, token);
                visit.AlertId = raised.Id;
                visit.State = VisitState.Alerting;
                visit.NextActionAt = null;
            }
            var alert = await OpenAlertAsync(context, visit, token);
            if (alert is not null) escalation.Event(alert, AlertEvents.PinRefused, detail: visit.WrongPinTotal.ToString(CultureInfo.InvariantCulture));
            if (visit.WrongPinTotal >= PinTries && visit.PinLockedAt is null && visit.State != VisitState.Closed)
            {
                visit.PinLockedAt = clock.GetUtcNow().UtcDateTime;
                if (alert is not null) escalation.Event(alert, AlertEvents.PinLocked);
            }
            var duressAlert = duress ? await escalation.RaiseAsync(ownerId, visit, AlertKind.Duress, visit.IsDrill, null, null, token, later: true) : null;
            visit.Version++;
            // The wrong-PIN alert is the owner's to see like any missed check-in; a duress alert only the responders'.
            var at = clock.GetUtcNow().UtcDateTime;
            var owner = new List<Fact>();
            if (raised is not null) owner.Add(new AlertRaised(ownerId, at, raised.Id, AlertKind.WrongPins, visitId));
            var responders = new List<Fact>(owner);
            if (duressAlert is not null) responders.Add(new AlertRaised(ownerId, at, duressAlert.Id, AlertKind.Duress, visitId));
            var told = new Published(owner, responders);
            facts.Record(context, told);
            await context.SaveChangesAsync(token);
            return told;
        }, ct);
        await facts.PublishAsync(published, ct);
    }

    /// <summary>Alert to every level now. The location, if given, is shown to responders while the alert is open.</summary>
    public async Task<Guid> PanicAsync(Guid ownerId, string via, double? latitude, double? longitude, string? note, CancellationToken ct = default)
    {
        if (!CoordinatesValid(latitude, longitude) || TooLong(note, MaxNote)) throw new ArgumentException("invalid panic input");
        var visit = await CurrentVisitAsync(ownerId, ct);
        var (id, published) = await batcher.RunAsync(async (services, token) =>
        {
            var context = services.GetRequiredService<AmparoDbContext>();
            var alert = await services.GetRequiredService<Escalation>().RaiseAsync(ownerId, visit, AlertKind.Panic, false, Clean(note), Coordinates(latitude, longitude), token);
            var told = Published.Same(new AlertRaised(ownerId, clock.GetUtcNow().UtcDateTime, alert.Id, AlertKind.Panic, visit?.Id));
            facts.Record(context, told);
            await context.SaveChangesAsync(token);
            return (alert.Id, told);
        }, ct);
        signal.WakeDispatcher();
        signal.WakeEngine();
        logger.LogInformation("Panic raised as alert {AlertId} via {Via}", id, via);
        await facts.PublishAsync(published, ct);
        return id;
    }

    /// <summary>
    /// "I'm safe — cancel": the owner ends their own open panic with their PIN, and everyone told hears the all-clear.
    /// With the duress PIN the owner's side gets exactly the same (answer, page, timeline, facts), while the panic
    /// becomes a duress alert for responders: the panic closes without an all-clear and a duress alert, carrying
    /// the panic's note and latest location, goes to every level at once.
    /// </summary>
    public async Task<CancelStatus> CancelPanicAsync(Guid ownerId, Guid alertId, string? pin, string via, CancellationToken ct = default)
    {
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId && a.OwnerId == ownerId && a.Kind == AlertKind.Panic, ct);
        if (alert is null) return CancelStatus.NotFound;
        if (alert.State == AlertState.Resolved) return CancelStatus.Closed;
        // Whoever holds the phone must not be able to guess the PIN that calls the help off.
        if (await db.AlertEvents.CountAsync(e => e.AlertId == alertId && e.Kind == AlertEvents.CancelRefused, ct) >= MaxCancelTries) return CancelStatus.Locked;
        // The PIN is always asked here, even in a fresh session: calling help off is the one thing a captor wants.
        // A visit whose PIN entry is locked takes no PIN here either (the panic is already alerting everyone).
        var visit = alert.VisitId is { } visitId ? await db.Visits.AsNoTracking().SingleOrDefaultAsync(v => v.Id == visitId, ct) : null;
        var check = await CheckPinAsync(db, ownerId, new Proof(pin, FreshSession: false), visit, ct);
        if (check == PinCheck.Missing) return CancelStatus.NeedsPin;
        if (check is PinCheck.Locked or PinCheck.LockedDuress) return CancelStatus.Locked;
        if (check == PinCheck.Wrong)
        {
            await batcher.RunAsync(async (services, token) =>
            {
                var context = services.GetRequiredService<AmparoDbContext>();
                services.GetRequiredService<Escalation>().Event(alert, AlertEvents.CancelRefused);
                await context.SaveChangesAsync(token);
                return true;
            }, ct);
            await audit.WriteAsync(AuditEvents.CheckInWrongPin, ownerId, ownerId, detail: "alert:" + alertId.ToString("N"), ct: ct);
            return CancelStatus.WrongPin;
        }

        var duress = check == PinCheck.Duress;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var published = await batcher.RunAsync(async (services, token) =>
                {
                    var context = services.GetRequiredService<AmparoDbContext>();
                    var panic = await context.Alerts.SingleOrDefaultAsync(a => a.Id == alertId && a.OwnerId == ownerId && a.State != AlertState.Resolved, token);
                    if (panic is null) return null;
                    var now = clock.GetUtcNow().UtcDateTime;
                    await services.GetRequiredService<AlertService>().ResolveInContextAsync(panic, AlertOutcome.Cancelled, null, null, allClear: !duress, token);
                    var ctx = new Context(context, services);
                    ctx.ToOwner.Add(new PanicCancelled(ownerId, now, panic.Id));
                    ctx.ToOwner.Add(new AlertResolved(ownerId, now, panic.Id, AlertKind.Panic, AlertOutcome.Cancelled, AllClear: true));
                    if (duress)
                    {
                        var escalation = services.GetRequiredService<Escalation>();
                        escalation.Event(panic, AlertEvents.Superseded);
                        var keyId = await context.Users.Where(u => u.Id == ownerId).Select(u => u.DataKeyId).SingleAsync(token);
                        var note = await cipher.DecryptAsync(context, keyId, panic.NoteCipher, Alert.Table, nameof(Alert.NoteCipher), panic.Id, token);
                        var location = await cipher.DecryptAsync(context, keyId, panic.LocationCipher, Alert.Table, nameof(Alert.LocationCipher), panic.Id, token);
                        var visit = panic.VisitId is { } visitId ? await context.Visits.AsNoTracking().SingleOrDefaultAsync(v => v.Id == visitId, token) : null;
                        var raised = await escalation.RaiseAsync(ownerId, visit, AlertKind.Duress, panic.IsDrill, note, location, token, later: true);
                        ctx.ToResponders.Add(new AlertResolved(ownerId, now, panic.Id, AlertKind.Panic, AlertOutcome.Cancelled, AllClear: false));
                        ctx.ToResponders.Add(new AlertRaised(ownerId, now, raised.Id, AlertKind.Duress, panic.VisitId));
                    }
                    else
                    {
                        ctx.ToResponders.AddRange(ctx.ToOwner);
                    }
                    facts.Record(context, ctx.Published);
                    await context.SaveChangesAsync(token);
                    return ctx.Published;
                }, ct);
                if (published is null) return CancelStatus.Closed;
                signal.WakeEngine();
                signal.WakeDispatcher();
                logger.LogInformation("Panic alert {AlertId} cancelled via {Via}", alertId, via);
                await facts.PublishAsync(published, ct);
                return CancelStatus.Done;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The engine stepped the alert at the same moment: try again on its new state.
                logger.LogDebug("Alert changed during a cancel; trying again");
            }
        }
    }
}
