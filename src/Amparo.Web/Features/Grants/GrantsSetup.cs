using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Geography;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Amparo.Web.Features.Grants;

/// <summary>Grants (issue 14): grantmakers' programs and the staff assigned to them.</summary>
public static class GrantsSetup
{
    public static IServiceCollection AddGrants(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<CountryOutlines>(); // programs' regions are checked against its countries
        services.AddScoped<GrantPrograms>();
        services.AddScoped<GrantRequests>();
        services.AddScoped<GrantReviews>();
        services.AddScoped<GrantPortfolio>();
        services.AddScoped<GrantExport>();
        services.AddSystemKey(GrantExport.KeyPurpose); // the public export's keyed ids
        services.AddScoped<SecurityAssessments>();
        services.AddScoped<GrantRestrictedRecords>();
        services.AddDurableWorker<GrantClockReminders>();
        services.AddDurableWorker<GrantReportReminders>();
        services.AddDurableWorker<GrantPurge>();
        services.AddScoped<IRestoredKeys, GrantPurgeRestored>();
        services.AddSmsKeywords<GrantSmsHandler>("grants", GrantSmsHandler.Words);
        services.AddScoped<IPersonalData, GrantsPersonalData>();
        services.AddScoped<IPersonalData, GrantRequestsPersonalData>();
        services.AddScoped<IPersonalData, GrantDeclarationsPersonalData>();
        services.AddScoped<IPersonalData, GrantBehalfPersonalData>();
        return services;
    }
}
