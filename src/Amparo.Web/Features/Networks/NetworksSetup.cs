using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Networks;

public static class NetworksSetup
{
    public static IServiceCollection AddNetworks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<NetworkService>();
        services.AddScoped<NetworkDirectory>();
        services.AddScoped<IPersonalData, NetworksPersonalData>();
        return services;
    }
}
