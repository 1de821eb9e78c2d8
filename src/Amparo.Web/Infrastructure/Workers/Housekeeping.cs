using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Workers;

/// <summary>Removes what has stopped mattering: idle sessions, expired tokens, old unused invitations.</summary>
public sealed class Housekeeping(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, IOptions<AmparoOptions> options, ILogger<Housekeeping> logger) : BackgroundService
{
    public const string Name = "housekeeping";
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, Every);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                heartbeats.Beat(Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Housekeeping failed; trying again later");
            }
            try { await Task.Delay(Every, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var idleSince = now.AddMinutes(-options.Value.IdleTimeoutMinutes);
        await db.Sessions.Where(s => s.LastSeenAt < idleSince).ExecuteDeleteAsync(ct);
        await db.ApiTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var oldInvitations = now.AddDays(-30);
        await db.Invitations.Where(i => i.ExpiresAt < oldInvitations).ExecuteDeleteAsync(ct);
    }
}
