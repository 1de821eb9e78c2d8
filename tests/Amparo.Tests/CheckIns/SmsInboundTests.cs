using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.CheckIns.Delivery;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Amparo.Tests.CheckIns;

/// <summary>Amparo with an SMS gateway configured (all three adapters' settings; a test picks the adapter).</summary>
public abstract class SmsApp : AppFixture
{
    public const string ChannelKey = "k3yForTheSmsHook0123";
    public const string SigningKey = "android-signing-key";
    public const string SmsSyncSecret = "smssync-secret";

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("Sms:Adapter", "android");
        builder.UseSetting("Sms:ChannelKey", ChannelKey);
        builder.UseSetting("Sms:BaseUrl", "http://127.0.0.1:9");
        builder.UseSetting("Sms:Username", "u");
        builder.UseSetting("Sms:Password", "p");
        builder.UseSetting("Sms:SigningKey", SigningKey);
        builder.UseSetting("Sms:Secret", SmsSyncSecret);
        builder.UseSetting("Sms:SendUrl", "http://127.0.0.1:9/send");
    }

    /// <summary>The options are one object for the app's life: tests switch the adapter on it (tests in a class run one at a time).</summary>
    public SmsOptions Sms => Services.GetRequiredService<IOptions<SmsOptions>>().Value;
}

public sealed class SmsSqliteApp : SmsApp
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
}

public sealed class SmsPostgresApp : SmsApp
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
}

