using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Workers;
using System.Threading.RateLimiting;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Pages.CheckIns;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.CheckIns;

public static class CheckInsSetup
{
    public static IServiceCollection AddCheckIns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CheckInOptions>().Bind(configuration.GetSection(CheckInOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CheckInSecrets>();
        // System keys created at start (StartupKeys), never on first use: PIN hashes, signed links, outbox, inbound SMS.
        services.AddSystemKey("pin").AddSystemKey("links");
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<CommitBatcher>();
        services.AddScoped<Escalation>();
        services.AddScoped<Reminders>();
        services.AddScoped<CheckInService>();
        services.AddScoped<AlertService>();
        services.AddScoped<ContactService>();
        services.AddScoped<IPersonalData, VisitsPersonalData>();
        services.AddScoped<IPersonalData, ContactsPersonalData>();
        services.AddScoped<IPersonalData, AlertsPersonalData>();
        services.AddScoped<IWithheldFromOwner, AlertsPersonalData>();
        services.AddCheckInPages();
        services.AddSingleton<AlertEngine>();
        // Its SMS words, and every text that starts with no keyword (a person's own code words).
        services.AddSmsKeywords<CheckInSmsHandler>("check-ins", SmsCommands.DefaultWords, takesUnmatched: true);
        services.AddHostedService<WorkerHost>();
        services.AddHostedService<PostgresWakeListener>();
        services.AddRateLimiter(o => o.AddPolicy(CheckInsApi.RateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            // Its own budget per token (or per address), apart from the general API limit: a check-in is never starved by other calls.
            ctx.User.FindFirst(Principals.TokenId)?.Value ?? SignInThrottle.ClientKey(ctx.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<CheckInOptions>>().Value.RateLimitPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));
        return services;
    }

    /// <summary>Starts the engine unless the configuration says this process should not run it (the dispatcher: see AddNotifications).</summary>
    private sealed class WorkerHost(AlertEngine engine, IOptions<CheckInOptions> options) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.RunWorkers) return;
            await engine.StartAsync(cancellationToken);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.RunWorkers) return;
            await engine.StopAsync(cancellationToken);
        }
    }
}
