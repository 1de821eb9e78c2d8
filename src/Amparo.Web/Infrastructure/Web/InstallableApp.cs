using System.ComponentModel.DataAnnotations;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Infrastructure.Web;

/// <summary>The built-in icons an operator may choose for the installed app. The neutral ones look like a phone's own apps.</summary>
public enum AppIcon { Notes, Calendar, Weather, Amparo }

/// <summary>
/// Section "Amparo:App": how Amparo looks once installed on a home screen. A phone may be seized and searched: an icon
/// called "Amparo" says what its owner does, so the default is a generic name ("Notes", in the phone's language) and a
/// neutral icon. The operator may choose other words or Amparo's own icon where that is safe.
/// </summary>
public sealed class AppOptions
{
    public const string Section = "Amparo:App";

    /// <summary>The installed app's full name. Empty: "Notes" in the language of the phone.</summary>
    [StringLength(45)]
    public string? Name { get; set; }

    /// <summary>The name under the home-screen icon (12 characters at most fit there). Empty: the same as <see cref="Name"/>.</summary>
    [StringLength(12)]
    public string? ShortName { get; set; }

    [EnumDataType(typeof(AppIcon))]
    public AppIcon Icon { get; set; } = AppIcon.Notes;
}

/// <summary>Section "Amparo:Offline": what the offline page offers besides the SMS commands. Each is shown only when set.</summary>
public sealed class OfflineOptions
{
    public const string Section = "Amparo:Offline";
    private const string PhoneNumber = @"^\+?[0-9][0-9 ().-]{0,28}[0-9]$";

    /// <summary>The number Amparo's SMS gateway receives on, written as people should dial it ("+57 300 123 4567").</summary>
    [RegularExpression(PhoneNumber)]
    public string? SmsNumber { get; set; }

    /// <summary>The emergency number that works where the installation's people are ("112", "911", a hotline).</summary>
    [RegularExpression(PhoneNumber)]
    public string? EmergencyNumber { get; set; }

    /// <summary>A number for a tel: or sms: link: the digits and a leading +, nothing else.</summary>
    public static string Dialable(string number) => new(number.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0)).ToArray());
}

/// <summary>
/// The web app manifest (generated from <see cref="AppOptions"/>), /favicon.ico, and the offline page's language. The
/// icons themselves are static files in wwwroot/img/icons (drawn by tools/make_icons.py); the service worker is
/// wwwroot/sw.js. None of these hold personal data: they are answered to anyone.
/// </summary>
public static class InstallableApp
{
    public const string ManifestPath = "/manifest.webmanifest";
    public const string FaviconPath = "/favicon.ico";
    public const string ServiceWorkerPath = "/sw.js";
    public const string OfflinePath = "/offline";

    /// <summary>The colours of wwwroot/css/site.css (--accent, --bg), for the browser's bar and the splash screen.</summary>
    public const string ThemeColor = "#0b5cab";
    public const string BackgroundColor = "#ffffff";

    /// <summary>How long a browser may keep the manifest and favicon: short, so that a changed name or icon arrives soon.</summary>
    public const string ShortCache = "max-age=300";

    public static string FileName(AppIcon icon) => icon switch
    {
        AppIcon.Notes => "notes",
        AppIcon.Calendar => "calendar",
        AppIcon.Weather => "weather",
        AppIcon.Amparo => "amparo",
    };

    public static string IconUrl(AppIcon icon, string suffix) => $"/img/icons/{FileName(icon)}{suffix}";

    public static string NameOf(AppOptions app, IStringLocalizer t) => string.IsNullOrWhiteSpace(app.Name) ? t["App.DefaultName"] : app.Name.Trim();

    public static string ShortNameOf(AppOptions app, IStringLocalizer t) => string.IsNullOrWhiteSpace(app.ShortName) ? NameOf(app, t) : app.ShortName.Trim();

    public static IServiceCollection AddInstallableApp(this IServiceCollection services)
    {
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OfflineOptions>().BindConfiguration(OfflineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapInstallableApp(this IEndpointRouteBuilder app)
    {
        // IResult, not the anonymous type: the request delegate generator cannot name an anonymous type.
        app.MapGet(ManifestPath, IResult (IOptions<AppOptions> options, IStringLocalizer<SharedResource> t, HttpContext context) =>
        {
            var o = options.Value;
            // The default name is in the phone's language (the manifest is fetched without cookies: Accept-Language).
            context.Response.Headers.Vary = "Accept-Language";
            return TypedResults.Json(new
            {
                name = NameOf(o, t),
                short_name = ShortNameOf(o, t),
                start_url = "/",
                scope = "/",
                display = "standalone",
                theme_color = ThemeColor,
                background_color = BackgroundColor,
                icons = new object[]
                {
                    new { src = IconUrl(o.Icon, ".svg"), sizes = "any", type = "image/svg+xml", purpose = "any" },
                    new { src = IconUrl(o.Icon, "-192.png"), sizes = "192x192", type = "image/png", purpose = "any" },
                    new { src = IconUrl(o.Icon, "-512.png"), sizes = "512x512", type = "image/png", purpose = "any" },
                    new { src = IconUrl(o.Icon, "-maskable-512.png"), sizes = "512x512", type = "image/png", purpose = "maskable" },
                },
            }, contentType: "application/manifest+json");
        }).AllowAnonymous();
        // Browsers ask for /favicon.ico on their own: answer with the chosen icon rather than a 404.
        app.MapGet(FaviconPath, (IOptions<AppOptions> options) =>
            TypedResults.VirtualFile(IconUrl(options.Value.Icon, ".ico"), "image/x-icon")).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The offline page in a language the service worker names (<c>/offline?lang=es</c>): the worker fetches it without
    /// cookies, at install, in the language of the page that registered it.
    /// </summary>
    public sealed class OfflinePageCulture : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var lang = httpContext.Request.Query["lang"].ToString();
            return Task.FromResult(httpContext.Request.Path.Equals(OfflinePath, StringComparison.OrdinalIgnoreCase) && Cultures.IsSupported(lang)
                ? new ProviderCultureResult(lang)
                : null);
        }
    }
}
