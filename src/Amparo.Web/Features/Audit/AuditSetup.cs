using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Security;

namespace Amparo.Web.Features.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AuditLog>();
        services.AddSystemKey(AuditLog.KeyPurpose); // the hash chain's key, made at start
        services.AddScoped<IPersonalData, AuditPersonalData>();
        return services;
    }
}
