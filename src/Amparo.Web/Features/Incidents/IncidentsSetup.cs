using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Incidents;

/// <summary>Incident reports (issue 12).</summary>
public static class IncidentsSetup
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IncidentsOptions>().Bind(configuration.GetSection(IncidentsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Gazetteer>();
        services.AddScoped<IncidentService>();
        services.AddScoped<IncidentExport>();
        services.AddScoped<IncidentImport>();
        services.AddScoped<ReportLinks>();
        services.AddSingleton<IncidentPointPurge>();
        services.AddHostedService<IncidentPointPurge.Host>();
        services.AddScoped<IPersonalData, IncidentsPersonalData>();
        return services;
    }
}
