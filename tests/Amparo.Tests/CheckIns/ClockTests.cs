using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.CheckIns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// Time that does not flow evenly: daylight-saving changes in the owner's zone, the server clock jumping an hour
/// forward or back, and the retention period of precise locations. Deadlines are UTC instants, so the only
/// acceptable outcome is: no alert before deadline + grace by the server's clock, and none lost.
/// </summary>
public abstract class ClockTests(AppFixture app)
{
    private static readonly TimeZoneInfo Madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");

    /// <summary>The first UTC instant after <paramref name="from"/> at which Madrid's offset goes up (spring) or down (autumn).</summary>
    private static DateTime Transition(DateTime from, bool forward)
    {
        var t = new DateTime(from.Year, from.Month, from.Day, from.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        for (var i = 0; i < 24 * 400; i++, t = t.AddHours(1))
        {
            var before = Madrid.GetUtcOffset(t.AddHours(-1));
            var after = Madrid.GetUtcOffset(t);
            if (after != before && after > before == forward) return t;
        }
        throw new InvalidOperationException("no transition within 400 days");
    }

    private async Task<World> MadridWorldAsync()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == w.Owner.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, "Europe/Madrid")));
        return w;
    }

    private async Task<Guid> PlanAtAsync(World w, DateTimeOffset dueAt)
    {
        // The clock moved months: a token issued now (the owner's first one has expired).
        var (status, visit) = await app.PostAsync(await app.TokenAsync(w.Owner), "/api/v1/visits", new { place = "Juzgado", dueAt });
        Assert.Equal(HttpStatusCode.Created, status);
        return visit.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Walks the clock in 5-minute steps up to <paramref name="until"/>, stopping also one second before each
    /// <paramref name="expected"/> instant, running the workers each time; returns when each alert e-mail first appeared.
    /// </summary>
    private async Task<List<DateTime>> WalkAsync(World w, DateTime until, params DateTime[] expected)
    {
        int Missed() => app.AlertsTo(w.ContactEmail).Count(t => t.Contains("has not checked in", StringComparison.Ordinal));
        var start = Missed();
        var stops = new SortedSet<DateTime>(expected.SelectMany(e => new[] { e.AddSeconds(-1), e }));
        for (var t = app.Now().AddMinutes(5); t <= until; t = t.AddMinutes(5)) stops.Add(t);
        var seen = new List<DateTime>();
        foreach (var stop in stops)
        {
            await app.StepToAsync(stop);
            while (seen.Count < Missed() - start) seen.Add(app.Now());
        }
        return seen;
    }

    [Fact]
    public async Task DstSpringForwardAndFallBack_AlertExactlyAtDeadlinePlusGrace_ReminderShowsLocalTime()
    {
        var w = await MadridWorldAsync();

        // Spring: 02:00 local becomes 03:00. Due 03:20 local (+02:00), which is 20 minutes after the change.
        var spring = Transition(app.Now(), forward: true);
        app.Clock.SetUtcNow(new DateTimeOffset(spring.AddMinutes(-40), TimeSpan.Zero));
        await PlanAtAsync(w, new DateTimeOffset(spring.AddMinutes(20)).ToOffset(TimeSpan.FromHours(2)));
        var seen = await WalkAsync(w, spring.AddMinutes(45), spring.AddMinutes(30));
        Assert.Equal([spring.AddMinutes(30)], seen);
        var soon = app.MailTo(w.Owner.Email).First();
        Assert.Contains("3:20", soon.TextBody, StringComparison.Ordinal);

        // Autumn: 03:00 local becomes 02:00, so 02:30 happens twice. Each visit alerts at its own instant, not an hour early.
        var autumn = Transition(app.Now(), forward: false);
        app.Clock.SetUtcNow(new DateTimeOffset(autumn.AddMinutes(-60), TimeSpan.Zero));
        var firstHalf = new DateTimeOffset(autumn.AddMinutes(-30)).ToOffset(TimeSpan.FromHours(2));
        var secondHalf = new DateTimeOffset(autumn.AddMinutes(30)).ToOffset(TimeSpan.FromHours(1));
        Assert.Equal(firstHalf.TimeOfDay, secondHalf.TimeOfDay); // both 02:30 on the wall
        await PlanAtAsync(w, firstHalf);
        await PlanAtAsync(w, secondHalf);
        seen = await WalkAsync(w, autumn.AddMinutes(50), autumn.AddMinutes(-20), autumn.AddMinutes(40));
        Assert.Equal([autumn.AddMinutes(-20), autumn.AddMinutes(40)], seen);
    }

    [Fact]
    public async Task ClockJumpsForwardAnHour_TheMissedVisitAlertsAtOnce_NotLost()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(30));
        await app.StepAsync(TimeSpan.FromMinutes(5));
        Assert.Empty(app.MailTo(w.Owner.Email));

        await app.StepAsync(TimeSpan.FromHours(1));
        Assert.Single(app.AlertsTo(w.ContactEmail));
        Assert.Equal("alerting", await app.StateAsync(w.Token, visitId));
        // Reminders whose moment passed during the jump are not sent late, after the alert.
        Assert.Empty(app.MailTo(w.Owner.Email));
    }

    [Fact]
    public async Task ClockJumpsBackAnHour_NoAlertBeforeDeadlinePlusGraceByTheServerClock_AndNoneLost()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var shift = app.Extras().Clock;
        var planned = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(30));
        var alertAt = (await app.VisitAsync(w.Token, planned)).GetProperty("dueAt").GetDateTime().AddMinutes(10);
        await app.StepAsync(TimeSpan.FromMinutes(20));
        try
        {
            // The server clock is set back an hour (e.g. a wrong NTP step corrected). A visit planned after the jump too.
            shift.Shift = TimeSpan.FromHours(-1);
            var plannedAfter = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(30));
            var alertAfter = app.Now().AddMinutes(40);

            Assert.True(alertAfter < alertAt);
            await app.StepToAsync(alertAfter.AddMinutes(-1));
            Assert.Empty(app.AlertsTo(w.ContactEmail));
            await app.StepToAsync(alertAfter);
            Assert.Single(app.AlertsTo(w.ContactEmail));
            Assert.Equal("alerting", await app.StateAsync(w.Token, plannedAfter));
            await app.StepToAsync(alertAt.AddMinutes(-1));
            Assert.Equal("overdue", await app.StateAsync(w.Token, planned));
            await app.StepToAsync(alertAt);
            Assert.Equal("alerting", await app.StateAsync(w.Token, planned));
            Assert.Equal(2, app.AlertsTo(w.ContactEmail).Count(t => t.Contains("has not checked in", StringComparison.Ordinal)));
        }
        finally
        {
            shift.Shift = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task PreciseLocations_OfAClosedVisitAndItsAlert_AreDeletedAfterSevenDays_KeptBefore_AndWhileOpen()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20), new { latitude = 10.5, longitude = -66.9 });
        var stillOpen = await app.PlanAsync(w.Token, TimeSpan.FromDays(9), new { latitude = 11.5, longitude = -67.9 });
        await app.StepAsync(TimeSpan.FromMinutes(30));
        var alert = (await app.AlertOfVisitAsync(visitId))!;
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync(w.Token, $"/api/v1/alerts/{alert.Id}/locations", new { latitude = 10.6, longitude = -66.8 })).Status);
        var (status, closed) = await app.PostAsync(w.Token, $"/api/v1/visits/{visitId}/check-ins", new { pin = CheckInKit.Pin, latitude = 10.7, longitude = -66.7 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10.5, closed.GetProperty("latitude").GetDouble());
        var closedAt = closed.GetProperty("closedAt").GetDateTime();

        async Task<(bool Visit, bool CheckIn, bool Alert, bool Open)> StoredAsync() => await app.WithDbAsync(async db => (
            await db.Visits.AnyAsync(v => v.Id == visitId && v.CoordinatesCipher != null),
            await db.CheckIns.AnyAsync(c => c.VisitId == visitId && c.CoordinatesCipher != null),
            await db.Alerts.AnyAsync(a => a.Id == alert.Id && a.LocationCipher != null),
            await db.Visits.AnyAsync(v => v.Id == stillOpen && v.CoordinatesCipher != null)));
        var engine = app.Services.GetRequiredService<AlertEngine>();

        await app.StepToAsync(closedAt.AddDays(7).AddMinutes(-1));
        await engine.RetentionAsync(CancellationToken.None, force: true);
        Assert.Equal((true, true, true, true), await StoredAsync());

        await app.StepToAsync(closedAt.AddDays(7).AddMinutes(1));
        await engine.RetentionAsync(CancellationToken.None, force: true);
        Assert.Equal((false, false, false, true), await StoredAsync());
        // The rest of the visit stays for its owner.
        var visit = await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>().GetAsync(w.Owner.Id, visitId));
        Assert.Equal("Barrio Norte", visit!.Place);
        Assert.Null(visit.Latitude);
    }
}

// A host of its own, not the shared CheckInsWithClock one: this class moves the clock months on (to the daylight-saving
// changes) and walks it in 5-minute steps, and on the shared host each step also ran the alert engine over the alerts
// the other classes left open (their repeats, their check-backs): several times slower. Alone it also runs beside them.
public sealed class ClockTestsSqlite(CheckInSqliteApp app) : ClockTests(app), IClassFixture<CheckInSqliteApp>;
public sealed class ClockTestsPostgres(CheckInPostgresApp app) : ClockTests(app), IClassFixture<CheckInPostgresApp>;
