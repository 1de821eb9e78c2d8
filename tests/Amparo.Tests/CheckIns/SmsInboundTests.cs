using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Amparo.Tests.CheckIns;

/// <summary>Amparo with an SMS gateway configured (all three adapters' settings; a test picks the adapter).</summary>
public abstract class SmsApp : AppFixture
{
    public const string ChannelKey = "k3yForTheSmsHook0123";
    public const string SigningKey = "android-signing-key";
    public const string SmsSyncSecret = "smssync-secret";

    /// <summary>Set by a test: the next statement that marks an inbound SMS processed fails, as if the process died there.</summary>
    private volatile bool _failNextInboundMark;
    public bool FailNextInboundMark { get => _failNextInboundMark; set => _failNextInboundMark = value; }

    /// <summary>Where the database is, so that a second instance (or the same one restarted) can open it.</summary>
    public virtual string? ConnectionString => null;

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.ConfigureServices(services =>
        {
            var crash = new CrashAtInboundMark(this);
            services.ConfigureDbContext<SqliteAmparoDbContext>(o => o.AddInterceptors(crash));
            services.ConfigureDbContext<PostgresAmparoDbContext>(o => o.AddInterceptors(crash));
        });
        builder.UseSetting("Sms:Adapter", "android");
        builder.UseSetting("Sms:ChannelKey", ChannelKey);
        builder.UseSetting("Sms:BaseUrl", "http://127.0.0.1:9");
        builder.UseSetting("Sms:Username", "u");
        builder.UseSetting("Sms:Password", "p");
        builder.UseSetting("Sms:SigningKey", SigningKey);
        builder.UseSetting("Sms:Secret", SmsSyncSecret);
        builder.UseSetting("Sms:SendUrl", "http://127.0.0.1:9/send");
        // What the operator of an installation with an SMS gateway would set for the installed app and its offline page.
        builder.UseSetting("Amparo:Offline:SmsNumber", OfflineSmsNumber);
        builder.UseSetting("Amparo:Offline:EmergencyNumber", "112");
        builder.UseSetting("Amparo:App:Name", "Field diary");
        builder.UseSetting("Amparo:App:ShortName", "Diary");
        builder.UseSetting("Amparo:App:Icon", "calendar");
    }

    public const string OfflineSmsNumber = "+57 300 555 0101";

    /// <summary>The options are one object for the app's life: tests switch the adapter on it (tests in a class run one at a time).</summary>
    public SmsOptions Sms => Services.GetRequiredService<IOptions<SmsOptions>>().Value;

    private sealed class CrashAtInboundMark(SmsApp app) : DbCommandInterceptor
    {
        // The SET of ProcessedAt (not the "ProcessedAt" IS NULL of a claim's WHERE).
        private static bool Marks(DbCommand command) =>
            command.CommandText.Contains("UPDATE \"InboundSms\"", StringComparison.Ordinal) && command.CommandText.Contains("\"ProcessedAt\" = @", StringComparison.Ordinal);

        private void Check(DbCommand command)
        {
            if (app.FailNextInboundMark && Marks(command))
            {
                app.FailNextInboundMark = false;
                throw new InvalidOperationException("simulated crash before the inbound SMS was marked processed");
            }
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }
    }
}

/// <summary>
/// Another Amparo process on the same database and data directory as <paramref name="first"/>: a second instance, or
/// the first one after a restart (nothing in memory carries over).
/// </summary>
public sealed class SecondSmsApp(SmsApp first) : SmsApp
{
    public override string Provider => first.Provider;
    public override string? ConnectionString => first.ConnectionString;

    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", first.Provider);
        if (first.ConnectionString is { } connection) builder.UseSetting("ConnectionStrings:Amparo", connection);
    }

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        base.ConfigureMore(builder);
        builder.UseSetting("Amparo:DataDirectory", first.DataDirectory);
    }
}

public sealed class SmsSqliteApp : SmsApp
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
}

public sealed class SmsPostgresApp : SmsApp
{
    private readonly Lazy<string> _connection = new(() => PostgresServer.Instance.NewDatabase());
    public override string Provider => "Postgres";
    public override string? ConnectionString => _connection.Value;
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", _connection.Value);
    }
}

public abstract partial class SmsInboundTests(SmsApp app)
{
    private static string Url(string adapter, string key = SmsApp.ChannelKey) => $"/hooks/sms/{adapter}/{key}";

    private Task<int> CountAsync() => app.WithDbAsync(db => db.InboundSms.CountAsync());

