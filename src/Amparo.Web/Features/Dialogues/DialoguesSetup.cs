using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;

namespace Amparo.Web.Features.Dialogues;

public static class DialoguesSetup
{
    public static IServiceCollection AddDialogues(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSystemKey(DialoguePseudonyms.KeyPurpose);
        services.AddScoped<DialoguePseudonyms>();
        services.AddScoped<Dialogues>();
        services.AddScoped<DialogueViews>();
        services.AddScoped<DialogueExport>();
        services.AddScoped<IPersonalData, DialoguesPersonalData>();
        services.AddDurableWorker<DialogueDigests>();
        return services;
    }
}
