using Amparo.Web.Features.Setup;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure;

/// <summary>
/// Runs before the server takes requests: applies migrations, creates the keys (StartupKeys), fills the demo when asked, and prints the
/// one-time setup code while no server admin exists.
/// </summary>
public sealed class StartupTasks(IServiceScopeFactory scopes, SetupCode setupCode, IOptions<AmparoOptions> options, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        await DatabaseSetup.MigrateAsync(db, cancellationToken);
        // Keys before anything is served: never created lazily inside a request's unit of work.
        await StartupKeys.EnsureAsync(scope.ServiceProvider, cancellationToken);
        // The Data Protection key ring too (cookies, antiforgery): made now rather than by the first request that needs it.
        scope.ServiceProvider.GetService<IDataProtectionProvider>()?.CreateProtector("amparo:startup").Protect([]);
        if (options.Value.Demo)
        {
            var demo = scope.ServiceProvider.GetRequiredService<Demo>();
            var printed = await demo.FillAsync(cancellationToken);
#pragma warning disable RS0030 // Console: the demo's sign-ins are for whoever started the server, not for the log.
            Console.WriteLine(printed);
#pragma warning restore RS0030
        }
        if (!await SetupCode.AdminExistsAsync(db, cancellationToken))
        {
            var code = setupCode.Issue();
            // Printed to the console only (not the log pipeline): whoever runs the server creates the first admin.
#pragma warning disable RS0030 // Console, as said above.
            Console.WriteLine($"Amparo has no server admin yet. Open /setup and enter this one-time code: {SetupCode.Format(code)}");
#pragma warning restore RS0030
        }
        logger.LogInformation("Amparo is ready");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Start-up was asked to do something it must not (e.g. --demo on a database in use): stop with a clear message.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
