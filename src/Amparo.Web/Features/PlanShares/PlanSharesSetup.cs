using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.PlanShares;

public static class PlanSharesSetup
{
    public static IServiceCollection AddPlanShares(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<PlanShareService>();
        services.AddScoped<IPersonalData, PlanSharesPersonalData>();
        return services;
    }
}
