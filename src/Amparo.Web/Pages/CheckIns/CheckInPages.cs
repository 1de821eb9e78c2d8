using System.Globalization;
using System.Threading.RateLimiting;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Pages.CheckIns;

/// <summary>What the check-in pages share: the per-address limit of the link pages, fresh sessions, local times, and the words for states.</summary>
public static class CheckInPages
{
    /// <summary>Rate limit of the anonymous link pages (reminder, responder, consent), per client address.</summary>
    public const string LinkRateLimit = "checkin-links";

    public static IServiceCollection AddCheckInPages(this IServiceCollection services)
    {
        services.AddRateLimiter(o => o.AddPolicy(LinkRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            SignInThrottle.ClientKey(ctx.Connection.RemoteIpAddress),
            // Enough for a person and a few retries; guessing PINs through the link is also stopped by the three-wrong-PINs alert.
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 60, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    /// <summary>True when this browser's session signed in (passphrase, and code) within the configured minutes: the page may check in without the PIN.</summary>
    public static async Task<bool> FreshSessionAsync(HttpContext http)
    {
        if (http.User.SessionIdOf() is not { } sid) return false;
        var services = http.RequestServices;
        var minutes = services.GetRequiredService<IOptions<CheckInOptions>>().Value.FreshSessionMinutes;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var db = services.GetRequiredService<AmparoDbContext>();
        var at = await db.Sessions.Where(s => s.Id == sid).Select(s => (DateTime?)s.AuthenticatedAt).SingleOrDefaultAsync(http.RequestAborted);
        return at is { } signedIn && now - signedIn <= TimeSpan.FromMinutes(minutes);
    }

    /// <summary>
    /// A wall-clock time in a zone to UTC. A time that does not exist (clocks jump forward) or exists twice (clocks go
    /// back) becomes the LATER of its possible instants: later is the safer mistake (it never raises an alert early),
    /// and the visit page shows the instant it chose. <paramref name="adjusted"/> says when that happened.
    /// </summary>
    public static DateTime LocalToUtc(DateTime local, string timeZoneId, out bool adjusted)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var found) ? found : TimeZoneInfo.Utc;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset;
        adjusted = false;
        if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Min();
            adjusted = true;
        }
        else if (zone.IsInvalidTime(local))
        {
            var before = zone.GetUtcOffset(local.AddHours(-12));
            var after = zone.GetUtcOffset(local.AddHours(12));
            offset = before < after ? before : after;
            adjusted = true;
        }
        else offset = zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }

    /// <summary>"2026-03-29T02:30" from an HTML datetime-local field; null when empty or malformed.</summary>
    public static DateTime? ParseLocalInput(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        string[] formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"];
        return DateTime.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
    }

