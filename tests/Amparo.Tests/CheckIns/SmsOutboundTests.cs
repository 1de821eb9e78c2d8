using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amparo.Web.Features.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Amparo.Tests.CheckIns;

/// <summary>Each channel against a real local HTTP listener: the exact wire format, and how answers map to retry or refusal.</summary>
public sealed class SmsOutboundTests : IAsyncLifetime
{
    private SmsFakeGateway _gateway = null!;
    private static readonly OutgoingMessage Message = new("alert:1:step:2:recipient:3:sms", ChannelKind.Sms, "+34 600 111 222", "Amparo", "Amparo: Ana has not checked in. Open: https://x/r/abc");

    public async ValueTask InitializeAsync() => _gateway = await SmsFakeGateway.StartAsync();
    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    private static SmsChannel Sms(SmsOptions options, TimeSpan? timeout = null) =>
        new(new HttpClient { Timeout = timeout ?? HttpDelivery.Timeout }, Options.Create(options), NullLogger<SmsChannel>.Instance);

    private SmsOptions Android() => new() { Adapter = "android", ChannelKey = "k", BaseUrl = _gateway.BaseUrl + "/", Username = "sms", Password = "p@ss word", SigningKey = "s" };
    private SmsOptions Courier(string contentType = "urlencoded", string method = "POST", string? url = null) =>
        new() { Adapter = "courier", ChannelKey = "k", SendUrl = url ?? _gateway.BaseUrl + "/send", ContentType = contentType, SendMethod = method, From = "+15550001", Authorization = "Token abc" };

