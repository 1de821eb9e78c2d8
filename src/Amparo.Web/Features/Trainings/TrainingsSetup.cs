using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Workers;

namespace Amparo.Web.Features.Trainings;

public static class TrainingsSetup
{
    public static IServiceCollection AddTrainings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<TrainingService>();
        services.AddDurableWorker<TrainingFollowUpWorker>();
        services.AddScoped<IPersonalData, TrainingsPersonalData>();
        return services;
    }
}
