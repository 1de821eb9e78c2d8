using System.Collections.Concurrent;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Accounts;

/// <summary>
/// "Last used" of API tokens, gathered in memory and written together every half minute. Writing it on the request
/// cost one disk flush per call on SQLite (synchronous=FULL) and capped check-ins at ~100 per second; the time is only
/// shown to the token's owner, so a crash losing half a minute of it costs nothing. A worker like the others
/// (<see cref="DurableWorker"/>); what is still in memory when the host stops is written once more at shutdown.
/// </summary>
public sealed class ApiTokenUsage(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, ILogger<ApiTokenUsage> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    private readonly ConcurrentDictionary<Guid, DateTime> _seen = new();

    public override string Name => "api-token-usage";
    protected override TimeSpan MaxSleep => TimeSpan.FromSeconds(30);
    protected override TimeSpan RetryAfterFailure => MaxSleep;

    public void Touch(Guid tokenId, DateTime at) => _seen[tokenId] = at;

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        await FlushAsync(services.GetRequiredService<AmparoDbContext>(), ct);
        return null;
    }

    /// <summary>The loop has ended (only shutdown ends it): what was gathered since its last round is written now.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_seen.IsEmpty) return; // nothing to write: do not ask a host that may be tearing down for a scope
        try { await RunOnceAsync(CancellationToken.None); }
        catch (Exception ex) { Logger.LogWarning(ex, "Token use times could not be saved at shutdown"); }
    }

    private async Task FlushAsync(AmparoDbContext db, CancellationToken ct)
    {
        if (_seen.IsEmpty) return;
        var batch = _seen.ToArray();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (id, at) in batch)
            await db.ApiTokens.Where(t => t.Id == id && (t.LastUsedAt == null || t.LastUsedAt < at)).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, at), ct);
        await tx.CommitAsync(ct);
        foreach (var (id, at) in batch) _seen.TryRemove(KeyValuePair.Create(id, at));
    }
}