    [Fact]
    public async Task Android_PostsTheDocumentedJson_WithBasicAuth_AndAnIdStableAcrossRetries()
    {
        var channel = Sms(Android());
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Message, default)).Status);
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Message, default)).Status);

        var requests = _gateway.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var r = requests[0];
        Assert.Equal("POST", r.Method);
        Assert.Equal("/message", r.PathAndQuery);
        Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sms:p@ss word")), r.Headers["Authorization"]);
        using var json = JsonDocument.Parse(r.Body);
        var root = json.RootElement;
        Assert.Equal(Message.Text, root.GetProperty("textMessage").GetProperty("text").GetString());
        Assert.Equal(["+34600111222"], root.GetProperty("phoneNumbers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(100, root.GetProperty("priority").GetInt32());
        var id = root.GetProperty("id").GetString();
        Assert.Equal(32, id!.Length);
        Assert.Contains(id, requests[1].Body, StringComparison.Ordinal);
        Assert.False(root.TryGetProperty("message", out _)); // not the deprecated field
    }

    [Fact]
    public async Task Android_409ForAnIdAlreadyQueued_CountsAsSent()
    {
        _gateway.AnswerNext(409);
        Assert.Equal(SendStatus.Sent, (await Sms(Android()).SendAsync(Message, default)).Status);
    }

    [Fact]
    public async Task Gateway500_IsRetryLater_ThenSent_And400IsPermanent()
    {
        var channel = Sms(Android());
        _gateway.AnswerNext(500, 503, 429);
        Assert.Equal(SendStatus.RetryLater, (await channel.SendAsync(Message, default)).Status);
        Assert.Equal(SendStatus.RetryLater, (await channel.SendAsync(Message, default)).Status);
        Assert.Equal(SendStatus.RetryLater, (await channel.SendAsync(Message, default)).Status);
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Message, default)).Status);
        _gateway.AnswerNext(400);
        Assert.Equal(SendStatus.Permanent, (await channel.SendAsync(Message, default)).Status);
        _gateway.AnswerNext(401);
        Assert.Equal(SendStatus.Permanent, (await Sms(Courier()).SendAsync(Message, default)).Status);
    }

    [Fact]
    public async Task ConnectionRefused_AndTimeout_AreRetryLater()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var refused = Android();
        refused.BaseUrl = $"http://127.0.0.1:{port}";
        var result = await Sms(refused).SendAsync(Message, default);
        Assert.Equal(SendStatus.RetryLater, result.Status);

        _gateway.Delay = TimeSpan.FromSeconds(5);
        var slow = await Sms(Android(), TimeSpan.FromMilliseconds(300)).SendAsync(Message, default);
        Assert.Equal(SendStatus.RetryLater, slow.Status);
        Assert.Equal("timeout", slow.Error);
    }

    [Fact]
    public async Task Courier_PostsItsFormVariables_LikeCourierDoes()
    {
        Assert.Equal(SendStatus.Sent, (await Sms(Courier()).SendAsync(Message, default)).Status);
        var r = _gateway.Only();
        Assert.Equal("POST", r.Method);
        Assert.Equal("/send", r.PathAndQuery);
        Assert.Equal("application/x-www-form-urlencoded", r.ContentType);
        Assert.Equal("Token abc", r.Headers["Authorization"]);
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(r.Body);
        Assert.Equal(Message.Text, form["text"].ToString());
        Assert.Equal("+34600111222", form["to"].ToString());
        Assert.Equal("34600111222", form["to_no_plus"].ToString());
        Assert.Equal("+15550001", form["from"].ToString());
        Assert.Equal("15550001", form["from_no_plus"].ToString());
        Assert.Equal(HttpDelivery.StableId(Message.IdempotencyKey), form["id"].ToString());
    }

    [Fact]
    public async Task Courier_Json_AndGetWithUrlVariables()
    {
        Assert.Equal(SendStatus.Sent, (await Sms(Courier("json")).SendAsync(Message, default)).Status);
        var json = _gateway.Only();
        Assert.StartsWith("application/json", json.ContentType, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(json.Body))
        {
            Assert.Equal(Message.Text, doc.RootElement.GetProperty("text").GetString());
            Assert.Equal("+34600111222", doc.RootElement.GetProperty("to").GetString());
        }
        _gateway.Requests.Clear();

        var get = Courier(method: "GET", url: _gateway.BaseUrl + "/send?to={{to}}&text={{text}}&id={{id}}");
        Assert.Equal(SendStatus.Sent, (await Sms(get).SendAsync(Message, default)).Status);
        var r = _gateway.Only();
        Assert.Equal("GET", r.Method);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + r.PathAndQuery).Query);
        Assert.Equal("+34600111222", query["to"].ToString());
        Assert.Equal(Message.Text, query["text"].ToString());
    }

    [Fact]
    public async Task SmsSync_IsPull_AndPushesNothing()
    {
        var channel = Sms(new SmsOptions { Adapter = "smssync", ChannelKey = "k", Secret = "s" });
        Assert.True(channel.IsPull);
        Assert.Equal(SendStatus.RetryLater, (await channel.SendAsync(Message, default)).Status);
        Assert.Empty(_gateway.Requests);
        Assert.False(Sms(new SmsOptions()).IsConfigured);
    }

    [Fact]
    public async Task Signal_PostsV2Send_WithNumberAndRecipients()
    {
        var channel = new SignalChannel(new HttpClient(), Options.Create(new SignalOptions { BaseUrl = _gateway.BaseUrl, Number = "+4915100000" }), NullLogger<SignalChannel>.Instance);
        _gateway.AnswerNext(201);
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(Message with { Channel = ChannelKind.Signal }, default)).Status);
        var r = _gateway.Only();
        Assert.Equal("/v2/send", r.PathAndQuery);
        using var doc = JsonDocument.Parse(r.Body);
        Assert.Equal(Message.Text, doc.RootElement.GetProperty("message").GetString());
        Assert.Equal("+4915100000", doc.RootElement.GetProperty("number").GetString());
        Assert.Equal(["+34600111222"], doc.RootElement.GetProperty("recipients").EnumerateArray().Select(e => e.GetString()));
        _gateway.AnswerNext(502);
        Assert.Equal(SendStatus.RetryLater, (await channel.SendAsync(Message, default)).Status);
    }

    private static WebhookChannel Webhook(bool allowPrivate, FakeTimeProvider clock)
    {
        var options = Options.Create(new WebhookOptions { AllowPrivateAddresses = allowPrivate });
#pragma warning disable CA2000 // the HttpClient owns the handler
        return new WebhookChannel(new HttpClient(WebhookChannel.CreateHandler(options)), options, clock, NullLogger<WebhookChannel>.Instance);
#pragma warning restore CA2000
    }

    [Fact]
    public async Task Webhook_IsSignedOverTimestampAndBody_AndTheSignatureVerifies()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var message = new OutgoingMessage("k1", ChannelKind.Webhook, _gateway.BaseUrl + "/hook", "Amparo alert", "Ana has not checked in", Secret: "shared-secret");
        Assert.Equal(SendStatus.Sent, (await Webhook(true, clock).SendAsync(message, default)).Status);
        var r = _gateway.Only();
        Assert.Equal("1772366400", r.Headers["X-Amparo-Timestamp"]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("shared-secret"), Encoding.UTF8.GetBytes("1772366400." + r.Body)));
        Assert.Equal("sha256=" + expected, r.Headers["X-Amparo-Signature"]);
        using var doc = JsonDocument.Parse(r.Body);
        Assert.Equal(Amparo.Web.Infrastructure.Security.Tokens.Hash("k1"), doc.RootElement.GetProperty("id").GetString());
        Assert.Equal("Amparo alert", doc.RootElement.GetProperty("subject").GetString());
        Assert.Equal("Ana has not checked in", doc.RootElement.GetProperty("text").GetString());
        Assert.Equal("2026-03-01T12:00:00Z", doc.RootElement.GetProperty("sentAt").GetString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/hook")]
    [InlineData("http://localhost:{port}/hook")]
    [InlineData("http://[::1]:{port}/hook")]
    [InlineData("http://10.1.2.3:{port}/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")]
    [InlineData("http://[::127.0.0.1]:{port}/hook")]
    [InlineData("http://[::ffff:0:127.0.0.1]:{port}/hook")]
    [InlineData("http://[2002:7f00:1::1]:{port}/hook")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook")]
    [InlineData("ftp://example.org/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public async Task Webhook_RefusesPrivateAddressesAndOtherSchemes_AsPermanent_WithNothingSent(string url)
    {
        var port = new Uri(_gateway.BaseUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new OutgoingMessage("k2", ChannelKind.Webhook, url.Replace("{port}", port, StringComparison.Ordinal), "s", "t", Secret: "x");
        var result = await Webhook(false, new FakeTimeProvider()).SendAsync(message, default);
        Assert.Equal(SendStatus.Permanent, result.Status);
        Assert.Empty(_gateway.Requests);
    }

    [Fact]
    public async Task Webhook_5xxRetries_4xxRefused()
    {
        var message = new OutgoingMessage("k3", ChannelKind.Webhook, _gateway.BaseUrl + "/hook", "s", "t", Secret: "x");
        var channel = Webhook(true, new FakeTimeProvider());
        _gateway.AnswerNext(500, 404);
        Assert.Equal(SendStatus.RetryLater, (await channel.SendAsync(message, default)).Status);
        Assert.Equal(SendStatus.Permanent, (await channel.SendAsync(message, default)).Status);
        Assert.Equal(SendStatus.Sent, (await channel.SendAsync(message, default)).Status);
    }
}