public abstract class SmsInboundTests(SmsApp app)
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

    [Fact]
    public async Task SmsSync_Poll_HandsEachPendingSmsOverOnce_AndConfirmsItsUuids()
    {
        app.Sms.Adapter = "smssync";
        using var client = app.NewClient();
        var key = "test-pull:" + Guid.NewGuid().ToString("N");
        var id = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var row = new OutboxMessage { Id = Guid.NewGuid(), IdempotencyKey = key, NotificationKey = key, Channel = ChannelKind.Sms, State = OutboxState.Pending, NextAttemptAt = now, CreatedAt = now };
            await sp.GetRequiredService<OutboxWriter>().AddAsync(db, row, new OutgoingMessage(key, ChannelKind.Sms, "+34600000005", "Amparo", "Amparo: checked in. Thank you."));
            await db.SaveChangesAsync();
            return row.Id;
        });

        using var first = await client.Http.GetAsync(new Uri(Url("smssync") + "?task=send", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var doc = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var payload = doc.RootElement.GetProperty("payload");
        Assert.Equal("send", payload.GetProperty("task").GetString());
        Assert.Equal(SmsApp.SmsSyncSecret, payload.GetProperty("secret").GetString());
        var message = Assert.Single(payload.GetProperty("messages").EnumerateArray(), m => m.GetProperty("uuid").GetString() == id.ToString("D"));
        Assert.Equal("+34600000005", message.GetProperty("to").GetString());
        Assert.Equal("Amparo: checked in. Thank you.", message.GetProperty("message").GetString());

        var state = await app.WithDbAsync(db => db.Outbox.Where(m => m.Id == id).Select(m => m.State).SingleAsync());
        Assert.Equal(OutboxState.Sent, state);

        using var second = await client.Http.GetAsync(new Uri(Url("smssync") + "?task=send", UriKind.Relative));
        Assert.DoesNotContain(id.ToString("D"), await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var sent = await client.Http.PostAsJsonAsync(new Uri(Url("smssync") + "?task=sent", UriKind.Relative),
            new { queued_messages = new[] { id.ToString("D"), Guid.NewGuid().ToString("D") } });
        Assert.Equal($$"""{"message_uuids":["{{id:D}}"]}""", await sent.Content.ReadAsStringAsync());

        using var wrongKey = await client.Http.GetAsync(new Uri(Url("smssync", "wrongChannelKey00000") + "?task=send", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
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
            var message = await db.Outbox.SingleAsync(m => m.IdempotencyKey == $"sms-reply:{row.Id:D}");
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
        Assert.False(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.IdempotencyKey == $"sms-reply:{row.Id:D}")));
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

    private async Task<(Guid UserId, string Phone)> PersonWithPhoneAsync(string? pin = null, string? duressPin = null)
    {
        var phone = "+3461" + Random.Shared.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture);
        var user = await app.CreateUserAsync(TestData.Email("sms"));
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var tracked = await db.Users.SingleAsync(u => u.Id == user.Id);
            await sp.GetRequiredService<AccountService>().SetContactDetailsAsync(tracked, phone, null);
            await db.SaveChangesAsync();
            if (pin is not null) Assert.Empty(await sp.GetRequiredService<CheckInService>().SetPinsAsync(user.Id, pin, duressPin));
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
            var message = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.IdempotencyKey == $"sms-reply:{row.Id:D}");
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

    [Fact]
    public async Task AckWithTheShortCode_AcknowledgesTheAlert_OnlyForARecipient()
    {
        var (owner, _) = await PersonWithPhoneAsync("1234");
        var (responder, responderPhone) = await PersonWithPhoneAsync();
        var (_, strangerPhone) = await PersonWithPhoneAsync();
        var alertId = await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>().PanicAsync(owner, "web", null, null, null));
        var (code, recipientId) = await app.WithDbAsync(async db =>
        {
            var alert = await db.Alerts.SingleAsync(a => a.Id == alertId);
            var recipient = new AlertRecipient { Id = Guid.NewGuid(), AlertId = alertId, Level = 2, UserId = responder, LinkTokenHash = Guid.NewGuid().ToString("N"), NotifiedAt = app.Clock.GetUtcNow().UtcDateTime };
            db.AlertRecipients.Add(recipient);
            await db.SaveChangesAsync();
            return (alert.ShortCode, recipient.Id);
        });
        await FocalPointOfAsync(owner, responder);
        var codeText = code.ToString(CultureInfo.InvariantCulture);

        Assert.Equal($"Amparo: there is no open alert {codeText} for you.", await SmsAsync(strangerPhone, "ACK " + codeText));
        Assert.NotEqual(AlertState.Acknowledged, await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync()));

        Assert.Equal($"Amparo: thank you. You are handling alert {codeText}. The others are told.", await SmsAsync(responderPhone, "ack " + codeText));
        var acknowledged = await app.WithDbAsync(db => db.Alerts.SingleAsync(a => a.Id == alertId));
        Assert.Equal(AlertState.Acknowledged, acknowledged.State);
        Assert.Equal(recipientId, acknowledged.AcknowledgedByRecipientId);
    }

    [Fact]
    public async Task WrongAckCodes_FromOneNumber_AreLimited_ThenTheRightCodeWaitsADay()
    {
        var (owner, _) = await PersonWithPhoneAsync("1234");
        var (responder, responderPhone) = await PersonWithPhoneAsync();
        var alertId = await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>().PanicAsync(owner, "web", null, null, null));
        var code = await app.WithDbAsync(async db =>
        {
            db.AlertRecipients.Add(new AlertRecipient { Id = Guid.NewGuid(), AlertId = alertId, Level = 2, UserId = responder, LinkTokenHash = Guid.NewGuid().ToString("N"), NotifiedAt = app.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
            return (await db.Alerts.SingleAsync(a => a.Id == alertId)).ShortCode;
        });
        await FocalPointOfAsync(owner, responder);
        var wrong = Enumerable.Range(10, 90).Where(c => c != code).Take(AckGuesses.Limit).ToList();
        foreach (var guess in wrong)
            Assert.Equal($"Amparo: there is no open alert {guess} for you.", await SmsAsync(responderPhone, "ACK " + guess.ToString(CultureInfo.InvariantCulture)));

        // Someone trying every code with this number's name gets no further, even with the right one.
        var codeText = code.ToString(CultureInfo.InvariantCulture);
        Assert.Equal("Amparo: too many wrong alert codes from this number. Use the link in the alert message.", await SmsAsync(responderPhone, "ACK " + codeText));
        Assert.Equal(AlertState.Open, await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync()));

        app.Clock.Advance(AckGuesses.Window);
        Assert.Equal($"Amparo: thank you. You are handling alert {codeText}. The others are told.", await SmsAsync(responderPhone, "ACK " + codeText));
        Assert.Equal(AlertState.Acknowledged, await app.WithDbAsync(db => db.Alerts.Where(a => a.Id == alertId).Select(a => a.State).SingleAsync()));
    }

    private async Task<InboundSms> WaitProcessedAsync(string externalId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var row = await app.WithDbAsync(db => db.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.ExternalId == externalId));
            if (row?.ProcessedAt is not null) return row;
            Assert.True(DateTime.UtcNow < deadline, "the inbound SMS was not processed");
            await Task.Delay(50);
        }
    }
}

public sealed class SmsInboundTestsSqlite(SmsSqliteApp app) : SmsInboundTests(app), IClassFixture<SmsSqliteApp>;
public sealed class SmsInboundTestsPostgres(SmsPostgresApp app) : SmsInboundTests(app), IClassFixture<SmsPostgresApp>;
