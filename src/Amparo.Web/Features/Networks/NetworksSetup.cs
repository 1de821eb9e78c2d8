using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Networks;

public static class NetworksSetup
{
    public static IServiceCollection AddNetworks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<NetworkService>();
        services.AddScoped<NetworkDirectory>();
        services.AddScoped<DirectoryHsds>();
        services.AddScoped<Referrals>();
        services.AddSmsKeywords<ReferralSmsHandler>("referrals", ReferralSmsHandler.Words);
        services.AddScoped<IPersonalData, NetworksPersonalData>();
        services.AddScoped<IPersonalData, ReferralsPersonalData>();
        return services;
    }
}