    private static HttpRequestMessage AndroidRequest(string body, long timestamp, string? key = null, string adapterKey = SmsApp.ChannelKey)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key ?? SmsApp.SigningKey), Encoding.UTF8.GetBytes(body + ts)));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url("android", adapterKey), UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Timestamp", ts);
        request.Headers.Add("X-Signature", signature);
        return request;
    }

    private static string AndroidBody(string eventId, string from, string text) => JsonSerializer.Serialize(new
    {
        deviceId = "ffffffffceb0b1db0000018e937c815b",
        @event = "sms:received",
        id = eventId,
        payload = new { messageId = "abc123", message = text, phoneNumber = from, simNumber = 1, receivedAt = "2024-06-22T15:46:11.000+07:00" },
        webhookId = "w1",
    });

    private long Now => app.Clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>The operator set the SMS and emergency numbers: the offline page offers them as links, in every language.</summary>
    [Fact]
    public async Task OfflinePage_ShowsTheInstallationsSmsAndEmergencyNumbers_WhenSet()
    {
        using var client = app.NewClient();
        foreach (var language in new[] { "en", "ar" })
        {
            var (status, page) = await client.GetAsync("/offline?lang=" + language);
            Assert.Equal(HttpStatusCode.OK, status);
            var html = WebUtility.HtmlDecode(page); // the page writes "+" as &#x2B;
            Assert.Contains($"href=\"sms:+573005550101\" dir=\"ltr\">{SmsApp.OfflineSmsNumber}</a>", html, StringComparison.Ordinal);
            Assert.Contains("href=\"tel:112\" dir=\"ltr\">112</a>", html, StringComparison.Ordinal);
        }
    }

    /// <summary>The operator chose the installed name and icon: the manifest, the icons, the favicon and the pages follow.</summary>
    [Fact]
    public async Task Manifest_UsesTheOperatorsNameAndIcon()
    {
        using var client = app.NewClient();
        var manifest = await Amparo.Tests.Security.InstallableAppChecks.ManifestAsync(client, "es");
        Assert.Equal("Field diary", manifest.GetProperty("name").GetString());
        Assert.Equal("Diary", manifest.GetProperty("short_name").GetString());
        var icons = await Amparo.Tests.Security.InstallableAppChecks.IconsAnswerAsync(client, manifest);
        Assert.All(icons, src => Assert.StartsWith("/img/icons/calendar", src, StringComparison.Ordinal));
        using var favicon = await client.Http.GetAsync(new Uri("/favicon.ico", UriKind.Relative));
        using var calendar = await client.Http.GetAsync(new Uri("/img/icons/calendar.ico", UriKind.Relative));
        Assert.Equal(await calendar.Content.ReadAsByteArrayAsync(), await favicon.Content.ReadAsByteArrayAsync());
        var (_, page) = await client.GetAsync("/account/sign-in");
        Assert.Contains("href=\"/img/icons/calendar.svg\"", page, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"apple-mobile-web-app-title\" content=\"Diary\">", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Android_SignedMessage_IsStoredEncrypted_Once_AndAnsweredFast()
    {
        app.Sms.Adapter = "android";
        using var client = app.NewClient();
        var before = await CountAsync();
        var id = "evt-" + Guid.NewGuid().ToString("N");
        var body = AndroidBody(id, "+34600000001", "hello there");

        var watch = Stopwatch.StartNew();
        using (var request = AndroidRequest(body, Now))
        using (var response = await client.Http.SendAsync(request))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"answered in {watch.Elapsed}");

        // The app retries the same event: one row.
        using (var again = AndroidRequest(body, Now))
        using (var response = await client.Http.SendAsync(again))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, await CountAsync());

        var row = await app.WithDbAsync(db => db.InboundSms.SingleAsync(m => m.ExternalId == id));
        Assert.Equal("android", row.Adapter);
        // Our clock, not the phone's 2024 time (PostgreSQL keeps microseconds).
        Assert.True((app.Clock.GetUtcNow().UtcDateTime - row.ReceivedAt).Duration() < TimeSpan.FromMilliseconds(1));
        Assert.NotNull(row.SenderLookup);
        Assert.Equal(64, row.SenderLookup!.Length);
        if (row.PayloadCipher is not null) Assert.DoesNotContain("hello there", Encoding.UTF8.GetString(row.PayloadCipher), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Android_BadSignature_StaleTimestamp_OrWrongKey_AreRefused_AndNothingIsStored()
    {
        app.Sms.Adapter = "android";
        using var client = app.NewClient();
        var before = await CountAsync();
        var body = AndroidBody("evt-" + Guid.NewGuid().ToString("N"), "+34600000002", "OK 1234");

        using (var wrongKey = AndroidRequest(body, Now, key: "not-the-key"))
        using (var response = await client.Http.SendAsync(wrongKey))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var stale = AndroidRequest(body, Now - 3600))
        using (var response = await client.Http.SendAsync(stale))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var future = AndroidRequest(body, Now + 3600))
        using (var response = await client.Http.SendAsync(future))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var tampered = AndroidRequest(body, Now))
        {
            tampered.Content = new StringContent(body.Replace("OK 1234", "OK 9999", StringComparison.Ordinal), Encoding.UTF8, "application/json");
            using var response = await client.Http.SendAsync(tampered);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var badChannel = AndroidRequest(body, Now, adapterKey: "wrongChannelKey00000"))
        using (var response = await client.Http.SendAsync(badChannel))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var otherAdapter = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), new StringContent("")))
            Assert.Equal(HttpStatusCode.NotFound, otherAdapter.StatusCode);

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Courier_FormMessage_IsStored_AndAGatewayRetryIsDroppedById()
    {
        app.Sms.Adapter = "courier";
        using var client = app.NewClient();
        var before = await CountAsync();
        var id = Guid.NewGuid().ToString("N");
        var fields = new Dictionary<string, string> { ["from"] = "+34600000003", ["text"] = "hi", ["id"] = id };
        for (var i = 0; i < 2; i++)
        {
            using var content = new FormUrlEncodedContent(fields);
            using var response = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(before + 1, await CountAsync());

        using (var noFrom = new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "x" }))
        using (var response = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), noFrom))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using (var wrong = new FormUrlEncodedContent(fields))
        using (var response = await client.Http.PostAsync(new Uri(Url("courier", "wrongChannelKey00000"), UriKind.Relative), wrong))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before + 1, await CountAsync());
    }

    [Fact]
    public async Task SmsSync_Message_IsStored_AnsweredInItsFormat_AndAWrongSecretIsRefused()
    {
        app.Sms.Adapter = "smssync";
        using var client = app.NewClient();
        var before = await CountAsync();
        var messageId = Guid.NewGuid().ToString();
        var fields = new Dictionary<string, string>
        {
            ["from"] = "+34600000004", ["message"] = "hello", ["message_id"] = messageId, ["sent_to"] = "+34600999999",
            ["secret"] = SmsApp.SmsSyncSecret, ["sent_timestamp"] = "1404736800000", ["device_id"] = "1",
        };
        using (var content = new FormUrlEncodedContent(fields))
        using (var response = await client.Http.PostAsync(new Uri(Url("smssync"), UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"payload":{"success":true,"error":null}}""", await response.Content.ReadAsStringAsync());
        }
        fields["secret"] = "wrong";
        fields["message_id"] = Guid.NewGuid().ToString();
        using (var content = new FormUrlEncodedContent(fields))
        using (var response = await client.Http.PostAsync(new Uri(Url("smssync"), UriKind.Relative), content))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        fields.Remove("secret");
        using (var content = new FormUrlEncodedContent(fields))
        using (var response = await client.Http.PostAsync(new Uri(Url("smssync"), UriKind.Relative), content))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before + 1, await CountAsync());
    }

    // The SMSSync app's own calls (PostMessage.performTask, ProcessMessageResult): the poll is GET ?task=send&secret=…,
    // the confirmation POST ?task=sent with the JSON body {"queued_messages":[…]} and no secret.
    private static string Poll(string? secret = SmsApp.SmsSyncSecret) =>
        Url("smssync") + "?task=send" + (secret is null ? "" : "&secret=" + Uri.EscapeDataString(secret));

    private static async Task<List<JsonElement>> PollAsync(TestClient client)
    {
        using var response = await client.Http.GetAsync(new Uri(Poll(), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var payload = doc.RootElement.GetProperty("payload");
        Assert.Equal("send", payload.GetProperty("task").GetString());
        // The app acts on the answer only when it carries its own secret back (the caller has just sent it).
        Assert.Equal(SmsApp.SmsSyncSecret, payload.GetProperty("secret").GetString());
        return payload.GetProperty("messages").EnumerateArray().Select(m => m.Clone()).ToList();
    }

    private static async Task<string> ConfirmAsync(TestClient client, params string[] uuids)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { queued_messages = uuids }), Encoding.UTF8, "application/json");
        using var response = await client.Http.PostAsync(new Uri(Url("smssync") + "?task=sent", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>One notification on two channels: an SMS first, an e-mail as its fallback a minute later.</summary>
    private Task<(Guid Sms, Guid Mail)> PendingSmsWithFallbackAsync(string text) =>
        app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var writer = sp.GetRequiredService<OutboxWriter>();
            var key = "test-pull:" + Guid.NewGuid().ToString("N");
            var now = app.Clock.GetUtcNow().UtcDateTime;
            // Due before the replies other tests in this class leave pending, so that it is in the poll's first batch.
            var sms = new OutboxMessage { Id = Guid.NewGuid(), NotificationKey = key, Channel = ChannelKind.Sms, State = OutboxState.Pending, NextAttemptAt = now.AddDays(-30), CreatedAt = now };
            var mail = new OutboxMessage { Id = Guid.NewGuid(), NotificationKey = key, ChannelIndex = 1, Channel = ChannelKind.Email, State = OutboxState.Pending, NextAttemptAt = now.AddMinutes(1), CreatedAt = now };
            await writer.AddAsync(db, sms, new OutgoingMessage(key + ":0", ChannelKind.Sms, "+34600000005", "Amparo", text));
            await writer.AddAsync(db, mail, new OutgoingMessage(key + ":1", ChannelKind.Email, "someone@example.org", "Amparo", text));
            await db.SaveChangesAsync();
            return (sms.Id, mail.Id);
        });

    private Task<OutboxMessage> RowAsync(Guid id) => app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id));

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("")]
    public async Task SmsSync_PollWithoutTheRightSecret_Is403_HandsNothingOver_AndNeverShowsTheSecret(string? secret)
    {
        app.Sms.Adapter = "smssync";
        using var client = app.NewClient();
        var (sms, mail) = await PendingSmsWithFallbackAsync("Amparo: a message for the phone only.");

        foreach (var url in new[] { Poll(secret), Url("smssync") + "?task=result" + (secret is null ? "" : "&secret=" + secret) })
        {
            using var response = await client.Http.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal("""{"payload":{"success":false,"error":"Secret Key Mismatch"}}""", body);
            Assert.DoesNotContain(SmsApp.SmsSyncSecret, body, StringComparison.Ordinal);
        }
        var row = await RowAsync(sms);
        Assert.Equal(OutboxState.Pending, row.State);
        Assert.Null(row.LeaseUntil);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(OutboxState.Pending, (await RowAsync(mail)).State);
    }

    [Fact]
    public async Task SmsSync_APulledSms_StaysPending_WithItsFallback_UntilTaskSentConfirmsIt()
    {
        app.Sms.Adapter = "smssync";
        using var client = app.NewClient();
        var (sms, mail) = await PendingSmsWithFallbackAsync("Amparo: checked in. Thank you.");
        var uuid = sms.ToString("D");

        var message = Assert.Single(await PollAsync(client), m => m.GetProperty("uuid").GetString() == uuid);
        Assert.Equal("+34600000005", message.GetProperty("to").GetString());
        Assert.Equal("Amparo: checked in. Thank you.", message.GetProperty("message").GetString());
        // Handed over, not yet sent: still pending (leased), and the e-mail fallback still scheduled.
        Assert.Equal(OutboxState.Pending, (await RowAsync(sms)).State);
        Assert.Equal(OutboxState.Pending, (await RowAsync(mail)).State);
        // Leased: a second poll at once does not hand it over twice.
        Assert.DoesNotContain(await PollAsync(client), m => m.GetProperty("uuid").GetString() == uuid);

        // Someone who is not the phone cannot confirm an SMS that was never handed over, nor guess one.
        var (other, otherMail) = await PendingSmsWithFallbackAsync("Amparo: another one.");
        Assert.Equal("""{"message_uuids":[]}""", await ConfirmAsync(client, other.ToString("D"), Guid.NewGuid().ToString("D")));
        Assert.Equal(OutboxState.Pending, (await RowAsync(other)).State);
        Assert.Equal(OutboxState.Pending, (await RowAsync(otherMail)).State);
        using (var wrong = new StringContent(JsonSerializer.Serialize(new { queued_messages = new[] { uuid } }), Encoding.UTF8, "application/json"))
        using (var response = await client.Http.PostAsync(new Uri(Url("smssync") + "?task=sent&secret=wrong", UriKind.Relative), wrong))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(OutboxState.Pending, (await RowAsync(sms)).State);

        // The phone confirms what it queued: exactly ours is answered, and only now is it sent and its fallback cancelled.
        Assert.Equal($$"""{"message_uuids":["{{uuid}}"]}""", await ConfirmAsync(client, uuid, Guid.NewGuid().ToString("D")));
        Assert.Equal(OutboxState.Sent, (await RowAsync(sms)).State);
        Assert.Equal(OutboxState.Cancelled, (await RowAsync(mail)).State);
        // Asked again (the phone retried): the same answer.
        Assert.Equal($$"""{"message_uuids":["{{uuid}}"]}""", await ConfirmAsync(client, uuid));
    }

    [Fact]
    public async Task SmsSync_AnUnconfirmedSms_IsHandedOverAgainAfterItsLease_ThenFails_AndTheFallbackGoesAtOnce()
    {
        app.Sms.Adapter = "smssync";
        using var client = app.NewClient();
        var (sms, mail) = await PendingSmsWithFallbackAsync("Amparo: nobody confirms this one.");
        var uuid = sms.ToString("D");
        for (var i = 1; i <= SmsSyncPull.MaxHandOvers; i++)
        {
            Assert.Single(await PollAsync(client), m => m.GetProperty("uuid").GetString() == uuid);
            Assert.DoesNotContain(await PollAsync(client), m => m.GetProperty("uuid").GetString() == uuid);
            app.Clock.Advance(SmsSyncPull.Lease + TimeSpan.FromSeconds(1));
        }
        Assert.DoesNotContain(await PollAsync(client), m => m.GetProperty("uuid").GetString() == uuid);
        Assert.Equal(OutboxState.Failed, (await RowAsync(sms)).State);
        var fallback = await RowAsync(mail);
        Assert.Equal(OutboxState.Pending, fallback.State);
        Assert.True(fallback.NextAttemptAt <= app.Clock.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public async Task AKnownPerson_SendingHelp_GetsTheHelpReplyThroughTheOutbox_AndTheTextIsErased()
    {
        app.Sms.Adapter = "courier";
        var phone = "+3460" + Random.Shared.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture);
        var user = await app.CreateUserAsync(TestData.Email("sms"));
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var tracked = await db.Users.SingleAsync(u => u.Id == user.Id);
            await sp.GetRequiredService<AccountService>().SetContactDetailsAsync(tracked, phone, null);
            tracked.VerifiedPhoneLookup = tracked.PhoneLookup;
            await db.SaveChangesAsync();
            return 0;
        });
        using var client = app.NewClient();
        var id = Guid.NewGuid().ToString("N");
        using (var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["from"] = phone, ["text"] = " help ", ["id"] = id }))
        using (var response = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), content))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var row = await WaitProcessedAsync(id);
        Assert.Null(row.PayloadCipher);
        var reply = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var message = await db.Outbox.SingleAsync(m => m.NotificationKey == $"sms-reply:{row.Id:D}");
            return (message, await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, message));
        });
        Assert.Equal(ChannelKind.Sms, reply.message.Channel);
        Assert.Equal(OutboxState.Pending, reply.message.State);
        Assert.Equal(phone, reply.Item2.Address);
        Assert.StartsWith("Amparo: OK or OK PIN = check in.", reply.Item2.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStranger_GetsNoReply()
    {
        app.Sms.Adapter = "courier";
        using var client = app.NewClient();
        var id = Guid.NewGuid().ToString("N");
        using (var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["from"] = "+99912345678", ["text"] = "HELP", ["id"] = id }))
        using (var response = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), content))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await WaitProcessedAsync(id);
        Assert.False(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.NotificationKey == $"sms-reply:{row.Id:D}")));
    }

    [Fact]
    public async Task Housekeeping_DeletesInboundSmsAfter72Hours()
    {
        var old = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            db.InboundSms.Add(new InboundSms { Id = old, Adapter = "courier", ExternalId = "old-" + old, ReceivedAt = app.Clock.GetUtcNow().UtcDateTime.AddHours(-73), ProcessedAt = app.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        app.Clock.Advance(TimeSpan.FromMinutes(11)); // past the worker's clean-up interval
        await app.Services.GetRequiredService<InboundSmsWorker>().RunOnceAsync(default);
        Assert.False(await app.WithDbAsync(db => db.InboundSms.AnyAsync(m => m.Id == old)));
    }

    /// <summary>Gives the responder the right to respond to the owner's alerts: a focal point of the owner's organization (which the owner shares visits and alerts with by default).</summary>
    private Task<bool> FocalPointOfAsync(Guid owner, Guid responder) =>
        app.WithServicesAsync(async sp =>
        {
            var orgs = sp.GetRequiredService<Amparo.Web.Features.Organizations.OrganizationService>();
            var org = await orgs.CreateAsync("Org " + Guid.NewGuid().ToString("N")[..6], Amparo.Web.Features.Organizations.OrganizationKind.CivilSociety, null);
            await orgs.AddMemberAsync(org!.Id, owner, Amparo.Web.Features.Organizations.OrgRole.Member, null);
            await orgs.AddMemberAsync(org.Id, responder, Amparo.Web.Features.Organizations.OrgRole.FocalPoint, null);
            return true;
        });

    private static string NewPhone() => "+3461" + Random.Shared.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture);

    /// <summary>A person with a phone number on their profile; verified (as by the code) unless told otherwise.</summary>
    private async Task<(Guid UserId, string Phone)> PersonWithPhoneAsync(string? pin = null, string? duressPin = null, bool verified = true, string? phone = null)
    {
        phone ??= NewPhone();
        var user = await app.CreateUserAsync(TestData.Email("sms"));
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var tracked = await db.Users.SingleAsync(u => u.Id == user.Id);
            await sp.GetRequiredService<AccountService>().SetContactDetailsAsync(tracked, phone, null);
            if (verified) tracked.VerifiedPhoneLookup = tracked.PhoneLookup;
            await db.SaveChangesAsync();
            if (pin is not null) Assert.Empty(await sp.GetRequiredService<CheckInService>().SetPinsAsync(user.Id, pin, duressPin, CheckInKit.ByPassphrase));
            return 0;
        });
        return (user.Id, phone);
    }

    private Task<Guid> PlanAsync(Guid ownerId) => app.WithServicesAsync(async sp =>
    {
        var (visit, errors) = await sp.GetRequiredService<CheckInService>().PlanAsync(ownerId,
            new VisitPlan("clinic", null, null, null, null, null, app.Clock.GetUtcNow().UtcDateTime.AddHours(1), null, null, null));
        Assert.Empty(errors);
        return visit!.Id;
    });

    /// <summary>Sends an SMS through the courier hook, waits for the worker, returns the reply text (null: none).</summary>
    private async Task<string?> SmsAsync(string from, string text)
    {
        app.Sms.Adapter = "courier";
        using var client = app.NewClient();
        var id = Guid.NewGuid().ToString("N");
        using (var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["from"] = from, ["text"] = text, ["id"] = id }))
        using (var response = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), content))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await WaitProcessedAsync(id);
        return await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var message = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.NotificationKey == $"sms-reply:{row.Id:D}");
            return message is null ? null : (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, message)).Text;
        });
    }

    [Fact]
    public async Task OkWithPin_ChecksInTheVisit_AndADuressPinGetsTheSameReply()
    {
        var (owner, phone) = await PersonWithPhoneAsync("1234", "9876");
        var visit = await PlanAsync(owner);

        Assert.Equal("Amparo: checked in. Thank you.", await SmsAsync(phone, "ok 1234"));
        var checkIn = await app.WithDbAsync(db => db.CheckIns.SingleAsync(c => c.VisitId == visit));
        Assert.Equal("sms", checkIn.Via);

        // A check-in on a visit without periodic check-ins ends it; the next visit gets the duress PIN: same reply.
        var second = await PlanAsync(owner);
        Assert.Equal("Amparo: checked in. Thank you.", await SmsAsync(phone, "OK 9876"));
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.VisitId == second)));

        var third = await PlanAsync(owner);
        Assert.Equal("Amparo: that PIN is not right. Nothing was changed.", await SmsAsync(phone, "OK 5555"));
        Assert.Equal(0, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.VisitId == third)));
    }

    [Fact]
    public async Task OkWithoutAnyVisit_SaysSo_AndNothingIsCheckedIn()
    {
        var (_, phone) = await PersonWithPhoneAsync("1234");
        Assert.Equal("Amparo: you have no open visit.", await SmsAsync(phone, "OK 1234"));
    }

    /// <summary>A panic of <paramref name="owner"/> with <paramref name="responder"/> as a recipient; the recipient's own ACK code.</summary>
    private async Task<(Guid AlertId, Guid RecipientId, string Code)> AlertWithRecipientAsync(Guid owner, Guid? responder = null, Guid? contact = null)
    {
        var alertId = await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>().PanicAsync(owner, "web", null, null, null));
        var recipientId = await app.WithDbAsync(async db =>
        {
            var recipient = new AlertRecipient
            {
                Id = Guid.NewGuid(), AlertId = alertId, Level = 2, UserId = responder, ContactId = contact,
                LinkTokenHash = Guid.NewGuid().ToString("N"), NotifiedAt = app.Clock.GetUtcNow().UtcDateTime,
            };
            db.AlertRecipients.Add(recipient);
            await db.SaveChangesAsync();
            return recipient.Id;
        });
        // A responder must still have the right to respond when they answer (Access.MayRespondAsync).
        if (responder is { } userId) await FocalPointOfAsync(owner, userId);
        var code = await app.WithServicesAsync(sp => sp.GetRequiredService<ReplyCodes>().CodeAsync(ReplyCodes.Ack, recipientId));
        return (alertId, recipientId, code);
    }

    private Task<AlertState> AlertStateAsync(Guid alertId) => app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync());

    private static string Wrong(string code, int n) => ((long.Parse(code, CultureInfo.InvariantCulture) + 1 + n) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AckWithTheRecipientsOwnCode_AcknowledgesTheAlert_AndNoOtherNumberOrCodeDoes()
    {
        var (owner, _) = await PersonWithPhoneAsync("1234");
        var (responder, responderPhone) = await PersonWithPhoneAsync();
        var (otherResponder, otherPhone) = await PersonWithPhoneAsync();
        var (alertId, recipientId, code) = await AlertWithRecipientAsync(owner, responder);
        await AlertWithRecipientAsync(owner, otherResponder);

        // Someone else's verified number with this recipient's code: their own recipient row has another code.
        Assert.Equal($"Amparo: there is no open alert {code} for you.", await SmsAsync(otherPhone, "ACK " + code));
        Assert.Equal(AlertState.Open, await AlertStateAsync(alertId));
        // The old two-digit short code is not a code at all.
        Assert.Equal("Amparo: not understood. Send HELP for the commands.", await SmsAsync(responderPhone, "ACK 42"));

        Assert.Equal($"Amparo: thank you. You are handling alert {code}. The others are told.", await SmsAsync(responderPhone, "ack " + code[..4] + " " + code[4..]));
        var acknowledged = await app.WithDbAsync(db => db.Alerts.SingleAsync(a => a.Id == alertId));
        Assert.Equal(AlertState.Acknowledged, acknowledged.State);
        Assert.Equal(recipientId, acknowledged.AcknowledgedByRecipientId);
    }

    [Fact]
    public async Task SpoofedAck_FromAnUnverifiedNumber_AcknowledgesNothing_AndGetsTheNeutralReply()
    {
        var (owner, _) = await PersonWithPhoneAsync("1234");
        // The responder's number is on their profile but was never confirmed: a spoofer can send from it.
        var (responder, responderPhone) = await PersonWithPhoneAsync(verified: false);
        var (alertId, _, code) = await AlertWithRecipientAsync(owner, responder);

        Assert.Equal("Amparo: nothing was done. Commands are carried out only from a confirmed number.", await SmsAsync(responderPhone, "ACK " + code));
        Assert.Equal(AlertState.Open, await AlertStateAsync(alertId));
    }

    [Fact]
    public async Task EveryAckTry_IsCounted_HitsToo_InTheDatabase_SoARestartedInstanceStillRefuses()
    {
        var (owner, _) = await PersonWithPhoneAsync("1234");
        var (responder, responderPhone) = await PersonWithPhoneAsync();
        var (firstAlert, _, firstCode) = await AlertWithRecipientAsync(owner, responder);
        var (alertId, _, code) = await AlertWithRecipientAsync(owner, responder);

        // A right code counts as a try as well: hits cannot be used to probe for free.
        Assert.Equal($"Amparo: thank you. You are handling alert {firstCode}. The others are told.", await SmsAsync(responderPhone, "ACK " + firstCode));
        Assert.Equal(AlertState.Acknowledged, await AlertStateAsync(firstAlert));
        for (var i = 1; i < ReplyCodes.Limit; i++)
        {
            var guess = Wrong(code, i);
            Assert.Equal($"Amparo: there is no open alert {guess} for you.", await SmsAsync(responderPhone, "ACK " + guess));
        }

        // Another process on the same database (a restart, or a second instance) knows the count.
        await using (var restarted = new SecondSmsApp(app))
        {
            await restarted.InitializeAsync();
            if (app.Clock.GetUtcNow() > restarted.Clock.GetUtcNow()) restarted.Clock.SetUtcNow(app.Clock.GetUtcNow());
            Assert.Equal("Amparo: too many codes from this number today. Use the link in our message.",
                await SmsAsync(restarted, responderPhone, "ACK " + code));
        }
        Assert.Equal(AlertState.Open, await AlertStateAsync(alertId));

        app.Clock.Advance(ReplyCodes.Window);
        Assert.Equal($"Amparo: thank you. You are handling alert {code}. The others are told.", await SmsAsync(responderPhone, "ACK " + code));
        Assert.Equal(AlertState.Acknowledged, await AlertStateAsync(alertId));
    }

    [Fact]
    public async Task AColleaguesNumberOnMyProfile_DoesNotSteerTheirSmsToMe()
    {
        var phone = NewPhone();
        // The intruder puts the victim's number on their own (older) profile first.
        var (intruder, _) = await PersonWithPhoneAsync("1111", phone: phone, verified: false);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var victim = await app.CreateUserAsync(TestData.Email("victim"));
        await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>().SetPinsAsync(victim.Id, "1234", null, CheckInKit.ByPassphrase));
        using var client = app.NewClient();
        await client.SignInAsync(victim.Email!);
        await SaveProfilePhoneAsync(client, phone);
        await VerifyByPageAsync(client, victim.Id);
        var visit = await PlanAsync(victim.Id);
        var intrudersVisit = await PlanAsync(intruder);

        Assert.Equal("Amparo: checked in. Thank you.", await SmsAsync(phone, "OK 1234"));
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.VisitId == visit)));
        Assert.Equal(0, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.VisitId == intrudersVisit)));

        // SOS from the victim's phone raises the victim's alert, never the intruder's.
        Assert.Equal("Amparo: received.", await SmsAsync(phone, "SOS"));
        Assert.True(await app.WithDbAsync(db => db.Alerts.AnyAsync(a => a.OwnerId == victim.Id && a.Kind == AlertKind.Panic)));
        Assert.False(await app.WithDbAsync(db => db.Alerts.AnyAsync(a => a.OwnerId == intruder)));
    }

    [Fact]
    public async Task AnUnverifiedNumbersCheckIn_GetsTheNeutralReply_AndChangesNothing()
    {
        var (owner, phone) = await PersonWithPhoneAsync("1234", verified: false);
        var visit = await PlanAsync(owner);
        var before = await app.WithDbAsync(db => db.Visits.AsNoTracking().SingleAsync(v => v.Id == visit));

        Assert.Equal("Amparo: nothing was done. Commands are carried out only from a confirmed number.", await SmsAsync(phone, "OK 1234"));
        Assert.Equal("Amparo: nothing was done. Commands are carried out only from a confirmed number.", await SmsAsync(phone, "SOS"));
        Assert.Equal(0, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.VisitId == visit)));
        Assert.False(await app.WithDbAsync(db => db.Alerts.AnyAsync(a => a.OwnerId == owner)));
        var after = await app.WithDbAsync(db => db.Visits.AsNoTracking().SingleAsync(v => v.Id == visit));
        Assert.Equal((before.State, before.DueAt, before.Version), (after.State, after.DueAt, after.Version));
    }

    [Fact]
    public async Task AVerifiedNumber_BelongsToOneAccount_AndTheSecondIsToldWithoutNamingTheFirst()
    {
        var phone = NewPhone();
        var first = await app.CreateUserAsync(TestData.Email("first"), name: "Rosa Quintero");
        using (var client = app.NewClient())
        {
            await client.SignInAsync(first.Email!);
            await SaveProfilePhoneAsync(client, phone, "Rosa Quintero");
            var (_, before) = await client.GetAsync("/account");
            Assert.Contains("This number is not confirmed yet.", before, StringComparison.Ordinal);
            var (_, settingsBefore) = await client.GetAsync("/account/check-ins");
            Assert.Contains("Your phone number is not confirmed", settingsBefore, StringComparison.Ordinal);
            await VerifyByPageAsync(client, first.Id);
            var (_, after) = await client.GetAsync("/account");
            Assert.Contains("Your number is confirmed.", after, StringComparison.Ordinal);
            var (_, settingsAfter) = await client.GetAsync("/account/check-ins");
            Assert.DoesNotContain("Your phone number is not confirmed", settingsAfter, StringComparison.Ordinal);
        }

        var second = await app.CreateUserAsync(TestData.Email("second"));
        using var other = app.NewClient();
        await other.SignInAsync(second.Email!);
        // Typing the number in reveals nothing: the profile saves, and a code is sent as for any number.
        await SaveProfilePhoneAsync(other, phone);
        using (var sent = await other.PostFormAsync("/account", new Dictionary<string, string>(), "/account?handler=SendCode"))
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var code = await LastPhoneCodeAsync(second.Id);
        using var taken = await other.PostFormAsync("/account", new Dictionary<string, string> { ["PhoneCode"] = code }, "/account?handler=VerifyPhone");
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        var html = await taken.Content.ReadAsStringAsync();
        Assert.Contains("This number is already confirmed on another account.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Rosa", html, StringComparison.Ordinal);
        Assert.DoesNotContain(first.Email!, html, StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == second.Id).Select(u => u.VerifiedPhoneLookup).SingleAsync()));
    }

    [Fact]
    public async Task AWrongPhoneCode_DoesNotVerify_AndTriesAreLimited()
    {
        var person = await app.CreateUserAsync(TestData.Email("codes"));
        using var client = app.NewClient();
        await client.SignInAsync(person.Email!);
        await SaveProfilePhoneAsync(client, NewPhone());
        using (var sent = await client.PostFormAsync("/account", new Dictionary<string, string>(), "/account?handler=SendCode"))
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var code = await LastPhoneCodeAsync(person.Id);
        for (var i = 0; i < ReplyCodes.Limit; i++)
        {
            using var wrong = await client.PostFormAsync("/account", new Dictionary<string, string> { ["PhoneCode"] = Wrong(code, i) }, "/account?handler=VerifyPhone");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("That code is not right.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var right = await client.PostFormAsync("/account", new Dictionary<string, string> { ["PhoneCode"] = code }, "/account?handler=VerifyPhone");
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Contains("Too many tries today.", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == person.Id).Select(u => u.VerifiedPhoneLookup).SingleAsync()));
    }

    [Fact]
    public async Task AContactsYes_NeedsTheCodeOfThatRelationship_AndVerifiesOnlyIt()
    {
        var phone = NewPhone();
        var (ownerA, _) = await PersonWithPhoneAsync("1234");
        var (ownerB, _) = await PersonWithPhoneAsync("1234");
        var (contactA, contactB) = await app.WithServicesAsync(async sp =>
        {
            var contacts = sp.GetRequiredService<ContactService>();
            var (a, errorsA) = await contacts.AddAsync(ownerA, new ContactInput("Tía Marta", "es", [(ChannelKind.Sms, phone)]));
            var (b, errorsB) = await contacts.AddAsync(ownerB, new ContactInput("Marta", "es", [(ChannelKind.Sms, phone)]));
            Assert.Empty(errorsA);
            Assert.Empty(errorsB);
            return (a!.Value, b!.Value);
        });
        // The SMS invitation carries the code of that relationship.
        var codeA = await app.WithServicesAsync(sp => sp.GetRequiredService<ReplyCodes>().CodeAsync(ReplyCodes.Consent, contactA));
        var invite = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var row = await db.Outbox.SingleAsync(m => m.NotificationKey.StartsWith("consent:" + contactA.ToString("N")) && m.Channel == ChannelKind.Sms);
            return (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, row)).Text;
        });
        Assert.Contains("SI " + codeA, invite, StringComparison.Ordinal);

        // A bare YES (or a spoofed one) agrees to nothing.
        Assert.StartsWith("Amparo: para aceptar, responda SI", await SmsAsync(phone, "SI"), StringComparison.Ordinal);
        Assert.Equal(ConsentState.Pending, await app.WithDbAsync(db => db.TrustedContacts.Where(c => c.Id == contactA).Select(c => c.Consent).SingleAsync()));

        Assert.StartsWith("Amparo: gracias", await SmsAsync(phone, "SI " + codeA), StringComparison.Ordinal);
        var states = await app.WithDbAsync(db => db.TrustedContacts.Where(c => c.Id == contactA || c.Id == contactB)
            .Select(c => new { c.Id, c.Consent, Verified = db.ContactChannels.Any(ch => ch.ContactId == c.Id && ch.VerifiedAt != null) }).ToListAsync());
        Assert.Contains(states, c => c.Id == contactA && c.Consent == ConsentState.Confirmed && c.Verified);
        Assert.Contains(states, c => c.Id == contactB && c.Consent == ConsentState.Pending && !c.Verified);

        // The verified relationship may ACK with its recipient code; the other defender's alert stays open.
        var (alertA, _, ackA) = await AlertWithRecipientAsync(ownerA, contact: contactA);
        var (alertB, _, ackB) = await AlertWithRecipientAsync(ownerB, contact: contactB);
        Assert.StartsWith("Amparo: no tiene ninguna alerta", await SmsAsync(phone, "RECIBIDO " + ackB), StringComparison.Ordinal);
        Assert.Equal(AlertState.Open, await AlertStateAsync(alertB));
        await SmsAsync(phone, "RECIBIDO " + ackA);
        Assert.Equal(AlertState.Acknowledged, await AlertStateAsync(alertA));
    }

    [Fact]
    public async Task TheSameInboundSms_AfterACrashBeforeItWasMarked_IsAppliedOnce()
    {
        var (owner, phone) = await PersonWithPhoneAsync("1234");
        var visit = await PlanAsync(owner);
        var due = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.DueAt).SingleAsync());

        app.FailNextInboundMark = true;
        var id = await SendAsync(app, phone, "EXTEND 30 1234");
        // The worker's first run dies at the mark; the next run finds the SMS again.
        var worker = app.Services.GetRequiredService<InboundSmsWorker>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.WithDbAsync(db => db.InboundSms.AnyAsync(m => m.ExternalId == id && (m.ProcessedAt == null || m.LeaseUntil != null))))
        {
            Assert.True(DateTime.UtcNow < deadline, "the inbound SMS was not processed");
            if (!app.FailNextInboundMark) await worker.RunOnceAsync(default);
            await Task.Delay(50);
        }
        Assert.False(app.FailNextInboundMark);

        Assert.Equal(due.AddMinutes(30), await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.DueAt).SingleAsync()));
        var row = await WaitProcessedAsync(id);
        var reply = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var message = await db.Outbox.SingleAsync(m => m.NotificationKey == $"sms-reply:{row.Id:D}");
            return (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, message)).Text;
        });
        Assert.Equal("Amparo: you have 30 more minutes.", reply);
    }

    private static async Task SaveProfilePhoneAsync(TestClient client, string phone, string name = "Test Person")
    {
        using var response = await client.PostFormAsync("/account", new Dictionary<string, string>
        {
            ["DisplayName"] = name, ["Language"] = "en", ["TimeZone"] = "Europe/Madrid", ["Phone"] = phone, ["Signal"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The code in the last verification SMS queued for <paramref name="userId"/>.</summary>
    private Task<string> LastPhoneCodeAsync(Guid userId) => app.WithServicesAsync(async sp =>
    {
        var db = sp.GetRequiredService<AmparoDbContext>();
        var rows = await db.Outbox.AsNoTracking().Where(m => m.NotificationKey.StartsWith("phone-code:" + userId.ToString("N"))).ToListAsync();
        var text = (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, rows.OrderBy(m => m.CreatedAt).Last())).Text;
        return System.Text.RegularExpressions.Regex.Match(text, "[0-9]{8}").Value;
    });

    /// <summary>Through the pages, as a person without JavaScript: ask for a code, type the one that arrived.</summary>
    private async Task VerifyByPageAsync(TestClient client, Guid userId)
    {
        using (var sent = await client.PostFormAsync("/account", new Dictionary<string, string>(), "/account?handler=SendCode"))
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var code = await LastPhoneCodeAsync(userId);
        using var verified = await client.PostFormAsync("/account", new Dictionary<string, string> { ["PhoneCode"] = code }, "/account?handler=VerifyPhone");
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
    }

    private static async Task<string> SendAsync(SmsApp target, string from, string text)
    {
        target.Sms.Adapter = "courier";
        using var client = target.NewClient();
        var id = Guid.NewGuid().ToString("N");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["from"] = from, ["text"] = text, ["id"] = id });
        using var response = await client.Http.PostAsync(new Uri(Url("courier"), UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    /// <summary>Like <see cref="SmsAsync(string, string)"/>, through another app instance on the same database.</summary>
    private static async Task<string?> SmsAsync(SmsApp target, string from, string text)
    {
        var id = await SendAsync(target, from, text);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        InboundSms? row;
        while ((row = await target.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.ExternalId == id))) is not { ProcessedAt: not null, LeaseUntil: null })
        {
            Assert.True(DateTime.UtcNow < deadline, "the inbound SMS was not processed");
            await Task.Delay(50);
        }
        return await target.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var message = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.NotificationKey == $"sms-reply:{row.Id:D}");
            return message is null ? null : (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, message)).Text;
        });
    }

    private async Task<InboundSms> WaitProcessedAsync(string externalId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var row = await app.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.ExternalId == externalId));
            // Processed and no longer leased: the reply, if any, is queued.
            if (row is { ProcessedAt: not null, LeaseUntil: null }) return row;
            Assert.True(DateTime.UtcNow < deadline, "the inbound SMS was not processed");
            await Task.Delay(50);
        }
    }
}

public sealed class SmsInboundTestsSqlite(SmsSqliteApp app) : SmsInboundTests(app), IClassFixture<SmsSqliteApp>;
public sealed class SmsInboundTestsPostgres(SmsPostgresApp app) : SmsInboundTests(app), IClassFixture<SmsPostgresApp>;
