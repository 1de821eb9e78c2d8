using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amparo.Tests.CheckIns;

/// <summary>The fact seam on its own: each side hears only its list, and one failing handler does not silence the others.</summary>
public sealed class FactDispatcherTests
{
    private sealed class Failing(Side side) : IFactHandler
    {
        public Side Side => side;
        public Task HandleAsync(Fact fact, CancellationToken ct) => throw new InvalidOperationException("a broken module");
    }

    [Fact]
    public async Task DuressPublication_ReachesOwnerHandlersOnlyWithTheImitatedFacts_AndAFailingHandlerDoesNotStopTheOthers()
    {
        var services = new ServiceCollection();
        services.AddSingleton<FactRecorder>();
        services.AddScoped<IFactHandler>(_ => new Failing(Side.Owner));
        services.AddScoped<IFactHandler, OwnerSideRecorder>();
        services.AddScoped<IFactHandler>(_ => new Failing(Side.Responders));
        services.AddScoped<IFactHandler, ResponderSideRecorder>();
        await using var provider = services.BuildServiceProvider();
        var dispatcher = new FactDispatcher(provider.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, NullLogger<FactDispatcher>.Instance);

        var owner = Guid.NewGuid();
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var checkedIn = new VisitCheckedIn(owner, at, Guid.NewGuid(), Late: false);
        var duress = new AlertRaised(owner, at, Guid.NewGuid(), AlertKind.Duress, checkedIn.VisitId);
        await dispatcher.PublishAsync(new Published([checkedIn], [checkedIn, duress]));

        var recorder = provider.GetRequiredService<FactRecorder>();
        Assert.Equal([checkedIn], recorder.Heard(Side.Owner, owner));
        Assert.Equal([checkedIn, duress], recorder.Heard(Side.Responders, owner));
    }
}
