using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Learning;

public static class LearningSetup
{
    public static IServiceCollection AddLearning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LessonLibrary>();
        services.AddScoped<LearningProgressService>();
        services.AddScoped<OrganizationLessons>();
        services.AddScoped<LearningSharing>();
        services.AddScoped<IPersonalData, LearningPersonalData>();
        return services;
    }
}
