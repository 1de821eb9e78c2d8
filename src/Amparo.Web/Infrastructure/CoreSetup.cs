using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Mail;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure;

/// <summary>What both the web app and the admin commands need: options, database, keys, accounts, audit.</summary>
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
        // System keys created at start (StartupKeys), never on first use.
        services.AddSystemKey(AuditLog.KeyPurpose).AddSystemKey("lookup").AddSystemKey(ReplyCodes.KeyPurpose);
        services.AddScoped<ReplyCodes>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IMailSender, SmtpMailSender>();

        services.AddIdentityCore<User>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = "";
                o.Password.RequiredLength = PassphrasePolicy.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddEntityFrameworkStores<AmparoDbContext>()
            .AddPasswordValidator<PassphrasePolicy>();
        services.AddScoped<IPasswordHasher<User>, Argon2PasswordHasher>();
        services.AddScoped<AccountService>();
        services.AddScoped<OrganizationService>();
        services.AddScoped<NetworkService>();
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
