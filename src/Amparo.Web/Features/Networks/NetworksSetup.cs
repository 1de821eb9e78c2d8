using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Events;

namespace Amparo.Web.Features.Networks;

public static class NetworksSetup
{
    public static IServiceCollection AddNetworks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<NetworkService>();
        services.AddScoped<NetworkDirectory>();
        services.AddScoped<DirectoryLinks>();
        services.AddScoped<DirectoryHsds>();
        services.AddScoped<Referrals>();
        services.AddSmsKeywords<ReferralSmsHandler>("referrals", ReferralSmsHandler.Words);
        services.AddScoped<IPersonalData, NetworksPersonalData>();
        services.AddScoped<IPersonalData, ReferralsPersonalData>();
        services.AddScoped<HelpSuggestions>();
        services.AddScoped<IPersonalData, HelpSuggestionsPersonalData>();
        // Started from context (issue 16): an alert closed as "needs help", a grant officer's decline that suggested help.
        services.AddScoped<IDurableFactHandler, SuggestHelpAfterAlert>();
        services.AddScoped<IDurableFactHandler, SuggestHelpAfterDecline>();
        return services;
    }
}
