using System.Globalization;
using System.Threading.RateLimiting;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Events;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Security;
using Amparo.Web.Infrastructure.Workers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Web;

public static class WebSetup
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string LanguageCookie = "amparo_lang";
    public const string ApiPolicy = "Api";
    public const string ServerAdminPolicy = "ServerAdmin";
    public const string ApiRateLimit = "api";
    public const int ApiBodyLimit = 64 * 1024;
    /// <summary>The most any one request may carry: an evidence file (10 MB) and its envelope.</summary>
    public const int FileBodyLimit = 11 * 1024 * 1024;

    /// <summary>`--demo` alone means Amparo:Demo=true (the configuration reader needs a value).</summary>
    public static string[] ExpandFlags(string[] args) =>
        args.Select(a => a == "--demo" ? "--Amparo:Demo=true" : a).ToArray();

    public static WebApplicationBuilder AddAmparoWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        if (builder.Environment.IsProduction())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole();
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });

        services.AddAmparoCore(configuration);
        services.AddSingleton<Heartbeats>();
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<Housekeeping>();
        services.AddEventsWorker();

        services.AddSingleton<DatabaseXmlRepository>();
        services.AddDataProtection().SetApplicationName("Amparo");
        services.AddOptions<KeyManagementOptions>().Configure<DatabaseXmlRepository, MasterKey>((o, repository, masterKey) =>
        {
            o.XmlRepository = repository;
            o.XmlEncryptor = new MasterKeyXmlEncryptor(masterKey);
        });

        // The authentication schemes are the Accounts feature's (AccountsSetup); who may reach what is decided here.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(AuthSchemes.Smart).RequireAuthenticatedUser().Build())
            .AddPolicy(ServerAdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(Principals.ServerAdmin, "true"))
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.Bearer).RequireAuthenticatedUser());

        // Arabic and Cyrillic letters written as themselves, not as &#x...; entities: pages several times lighter.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddInstallableApp();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Cultures.Supported.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.RequestCultureProviders =
            [
                new InstallableApp.OfflinePageCulture(),
                new CustomRequestCultureProvider(ctx =>
                {
                    var lang = ctx.User.FindFirst(Principals.Language)?.Value;
                    return Task.FromResult(Cultures.IsSupported(lang) ? new ProviderCultureResult(lang) : null);
                }),
                new CookieRequestCultureProvider { CookieName = LanguageCookie },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });

        services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/");
                o.Conventions.AuthorizeFolder("/Admin", ServerAdminPolicy);
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)))
            .AddMvcOptions(o =>
            {
                o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
                o.Filters.Add(new UnknownHandlerFilter());
            });
        services.AddSingleton<IConfigureOptions<MvcOptions>, LocalizedBindingMessages>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "amparo_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__af";
        });

        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.MaxDepth = 16;
            // A body that says two things at once, or things we do not know, is refused rather than guessed at.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        services.AddOpenApi();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(ApiRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.User.FindFirst(Principals.TokenId)?.Value ?? SignInThrottle.ClientKey(ctx.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 60, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<Heartbeats.Check>("workers");

        var proxies = TrustedProxies.Read(configuration);
        services.AddSingleton(proxies);
        services.AddOptions<ForwardedHeadersOptions>().Configure(proxies.Configure)
            .Validate(_ => proxies.Invalid.Count == 0, proxies.Problem).ValidateOnStart();
        return builder;
    }

    public static WebApplication UseAmparoWeb(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<TrustedProxies>();
        var proxyLog = app.Services.GetRequiredService<ILogger<TrustedProxies>>();
        app.Use((context, next) =>
        {
            proxies.WarnIfUntrusted(context, proxyLog);
            return next(context);
        });
        app.UseForwardedHeaders();
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseSecurityHeaders();
        // TRACE has no use here (Razor Pages would otherwise render a page for it): refuse it outright.
        app.Use((context, next) =>
        {
            if (!HttpMethods.IsTrace(context.Request.Method)) return next(context);
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        });
        app.UseStaticFiles();
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            // API bodies are small; refuse large ones before anything reads them (Kestrel also enforces the limit while
            // streaming). An endpoint that takes a file says how much it takes (its RequestSizeLimit), after routing.
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? ApiBodyLimit;
            if (context.Request.Path.StartsWithSegments("/api") && context.Request.ContentLength > Math.Min(limit, FileBodyLimit))
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.Response.WriteAsJsonAsync(new { title = "The request body is too large.", status = 413 }, context.RequestAborted);
                return;
            }
            await next(context);
        });
        app.UseAuthentication();
        app.UseRequestLocalization();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapRazorPages();
        app.MapInstallableApp();
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = HealthResponse.WriteAsync,
        }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        return app;
    }

    /// <summary>The group every feature's API is mapped under: /api/v1, with the API's small body limit.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").WithMetadata(new RequestSizeLimitAttribute(ApiBodyLimit));
}

public sealed class DatabaseHealthCheck(AmparoDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy("database unreachable");
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0 ? HealthCheckResult.Healthy("migrations current") : HealthCheckResult.Unhealthy($"{pending} migrations pending");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database error");
        }
    }
}

/// <summary>/healthz answers in JSON: overall status and each check's short description. No secrets, no data.</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.ToDictionary(d => d.Key, d => d.Value?.ToString()),
            }),
        });
    }
}

/// <summary>Model-binding messages ("The value 'x' is not valid") in the person's language.</summary>
public sealed class LocalizedBindingMessages(IStringLocalizerFactory factory) : IConfigureOptions<MvcOptions>
{
    public void Configure(MvcOptions options)
    {
        var t = factory.Create(typeof(SharedResource));
        var m = options.ModelBindingMessageProvider;
        m.SetValueMustNotBeNullAccessor(_ => t["Validation.Required"]);
        m.SetMissingBindRequiredValueAccessor(_ => t["Validation.Required"]);
        m.SetMissingKeyOrValueAccessor(() => t["Validation.Required"]);
        m.SetMissingRequestBodyRequiredValueAccessor(() => t["Validation.Required"]);
        m.SetAttemptedValueIsInvalidAccessor((_, _) => t["Validation.Invalid"]);
        m.SetNonPropertyAttemptedValueIsInvalidAccessor(_ => t["Validation.Invalid"]);
        m.SetUnknownValueIsInvalidAccessor(_ => t["Validation.Invalid"]);
        m.SetNonPropertyUnknownValueIsInvalidAccessor(() => t["Validation.Invalid"]);
        m.SetValueIsInvalidAccessor(_ => t["Validation.Invalid"]);
        m.SetValueMustBeANumberAccessor(_ => t["Validation.Number"]);
        m.SetNonPropertyValueMustBeANumberAccessor(() => t["Validation.Number"]);
    }
}
