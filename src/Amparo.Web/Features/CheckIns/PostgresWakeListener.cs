using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Workers;
using Npgsql;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// On PostgreSQL, several instances share the work: a wake-up in one (a new visit, a panic, a queued message) is
/// sent to all with NOTIFY, and each LISTENs, so no instance sleeps through nearer work. Does nothing on SQLite.
/// A round keeps one listening connection open and waits on it for up to <see cref="MaxSleep"/>; the connection
/// outlives the round and is opened again only after it failed (the failed round is retried like any other).
/// </summary>
public sealed class PostgresWakeListener(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, IConfiguration configuration, WorkSignal signal, ILogger<PostgresWakeListener> logger)
    : DurableWorker(scopes, heartbeats, clock, logger), IAsyncDisposable
{
    public const string ChannelName = "amparo_work";
    private int _notifying;
    private NpgsqlConnection? _connection;
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string Name => "wake-listener";
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(1);
    protected override TimeSpan RetryAfterFailure => TimeSpan.FromSeconds(2);

    /// <summary>While listening, rounds follow each other without a sleep: the wait is on the connection, in each round.</summary>
    protected override Task NextWake() => Volatile.Read(ref _listening).Task;

    private string? ConnectionString =>
        configuration.GetSection(DatabaseOptions.Section).GetValue(nameof(DatabaseOptions.Provider), DatabaseProvider.Sqlite) == DatabaseProvider.Postgres
            ? configuration.GetConnectionString("Amparo")
            : null;

    protected override Task StartingAsync(IServiceProvider services, CancellationToken ct)
    {
        if (ConnectionString is { } connectionString) signal.Broadcast = () => Notify(connectionString);
        return Task.CompletedTask;
    }

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        if (ConnectionString is not { } connectionString) return null;
        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(connectionString);
                await _connection.OpenAsync(ct);
                _connection.Notification += (_, e) => signal.WakeLocal(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + ChannelName, _connection)) await listen.ExecuteNonQueryAsync(ct);
                // Anything announced while we were not listening: look now.
                signal.WakeLocal(WorkSignal.Both);
                _listening.TrySetResult();
            }
            // Returns at the first notification or after a while; the round ends then so the heartbeat beats.
            await _connection.WaitAsync(MaxSleep / 2, ct);
            return null;
        }
        catch
        {
            // Broken (or shutting down): dropped, and opened again by the next round.
            await DropConnectionAsync();
            throw;
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            Volatile.Write(ref _listening, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropConnectionAsync();
        Dispose();
    }

    /// <summary>Fire and forget; several wake-ups at once become one NOTIFY. Losing one costs at most a worker's max sleep.</summary>
    private void Notify(string connectionString, string what = WorkSignal.Both)
    {
        if (Interlocked.Exchange(ref _notifying, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT pg_notify(@c, @p)", connection);
                cmd.Parameters.AddWithValue("c", ChannelName);
                cmd.Parameters.AddWithValue("p", what);
                Interlocked.Exchange(ref _notifying, 0);
                await cmd.ExecuteNonQueryAsync();
            }
            catch (Exception ex)
            {
                Interlocked.Exchange(ref _notifying, 0);
                Logger.LogWarning("A wake-up could not be sent to other instances ({Error})", ex.GetType().Name);
            }
        });
    }
}
