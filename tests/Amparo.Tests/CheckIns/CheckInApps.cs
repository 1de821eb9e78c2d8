using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// What the check-in tests add to an app: a duty contact, mail going through a gate the test can close (an outage),
/// a webhook channel that posts to a listener in the test, and a clock that can be set back (a backward jump)
/// on top of the FakeTimeProvider the tests advance.
/// </summary>
public sealed class CheckInExtras : IAsyncDisposable
{
    public const int FallbackAfterSeconds = 60;
    public string DutyEmail { get; } = TestData.Email("duty");
    public SmtpGate Gate { get; }
    public ShiftedClock Clock { get; }

    public CheckInExtras(AppFixture app)
    {
        Gate = new SmtpGate(app.Smtp.Port);
        Clock = new ShiftedClock(app.Clock);
    }

    public void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Smtp:Port", Gate.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("CheckIns:DutyContact:Email", DutyEmail);
        builder.UseSetting("CheckIns:DutyContact:Name", "Duty line");
        builder.UseSetting("CheckIns:FallbackAfterSeconds", FallbackAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IChannelSender, TestWebhookSender>();
        });
    }

    public ValueTask DisposeAsync() => Gate.DisposeAsync();
}

public interface ICheckInApp
{
    CheckInExtras Extras { get; }
}

public sealed class CheckInSqliteApp : AppFixture, ICheckInApp
{
    public CheckInSqliteApp() => Extras = new CheckInExtras(this);
    public CheckInExtras Extras { get; }
    public override string Provider => "Sqlite";
    protected override void ConfigureDatabase(IWebHostBuilder builder) => builder.UseSetting("Database:Provider", "Sqlite");
    protected override void ConfigureMore(IWebHostBuilder builder) => Extras.Configure(builder);
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Extras.DisposeAsync();
    }
}

public sealed class CheckInPostgresApp : AppFixture, ICheckInApp
{
    public CheckInPostgresApp() => Extras = new CheckInExtras(this);
    public CheckInExtras Extras { get; }
    public override string Provider => "Postgres";
    protected override void ConfigureDatabase(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Amparo", PostgresServer.Instance.NewDatabase());
    }
    protected override void ConfigureMore(IWebHostBuilder builder) => Extras.Configure(builder);
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Extras.DisposeAsync();
    }
}

/// <summary>The app's clock: the FakeTimeProvider plus a shift the test may set negative (the system clock jumped back).</summary>
public sealed class ShiftedClock(FakeTimeProvider inner) : TimeProvider
{
    public TimeSpan Shift { get; set; }
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Shift;
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;
    public override long TimestampFrequency => inner.TimestampFrequency;
    public override long GetTimestamp() => inner.GetTimestamp();
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => inner.CreateTimer(callback, state, dueTime, period);
}

/// <summary>A TCP relay in front of the test SMTP server. Closed: connections are reset at once (the mail server is down).</summary>
public sealed class SmtpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public int Port { get; }
    private volatile bool _open = true;
    public bool IsOpen { get => _open; set => _open = value; }
    private int _refused;
    public int Refused => Volatile.Read(ref _refused);

    public SmtpGate(int target)
    {
        _target = target;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            if (!IsOpen)
            {
                Interlocked.Increment(ref _refused);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                using (var upstream = new TcpClient())
                {
                    try
                    {
                        await upstream.ConnectAsync(IPAddress.Loopback, _target);
                        var a = client.GetStream();
                        var b = upstream.GetStream();
                        await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
                    }
                    catch (Exception) { /* a closed connection ends the relay */ }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }
}

/// <summary>The generic JSON webhook channel, as a test double that really posts over HTTP to the address.</summary>
public sealed class TestWebhookSender : IChannelSender
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    public ChannelKind Channel => ChannelKind.Webhook;
    public bool IsConfigured => true;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        try
        {
            using var response = await Http.PostAsJsonAsync(message.Address, new { id = message.IdempotencyKey, text = message.Text }, ct);
            return response.IsSuccessStatusCode ? SendResult.Ok : SendResult.Retry(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Retry(ex.GetType().Name);
        }
    }
}

/// <summary>A local HTTP endpoint that receives webhook posts (under <c>/{path}/</c>; by default <c>/hook/</c>).</summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    public string Url { get; }
    public int Port { get; }
    public System.Collections.Concurrent.ConcurrentQueue<string> Bodies { get; } = new();
    public System.Collections.Concurrent.ConcurrentQueue<WebhookRequest> Requests { get; } = new();

    public WebhookSink(string path = "hook")
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            Url = $"http://127.0.0.1:{Port}/{path}/";
        }
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                string body;
                using (var reader = new StreamReader(context.Request.InputStream))
                    body = await reader.ReadToEndAsync();
                var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
                Requests.Enqueue(new WebhookRequest(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "", headers, body));
                Bodies.Enqueue(body);
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });
    }

    public void Dispose() => _listener.Close();
}

public sealed record WebhookRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
