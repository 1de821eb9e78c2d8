using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on a loopback port; messages it receives are kept for assertions, and every Message-ID is
/// counted (the crash tests look for duplicates). <see cref="StopListeningAsync"/> and <see cref="StartListening"/>
/// close and reopen the listener on the same port, for mail outages.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private SmtpServer.SmtpServer? _server;
    private CancellationTokenSource? _stop;
    private Task? _running;
    public int Port { get; }
    public ConcurrentQueue<MimeMessage> Messages { get; } = new();
    /// <summary>Message-ID → how many times it arrived.</summary>
    public ConcurrentDictionary<string, int> MessageIds { get; } = new(StringComparer.Ordinal);
    /// <summary>Benchmarks with many messages keep only the Message-ID counts.</summary>
    public bool KeepMessages { get; init; } = true;
    public int Received => _received;
    private int _received;

    public TestSmtpServer()
    {
        Port = Ports.Free();
        StartListening();
    }

    public void StartListening()
    {
        if (_server is not null) return;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(Port).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _stop = new CancellationTokenSource();
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    /// <summary>Closes the listener: new connections are refused until <see cref="StartListening"/>.</summary>
    public async Task StopListeningAsync()
    {
        if (_server is null) return;
        await _stop!.CancelAsync();
        // The server task ends with the first error of any session when it stops: a client killed mid-message (the
        // crash tests SIGKILL the app while it sends) leaves SmtpServer's pipe reader "already in progress". What
        // arrived is counted by then, and what did not is what the tests assert on.
        try { await _running!; }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException) { }
        _stop.Dispose();
        _server = null;
    }

    public Task<MimeMessage> WaitForMessageToAsync(string address, TimeSpan? timeout = null) => WaitForMessageToAsync(address, null, timeout);

    /// <summary>The first message to <paramref name="address"/> whose text contains <paramref name="containing"/> (any message when null).</summary>
    public async Task<MimeMessage> WaitForMessageToAsync(string address, string? containing, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages.FirstOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))
                && (containing is null || (m.TextBody ?? "").Contains(containing, StringComparison.Ordinal)));
            if (found is not null) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No message to {address}");
    }

    public async ValueTask DisposeAsync() => await StopListeningAsync();


    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            if (message.MessageId is { } id) server.MessageIds.AddOrUpdate(id, 1, (_, n) => n + 1);
            Interlocked.Increment(ref server._received);
            if (server.KeepMessages) server.Messages.Enqueue(message);
            return SmtpResponse.Ok;
        }
    }
}
