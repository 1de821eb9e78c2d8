using Amparo.Web.Infrastructure.Workers;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Events;

namespace Amparo.Web.Features.Plans;

public static class PlansSetup
{
    public static IServiceCollection AddPlans(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<PlanService>();
        services.AddScoped<IPersonalData, PlansPersonalData>();
        // Reviews: reminders, the calendar feed, and a review prompted by an alert (through the fact seam, owner side).
        services.AddDurableWorker<PlanReviewReminders>();
        services.AddScoped<PlanCalendar>();
        services.AddScoped<IDurableFactHandler, ReviewAfterAlert>();
        services.AddScoped<IDurableFactHandler, ReviewAfterIncident>();
        services.AddRateLimiter(PlanCalendarEndpoint.AddRateLimit);
        return services;
    }
}
