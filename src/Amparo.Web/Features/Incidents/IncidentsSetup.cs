using Amparo.Web.Infrastructure.Workers;
using System.Threading.RateLimiting;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Incidents;

/// <summary>Incident reports (issue 12).</summary>
public static class IncidentsSetup
{
    /// <summary>Rate limit of the report-link page, per client address (each link also takes at most 20 reports an hour).</summary>
    public const string LinkRateLimit = "incident-report-link";

    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IncidentsOptions>().Bind(configuration.GetSection(IncidentsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Gazetteer>();
        services.AddScoped<IncidentService>();
        services.AddScoped<IncidentExport>();
        services.AddScoped<IncidentImport>();
        services.AddScoped<ReportLinks>();
        services.AddDurableWorker<IncidentPointPurge>();
        services.AddRateLimiter(o => o.AddPolicy(LinkRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            SignInThrottle.ClientKey(ctx.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        services.AddScoped<IPersonalData, IncidentsPersonalData>();
        return services;
    }
}
