using Amparo.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Amparo.Web.Features.Organizations;

public static class OrganizationsSetup
{
    public static IServiceCollection AddOrganizations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OrganizationService>();
        services.AddSingleton<InvitationLinks>();
        services.AddScoped<IPersonalData, OrganizationsPersonalData>();
        services.Configure<MvcOptions>(o => o.Filters.Add<TwoFactorRequirement>());
        return services;
    }
}
