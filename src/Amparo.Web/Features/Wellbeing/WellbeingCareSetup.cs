using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Events;

namespace Amparo.Web.Features.Wellbeing;

public static class WellbeingCareSetup
{
    /// <summary>The care plan, buddies, marks and debriefs (issue 11), and the debrief offered after an alert (through the fact seam, owner side).</summary>
    public static IServiceCollection AddWellbeingCare(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<CarePlanService>();
        services.AddScoped<BuddyService>();
        services.AddScoped<MarkService>();
        services.AddScoped<IDurableFactHandler, DebriefAfterAlert>();
        services.AddScoped<IDurableFactHandler, DebriefAfterIncident>();
        services.AddScoped<IPersonalData, WellbeingCarePersonalData>();
        return services;
    }
}
