using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Sharing;

public static class SharingSetup
{
    public static IServiceCollection AddSharing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IPersonalData, SharingPersonalData>();
        services.AddScoped<IPersonalData, AccessGrantsPersonalData>();
        return services;
    }
}
