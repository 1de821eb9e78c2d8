using System.Globalization;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>A mark as its person reads it, with its debrief offer when it has one.</summary>
public sealed record MarkView(Guid Id, WellbeingMarkKind Kind, DateOnly On, DateOnly? Until, string? Note, bool FromAlert, DebriefView? Debrief);

/// <summary>A debrief offer as its person reads it.</summary>
public sealed record DebriefView(Guid Id, Guid MarkId, WellbeingMarkKind MarkKind, DateOnly MarkOn, DebriefState State, DebriefWith? With, DateOnly? On, string? Detail);

/// <summary>What the person asked to mark.</summary>
public sealed record MarkInput(WellbeingMarkKind Kind, DateOnly On, DateOnly? Until, string? Note, bool AskBuddy);

/// <summary>A mark just added, and the debrief it offers (a hard week, an incident, an alert).</summary>
public sealed record MarkAdded(Guid MarkId, Guid? DebriefId);

/// <summary>What the person chose for a debrief.</summary>
public sealed record DebriefInput(DebriefWith With, DateOnly? On, string? Detail);

/// <summary>
/// The person's own well-being time line (hard weeks, incidents, alerts, heavy work periods) and the debriefs those
/// offer. Scoped to the caller on every call: someone else's mark or offer does not exist (null / false).
/// </summary>
public sealed class MarkService(AmparoDbContext db, FieldCipher cipher, BuddyService buddies, WorkSignal signal, TimeProvider clock)
{
    public const int MaxNote = 1000;
    /// <summary>How far back a mark may be dated: a person may mark last year's hard months.</summary>
    public const int MaxDaysBack = 3 * 366;

    /// <summary>The person's marks, newest first, notes decrypted, each with its debrief.</summary>
    public async Task<List<MarkView>> ListAsync(Guid me, CancellationToken ct = default)
    {
        var marks = await db.WellbeingMarks.AsNoTracking().Where(m => m.UserId == me).OrderByDescending(m => m.On).ThenByDescending(m => m.CreatedAt).ToListAsync(ct);
        var offers = await db.WellbeingDebriefOffers.AsNoTracking().Where(o => o.UserId == me).ToDictionaryAsync(o => o.MarkId, ct);
        var key = await KeyAsync(me, ct);
        var views = new List<MarkView>(marks.Count);
        foreach (var m in marks)
        {
            var note = await cipher.DecryptAsync(db, key, m.NoteCipher, WellbeingMark.Table, nameof(WellbeingMark.NoteCipher), m.Id, ct);
            var debrief = offers.TryGetValue(m.Id, out var o) ? await ViewAsync(key, o, m, ct) : null;
            views.Add(new MarkView(m.Id, m.Kind, m.On, m.Until, note, m.AlertId is not null, debrief));
        }
        return views;
    }

    /// <summary>Debriefs still offered (neither scheduled nor dismissed), newest first: the home page's line and the module's page.</summary>
    public Task<List<DebriefView>> OpenOffersAsync(Guid me, CancellationToken ct = default) =>
        (from o in db.WellbeingDebriefOffers.AsNoTracking()
         where o.UserId == me && o.State == DebriefState.Offered
         join m in db.WellbeingMarks on o.MarkId equals m.Id
         orderby o.CreatedAt descending
         select new DebriefView(o.Id, m.Id, m.Kind, m.On, o.State, o.With, o.On, null)).ToListAsync(ct);

