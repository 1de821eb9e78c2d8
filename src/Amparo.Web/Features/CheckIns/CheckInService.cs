using System.Globalization;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.CheckIns;

/// <summary>How a person proves it is them: the PIN, or a page in a freshly signed-in session.</summary>
public sealed record Proof(string? Pin, bool FreshSession);

public enum ActionStatus { Done, WrongPin, NotFound, NeedsPin, TooLong, Closed, Invalid }

/// <summary>What a person plans. Times are UTC instants.</summary>
public sealed record VisitPlan(
    string? Place, string? Purpose, string? Needs, double? Latitude, double? Longitude,
    DateTime? StartsAt, DateTime DueAt, int? CheckInEveryMinutes, int? GraceMinutes, string? Message,
    IReadOnlyList<Guid>? Companions = null, int? Level2DelayMinutes = null, int? Level3DelayMinutes = null);

/// <summary>A visit with its details decrypted, for its owner (and, through the responder page, for responders).</summary>
public sealed record VisitDetails(
    Guid Id, Guid OwnerId, string State, string? Outcome, bool IsDrill, DateTime StartsAt, DateTime DueAt, DateTime DeadlineAt,
    int GraceMinutes, int? CheckInEveryMinutes, string? Place, string? Purpose, string? Needs, double? Latitude, double? Longitude,
    string? Message, DateTime? LastCheckInAt, DateTime CreatedAt, DateTime? ClosedAt, Guid GroupId, string? PlannedBy = null);

/// <summary>A companion of a visit I planned, and their answer: "invited" (not answered yet), "accepted" or "declined".</summary>
public sealed record CompanionAnswer(string Name, string Answer);

