using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// A gateway faked at the HTTP boundary: a real Kestrel listener on a free port that records every request and
/// answers with the queued status codes (then 200).
/// </summary>
public sealed class SmsFakeGateway : IAsyncDisposable
{
    public sealed record Recorded(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string ContentType, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses = new();
    public ConcurrentQueue<Recorded> Requests { get; } = new();
    public string BaseUrl { get; }
    public TimeSpan Delay { get; set; }

    private SmsFakeGateway(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<SmsFakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        SmsFakeGateway? gateway = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            gateway!.Requests.Enqueue(new Recorded(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                context.Request.ContentType ?? "", body));
            if (gateway.Delay > TimeSpan.Zero) await Task.Delay(gateway.Delay, context.RequestAborted);
            context.Response.StatusCode = gateway._statuses.TryDequeue(out var status) ? status : 200;
            await context.Response.WriteAsync("{}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway = new SmsFakeGateway(app, address.TrimEnd('/'));
        return gateway;
    }

    public void AnswerNext(params int[] statuses)
    {
        foreach (var s in statuses) _statuses.Enqueue(s);
    }

    public Recorded Only() => Assert.Single(Requests);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
