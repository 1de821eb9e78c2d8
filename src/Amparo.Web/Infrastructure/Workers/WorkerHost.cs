using Amparo.Web.Features.CheckIns;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Workers;

/// <summary>
/// Runs a feature's worker where <c>CheckIns:RunWorkers</c> is true, like the check-in workers; the worker is also a
/// singleton of its own, so that tests (which switch the workers off) call <see cref="DurableWorker.RunOnceAsync"/> by hand.
/// </summary>
public static class WorkerHosting
{
    public static IServiceCollection AddDurableWorker<TWorker>(this IServiceCollection services) where TWorker : DurableWorker
    {
        services.AddSingleton<TWorker>();
        services.AddHostedService<WorkerHost<TWorker>>();
        return services;
    }

    private sealed class WorkerHost<TWorker>(TWorker worker, IOptions<CheckInOptions> options) : IHostedService where TWorker : DurableWorker
    {
        public Task StartAsync(CancellationToken cancellationToken) => options.Value.RunWorkers ? worker.StartAsync(cancellationToken) : Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => options.Value.RunWorkers ? worker.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
