using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Organizations;

public static class OrganizationsSetup
{
    public static IServiceCollection AddOrganizations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OrganizationService>();
        services.AddSingleton<InvitationLinks>();
        services.AddScoped<IPersonalData, OrganizationsPersonalData>();
        return services;
    }
}
