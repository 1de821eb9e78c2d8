namespace Amparo.Web.Features.Setup;

/// <summary>Registration of the Setup feature (first server admin, demo data).</summary>
public static class SetupSetup
{
    public static IServiceCollection AddSetup(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SetupCode>();
        services.AddScoped<Demo>();
        return services;
    }
}
