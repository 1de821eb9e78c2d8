using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Amparo.Web.Infrastructure.Events;

public static class EventsSetup
{
    /// <summary>The fact seam: the dispatcher, and the worker that delivers recorded facts to durable handlers.</summary>
    /// <remarks><c>Events:RunWorker=false</c>: this process does not deliver (tests run <see cref="FactWorker"/> by hand; another instance may).</remarks>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.TryAddSingleton<FactDispatcher>();
        services.TryAddSingleton<FactWorker>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IPersonalData, FactsPersonalData>());
        return services;
    }

    /// <summary>Starts the delivering worker; registered by the web app after the start-up tasks (migrations, keys) so it never runs on an unmigrated database.</summary>
    public static IServiceCollection AddEventsWorker(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FactWorkerHost>());
        return services;
    }

    private sealed class FactWorkerHost(FactWorker worker, IConfiguration configuration) : IHostedService
    {
        private bool Runs => configuration.GetValue("Events:RunWorker", true);

        public Task StartAsync(CancellationToken cancellationToken) => Runs ? worker.StartAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Runs ? worker.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
