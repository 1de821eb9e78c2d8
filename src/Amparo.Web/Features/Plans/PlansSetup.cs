using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Plans;

public static class PlansSetup
{
    public static IServiceCollection AddPlans(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<PlanService>();
        services.AddScoped<IPersonalData, PlansPersonalData>();
        return services;
    }
}
