using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.CheckIns;

/// <summary>An app instance on a given PostgreSQL database, optionally sharing another instance's data directory (and so its master key).</summary>
public sealed class SharedPostgresApp(string connectionString, string? dataDirectory) : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", connectionString);
    }
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        if (dataDirectory is not null) builder.UseSetting("Amparo:DataDirectory", dataDirectory);
    }
}

/// <summary>Two instances of Amparo on ONE PostgreSQL database, each with its own SMTP server and clock.</summary>
public sealed class TwoPostgresApps : IAsyncLifetime
{
    public SharedPostgresApp First { get; private set; } = null!;
    public SharedPostgresApp Second { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connection = PostgresServer.Instance.NewEmptyDatabase(); // empty: the first instance migrates it as a real one would
        First = new SharedPostgresApp(connection, null);
        await First.InitializeAsync();
        Second = new SharedPostgresApp(connection, First.DataDirectory);
        await Second.InitializeAsync();
    }

    public void SetClocks(DateTime utc)
    {
        First.Clock.SetUtcNow(new DateTimeOffset(utc, TimeSpan.Zero));
        Second.Clock.SetUtcNow(new DateTimeOffset(utc, TimeSpan.Zero));
    }

    public async ValueTask DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}

[RunsLong]
public sealed class TwoInstanceTests(TwoPostgresApps apps) : IClassFixture<TwoPostgresApps>
{
    private const int Owners = 10, VisitsEach = 20;

    private async Task RoundsAsync(int rounds)
    {
        for (var i = 0; i < rounds; i++) await Task.WhenAll(apps.First.RunWorkersAsync(), apps.Second.RunWorkersAsync());
    }

    private List<MimeKit.MimeMessage> AlertMail() =>
        apps.First.Smtp.Messages.Concat(apps.Second.Smtp.Messages).Where(CheckInKit.IsAlert).ToList();

    [Fact]
    public async Task TwoInstances_ManyDeadlinesAtOnce_ExactlyOneAlertPerVisit_NoDuplicateStep_NoneLost()
    {
        var app = apps.First;
        var start = new[] { apps.First.Clock.GetUtcNow(), apps.Second.Clock.GetUtcNow() }.Max().UtcDateTime;
        apps.SetClocks(start);
        var due = start.AddMinutes(30);
        var visits = new List<Guid>();
        for (var o = 0; o < Owners; o++)
        {
            var owner = await app.PersonAsync("many");
            await app.ConfirmedContactAsync(owner, "Contact " + o, (ChannelKind.Email, TestData.Email("many-contact")));
            await app.WithServicesAsync(async sp =>
            {
                var service = sp.GetRequiredService<CheckInService>();
                for (var i = 0; i < VisitsEach; i++)
                {
                    var (visit, errors) = await service.PlanAsync(owner.Id, new VisitPlan("Somewhere", null, null, null, null, null, due, null, null, null));
                    Assert.Empty(errors);
                    visits.Add(visit!.Id);
                }
                return true;
            });
        }
        var total = Owners * VisitsEach;

        // Level 1 for all of them at the same instant, both instances working at once.
        apps.SetClocks(due.AddMinutes(10));
        await RoundsAsync(3);
        var (alerts, recipients, outbox, keys, levelEvents, alerting) = await app.WithDbAsync(async db => (
            await db.Alerts.Where(a => a.VisitId != null).GroupBy(a => a.VisitId).Select(g => g.Count()).ToListAsync(),
            await db.AlertRecipients.CountAsync(),
            await db.Outbox.Where(m => m.AlertId != null).CountAsync(),
            await db.Outbox.Where(m => m.AlertId != null).Select(m => m.IdempotencyKey).Distinct().CountAsync(),
            await db.AlertEvents.Where(e => e.Kind == AlertEvents.LevelReached).GroupBy(e => e.AlertId).Select(g => g.Count()).ToListAsync(),
            await db.Visits.CountAsync(v => v.State == VisitState.Alerting)));
        Assert.Equal(total, alerts.Count);
        Assert.All(alerts, n => Assert.Equal(1, n));
        Assert.Equal(total, alerting);
        Assert.Equal(total, recipients);
        Assert.Equal(total, outbox);
        Assert.Equal(total, keys);
        Assert.Equal(total, levelEvents.Count);
        Assert.All(levelEvents, n => Assert.Equal(1, n));
        var mail = AlertMail();
        Assert.Equal(total, mail.Count);
        Assert.Equal(total, mail.Select(m => m.MessageId).Distinct().Count());

        // Levels 2 and 3 (empty here), then the first repeat: each step exactly once per alert.
        apps.SetClocks(due.AddMinutes(25));
        await RoundsAsync(3);
        apps.SetClocks(due.AddMinutes(40));
        await RoundsAsync(3);
        var (repeats, noRecipients, pending) = await app.WithDbAsync(async db => (
            await db.AlertEvents.Where(e => e.Kind == AlertEvents.Repeated).GroupBy(e => e.AlertId).Select(g => g.Count()).ToListAsync(),
            await db.AlertEvents.CountAsync(e => e.Kind == AlertEvents.NoRecipients),
            await db.Outbox.CountAsync(m => m.State == OutboxState.Pending)));
        Assert.Equal(total, repeats.Count);
        Assert.All(repeats, n => Assert.Equal(1, n));
        Assert.Equal(2 * total, noRecipients);
        Assert.Equal(0, pending);
        mail = AlertMail();
        Assert.Equal(2 * total, mail.Count);
        Assert.Equal(2 * total, mail.Select(m => m.MessageId).Distinct().Count());
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"first instance sent {apps.First.Smtp.Messages.Count(CheckInKit.IsAlert)}, second {apps.Second.Smtp.Messages.Count(CheckInKit.IsAlert)}");
    }
}
