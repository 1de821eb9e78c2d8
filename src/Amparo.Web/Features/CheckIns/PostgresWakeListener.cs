using Amparo.Web.Infrastructure;
using Npgsql;

namespace Amparo.Web.Features.CheckIns;

/// <summary>
/// On PostgreSQL, several instances share the work: a wake-up in one (a new visit, a panic, a queued message) is
/// sent to all with NOTIFY, and each LISTENs, so no instance sleeps through nearer work. Does nothing on SQLite.
/// </summary>
public sealed class PostgresWakeListener(IConfiguration configuration, WorkSignal signal, TimeProvider clock, ILogger<PostgresWakeListener> logger) : BackgroundService
{
    public const string ChannelName = "amparo_work";
    private int _notifying;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var provider = configuration.GetSection(DatabaseOptions.Section).GetValue(nameof(DatabaseOptions.Provider), DatabaseProvider.Sqlite);
        if (provider != DatabaseProvider.Postgres || configuration.GetConnectionString("Amparo") is not { } connectionString) return;
        signal.Broadcast = () => Notify(connectionString);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => signal.WakeLocal(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + ChannelName, connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                // Anything announced while we were not listening: look now.
                signal.WakeLocal(WorkSignal.Both);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Listening for wake-ups failed ({Error}); trying again", ex.GetType().Name);
                try { await Task.Delay(TimeSpan.FromSeconds(2), clock, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
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
                logger.LogWarning("A wake-up could not be sent to other instances ({Error})", ex.GetType().Name);
            }
        });
    }
}