    public async Task<DebriefView?> GetOfferAsync(Guid me, Guid offerId, CancellationToken ct = default)
    {
        var offer = await db.WellbeingDebriefOffers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId && o.UserId == me, ct);
        if (offer is null) return null;
        var mark = await db.WellbeingMarks.AsNoTracking().SingleAsync(m => m.Id == offer.MarkId, ct);
        return await ViewAsync(await KeyAsync(me, ct), offer, mark, ct);
    }

    /// <summary>The fields that are wrong, by name ("Kind", "On", "Until", "Note"); empty when the input may be saved.</summary>
    /// <summary>A day as a date field or the API sends it (yyyy-MM-dd); blank is no day.</summary>
    public static bool TryDay(string? value, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        day = parsed;
        return true;
    }

    public List<string> Check(MarkInput input, string zone)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(input.Kind)) errors.Add("Kind");
        var today = Today(zone);
        if (input.On > today || input.On < today.AddDays(-MaxDaysBack)) errors.Add("On");
        if (input.Until is { } until && (until < input.On || until > input.On.AddDays(366))) errors.Add("Until");
        if (Validation.IsUnacceptableText(CarePlanService.Clean(input.Note), MaxNote)) errors.Add("Note");
        return errors;
    }

    /// <summary>
    /// Adds a mark; a hard week, an incident or an alert comes with a debrief offer, and — when the person asks — their
    /// buddy gets the neutral "please check in" (all in one commit). Returns the mark, or null when the input is wrong.
    /// </summary>
    public async Task<MarkAdded?> AddAsync(Guid me, MarkInput input, CancellationToken ct = default)
    {
        var person = await db.Users.AsNoTracking().SingleAsync(u => u.Id == me, ct);
        if (Check(input, person.TimeZone).Count > 0) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var mark = new WellbeingMark { Id = Guid.NewGuid(), UserId = me, Kind = input.Kind, On = input.On, Until = input.Until, CreatedAt = now };
        mark.NoteCipher = await cipher.EncryptAsync(db, person.DataKeyId, CarePlanService.Clean(input.Note), WellbeingMark.Table, nameof(WellbeingMark.NoteCipher), mark.Id, ct);
        db.WellbeingMarks.Add(mark);
        var offer = DebriefOffer.Follows(input.Kind) ? NewOffer(me, mark.Id, now) : null;
        if (offer is not null) db.WellbeingDebriefOffers.Add(offer);
        var told = input.AskBuddy && offer is not null && await buddies.QueueCheckInAsync(me, mark.Id, onlyIfAllowedAfterAlerts: false, ct);
        await db.SaveChangesAsync(ct);
        if (told) signal.WakeDispatcher();
        return new MarkAdded(mark.Id, offer?.Id);
    }

    /// <summary>
    /// The events seam's way in (<see cref="DebriefAfterAlert"/>): the alert's day on the person's time line and a debrief
    /// offer, and their buddy's reminder if their standing choice allows it. Idempotent: one mark per alert.
    /// </summary>
    public async Task<bool> MarkAlertAsync(Guid ownerId, Guid alertId, DateTime atUtc, CancellationToken ct = default)
    {
        if (await db.WellbeingMarks.AnyAsync(m => m.UserId == ownerId && m.AlertId == alertId, ct)) return false;
        var zone = await db.Users.Where(u => u.Id == ownerId).Select(u => u.TimeZone).SingleOrDefaultAsync(ct);
        if (zone is null) return false; // the account is gone
        var now = clock.GetUtcNow().UtcDateTime;
        var mark = new WellbeingMark
        {
            Id = Guid.NewGuid(), UserId = ownerId, Kind = WellbeingMarkKind.Alert, AlertId = alertId, CreatedAt = now,
            On = DateOnly.FromDateTime(LocalTimes.ToLocal(atUtc, zone)),
        };
        db.WellbeingMarks.Add(mark);
        db.WellbeingDebriefOffers.Add(NewOffer(ownerId, mark.Id, now));
        var told = await buddies.QueueCheckInAsync(ownerId, alertId, onlyIfAllowedAfterAlerts: true, ct);
        await db.SaveChangesAsync(ct);
        if (told) signal.WakeDispatcher();
        return true;
    }

    /// <summary>
    /// The events seam's way in for an incident the person reported about themself (<see cref="DebriefAfterIncident"/>):
    /// the incident's day on their time line, as the date it happened, and a debrief offer. Nothing of the report is copied,
    /// and no buddy is told (the person reported it; they choose whom to tell). Idempotent: one mark per incident.
    /// </summary>
    public async Task<bool> MarkIncidentAsync(Guid ownerId, Guid incidentId, DateOnly occurredOn, CancellationToken ct = default)
    {
        if (await db.WellbeingMarks.AnyAsync(m => m.UserId == ownerId && m.IncidentId == incidentId, ct)) return false;
        if (!await db.Users.AnyAsync(u => u.Id == ownerId, ct)) return false; // the account is gone
        var now = clock.GetUtcNow().UtcDateTime;
        var mark = new WellbeingMark { Id = Guid.NewGuid(), UserId = ownerId, Kind = WellbeingMarkKind.Incident, IncidentId = incidentId, On = occurredOn, CreatedAt = now };
        db.WellbeingMarks.Add(mark);
        db.WellbeingDebriefOffers.Add(NewOffer(ownerId, mark.Id, now));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Deletes the person's mark (its debrief offer goes with it).</summary>
    public async Task<bool> DeleteAsync(Guid me, Guid markId, CancellationToken ct = default)
    {
        await db.WellbeingDebriefOffers.Where(o => o.MarkId == markId && o.UserId == me).ExecuteDeleteAsync(ct);
        return await db.WellbeingMarks.Where(m => m.Id == markId && m.UserId == me).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>The fields that are wrong ("With", "On", "Detail").</summary>
    public List<string> Check(DebriefInput input, string zone)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(input.With)) errors.Add("With");
        var today = Today(zone);
        if (input.On is { } on && (on < today.AddDays(-366) || on > today.AddDays(366))) errors.Add("On");
        if (Validation.IsUnacceptableText(CarePlanService.Clean(input.Detail), DebriefOffer.MaxDetail)) errors.Add("Detail");
        return errors;
    }

    /// <summary>Writes down who the person means to talk with, and when. Nobody is told: it is the person's own note.</summary>
    public async Task<bool> ScheduleAsync(Guid me, Guid offerId, DebriefInput input, CancellationToken ct = default)
    {
        var person = await db.Users.AsNoTracking().SingleAsync(u => u.Id == me, ct);
        var offer = await db.WellbeingDebriefOffers.SingleOrDefaultAsync(o => o.Id == offerId && o.UserId == me, ct);
        if (offer is null || Check(input, person.TimeZone).Count > 0) return false;
        offer.State = DebriefState.Scheduled;
        offer.With = input.With;
        offer.On = input.On;
        offer.DetailCipher = await cipher.EncryptAsync(db, person.DataKeyId, CarePlanService.Clean(input.Detail), DebriefOffer.Table, nameof(DebriefOffer.DetailCipher), offer.Id, ct);
        offer.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>"Not now": the offer stays in the person's list, off the home page.</summary>
    public async Task<bool> DismissAsync(Guid me, Guid offerId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.WellbeingDebriefOffers.Where(o => o.Id == offerId && o.UserId == me && o.State == DebriefState.Offered)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, DebriefState.Dismissed).SetProperty(o => o.UpdatedAt, now), ct) > 0;
    }

    public DateOnly Today(string zone) => DateOnly.FromDateTime(LocalTimes.ToLocal(clock.GetUtcNow().UtcDateTime, zone));

    private static DebriefOffer NewOffer(Guid userId, Guid markId, DateTime now) =>
        new() { Id = Guid.NewGuid(), UserId = userId, MarkId = markId, State = DebriefState.Offered, CreatedAt = now };

    private async Task<DebriefView> ViewAsync(Guid key, DebriefOffer o, WellbeingMark m, CancellationToken ct) =>
        new(o.Id, m.Id, m.Kind, m.On, o.State, o.With, o.On,
            await cipher.DecryptAsync(db, key, o.DetailCipher, DebriefOffer.Table, nameof(DebriefOffer.DetailCipher), o.Id, ct));

    private Task<Guid> KeyAsync(Guid me, CancellationToken ct) => db.Users.Where(u => u.Id == me).Select(u => u.DataKeyId).SingleAsync(ct);
}
