using System.Net;
using System.Text.Json;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Security;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// A trusted contact reached only by webhook, through the real webhook channel (signed, SSRF-checked HTTP client) to a
/// listener on this machine: the request to agree arrives signed in the documented format, and no log line names the
/// contact's URL — not its host, not its path.
/// </summary>
public abstract class WebhookContactTests(AppFixture app)
{
    [Fact]
    public async Task WebhookContact_ReceivesTheSignedConsentRequest_AndNoLogLineNamesTheirUrl()
    {
        var pathSecret = "hook-" + Tokens.NewUrlSafe()[..16];
        using var sink = new WebhookSink(pathSecret);
        var owner = await app.PersonAsync("webhookowner");
        using var client = await app.SignedInAsync(owner);

        var added = await client.PostFormAsync("/contacts", new Dictionary<string, string> { ["Name"] = "Hana Hook", ["Language"] = "en", ["Webhook"] = sink.Url }, "/contacts?handler=Add");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        await app.RunWorkersAsync();

        // The documented format: POST JSON {"id","subject","text","sentAt"}, X-Amparo-Timestamp, X-Amparo-Signature.
        var request = Assert.Single(sink.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/{pathSecret}/", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var timestamp = request.Headers[WebhookChannel.TimestampHeader];
        Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeSeconds(), long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
        var secret = await WebhookSecretAsync(owner.Id);
        Assert.Equal("sha256=" + WebhookChannel.Sign(secret, timestamp, request.Body), request.Headers[WebhookChannel.SignatureHeader]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(["id", "subject", "text", "sentAt"], body.RootElement.EnumerateObject().Select(p => p.Name));
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Contains(owner.User.DisplayName, text, StringComparison.Ordinal);

        // The link in it works: the contact agrees.
        var token = CheckInKit.ConsentLink().Match(text).Groups[1].Value;
        Assert.NotEmpty(token);
        Assert.True(await app.WithServicesAsync(sp => sp.GetRequiredService<ContactService>().ConfirmByLinkAsync(token)));

        var logs = LogRecorder.Of(app).Lines.ToList();
        Assert.NotEmpty(logs);
        foreach (var forbidden in new[] { sink.Url, pathSecret, $"127.0.0.1:{sink.Port}" })
            Assert.True(!logs.Any(l => l.Contains(forbidden, StringComparison.OrdinalIgnoreCase)),
                $"a log line names the webhook ({forbidden}):\n" + string.Join("\n", logs.Where(l => l.Contains(forbidden, StringComparison.OrdinalIgnoreCase)).Take(5)));
    }

    private Task<string> WebhookSecretAsync(Guid ownerId) =>
        app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var keyId = await db.Users.Where(u => u.Id == ownerId).Select(u => u.DataKeyId).SingleAsync();
            var contactIds = db.TrustedContacts.Where(c => c.OwnerId == ownerId).Select(c => c.Id);
            var channel = await db.ContactChannels.SingleAsync(c => contactIds.Contains(c.ContactId) && c.Kind == ChannelKind.Webhook);
            return (await sp.GetRequiredService<FieldCipher>().DecryptAsync(db, keyId, channel.SecretCipher, ContactChannel.Table, nameof(ContactChannel.SecretCipher), channel.Id))!;
        });
}

/// <summary>The real webhook channel allowed to reach this machine (the listener is on loopback), every log line recorded.</summary>
public sealed class WebhookSqliteApp : AppFixture
{
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "true");
        LogRecorder.AddTo(builder, new LogRecorder());
    }
}

public sealed class WebhookPostgresApp : AppFixture
{
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "true");
        LogRecorder.AddTo(builder, new LogRecorder());
    }
}

public sealed class WebhookContactTestsSqlite(WebhookSqliteApp app) : WebhookContactTests(app), IClassFixture<WebhookSqliteApp>;
public sealed class WebhookContactTestsPostgres(WebhookPostgresApp app) : WebhookContactTests(app), IClassFixture<WebhookPostgresApp>;
