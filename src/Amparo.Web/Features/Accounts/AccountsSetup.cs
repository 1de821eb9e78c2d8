using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Features.Accounts;

public static class AccountsSetup
{
    /// <summary>The "My account" pages' services, and the filter that enforces an organization's two-factor requirement.</summary>
    public static IServiceCollection AddAccountPages(this IServiceCollection services)
    {
        services.AddScoped<ProfileService>();
        services.AddScoped<SharingSettings>();
        services.AddScoped<DataExport>();
        services.AddSingleton<ApiTokenUsage>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiTokenUsage>());
        services.Configure<MvcOptions>(o => o.Filters.Add<TwoFactorRequirement>());
        return services;
    }
}
