using System.Collections.Concurrent;
using System.Net;
using Amparo.Tests.CheckIns;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Notifications;

/// <summary>A module of the tests' own: registers the keyword PING (and "PONG NOW") and answers in Spanish.</summary>
public sealed class PingHandler : ISmsKeywordHandler
{
    public static readonly ConcurrentQueue<InboundText> Received = new();

    public Task<SmsReply?> HandleAsync(InboundText sms, CancellationToken ct)
    {
        Received.Enqueue(sms);
        return Task.FromResult<SmsReply?>(new SmsReply("es", "pong: " + sms.Text));
    }
}

/// <summary>Amparo with an SMS gateway and the test module's keywords.</summary>
public sealed class NotifySqliteApp : SmsApp
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        base.ConfigureMore(builder);
        builder.ConfigureServices(s => s.AddSmsKeywords<PingHandler>("test-module", ["PING", "pong now"]));
    }
}

public sealed class NotifyPostgresApp : SmsApp
{
    private readonly Lazy<string> _connection = new(() => PostgresServer.Instance.NewDatabase());
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", _connection.Value);
    }
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        base.ConfigureMore(builder);
        builder.ConfigureServices(s => s.AddSmsKeywords<PingHandler>("test-module", ["PING", "pong now"]));
    }
}

/// <summary>A test module that claims "ok", which check-ins already registered: the app must not start.</summary>
public sealed class DuplicateKeywordApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSmsKeywords<PingHandler>("test-module", ["ping", "ok"]));
}

/// <summary>
/// Notifications as the shared capability: the most urgent due rows go first, the recipient's language is recorded,
/// and SMS keywords are registered in one place (a duplicate stops the start, a module's keyword reaches its handler).
/// </summary>
public abstract class NotificationsTests(SmsApp app)
{
    private static Notification Mail(string key, NotificationPriority priority, string to, string language = "en") =>
        new(key, NotificationSource.None, priority, language, [new Destination(ChannelKind.Email, to)], "subject", "text of " + key);

