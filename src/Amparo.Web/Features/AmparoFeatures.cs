using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.PlanShares;
using Amparo.Web.Features.Setup;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Features.Trainings;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Infrastructure.Web;

namespace Amparo.Web.Features;

/// <summary>
/// Every feature of Amparo, in one list. Each feature registers its own services (and its personal-data parts)
/// in <c>Add&lt;Feature&gt;()</c> and maps its API in <c>Map&lt;Feature&gt;Api()</c>, both in its own folder; a new
/// feature adds one line to each list here. The web app (Program.cs) and the admin commands compose the same list.
/// </summary>
public static class AmparoFeatures
{
    public static IServiceCollection AddAmparoFeatures(this IServiceCollection services, IConfiguration configuration) => services
        .AddAudit(configuration)
        .AddAccounts(configuration)
        .AddOrganizations(configuration)
        .AddNetworks(configuration)
        .AddDialogues(configuration)
        .AddSharing(configuration)
        .AddSetup(configuration)
        .AddCheckIns(configuration)
        .AddNotifications(configuration)
        .AddPlans(configuration)
        .AddPlanShares(configuration)
        .AddWellbeing(configuration)
        .AddWellbeingCare(configuration)
        .AddWellbeingTeam(configuration)
        .AddIncidents(configuration)
        .AddHotZones(configuration)
        .AddGrants(configuration)
        .AddLearning(configuration)
        .AddTrainings(configuration);

    /// <summary>The features' APIs under /api/v1, and other endpoints a feature answers outside it.</summary>
    public static WebApplication MapAmparoFeatures(this WebApplication app)
    {
        var api = app.MapApiGroup();
        api.MapAccountsApi();
        api.MapCheckInsApi();
        api.MapPlansApi();
        api.MapPlanSharesApi();
        api.MapPlanCalendarApi();
        api.MapWellbeingCheckApi();
        api.MapWellbeingCareApi();
        api.MapWellbeingTeamApi();
        api.MapIncidentsApi();
        api.MapHotZonesApi();
        api.MapGrantsApi();
        api.MapGrantRequestsApi();
        api.MapNetworksApi();
        api.MapDialoguesApi();
        api.MapLearningApi();
        api.MapTrainingsApi();
        app.MapSmsHooks();
        app.MapPlanCalendar();
        app.MapDialogues();
        return app;
    }
}
