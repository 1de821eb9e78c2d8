using System.Collections.Concurrent;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// "Last used" of API tokens, gathered in memory and written together every half minute. Writing it on the request
/// cost one disk flush per call on SQLite (synchronous=FULL) and capped check-ins at ~100 per second; the time is only
/// shown to the token's owner, so a crash losing half a minute of it costs nothing.
/// </summary>
public sealed class ApiTokenUsage(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ApiTokenUsage> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, DateTime> _seen = new();

    public void Touch(Guid tokenId, DateTime at) => _seen[tokenId] = at;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(Every, clock, stoppingToken); }
            catch (OperationCanceledException) { break; }
            try { await FlushAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Token use times could not be saved; trying again later");
            }
        }
        try { await FlushAsync(CancellationToken.None); }
        catch (Exception ex) { logger.LogWarning(ex, "Token use times could not be saved at shutdown"); }
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_seen.IsEmpty) return;
        var batch = _seen.ToArray();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (id, at) in batch)
            await db.ApiTokens.Where(t => t.Id == id && (t.LastUsedAt == null || t.LastUsedAt < at)).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, at), ct);
        await tx.CommitAsync(ct);
        foreach (var (id, at) in batch) _seen.TryRemove(KeyValuePair.Create(id, at));
    }
}
