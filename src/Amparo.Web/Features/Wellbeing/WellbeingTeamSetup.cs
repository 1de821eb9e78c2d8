using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>The team side of well-being (issue 11): contribution choices, the month-close worker, the team view, the assessment.</summary>
public static class WellbeingTeamSetup
{
    public static IServiceCollection AddWellbeingTeam(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<TeamService>();
        services.AddScoped<AssessmentService>();
        services.AddScoped<IPersonalData, WellbeingTeamPersonalData>();
        services.AddScoped<TeamMonthCloser>();
        services.AddSingleton<TeamCountsCache>();
        services.AddDurableWorker<TeamMonthClose>();
        return services;
    }
}
