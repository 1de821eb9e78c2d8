using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Mail;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure;

/// <summary>
/// What both the web app and the admin commands need beneath the features: options, database, clock, keys, mail.
/// The features themselves register in Features/AmparoFeatures.cs.
/// </summary>
public static class CoreSetup
{
    public static IServiceCollection AddAmparoCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AmparoOptions>().Bind(configuration.GetSection(AmparoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        services.AddAmparoDatabase(configuration);
        services.TryAddSingletonTimeProvider();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AmparoOptions>>().Value;
            return MasterKey.Load(options.DataDirectory, Environment.GetEnvironmentVariable(MasterKey.EnvironmentVariable));
        });
        services.AddSingleton<FieldCipher>();
        services.AddSingleton<ShortLivedValues>();
        // System keys created at start (StartupKeys), never on first use.
        services.AddSystemKey("lookup").AddSystemKey(ReplyCodes.KeyPurpose);
        services.AddScoped<ReplyCodes>();
        // Facts between modules: every module (and the admin commands' deletion) publishes through it.
        services.AddEvents();
        services.AddSingleton<IMailSender, SmtpMailSender>();
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