/// <summary>
/// A person's visits and everything they do to them: plan, check in, extend, close, panic. A duress PIN is treated
/// exactly like the normal one in every answer and in the visit afterwards; the only difference is the alert it
/// raises, which its owner never sees.
/// </summary>
public sealed class CheckInService(
    AmparoDbContext db, FieldCipher cipher, CheckInSecrets secrets, CommitBatcher batcher, WorkSignal signal,
    AuditLog audit, IOptions<CheckInOptions> options, TimeProvider clock, ILogger<CheckInService> logger, Reminders reminders)
{
    public const int MaxNote = 500, MaxText = 200, MaxNeeds = 500, MaxMessage = 1000, MaxCompanions = 10;
    private enum PinCheck { Normal, Duress, Wrong, Missing }

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
            r.State == VisitState.Invited ? "invited" : r.Outcome == VisitOutcome.Declined ? "declined" : "accepted")).ToList();
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
        return new VisitDetails(visit.Id, visit.OwnerId, StateName(visit.State), visit.Outcome is { } o ? OutcomeName(o) : null, visit.IsDrill,
            visit.StartsAt, visit.DueAt, visit.DeadlineAt, visit.GraceMinutes, visit.CheckInEveryMinutes,
            await Open(visit.PlaceCipher, nameof(Visit.PlaceCipher)), await Open(visit.PurposeCipher, nameof(Visit.PurposeCipher)),
            await Open(visit.NeedsCipher, nameof(Visit.NeedsCipher)), lat, lon, await Open(visit.MessageCipher, nameof(Visit.MessageCipher)),
            visit.LastCheckInAt, visit.CreatedAt, visit.ClosedAt, visit.GroupId,
            visit.PlannedById is { } planner ? await db.Users.Where(u => u.Id == planner).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) : null);
    }

    public static string StateName(VisitState state) => state.ToString().ToLowerInvariant();

    public static string OutcomeName(VisitOutcome outcome) => outcome switch
    {
        VisitOutcome.CheckedInLate => "checked-in-late",
        VisitOutcome.ClosedByResponder => "closed-by-responder",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    // ---- PINs ----

    public async Task<CheckInSettings> SettingsAsync(Guid userId, CancellationToken ct = default) =>
        await db.CheckInSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, ct) ?? new CheckInSettings { UserId = userId };

    public async Task<bool> HasPinAsync(Guid userId, CancellationToken ct = default) =>
        await db.CheckInSettings.AnyAsync(s => s.UserId == userId && s.PinHash != null, ct);

    /// <summary>Sets the check-in PIN and the duress PIN (4–12 digits, different from each other). Field → resource key of the problem.</summary>
    public async Task<Dictionary<string, string>> SetPinsAsync(Guid userId, string? pin, string? duressPin, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!CheckInSecrets.IsPinShaped(pin)) errors["Pin"] = "Pin.Error.Shape";
        if (!string.IsNullOrEmpty(duressPin) && !CheckInSecrets.IsPinShaped(duressPin)) errors["DuressPin"] = "Pin.Error.Shape";
        else if (!string.IsNullOrEmpty(duressPin) && string.Equals(pin, duressPin, StringComparison.Ordinal)) errors["DuressPin"] = "Pin.Error.Same";
        if (errors.Count > 0) return errors;
        var settings = await db.CheckInSettings.SingleOrDefaultAsync(s => s.UserId == userId, ct);
        if (settings is null)
        {
            settings = new CheckInSettings { UserId = userId };
            db.CheckInSettings.Add(settings);
        }
        settings.PinHash = await secrets.PinHashAsync(db, userId, pin!, ct);
        settings.DuressPinHash = string.IsNullOrEmpty(duressPin) ? null : await secrets.PinHashAsync(db, userId, duressPin, ct);
        settings.ChangedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditEvents.CheckInPinChanged, userId, userId, ct: ct);
        return errors;
    }

    /// <summary>Reminder channel, default grace and personal SMS code words. Field → resource key of the problem; nothing saved then.</summary>
    public async Task<Dictionary<string, string>> SetPreferencesAsync(Guid userId, Delivery.ChannelKind reminderChannel, int defaultGraceMinutes, Delivery.PersonalCodeWords? words, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reminderChannel is not (Delivery.ChannelKind.Email or Delivery.ChannelKind.Sms or Delivery.ChannelKind.Signal)) errors["ReminderChannel"] = "Validation.Invalid";
        if (defaultGraceMinutes is < 0 or > 240) errors["DefaultGraceMinutes"] = "Visit.Error.Grace";
        if (words is not null)
        {
            var given = new[] { words.CheckIn, words.Extend, words.Close, words.Help, words.Panic }.Where(w => !string.IsNullOrWhiteSpace(w)).ToList();
            if (given.Any(w => !Delivery.PersonalCodeWords.IsUsable(w))) errors["CodeWords"] = "CodeWords.Error.Shape";
            else if (given.Select(w => Delivery.SmsCommands.Normalize(w!)).Distinct().Count() != given.Count) errors["CodeWords"] = "CodeWords.Error.Same";
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

    public async Task<Delivery.PersonalCodeWords?> CodeWordsAsync(Guid userId, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        var encrypted = await db.CheckInSettings.Where(s => s.UserId == userId).Select(s => s.CodeWordsCipher).SingleOrDefaultAsync(ct);
        return Delivery.PersonalCodeWords.FromJson(await cipher.DecryptAsync(db, user.DataKeyId, encrypted, CheckInSettings.Table, nameof(CheckInSettings.CodeWordsCipher), userId, ct));
    }

    private async Task<PinCheck> CheckPinAsync(AmparoDbContext context, Guid ownerId, Proof proof, CancellationToken ct)
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

    private sealed record Context(AmparoDbContext Db, IServiceProvider Services);

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
        var pin = await CheckPinAsync(db, ownerId, proof, ct);
        if (current.State == VisitState.Closed)
        {
            // Under duress on a closed visit the answer is the same 409, and the alert still goes out.
            if (pin == PinCheck.Duress) await DuressWithoutVisitAsync(ownerId, ct);
            return ActionStatus.Closed;
        }
        if (pin == PinCheck.Missing && allowWithoutPin is not null && !allowWithoutPin(current))
            return current.State == VisitState.Alerting ? ActionStatus.NeedsPin : ActionStatus.TooLong;
        if (pin == PinCheck.Missing && allowWithoutPin is null) return ActionStatus.NeedsPin;
        if (pin == PinCheck.Wrong)
        {
            await WrongPinAsync(ownerId, visitId, ct);
            return ActionStatus.WrongPin;
        }

        bool queued = false, alerted = false;
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
                    var now = clock.GetUtcNow().UtcDateTime;
                    // Only a PIN typed right ends a run of wrong ones (a PIN-free extension does not).
                    if (pin != PinCheck.Missing) visit.WrongPinCount = 0;
                    var (lat, lon, note) = await change(new Context(context, services), visit, pin, now);
                    if (pin == PinCheck.Duress)
                    {
                        // A short row now; the engine, woken below, tells everyone within milliseconds. The answer stays as fast as a normal one.
                        var escalation = services.GetRequiredService<Escalation>();
                        await escalation.RaiseAsync(ownerId, visit, AlertKind.Duress, visit.IsDrill, Clean(note), Coordinates(lat, lon), token, later: true);
                    }
                    visit.Version++;
                    // Wake the workers only for what they must act on now: messages queued (all-clear), an alert to fan out.
                    queued = context.ChangeTracker.Entries<Delivery.OutboxMessage>().Any();
                    alerted = context.ChangeTracker.Entries<Alert>().Any(e => e.State == EntityState.Added);
                    await context.SaveChangesAsync(token);
                    return ActionStatus.Done;
                }, ct);
                if (alerted) signal.WakeEngine();
                if (queued) signal.WakeDispatcher();
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
        await batcher.RunAsync(async (services, token) =>
        {
            await services.GetRequiredService<Escalation>().RaiseAsync(ownerId, null, AlertKind.Duress, false, null, null, token, later: true);
            await services.GetRequiredService<AmparoDbContext>().SaveChangesAsync(token);
            return true;
        }, ct);
        signal.WakeEngine();
    }

    /// <summary>A late check-in, extension or close ends the alert. A normal PIN sends the all-clear; under duress the alert closes silently and the duress alert takes over.</summary>
    private static async Task EndAlertAsync(Context ctx, Visit visit, PinCheck pin, CancellationToken ct)
    {
        if (visit.AlertId is not { } alertId) return;
        var alert = await ctx.Db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId && a.State != AlertState.Resolved, ct);
        visit.AlertId = null;
        if (alert is null) return;
        var alerts = ctx.Services.GetRequiredService<AlertService>();
        await alerts.ResolveInContextAsync(alert, AlertOutcome.CheckedInLate, null, null, allClear: pin != PinCheck.Duress, ct);
    }

    private async Task WrongPinAsync(Guid ownerId, Guid visitId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await CountWrongPinAsync(ownerId, visitId, ct);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The engine changed the visit at the same moment: count on its new state.
            }
        }
        signal.WakeDispatcher();
        await audit.WriteAsync(AuditEvents.CheckInWrongPin, ownerId, visitId, ct: ct);
    }

    private async Task CountWrongPinAsync(Guid ownerId, Guid visitId, CancellationToken ct)
    {
        await batcher.RunAsync(async (services, token) =>
        {
            var context = services.GetRequiredService<AmparoDbContext>();
            var visit = await context.Visits.SingleAsync(v => v.Id == visitId && v.OwnerId == ownerId, token);
            visit.WrongPinCount++;
            if (visit.WrongPinCount >= 3 && visit.State != VisitState.Alerting && visit.State != VisitState.Closed)
            {
                // Three wrong PINs in a row: someone else may be holding the phone.
                var alert = await services.GetRequiredService<Escalation>().RaiseAsync(ownerId, visit, AlertKind.WrongPins, visit.IsDrill, null, null, token);
                visit.AlertId = alert.Id;
                visit.State = VisitState.Alerting;
                visit.NextActionAt = null;
                visit.WrongPinCount = 0;
            }
            visit.Version++;
            await context.SaveChangesAsync(token);
            return true;
        }, ct);
    }

    /// <summary>Alert to every level now. The location, if given, is shown to responders while the alert is open.</summary>
    public async Task<Guid> PanicAsync(Guid ownerId, string via, double? latitude, double? longitude, string? note, CancellationToken ct = default)
    {
        if (!CoordinatesValid(latitude, longitude) || TooLong(note, MaxNote)) throw new ArgumentException("invalid panic input");
        var visit = await CurrentVisitAsync(ownerId, ct);
        var id = await batcher.RunAsync(async (services, token) =>
        {
            var context = services.GetRequiredService<AmparoDbContext>();
            var alert = await services.GetRequiredService<Escalation>().RaiseAsync(ownerId, visit, AlertKind.Panic, false, Clean(note), Coordinates(latitude, longitude), token);
            await context.SaveChangesAsync(token);
            return alert.Id;
        }, ct);
        signal.WakeDispatcher();
        signal.WakeEngine();
        logger.LogInformation("Panic raised as alert {AlertId} via {Via}", id, via);
        return id;
    }
}