    /// <summary>The value for a datetime-local field: the instant in the viewer's zone.</summary>
    public static string LocalInputValue(DateTime utc, string timeZoneId) =>
        Infrastructure.Localization.LocalTimes.ToLocal(utc, timeZoneId).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    /// <summary>"12.5" or "12,5" from a text field; null when empty; false when present but not a number.</summary>
    public static bool TryParseCoordinate(string? value, out double? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        var text = value.Trim().Replace(',', '.');
        if (text.Length > 20 || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return false;
        result = d;
        return true;
    }

    public static string Coordinate(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    // Full keys (never built by concatenation) so the translation tests see each of them.
    // Over enums without a catch-all arm (AMP0001): a new state fails to compile here until it has its words.
    public static string StateKey(VisitState state) => state switch
    {
        VisitState.Planned => "Visit.State.Planned",
        VisitState.Active => "Visit.State.Active",
        VisitState.Overdue => "Visit.State.Overdue",
        VisitState.Alerting => "Visit.State.Alerting",
        VisitState.Invited => "Visit.State.Invited",
        VisitState.Closed => "Visit.State.Closed",
    };

    /// <summary>The CSS class of a visit's state (<c>state-active</c>): the HTML edge, spelled as the API spells it.</summary>
    public static string StateClass(VisitState state) => "state-" + CheckInService.StateName(state);

    /// <summary>A closed visit's outcome; a closed visit without one (older rows) reads as safe.</summary>
    public static string VisitOutcomeKey(VisitOutcome? outcome) => outcome switch
    {
        VisitOutcome.CheckedInLate => "Visit.Outcome.CheckedInLate",
        VisitOutcome.ClosedByResponder => "Visit.Outcome.ClosedByResponder",
        VisitOutcome.Declined => "Visit.Outcome.Declined",
        VisitOutcome.Safe or VisitOutcome.Cancelled or null => "Visit.Outcome.Safe",
    };

    public static string CompanionAnswerKey(CompanionReply answer) => answer switch
    {
        CompanionReply.Accepted => "Companion.Accepted",
        CompanionReply.Declined => "Companion.Declined",
        CompanionReply.Invited => "Companion.Invited",
    };

    public static string AlertKindKey(AlertKind kind) => kind switch
    {
        AlertKind.Panic => "Alert.Kind.Panic",
        AlertKind.Duress => "Alert.Kind.Duress",
        AlertKind.WrongPins => "Alert.Kind.WrongPins",
        AlertKind.Missed => "Alert.Kind.Missed",
    };

    public static string AlertStateKey(AlertState state) => state switch
    {
        AlertState.Open => "Alert.State.Open",
        AlertState.Acknowledged => "Alert.State.Acknowledged",
        AlertState.Resolved => "Alert.State.Resolved",
    };

    public static string AlertOutcomeKey(AlertOutcome? outcome) => outcome switch
    {
        AlertOutcome.Safe => "Alert.Outcome.Safe",
        AlertOutcome.FalseAlarm => "Alert.Outcome.FalseAlarm",
        AlertOutcome.NeedsHelp => "Alert.Outcome.NeedsHelp",
        AlertOutcome.Missing => "Alert.Outcome.Missing",
        AlertOutcome.CheckedInLate => "Alert.Outcome.CheckedInLate",
        AlertOutcome.Cancelled => "Alert.Outcome.Cancelled",
        null => "Alert.Outcome.None",
    };

    /// <summary>A resolved event's detail is the outcome as the timeline stores it (<see cref="AlertService.OutcomeName"/>).</summary>
    public static string AlertOutcomeKey(string stored) => AlertOutcomeKey(
        Enum.GetValues<AlertOutcome>().Where(o => AlertService.OutcomeName(o) == stored).Cast<AlertOutcome?>().FirstOrDefault());

    public static string EventKey(string kind) => kind switch
    {
        AlertEvents.Raised => "Timeline.Raised",
        AlertEvents.LevelReached => "Timeline.Level",
        AlertEvents.Repeated => "Timeline.Repeated",
        AlertEvents.Queued => "Timeline.Queued",
        AlertEvents.Sent => "Timeline.Sent",
        AlertEvents.Failed => "Timeline.Failed",
        AlertEvents.Fallback => "Timeline.Fallback",
        AlertEvents.Opened => "Timeline.Opened",
        AlertEvents.Acknowledged => "Timeline.Acknowledged",
        AlertEvents.EscalatedByHand => "Timeline.Escalated",
        AlertEvents.Location => "Timeline.Location",
        AlertEvents.Resolved => "Timeline.Resolved",
        AlertEvents.AllClear => "Timeline.AllClear",
        AlertEvents.NoRecipients => "Timeline.NoRecipients",
        AlertEvents.PinRefused => "Timeline.PinRefused",
        AlertEvents.PinLocked => "Timeline.PinLocked",
        AlertEvents.PinUnlocked => "Timeline.PinUnlocked",
        AlertEvents.CheckedInUnconfirmed => "Timeline.CheckedInUnconfirmed",
        AlertEvents.Superseded => "Timeline.Superseded",
        AlertEvents.CancelRefused => "Timeline.CancelRefused",
        AlertEvents.HandlerLost => "Timeline.HandlerLost",
        _ => "Timeline.Other",
    };

    public static string ConsentKey(ConsentState consent) => consent switch
    {
        ConsentState.Confirmed => "Contacts.Consent.Confirmed",
        ConsentState.Withdrawn => "Contacts.Consent.Withdrawn",
        ConsentState.Pending => "Contacts.Consent.Pending",
    };

    public static string ChannelKey(Features.Notifications.ChannelKind kind) => kind switch
    {
        Features.Notifications.ChannelKind.Email => "Contacts.Channel.Email",
        Features.Notifications.ChannelKind.Sms => "Contacts.Channel.Sms",
        Features.Notifications.ChannelKind.Signal => "Contacts.Channel.Signal",
        Features.Notifications.ChannelKind.Webhook => "Contacts.Channel.Webhook",
    };

    /// <summary>"geo:" link for a location: opens the person's own map app; the page itself loads no map.</summary>
    public static string GeoUri(double latitude, double longitude) => $"geo:{Coordinate(latitude)},{Coordinate(longitude)}";
}
