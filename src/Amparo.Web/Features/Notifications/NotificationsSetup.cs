using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using System.Threading.RateLimiting;
using Amparo.Web.Features.CheckIns;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// Notifications for every module: <see cref="Notifier"/> (queue one in your own transaction), the texts in the
    /// recipient's language (<see cref="MessageTexts"/>), every channel as an <see cref="IChannelSender"/> (the dispatcher
    /// picks by Channel), the outbox dispatcher, the SMS hooks, the SMS keyword registry and the inbound worker.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<WorkSignal>();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<Notifier>();
        // Outgoing texts and inbound SMS are encrypted with keys made at start, never on first use.
        services.AddSystemKey("outbox").AddSystemKey(InboundSmsStore.KeyPurpose);
        services.AddScoped<Infrastructure.IPersonalData, NotificationsPersonalData>();
        services.AddScoped<MessageTexts>();
        services.AddSingleton<SmsKeywords>();
        // Resolved at start, so two features claiming one keyword stop the app there, not at the first SMS.
        services.AddHostedService<SmsKeywordsCheck>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService<NotificationWorkers>();

        services.AddOptions<SmsOptions>().Bind(configuration.GetSection(SmsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmsOptions>, SmsOptionsValidator>();
        services.AddOptions<SignalOptions>().Bind(configuration.GetSection(SignalOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignalOptions>, SignalOptionsValidator>();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));

        // The factory's default handlers log every request's full URL at Information: a contact's webhook URL (its host
        // and path often carry a secret) and a gateway's address would end up in the logs. No client logs its requests;
        // HttpDelivery logs only the channel, the status code and the exception type.
        services.ConfigureHttpClientDefaults(b => b.RemoveAllLoggers());
        // Typed clients: 10-second timeouts, no redirects (a gateway has no reason to send us elsewhere).
        services.AddHttpClient<SmsChannel>(c => c.Timeout = HttpDelivery.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = HttpDelivery.Timeout });
        services.AddHttpClient<SignalChannel>(c => c.Timeout = HttpDelivery.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = HttpDelivery.Timeout });
        services.AddHttpClient<WebhookChannel>(c => c.Timeout = HttpDelivery.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookChannel.CreateHandler(sp.GetRequiredService<IOptions<WebhookOptions>>()));
        services.AddTransient<EmailChannel>();
        services.AddTransient<IChannelSender>(sp => sp.GetRequiredService<EmailChannel>());
        services.AddTransient<IChannelSender>(sp => sp.GetRequiredService<SmsChannel>());
        services.AddTransient<IChannelSender>(sp => sp.GetRequiredService<SignalChannel>());
        services.AddTransient<IChannelSender>(sp => sp.GetRequiredService<WebhookChannel>());

        services.AddScoped<InboundSmsStore>();
        services.AddScoped<InboundSmsProcessor>();
        services.AddScoped<SmsSyncPull>();
        services.AddSingleton<InboundSmsSignal>();
        services.AddScoped<PhoneVerification>();
        // Always runs, also where CheckIns:RunWorkers is false (the tests): stored SMS are acted on at once when they arrive.
        services.AddSingleton<InboundSmsWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundSmsWorker>());

        // Its own limiter, one partition per route key: gateways retry in bursts, and neither they nor other
        // traffic may starve each other.
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(SmsHooks.RateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            "sms:" + ctx.Request.RouteValues["adapter"] + ":" + Infrastructure.Security.Tokens.Hash(ctx.Request.RouteValues["channelKey"]?.ToString() ?? "")[..16],
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 600, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    private sealed class SmsKeywordsCheck(SmsKeywords keywords) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = keywords.Words; // built (and checked) by now: the constructor refuses a keyword claimed twice
            return Task.CompletedTask;
        }
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Starts the outbox dispatcher unless <c>CheckIns:RunWorkers</c> is false (tests run it by hand with RunOnceAsync).</summary>
    private sealed class NotificationWorkers(OutboxDispatcher dispatcher, IOptions<CheckInOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => options.Value.RunWorkers ? dispatcher.StartAsync(cancellationToken) : Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => options.Value.RunWorkers ? dispatcher.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
