using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Workers;

/// <summary>Removes what has stopped mattering: idle sessions, expired tokens, old unused invitations.</summary>
public sealed class Housekeeping(IServiceScopeFactory scopes, Heartbeats heartbeats, TimeProvider clock, IOptions<AmparoOptions> options, ILogger<Housekeeping> logger)
    : DurableWorker(scopes, heartbeats, clock, logger)
{
    public const string WorkerName = "housekeeping";
    public override string Name => WorkerName;
    protected override TimeSpan MaxSleep => TimeSpan.FromMinutes(5);
    // A failure (the database away) is looked at again at the next regular round; nothing here is urgent.
    protected override TimeSpan RetryAfterFailure => MaxSleep;

    protected override async Task<DateTime?> RoundAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AmparoDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var idleSince = now.AddMinutes(-options.Value.IdleTimeoutMinutes);
        await db.Sessions.Where(s => s.LastSeenAt < idleSince).ExecuteDeleteAsync(ct);
        await db.ApiTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var oldInvitations = now.AddDays(-30);
        await db.Invitations.Where(i => i.ExpiresAt < oldInvitations).ExecuteDeleteAsync(ct);
        return null;
    }
}
