using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AuditLog>();
        services.AddScoped<IPersonalData, AuditPersonalData>();
        return services;
    }
}