    [Fact]
    public async Task AnAlert_QueuedAfterManyDigests_IsSentInTheVeryNextRound()
    {
        await app.WithDbAsync(db => db.Outbox.Where(m => m.State == OutboxState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Cancelled)));
        var run = Guid.NewGuid().ToString("N")[..8];
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var notifier = sp.GetRequiredService<Notifier>();
            for (var i = 0; i < 3 * OutboxDispatcher.Round; i++)
                await notifier.EnqueueAsync(db, Mail($"digest:{run}:{i}", NotificationPriority.Digest, $"digest{i}-{run}@example.org"));
            return await db.SaveChangesAsync();
        });
        // Queued a second later than every digest: by age alone it would wait three rounds.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var alertAddress = $"alert-{run}@example.org";
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            await sp.GetRequiredService<Notifier>().EnqueueAsync(db, Mail($"alert:{run}", NotificationPriority.Alert, alertAddress));
            return await db.SaveChangesAsync();
        });

        var due = await app.Services.GetRequiredService<OutboxDispatcher>().SendRoundAsync(CancellationToken.None);

        Assert.Equal(OutboxDispatcher.Round, due);
        Assert.Equal(OutboxState.Sent, await app.WithDbAsync(db => db.Outbox.Where(m => m.NotificationKey == $"alert:{run}").Select(m => m.State).SingleAsync()));
        await app.Smtp.WaitForMessageToAsync(alertAddress);
        var digestsSent = await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.NotificationKey.StartsWith($"digest:{run}:") && m.State == OutboxState.Sent));
        Assert.Equal(OutboxDispatcher.Round - 1, digestsSent);

        // The rest still go out, none lost.
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(3 * OutboxDispatcher.Round, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.NotificationKey.StartsWith($"digest:{run}:") && m.State == OutboxState.Sent)));
    }

    [Fact]
    public async Task ANotification_IsWrittenInTheRecipientsLanguage_AndRecordsIt()
    {
        var user = await app.CreateUserAsync(TestData.Email("lang"));
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, "fr")));
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            await sp.GetRequiredService<Reminders>().PinsChangedAsync(db, user.Id, CancellationToken.None);
            return await db.SaveChangesAsync();
        });
        var (row, payload) = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.SourceKind == NotificationSourceKind.Account && m.SourceId == user.Id);
            return (message, await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, message));
        });
        Assert.Equal("fr", row.Language);
        Assert.Equal(NotificationPriority.Normal, row.Priority);
        var english = await app.WithServicesAsync(sp => Task.FromResult(sp.GetRequiredService<MessageTexts>().Text("en", false, "Pin.Mail.ChangedSubject")));
        var french = await app.WithServicesAsync(sp => Task.FromResult(sp.GetRequiredService<MessageTexts>().Text("fr", false, "Pin.Mail.ChangedSubject")));
        Assert.NotEqual(english, french);
        Assert.Equal(french, payload.Subject);
    }

    [Fact]
    public async Task AKeywordOfAnotherModule_ReachesItsHandler_AndItsReplyIsQueuedInTheLanguageItChose()
    {
        app.Sms.Adapter = "courier";
        var from = "+3460" + (1000000 + (Guid.NewGuid().GetHashCode() & 0x7FFFFF) % 8999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = Guid.NewGuid().ToString("N");
        using var client = app.NewClient();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["from"] = from, ["text"] = "Pong  now", ["id"] = id });
        using var response = await client.Http.PostAsync(new Uri($"/hooks/sms/courier/{SmsApp.ChannelKey}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        InboundSms? row;
        while ((row = await app.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.ExternalId == id))) is not { ProcessedAt: not null, LeaseUntil: null })
        {
            Assert.True(DateTime.UtcNow < deadline, "the inbound SMS was not processed");
            await Task.Delay(50);
        }
        Assert.Contains(PingHandler.Received, r => r.Id == row.Id && r.Text == "Pong  now");
        var (reply, text) = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.NotificationKey == $"sms-reply:{row.Id:D}");
            return (message, (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, message)).Text);
        });
        Assert.Equal("pong: Pong  now", text);
        Assert.Equal("es", reply.Language);
        Assert.Equal(NotificationPriority.Deadline, reply.Priority);
        Assert.Equal(ChannelKind.Sms, reply.Channel);
    }

    [Fact]
    public void TheRegistry_SendsATextToTheLongestKeyword_AndTheRestToTheFeatureThatTakesUnmatchedTexts()
    {
        var keywords = app.Services.GetRequiredService<SmsKeywords>();
        Assert.Equal("test-module", keywords.HandlerFor("ping")!.Feature);
        Assert.Equal("test-module", keywords.HandlerFor("PONG NOW please")!.Feature);
        Assert.Equal("check-ins", keywords.HandlerFor("ok 1234")!.Feature);
        Assert.Equal("check-ins", keywords.HandlerFor("ACK 4821 9375")!.Feature);
        Assert.Equal("check-ins", keywords.HandlerFor("mango 1234")!.Feature); // a person's own code word
        Assert.Equal("check-ins", keywords.HandlerFor("pong")!.Feature);
    }
}

public sealed class NotificationsTestsSqlite(NotifySqliteApp app) : NotificationsTests(app), IClassFixture<NotifySqliteApp>;
public sealed class NotificationsTestsPostgres(NotifyPostgresApp app) : NotificationsTests(app), IClassFixture<NotifyPostgresApp>;

public sealed class SmsKeywordRegistrationTests
{
    [Fact]
    public async Task TwoFeaturesClaimingOneKeyword_StopTheAppAtStart_NamingBoth()
    {
        await using var app = new DuplicateKeywordApp();
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        var message = error is AggregateException a ? string.Join(" | ", a.Flatten().InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("SMS keyword 'OK' is registered by both 'check-ins' and 'test-module'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameWordTwiceInOneFeature_IsFine_AndCaseOrAccentsDoNotMakeADifferentKeyword()
    {
        Assert.Throws<InvalidOperationException>(() => new SmsKeywords([
            new SmsKeywordRegistration("a", typeof(PingHandler), ["ARRÊT"]),
            new SmsKeywordRegistration("b", typeof(PingHandler), ["arret"]),
        ]));
        var one = new SmsKeywords([new SmsKeywordRegistration("a", typeof(PingHandler), ["ping", "PING"])]);
        Assert.Equal("a", one.HandlerFor("Ping")!.Feature);
        Assert.Null(one.HandlerFor("hello"));
    }
}
