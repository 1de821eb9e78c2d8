using Amparo.Web.Features.Learning.Packs;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Security;

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
        // Offline training packs: the installation's signing key (a system key, wrapped by the master key), the
        // signers it trusts, the import and the uploads kept between its preview and its confirmation.
        services.AddSystemKey(PackKeys.KeyPurpose);
        services.AddOptions<LearningPackOptions>().Bind(configuration.GetSection(LearningPackOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PackKeys>();
        services.AddScoped<PackImporter>();
        services.AddSingleton<PackUploads>();
        return services;
    }
}
