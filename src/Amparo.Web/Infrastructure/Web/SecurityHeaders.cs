namespace Amparo.Web.Infrastructure.Web;

/// <summary>
/// Headers on every response: a strict CSP (own origin only, no inline script), no framing, no referrer,
/// and no caching of anything personal. Static files may be cached; pages may not.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; " +
        // Named although default-src already says 'self': the installable app's manifest and service worker, and nothing else.
        "manifest-src 'self'; worker-src 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var h = context.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self), interest-cohort=()";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Cross-Origin-Resource-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments("/css") && !context.Request.Path.StartsWithSegments("/js") && !context.Request.Path.StartsWithSegments("/img"))
            {
                var cacheControl = CacheControlFor(context.Request.Path);
                h.CacheControl = cacheControl;
                if (cacheControl == "no-store") h.Pragma = "no-cache";
            }
            return Task.CompletedTask;
        });
        await next(context);
    });

    /// <summary>
    /// Pages and everything else: never stored. The service worker: stored, but checked with the server every time, so
    /// an update reaches people at once. The manifest and favicon: a few minutes (they hold nothing personal).
    /// </summary>
    private static string CacheControlFor(PathString path) =>
        path.Equals(InstallableApp.ServiceWorkerPath, StringComparison.OrdinalIgnoreCase) ? "no-cache"
        : path.Equals(InstallableApp.ManifestPath, StringComparison.OrdinalIgnoreCase) || path.Equals(InstallableApp.FaviconPath, StringComparison.OrdinalIgnoreCase) ? InstallableApp.ShortCache
        : "no-store";
}
