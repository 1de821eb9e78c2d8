using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Wellbeing;

/// <summary>The well-being module (issue 11): the self-check part. The care and team parts register in their own setups.</summary>
public static class WellbeingSetup
{
    public static IServiceCollection AddWellbeing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<SelfCheckService>();
        services.AddScoped<IPersonalData, WellbeingPersonalData>();
        services.AddDurableWorker<SelfCheckReminderWorker>();
        return services;
    }
}
